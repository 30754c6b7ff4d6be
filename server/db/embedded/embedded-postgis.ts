// Starts the embedded PostgreSQL + PostGIS (PGlite) in a child process and hands back its 127.0.0.1 port.
// A child process keeps PGlite's synchronous WASM work off the server's event loop (see NOTES).
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { EmbeddedMessage } from './pglite-process.ts';

export interface EmbeddedPostgis {
  port: number;
  coldStart: boolean;
  startMs: number;
  stop(): Promise<void>;
}

export async function startEmbeddedPostgis(options: { dataDir?: string }): Promise<EmbeddedPostgis> {
  const entry = fileURLToPath(new URL('./pglite-process.ts', import.meta.url));
  const child: ChildProcess = fork(entry, [], {
    execArgv: ['--import', 'tsx'],
    env: { ...process.env, PGLITE_DATA_DIR: options.dataDir ?? '', PGLITE_PORT: '0' },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });

  const ready = await new Promise<Extract<EmbeddedMessage, { type: 'ready' }>>((resolve, reject) => {
    const onExit = (code: number | null): void =>
      reject(new Error(`embedded PostGIS exited during start (code ${code})`));
    child.once('exit', onExit);
    child.on('message', (message: EmbeddedMessage) => {
      child.off('exit', onExit);
      if (message.type === 'ready') resolve(message);
      else reject(new Error(`embedded PostGIS failed to start: ${message.message}`));
    });
  });

  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  };
  return { port: ready.port, coldStart: ready.coldStart, startMs: ready.startMs, stop };
}
