// One data layer, two engines: a real PostgreSQL/PostGIS server (DATABASE_URL) or the embedded one.
// Everything above this module talks `pg` and does not know which engine it has.
import path from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgis } from './embedded/embedded-postgis.ts';

export type Engine = 'embedded' | 'postgres';

export interface Database {
  pool: pg.Pool;
  engine: Engine;
  schema: string;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  schema: string;
  /** Log lines of the start sequence (embedded cold start takes tens of seconds). */
  log?: (line: string) => void;
}

// int8 (count(*), bigserial) as JS numbers: our counts and sequence numbers stay far below 2^53.
pg.types.setTypeParser(20, (value) => Number(value));

export function createPool(connection: pg.PoolConfig, schema: string): pg.Pool {
  const pool = new pg.Pool({
    ...connection,
    // Every connection sees our schema first and PostGIS (installed in public) second.
    onConnect: async (client) => {
      await client.query(`SET search_path TO ${pg.escapeIdentifier(schema)}, public`);
    },
  });
  pool.on('error', () => undefined); // an idle client that dies is replaced on next checkout
  return pool;
}

export async function ensureSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`CREATE SCHEMA IF NOT EXISTS ${pg.escapeIdentifier(schema)}`);
  await pool.query('CREATE EXTENSION IF NOT EXISTS postgis WITH SCHEMA public');
}

export async function openDatabase(options: DatabaseOptions): Promise<Database> {
  const log = options.log ?? (() => undefined);
  if (options.databaseUrl) {
    const pool = createPool({ connectionString: options.databaseUrl, max: 10 }, options.schema);
    await ensureSchema(pool, options.schema);
    return { pool, engine: 'postgres', schema: options.schema, close: () => pool.end() };
  }

  const dataDir = path.join(options.dataDir, 'pglite');
  log(`starting embedded PostgreSQL + PostGIS in ${dataDir} …`);
  const embedded = await startEmbeddedPostgis({ dataDir });
  log(
    `embedded engine ready in ${(embedded.startMs / 1000).toFixed(1)} s${embedded.coldStart ? ' (first start: new database)' : ''}`,
  );
  // The embedded engine multiplexes every connection onto ONE session: a second connection would
  // share (and could deadlock on) the first one's transaction, so the pool holds exactly one.
  const pool = createPool(
    { host: '127.0.0.1', port: embedded.port, user: 'postgres', database: 'postgres', max: 1 },
    options.schema,
  );
  await ensureSchema(pool, options.schema);
  return {
    pool,
    engine: 'embedded',
    schema: options.schema,
    close: async () => {
      await pool.end();
      await embedded.stop();
    },
  };
}

/** Runs `work` in one transaction: committed if it resolves, rolled back if it throws. A connection that
 *  reports a protocol error while checked out (seen on the embedded engine, see README) fails the
 *  transaction and is discarded rather than crashing the process with an unhandled 'error' event. */
export async function withTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: Error | undefined;
  const onError = (error: Error): void => {
    broken = error;
  };
  client.on('error', onError);
  try {
    await client.query('BEGIN');
    const result = await work(client);
    if (broken) throw broken;
    await client.query('COMMIT');
    return result;
  } catch (error) {
    if (!broken) await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    client.off('error', onError);
    client.release(broken);
  }
}
