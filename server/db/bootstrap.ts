// Opens the database, applies migrations and, on an empty schema, generates and loads the Tiantai dataset.
import type { Dataset } from '../../data/generator/dataset.ts';
import { generateDataset } from '../../data/generator/generate.ts';
import { openDatabase, withTransaction, type Database } from './database.ts';
import { recomputeGridStatus } from './grid-status.repo.ts';
import { isDatasetLoaded, loadDataset } from './dataset-loader.ts';
import { migrate } from './migrate.ts';

export interface BootstrapOptions {
  databaseUrl?: string | undefined;
  dataDir: string;
  schema: string;
  seed: number;
  scale: number;
  demoPassword: string;
  /** Reference time for the generated timestamps; default: now, to the minute. */
  epoch?: string;
  /** Use this dataset instead of generating one. */
  dataset?: Dataset;
  log?: (line: string) => void;
}

export interface BootstrapResult {
  db: Database;
  loaded: boolean;
  timings: Record<string, number>;
}

export async function bootstrapDatabase(options: BootstrapOptions): Promise<BootstrapResult> {
  const log = options.log ?? (() => undefined);
  const timings: Record<string, number> = {};
  const time = async <T>(name: string, work: () => Promise<T> | T): Promise<T> => {
    const start = performance.now();
    const result = await work();
    timings[name] = Math.round(performance.now() - start);
    return result;
  };

  const db = await time('open', () => openDatabase(options));
  try {
    const applied = await time('migrate', () => migrate(db.pool));
    if (applied.length) log(`applied migrations: ${applied.map((m) => `${m.version}_${m.name}`).join(', ')}`);
    if (await isDatasetLoaded(db.pool)) {
      // A database loaded before grid_status existed (migration 003) gets its counters built once.
      const { rows } = await db.pool.query<{ missing: boolean }>(
        'SELECT EXISTS (SELECT 1 FROM grids g WHERE NOT EXISTS (SELECT 1 FROM grid_status s WHERE s.grid_id = g.id)) AS missing',
      );
      if (rows[0]?.missing) {
        log('building live grid status counters …');
        await time('status', () => withTransaction(db.pool, (client) => recomputeGridStatus(client)));
      }
      return { db, loaded: false, timings };
    }

    const epoch = options.epoch ?? new Date(Math.floor(Date.now() / 60_000) * 60_000).toISOString();
    log(`generating the Tiantai reference dataset (seed ${options.seed}, scale ${options.scale}) …`);
    const dataset =
      options.dataset ??
      (await time('generate', () => generateDataset({ seed: options.seed, scale: options.scale, epoch })));
    log(
      `loading ${dataset.persons.length.toLocaleString('en')} occupants at ${dataset.addresses.length.toLocaleString('en')} addresses …`,
    );
    let lastLine = '';
    await time('load', () =>
      loadDataset(db.pool, dataset, {
        demoPassword: options.demoPassword,
        onProgress: (step, done, total) => {
          const line = `  ${step} ${Math.floor((100 * done) / total)}%`;
          if (line !== lastLine && (done === total || total > 50_000)) log(line);
          lastLine = line;
        },
      }),
    );
    log(
      `dataset loaded (generate ${((timings.generate ?? 0) / 1000).toFixed(1)} s, load ${((timings.load ?? 0) / 1000).toFixed(1)} s)`,
    );
    return { db, loaded: true, timings };
  } catch (error) {
    await db.close();
    throw error;
  }
}
