// Writes a small PMTiles v3 archive for tests: uncompressed directories, one root directory, tiles in
// tile-id order (the layout in the PMTiles v3 specification). Enough for a raster basemap of one
// solid-colour tile per zoom level; real basemaps come from real tooling.
import fs from 'node:fs';
import { PNG } from 'pngjs';
import { zxyToTileId } from 'pmtiles';

export interface FixtureTile {
  z: number;
  x: number;
  y: number;
  data: Uint8Array;
}

const headerLength = 127;

function varint(out: number[], value: number): void {
  let v = value;
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
}

/** A solid-colour PNG tile. */
export function solidPng(rgb: readonly [number, number, number], size = 256): Uint8Array {
  const png = new PNG({ width: size, height: size });
  for (let i = 0; i < size * size; i++) {
    png.data[i * 4] = rgb[0];
    png.data[i * 4 + 1] = rgb[1];
    png.data[i * 4 + 2] = rgb[2];
    png.data[i * 4 + 3] = 255;
  }
  return PNG.sync.write(png);
}

/** Writes a raster (PNG) PMTiles archive covering the world from the given tiles. */
export function writeRasterPmtiles(file: string, tiles: FixtureTile[]): void {
  const entries = tiles
    .map((t) => ({ id: zxyToTileId(t.z, t.x, t.y), data: t.data }))
    .sort((a, b) => a.id - b.id);
  const offsets: number[] = [];
  let tileDataLength = 0;
  for (const e of entries) {
    offsets.push(tileDataLength);
    tileDataLength += e.data.length;
  }
  // Directory: count, tile-id deltas, run lengths, lengths, offsets (+1; 0 = right after the previous).
  const dir: number[] = [];
  varint(dir, entries.length);
  let last = 0;
  for (const e of entries) {
    varint(dir, e.id - last);
    last = e.id;
  }
  for (let i = 0; i < entries.length; i++) varint(dir, 1);
  for (const e of entries) varint(dir, e.data.length);
  for (let i = 0; i < entries.length; i++)
    varint(dir, i > 0 && offsets[i] === offsets[i - 1]! + entries[i - 1]!.data.length ? 0 : offsets[i]! + 1);
  const metadata = Buffer.from(JSON.stringify({ name: 'test basemap', format: 'png' }));
  const zooms = tiles.map((t) => t.z);

  const header = Buffer.alloc(headerLength);
  header.write('PMTiles', 0, 'ascii');
  header.writeUInt8(3, 7);
  const rootOffset = headerLength;
  const metadataOffset = rootOffset + dir.length;
  const tileDataOffset = metadataOffset + metadata.length;
  const u64 = (offset: number, value: number): void => {
    header.writeBigUInt64LE(BigInt(value), offset);
  };
  u64(8, rootOffset);
  u64(16, dir.length);
  u64(24, metadataOffset);
  u64(32, metadata.length);
  u64(40, tileDataOffset + tileDataLength); // no leaf directories
  u64(48, 0);
  u64(56, tileDataOffset);
  u64(64, tileDataLength);
  u64(72, entries.length);
  u64(80, entries.length);
  u64(88, entries.length);
  header.writeUInt8(1, 96); // clustered
  header.writeUInt8(1, 97); // internal compression: none
  header.writeUInt8(1, 98); // tile compression: none
  header.writeUInt8(2, 99); // tile type: png
  header.writeUInt8(Math.min(...zooms), 100);
  header.writeUInt8(Math.max(...zooms), 101);
  header.writeInt32LE(-180e7, 102);
  header.writeInt32LE(-85e7, 106);
  header.writeInt32LE(180e7, 110);
  header.writeInt32LE(85e7, 114);
  header.writeUInt8(0, 118);
  header.writeInt32LE(0, 119);
  header.writeInt32LE(0, 123);
  fs.writeFileSync(
    file,
    Buffer.concat([header, Buffer.from(dir), metadata, ...entries.map((e) => Buffer.from(e.data))]),
  );
}
