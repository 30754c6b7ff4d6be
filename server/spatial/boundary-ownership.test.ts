// Every point on a territorial boundary (edge midpoints, vertices, points along shared edges, vertices
// where 3 or 4 grids meet) gets exactly one territorial grid, one that touches it, and the one the
// documented rule names. turf alone gives 2-4 grids for such points.
import type { Position } from 'geojson';
import { describe, expect, it } from 'vitest';
import { GridIndex } from './grid-index.ts';
import type { GridInput } from './packed-grids.ts';
import { ReferenceAssigner } from './testing/reference-assigner.ts';
import { latticePartition, voronoiPartition } from './testing/synthetic-partition.ts';
import type { BBox } from './testing/synthetic-partition.ts';

const BOX: BBox = [120.75, 29.0, 121.35, 29.4];

function ringsOf(grid: GridInput): Position[][] {
  return grid.geometry.type === 'Polygon' ? grid.geometry.coordinates : grid.geometry.coordinates.flat();
}

/** Vertices, midpoints and interpolated points of every edge; and how many grids share each vertex. */
function boundaryPoints(grids: GridInput[]): {
  points: [number, number][];
  vertexGrids: Map<string, Set<number>>;
} {
  const points: [number, number][] = [];
  const vertexGrids = new Map<string, Set<number>>();
  for (const grid of grids) {
    for (const ring of ringsOf(grid)) {
      for (let k = 0; k + 1 < ring.length; k++) {
        const [ax, ay] = ring[k] as [number, number];
        const [bx, by] = ring[k + 1] as [number, number];
        const key = `${ax},${ay}`;
        if (!vertexGrids.has(key)) vertexGrids.set(key, new Set());
        vertexGrids.get(key)!.add(grid.id);
        points.push([ax, ay], [(ax + bx) / 2, (ay + by) / 2]);
        for (const t of [0.1, 0.37, 0.73]) points.push([ax + t * (bx - ax), ay + t * (by - ay)]);
      }
    }
  }
  return { points, vertexGrids };
}

function checkPartition(grids: GridInput[]): { touchedByTwoOrMore: number; junctions: number[] } {
  const index = GridIndex.build(grids, 1);
  const reference = new ReferenceAssigner(grids);
  const { points, vertexGrids } = boundaryPoints(grids);
  const xs = Float64Array.from(points, (p) => p[0]);
  const ys = Float64Array.from(points, (p) => p[1]);
  const ids = index.assignPoints(xs, ys);
  let touchedByTwoOrMore = 0;
  for (let i = 0; i < points.length; i++) {
    const [x, y] = points[i]!;
    const touching = reference.turfContaining(x, y);
    const halfOpen = reference.halfOpenOwners(x, y);
    expect(halfOpen.length).toBeLessThanOrEqual(1); // never two owners by the rule itself
    if (touching.length === 0) {
      // An interpolated point that rounded off the outer border (or into an empty hole).
      expect(ids[i]).toBe(-1);
      continue;
    }
    if (touching.length >= 2) touchedByTwoOrMore++;
    expect(touching).toContain(ids[i]);
    expect(ids[i]).toBe(reference.expectedTerritorialId(x, y));
    expect(index.territorialIdAt(x, y)).toBe(ids[i]);
  }
  // Junctions: vertices shared by 3+ grids; each gets one of them.
  const junctions = [0, 0, 0, 0, 0, 0];
  for (const [key, owners] of vertexGrids) {
    const [x, y] = key.split(',').map(Number) as [number, number];
    junctions[Math.min(owners.size, 5)]!++;
    if (owners.size >= 3) expect([...owners]).toContain(index.territorialIdAt(x, y));
  }
  return { touchedByTwoOrMore, junctions };
}

describe('boundary points belong to exactly one territorial grid', () => {
  it('Voronoi partition: 3 grids per interior vertex', () => {
    const { touchedByTwoOrMore, junctions } = checkPartition(
      voronoiPartition({ seed: 31, cells: 400, bbox: BOX }),
    );
    expect(touchedByTwoOrMore).toBeGreaterThan(2000);
    expect(junctions[3]).toBeGreaterThan(500);
  });

  it('Voronoi partition with ~100-vertex rings', () => {
    const { touchedByTwoOrMore } = checkPartition(
      voronoiPartition({ seed: 32, cells: 60, bbox: BOX, verticesPerRing: 100 }),
    );
    expect(touchedByTwoOrMore).toBeGreaterThan(2000);
  });

  it('lattice: 4 grids per vertex, holes with enclaves, empty holes, multipolygon islands', () => {
    const grids = latticePartition({
      seed: 33,
      nx: 20,
      ny: 14,
      bbox: BOX,
      donuts: 3,
      emptyHoles: 2,
      islands: 4,
    });
    const { touchedByTwoOrMore, junctions } = checkPartition(grids);
    expect(touchedByTwoOrMore).toBeGreaterThan(1000);
    expect(junctions[4]).toBeGreaterThan(100);
  });
});

describe('the half-open rule, by direction', () => {
  // 2 x 2 unit squares: 1 = SW, 2 = SE, 3 = NW, 4 = NE; 5 and 6 split the square east of them by its diagonal.
  const square = (id: number, x: number, y: number): GridInput => ({
    id,
    code: `Q${id}`,
    kind: 'territorial',
    geometry: {
      type: 'Polygon',
      coordinates: [
        [
          [x, y],
          [x + 1, y],
          [x + 1, y + 1],
          [x, y + 1],
          [x, y],
        ],
      ],
    },
  });
  const grids: GridInput[] = [
    square(1, 0, 0),
    square(2, 1, 0),
    square(3, 0, 1),
    square(4, 1, 1),
    {
      id: 5,
      code: 'Q5',
      kind: 'territorial',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [2, 0],
            [3, 0],
            [3, 1],
            [2, 0],
          ],
        ],
      },
    },
    {
      id: 6,
      code: 'Q6',
      kind: 'territorial',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [2, 0],
            [3, 1],
            [2, 1],
            [2, 0],
          ],
        ],
      },
    },
  ];
  const index = GridIndex.build(grids, 1);
  const at = (x: number, y: number): [number | null, string] => {
    const answer = index.query(x, y);
    return [answer.territorial?.id ?? null, answer.rule];
  };

  it('vertical edge: the east grid', () => {
    expect(at(1, 0.5)).toEqual([2, 'boundary-half-open']);
    expect(at(1, 1.5)).toEqual([4, 'boundary-half-open']);
  });
  it('horizontal edge: the north grid', () => {
    expect(at(0.5, 1)).toEqual([3, 'boundary-half-open']);
    expect(at(1.5, 1)).toEqual([4, 'boundary-half-open']);
  });
  it('sloped edge: the east side', () => {
    expect(at(2.5, 0.5)).toEqual([5, 'boundary-half-open']);
  });
  it('vertex: the grid just east of it (and a hair north when an edge leaves due east)', () => {
    expect(at(1, 1)).toEqual([4, 'boundary-half-open']); // 4 squares meet
    // 2, 4 and 6 meet here, but east-north of it is outside the union: smallest id touching it.
    expect(at(2, 1)).toEqual([2, 'boundary-outer']);
    expect(at(2, 0)).toEqual([5, 'boundary-half-open']); // 2, 5, 6 meet; east-north-east of it is 5
    expect(at(1, 0)).toEqual([2, 'boundary-half-open']);
  });
  it('outer border: the smallest-id grid that touches the point', () => {
    expect(at(0.5, 2)).toEqual([3, 'boundary-outer']);
    expect(at(0, 2)).toEqual([3, 'boundary-outer']);
    expect(at(3, 0.5)).toEqual([5, 'boundary-outer']);
    expect(at(2.5, 1)).toEqual([6, 'boundary-outer']);
    expect(at(0, 0.5)).toEqual([1, 'boundary-half-open']); // a west border belongs to its grid anyway
  });
  it('interior and outside', () => {
    expect(at(0.5, 0.5)).toEqual([1, 'interior']);
    expect(at(-0.5, 0.5)).toEqual([null, 'outside-nearest']);
    expect(index.query(-0.5, 0.5).nearest).toMatchObject({ id: 1, code: 'Q1' });
  });
});
