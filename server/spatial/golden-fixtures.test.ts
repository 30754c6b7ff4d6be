// Golden GeoJSON fixtures, one file per edge case (data/fixtures/spatial/*.geojson): grid features
// (properties.role = 'grid') and query points (role = 'query') with the expected answer.
// REGEN=1 npx vitest run --project unit server/spatial/golden-fixtures.test.ts rewrites the expected
// answers from the engine (turf packages/turf-buffer/test.ts style); review the diff before committing.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import type { Feature, FeatureCollection, MultiPolygon, Point, Polygon } from 'geojson';
import { describe, expect, it } from 'vitest';
import { GridIndex } from './grid-index.ts';
import type { Assignment } from './grid-index.ts';
import type { GridInput } from './packed-grids.ts';

const FIXTURES = new URL('../../data/fixtures/spatial/', import.meta.url);
const REGEN = process.env.REGEN === '1';

type Expected = Omit<Assignment, 'revision'>;

interface GridProperties {
  role: 'grid';
  id: number;
  code: string;
  kind: GridInput['kind'];
}
interface QueryProperties {
  role: 'query';
  name: string;
  expected: Expected | null;
}
type Fixture = FeatureCollection<Polygon | MultiPolygon | Point, GridProperties | QueryProperties> & {
  description: string;
};

/** The answer as stored: no revision, distances rounded to the millimetre. */
function stored(answer: Assignment): Expected {
  const { revision: _revision, nearest, ...rest } = answer;
  return nearest
    ? { ...rest, nearest: { ...nearest, distanceMeters: Math.round(nearest.distanceMeters * 1000) / 1000 } }
    : rest;
}

/** JSON with coordinate pairs kept on one line, so fixtures stay readable and diffable. */
function format(fixture: Fixture): string {
  return `${JSON.stringify(fixture, null, 2).replace(/\[\s+(-?[\d.e+-]+),\s+(-?[\d.e+-]+)\s+\]/g, '[$1, $2]')}\n`;
}

const files = readdirSync(FIXTURES)
  .filter((f) => f.endsWith('.geojson'))
  .sort();

describe('golden spatial fixtures', () => {
  it('has one fixture per edge case', () => {
    expect(files).toEqual([
      'in-hole.geojson',
      'in-sliver.geojson',
      'multipolygon-island.geojson',
      'on-edge.geojson',
      'on-vertex.geojson',
      'outside-nearest.geojson',
      'sector-overlap.geojson',
    ]);
  });

  for (const file of files) {
    it(file, () => {
      const url = new URL(file, FIXTURES);
      const fixture = JSON.parse(readFileSync(url, 'utf8')) as Fixture;
      const grids: GridInput[] = [];
      const queries: Feature<Point, QueryProperties>[] = [];
      for (const feature of fixture.features) {
        const p = feature.properties;
        if (p.role === 'grid') {
          grids.push({
            id: p.id,
            code: p.code,
            kind: p.kind,
            geometry: feature.geometry as Polygon | MultiPolygon,
          });
        } else {
          queries.push(feature as Feature<Point, QueryProperties>);
        }
      }
      const index = GridIndex.build(grids, 1);
      expect(queries.length).toBeGreaterThan(0);
      for (const query of queries) {
        const [lon, lat] = query.geometry.coordinates as [number, number];
        const actual = stored(index.query(lon, lat));
        if (REGEN) {
          query.properties.expected = actual;
          continue;
        }
        expect(actual, `${file}: ${query.properties.name}`).toEqual(query.properties.expected);
        // Independent of the golden answer: a territorial answer always touches or contains the point.
        if (actual.territorial) {
          expect(index.territorialIdAt(lon, lat)).toBe(actual.territorial.id);
        }
      }
      if (REGEN) writeFileSync(url, format(fixture));
    });
  }
});
