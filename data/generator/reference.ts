// Reads the reference inputs in data/reference/ (county outline, township and village codes).
// Paths are resolved from this module, so the product never depends on the working directory.
import { readFileSync } from 'node:fs';
import type { Feature, FeatureCollection, Polygon } from 'geojson';

export interface ReferenceTownship {
  code: string;
  name: string;
}

export interface ReferenceVillage {
  code: string;
  name: string;
  townshipCode: string;
}

export interface ReferenceData {
  county: { code: string; name: string; geometry: Polygon };
  townships: ReferenceTownship[];
  villages: ReferenceVillage[];
}

export const referenceFiles = {
  county: new URL('../reference/tiantai-county.wgs84.geojson', import.meta.url),
  townships: new URL('../reference/tiantai-townships.csv', import.meta.url),
  villages: new URL('../reference/tiantai-villages.csv', import.meta.url),
} as const;

/** Plain CSV with a header row and no quoted fields (all reference files are like that). */
function readCsv(url: URL, columns: readonly string[]): Record<string, string>[] {
  const lines = readFileSync(url, 'utf8')
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '');
  const header = (lines.shift() ?? '').split(',');
  for (const column of columns) {
    if (!header.includes(column)) throw new Error(`${url.pathname}: missing column ${column}`);
  }
  return lines.map((line, index) => {
    const cells = line.split(',');
    if (cells.length !== header.length) throw new Error(`${url.pathname}: bad row ${index + 2}`);
    return Object.fromEntries(header.map((name, i) => [name, (cells[i] ?? '').trim()]));
  });
}

function readCounty(): ReferenceData['county'] {
  const collection = JSON.parse(readFileSync(referenceFiles.county, 'utf8')) as FeatureCollection;
  const feature = collection.features[0] as Feature | undefined;
  if (!feature || feature.geometry.type !== 'Polygon') {
    throw new Error('county outline must be one Polygon feature');
  }
  const props = feature.properties ?? {};
  return {
    code: String(props['adcode'] ?? '331023'),
    name: String(props['name'] ?? '天台县'),
    geometry: feature.geometry,
  };
}

let cached: ReferenceData | undefined;

/** The reference data, read once per process. Treat the result as read-only. */
export function readReference(): ReferenceData {
  cached ??= {
    county: readCounty(),
    townships: readCsv(referenceFiles.townships, ['code', 'name']).map((row) => ({
      code: row['code'] as string,
      name: row['name'] as string,
    })),
    villages: readCsv(referenceFiles.villages, ['code', 'name', 'townshipCode']).map((row) => ({
      code: row['code'] as string,
      name: row['name'] as string,
      townshipCode: row['townshipCode'] as string,
    })),
  };
  return cached;
}
