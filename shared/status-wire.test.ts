import { describe, expect, it } from 'vitest';
import type { EntityEvent, GridStatus, RegionStatus, StatusDelta } from './realtime.ts';
import { statusPatch } from './status-patch.ts';
import {
  decodeGridPatch,
  decodeRegionPatch,
  decodeStatusDelta,
  encodeGridPatch,
  encodeStatusDelta,
  readDeltaEnvelope,
  readStatusDelta,
  regionWireFields,
  WireStatusDelta,
} from './status-wire.ts';
import { Envelope } from './realtime.ts';

const grid: GridStatus = {
  gridId: 17,
  residents: 812,
  arrivals24h: 3,
  pendingRegistration: 1,
  overdue: 0,
  green: 800,
  yellow: 10,
  red: 2,
  redNotIsolated: 1,
  isolated: 1,
  checkpoints: 2,
  openReports: 4,
  tasksSent: 1,
  tasksAcked: 0,
  tasksDone: 7,
  risk: 'high',
};
const { gridId: _, ...counts } = grid;
const region: RegionStatus = {
  ...counts,
  code: '331023001',
  risk: 'medium',
  gridsByRisk: { low: 40, medium: 2, high: 1 },
};
const event: EntityEvent = {
  seq: 9,
  at: '2020-01-28T08:00:00.123Z',
  type: 'report:filed',
  gridId: 17,
  data: { reportId: 3, kind: 'bench', t: 1580198400123, ok: true, note: null },
};

describe('status:delta wire form', () => {
  it('round-trips whole statuses, partial patches and events', () => {
    const delta: StatusDelta = {
      grids: [grid, statusPatch(grid, { ...grid, openReports: 5, risk: 'low' })],
      regions: [region, statusPatch(region, { ...region, gridsByRisk: { low: 41, medium: 2, high: 0 } })],
      fromSeq: 5,
      events: [event, { ...event, seq: 10, gridId: null, type: 'grid:boundary-changed', data: {} }],
    };
    const wire = encodeStatusDelta(delta);
    expect(WireStatusDelta.parse(JSON.parse(JSON.stringify(wire)))).toEqual(wire);
    expect(decodeStatusDelta(wire)).toEqual(delta);
    expect(wire.grids[1]).toEqual([17, 10, 5, 14, 0]);
    expect(wire.regions[0]).toHaveLength(1 + 2 * regionWireFields.length);
  });

  it('is much smaller than the object form', () => {
    const patch = statusPatch(grid, { ...grid, openReports: 5 });
    expect(JSON.stringify(encodeGridPatch(patch)).length).toBeLessThan(JSON.stringify(patch).length / 2);
  });

  it('refuses field numbers and values outside the declared order (another protocol)', () => {
    expect(decodeGridPatch([17, 15, 1])).toBeNull(); // gridsByRisk fields are regions' only
    expect(decodeGridPatch([17, 14, 3])).toBeNull(); // no fourth risk level
    expect(decodeGridPatch([17, 10])).toBeNull();
    expect(decodeRegionPatch(['331023', 15, 1])).toBeNull(); // gridsByRisk is whole or absent
    expect(decodeRegionPatch(['331023', 15, 1, 16, 2, 17, 3])).toMatchObject({
      gridsByRisk: { low: 1, medium: 2, high: 3 },
    });
  });
});

describe('readStatusDelta (the fast reader a console uses)', () => {
  const wire = encodeStatusDelta({
    grids: [grid, statusPatch(grid, { ...grid, openReports: 5 })],
    regions: [region],
    fromSeq: 5,
    events: [event, { ...event, seq: 10, gridId: null }],
  });
  /** What the schema + decoder say about a payload: the object form or null. */
  const bySchema = (raw: unknown) => {
    const parsed = WireStatusDelta.safeParse(raw);
    return parsed.success ? decodeStatusDelta(parsed.data) : null;
  };
  const json = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

  it('agrees with the zod schema on a valid push and on every single-value mutation of it', () => {
    expect(readStatusDelta(json(wire))).toEqual(bySchema(json(wire)));
    expect(readStatusDelta(json(wire))).not.toBeNull();
    const replacements: unknown[] = [null, 'x', 1.5, -1, 99, 2 ** 60, true, [], {}, [1], undefined];
    const mutate = (root: unknown, path: (string | number)[], value: unknown): unknown => {
      const copy = json(root) as Record<string | number, unknown>;
      let at = copy;
      for (const key of path.slice(0, -1)) at = at[key] as Record<string | number, unknown>;
      if (value === undefined) delete at[path[path.length - 1]!];
      else at[path[path.length - 1]!] = value;
      return copy;
    };
    const paths: (string | number)[][] = [];
    const walk = (node: unknown, path: (string | number)[]) => {
      paths.push(path);
      if (Array.isArray(node)) node.forEach((v, i) => walk(v, [...path, i]));
      else if (node && typeof node === 'object')
        for (const [k, v] of Object.entries(node)) walk(v, [...path, k]);
    };
    walk(json(wire), []);
    let compared = 0;
    for (const path of paths.filter((p) => p.length > 0))
      for (const value of replacements) {
        const raw = mutate(wire, path, value);
        expect([path, value, readStatusDelta(raw)]).toEqual([path, value, bySchema(raw)]);
        compared++;
      }
    expect(compared).toBeGreaterThan(500);
  });

  it('reads the envelope too', () => {
    const envelope = { v: 3, seq: 10, at: '2020-01-28T08:00:00.500Z', type: 'status:delta', payload: wire };
    expect(readDeltaEnvelope(json(envelope))).toEqual({ ...envelope, payload: decodeStatusDelta(wire) });
    expect(Envelope(WireStatusDelta).safeParse(json(envelope)).success).toBe(true);
    expect(readDeltaEnvelope({ ...envelope, seq: '10' })).toBeNull();
    expect(readDeltaEnvelope({ ...envelope, payload: { ...wire, events: [[1, 2, 3]] } })).toBeNull();
  });
});
