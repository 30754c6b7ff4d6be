// Once per integration run: reach the database engine under test (embedded by default, the real server
// when DATABASE_URL is set) and generate the small test dataset every test file loads into its own schema.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { generateDataset } from '../../data/generator/generate.ts';
import { startEmbeddedPostgis, type EmbeddedPostgis } from '../../server/db/embedded/embedded-postgis.ts';
import { testDatasetOptions } from './test-dataset.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string;
    engine: 'embedded' | 'postgres';
    datasetFile: string;
  }
}

async function checkServer(url: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  try {
    await client.connect();
    await client.query('CREATE EXTENSION IF NOT EXISTS postgis');
  } catch (error) {
    throw new Error(
      `DATABASE_URL is set but the PostgreSQL/PostGIS server cannot be used (${(error as Error).message}); ` +
        'run the README test command, which installs and prepares it',
      { cause: error },
    );
  } finally {
    await client.end().catch(() => undefined);
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const serverUrl = process.env.DATABASE_URL;
  let embedded: EmbeddedPostgis | undefined;
  if (serverUrl) {
    await checkServer(serverUrl);
    project.provide('databaseUrl', serverUrl);
    project.provide('engine', 'postgres');
  } else {
    embedded = await startEmbeddedPostgis({});
    project.provide('databaseUrl', `postgres://postgres@127.0.0.1:${embedded.port}/postgres`);
    project.provide('engine', 'embedded');
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'grid-console-test-'));
  const datasetFile = path.join(dir, 'dataset.json');
  fs.writeFileSync(datasetFile, JSON.stringify(generateDataset(testDatasetOptions)));
  project.provide('datasetFile', datasetFile);

  return async () => {
    await embedded?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}
