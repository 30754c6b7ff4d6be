import { describe, expect, it } from 'vitest';
import { packGrids, packGridsInSlices } from './packed-grids.ts';
import type { GridInput } from './packed-grids.ts';
import { latticePartition } from './testing/synthetic-partition.ts';

describe('packGrids', () => {
  it('drops closing and repeated vertices and normalises -0, so shared edges get identical keys', () => {
    const grid: GridInput = {
      id: 1,
      code: 'A',
      kind: 'territorial',
      geometry: {
        type: 'Polygon',
        coordinates: [
          [
            [-0, 0],
            [1, 0],
            [1, 0],
            [1, 1],
            [0, 1],
            [0, 0],
          ],
        ],
      },
    };
    const packed = packGrids([grid]);
    expect([...packed.coords]).toEqual([0, 0, 1, 0, 1, 1, 0, 1]);
    expect(Object.is(packed.coords[0], -0)).toBe(false);
    expect([...packed.ringVertexStart]).toEqual([0, 4]);
  });

  it('packs the same arrays when sliced to yield to the event loop', async () => {
    const grids = latticePartition({ seed: 2, nx: 12, ny: 9, bbox: [120.8, 29.0, 121.2, 29.3] });
    const whole = packGrids(grids);
    const sliced = await packGridsInSlices(grids, 0); // a zero budget yields after every grid
    expect(sliced).toEqual(whole);
  });
});
