// npm run data:generate -- [--seed 20200128] [--scale 1] [--epoch ISO] [--out data/generated/tiantai]
// npm run data:generate -- --grids 60000 [--vertices 100] [--seed 1] [--out file.geojson]
// The first form writes the Tiantai dataset (NDJSON per collection + manifest.json); the second writes a
// synthetic province-size grid layer as one GeoJSON FeatureCollection for benchmarks.
import { createHash } from 'node:crypto';
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { parseArgs } from 'node:util';
import { writeDatasetFiles } from './dataset-files.ts';
import { DEFAULT_EPOCH, DEFAULT_SEED, generateDataset, generateOptionsSchema } from './generate.ts';
import { generateProvinceGrids } from './province.ts';

const usage = `usage:
  npm run data:generate -- [--seed ${DEFAULT_SEED}] [--scale 1] [--epoch ${DEFAULT_EPOCH}] [--out data/generated/tiantai]
  npm run data:generate -- --grids 60000 [--vertices 100] [--seed 1] [--out data/generated/province-60000-v100.geojson]`;

function numberOption(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new Error(`--${name} must be a number, got ${value}`);
  return n;
}

function writeProvince(seed: number, grids: number, vertices: number | undefined, out: string): void {
  const started = performance.now();
  const collection = generateProvinceGrids({ seed, grids, verticesPerRing: vertices });
  const generatedMs = performance.now() - started;
  mkdirSync(dirname(out), { recursive: true });
  const hash = createHash('sha256');
  const fd = openSync(out, 'w');
  try {
    const write = (text: string): void => {
      writeSync(fd, text);
      hash.update(text);
    };
    write('{"type":"FeatureCollection","features":[\n');
    let chunk = '';
    collection.features.forEach((feature, i) => {
      chunk += (i === 0 ? '' : ',\n') + JSON.stringify(feature);
      if (chunk.length > 1 << 20) {
        write(chunk);
        chunk = '';
      }
    });
    write(`${chunk}\n]}\n`);
  } finally {
    closeSync(fd);
  }
  const vertexCount = collection.features.reduce(
    (sum, f) => sum + (f.geometry.coordinates[0]?.length ?? 1) - 1,
    0,
  );
  console.log(`province grids: ${grids} cells, ${(vertexCount / grids).toFixed(1)} vertices per ring`);
  console.log(
    `generated in ${(generatedMs / 1000).toFixed(2)} s, written in ${((performance.now() - started - generatedMs) / 1000).toFixed(2)} s`,
  );
  console.log(`out:    ${out}`);
  console.log(`sha256: ${hash.digest('hex')}`);
}

function writeTiantai(seed: number, scale: number, epoch: string, out: string): void {
  const options = generateOptionsSchema.parse({ seed, scale, epoch });
  const started = performance.now();
  const dataset = generateDataset(options);
  const generatedMs = performance.now() - started;
  const manifest = writeDatasetFiles(dataset, out);
  const writtenMs = performance.now() - started - generatedMs;
  const counts = Object.entries(manifest.counts)
    .map(([name, count]) => `${name} ${count}`)
    .join(', ');
  console.log(`tiantai dataset: seed ${seed}, scale ${scale}, epoch ${epoch}`);
  console.log(`counts: ${counts}`);
  console.log(
    `generated in ${(generatedMs / 1000).toFixed(2)} s, written in ${(writtenMs / 1000).toFixed(2)} s`,
  );
  console.log(`out:    ${out}`);
  console.log(`sha256: ${manifest.sha256}`);
}

function main(): void {
  const { values } = parseArgs({
    options: {
      seed: { type: 'string' },
      scale: { type: 'string' },
      epoch: { type: 'string' },
      out: { type: 'string' },
      grids: { type: 'string' },
      vertices: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  if (values.grids !== undefined) {
    const grids = numberOption(values.grids, 'grids', 0);
    const vertices = values.vertices === undefined ? undefined : numberOption(values.vertices, 'vertices', 0);
    const seed = numberOption(values.seed, 'seed', 1);
    const out = values.out ?? `data/generated/province-${grids}${vertices ? `-v${vertices}` : ''}.geojson`;
    writeProvince(seed, grids, vertices, out);
    return;
  }
  writeTiantai(
    numberOption(values.seed, 'seed', DEFAULT_SEED),
    numberOption(values.scale, 'scale', 1),
    values.epoch ?? DEFAULT_EPOCH,
    values.out ?? 'data/generated/tiantai',
  );
}

try {
  main();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  console.error(usage);
  process.exitCode = 1;
}
