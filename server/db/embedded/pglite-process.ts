// Child process that hosts the embedded PostgreSQL + PostGIS (PGlite) behind a TCP socket on 127.0.0.1.
// PGlite runs queries on the calling thread, so it lives here and the server talks `pg` to it.
import { PGlite } from '@electric-sql/pglite';
import { postgis } from '@electric-sql/pglite-postgis';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import fs from 'node:fs';

export type EmbeddedMessage =
  { type: 'ready'; port: number; coldStart: boolean; startMs: number } | { type: 'error'; message: string };

const send = (message: EmbeddedMessage): void => {
  if (process.send) process.send(message);
  else console.log(JSON.stringify(message));
};

async function main(): Promise<void> {
  const started = performance.now();
  const dataDir = process.env.PGLITE_DATA_DIR || undefined;
  const port = Number(process.env.PGLITE_PORT ?? '0');
  const coldStart = !dataDir || !fs.existsSync(`${dataDir}/PG_VERSION`);
  if (dataDir) fs.mkdirSync(dataDir, { recursive: true });
  const db = dataDir
    ? new PGlite(dataDir, { extensions: { postgis } })
    : new PGlite({ extensions: { postgis } });
  await db.waitReady;
  await db.exec('CREATE EXTENSION IF NOT EXISTS postgis');
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port, maxConnections: 16 });
  await server.start();
  const address = server.getServerConn();
  const boundPort = Number(String(address).split(':').pop());
  send({ type: 'ready', port: boundPort, coldStart, startMs: Math.round(performance.now() - started) });

  const shutdown = async (): Promise<void> => {
    await server.stop();
    await db.close();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown());
  process.on('SIGINT', () => void shutdown());
  process.on('disconnect', () => void shutdown());
}

main().catch((error: unknown) => {
  send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
  process.exit(1);
});
