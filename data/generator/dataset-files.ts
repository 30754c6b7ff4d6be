// The on-disk form of a dataset: one NDJSON file per collection plus manifest.json (options, counts,
// per-file and overall sha256). Serialisation is deterministic, so equal datasets hash equal.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { Dataset, GenerateOptions } from './dataset.ts';

export const collectionNames = [
  'county',
  'townships',
  'villages',
  'territorialGrids',
  'sectorGrids',
  'gridWorkers',
  'addresses',
  'persons',
  'checkpoints',
  'isolationSites',
] as const;
export type CollectionName = (typeof collectionNames)[number];

export interface DatasetManifest {
  format: 'grid-console-dataset';
  version: 1;
  /** The polygons, people and addresses are synthetic; only names and codes are real. */
  synthetic: true;
  options: GenerateOptions;
  counts: Record<CollectionName, number>;
  files: Record<CollectionName, { file: string; sha256: string }>;
  /** sha256 over all files' bytes in `collectionNames` order. */
  sha256: string;
}

export const MANIFEST_FILE = 'manifest.json';

function fileName(collection: CollectionName): string {
  return `${collection.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}.ndjson`;
}

function records(dataset: Dataset, collection: CollectionName): readonly unknown[] {
  return collection === 'county' ? [dataset.county] : dataset[collection];
}

/** Calls `write` with each collection's NDJSON text in chunks, in a fixed order. */
function serialise(dataset: Dataset, write: (collection: CollectionName, chunk: string) => void): void {
  for (const collection of collectionNames) {
    let chunk = '';
    for (const record of records(dataset, collection)) {
      chunk += `${JSON.stringify(record)}\n`;
      if (chunk.length > 1 << 20) {
        write(collection, chunk);
        chunk = '';
      }
    }
    if (chunk) write(collection, chunk);
  }
}

/** The sha256 the manifest would record, without writing anything. */
export function datasetSha256(dataset: Dataset): string {
  const hash = createHash('sha256');
  serialise(dataset, (_, chunk) => hash.update(chunk));
  return hash.digest('hex');
}

export function writeDatasetFiles(dataset: Dataset, directory: string): DatasetManifest {
  mkdirSync(directory, { recursive: true });
  const overall = createHash('sha256');
  const hashes = new Map<CollectionName, ReturnType<typeof createHash>>();
  const descriptors = new Map<CollectionName, number>();
  try {
    for (const collection of collectionNames) {
      descriptors.set(collection, openSync(join(directory, fileName(collection)), 'w'));
      hashes.set(collection, createHash('sha256'));
    }
    serialise(dataset, (collection, chunk) => {
      writeSync(descriptors.get(collection) as number, chunk);
      hashes.get(collection)?.update(chunk);
      overall.update(chunk);
    });
  } finally {
    for (const fd of descriptors.values()) closeSync(fd);
  }
  const manifest: DatasetManifest = {
    format: 'grid-console-dataset',
    version: 1,
    synthetic: true,
    options: dataset.options,
    counts: Object.fromEntries(collectionNames.map((c) => [c, records(dataset, c).length])) as Record<
      CollectionName,
      number
    >,
    files: Object.fromEntries(
      collectionNames.map((c) => [c, { file: fileName(c), sha256: hashes.get(c)?.digest('hex') ?? '' }]),
    ) as DatasetManifest['files'],
    sha256: overall.digest('hex'),
  };
  const fd = openSync(join(directory, MANIFEST_FILE), 'w');
  try {
    writeSync(fd, `${JSON.stringify(manifest, null, 2)}\n`);
  } finally {
    closeSync(fd);
  }
  return manifest;
}

export function readDatasetManifest(directory: string): DatasetManifest {
  return JSON.parse(readFileSync(join(directory, MANIFEST_FILE), 'utf8')) as DatasetManifest;
}

/** Reads a dataset written by writeDatasetFiles (records are trusted as written by the generator). */
export function readDatasetFiles(directory: string): Dataset {
  const manifest = readDatasetManifest(directory);
  const read = (collection: CollectionName): unknown[] =>
    readFileSync(join(directory, manifest.files[collection].file), 'utf8')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as unknown);
  const [county] = read('county') as [Dataset['county']];
  return {
    options: manifest.options,
    county,
    townships: read('townships') as Dataset['townships'],
    villages: read('villages') as Dataset['villages'],
    territorialGrids: read('territorialGrids') as Dataset['territorialGrids'],
    sectorGrids: read('sectorGrids') as Dataset['sectorGrids'],
    gridWorkers: read('gridWorkers') as Dataset['gridWorkers'],
    addresses: read('addresses') as Dataset['addresses'],
    persons: read('persons') as Dataset['persons'],
    checkpoints: read('checkpoints') as Dataset['checkpoints'],
    isolationSites: read('isolationSites') as Dataset['isolationSites'],
  };
}
