import { describe, expect, it } from 'vitest';
import type {
  EntityEvent,
  EnvelopeOf,
  GridStatus,
  GridStatusPatch,
  StatusDelta,
  SubscribeResult,
} from '../../shared/realtime.ts';
import { statusPatch } from '../../shared/status-patch.ts';
import { protocolVersion } from '../../shared/realtime.ts';
import {
  applyEntityEvents,
  applyStatusDelta,
  applySubscribeResult,
  emptyLive,
  maxRecentEvents,
} from './apply-event.ts';

const status = (gridId: number, arrivals24h = 0, risk: GridStatus['risk'] = 'low'): GridStatus => ({
  gridId,
  risk,
  residents: 10,
  arrivals24h,
  pendingRegistration: 0,
  overdue: 0,
  green: 10,
  yellow: 0,
  red: 0,
  redNotIsolated: 0,
  isolated: 0,
  checkpoints: 0,
  openReports: 0,
  tasksSent: 0,
  tasksAcked: 0,
  tasksDone: 0,
});
const event = (seq: number, gridId = 1): EntityEvent => ({
  seq,
  at: new Date(seq * 1000).toISOString(),
  type: 'arrival:registered',
  gridId,
  data: { healthCode: 'green' },
});
const snapshot = (seq: number, grids: GridStatus[], recent: EntityEvent[] = []): SubscribeResult => ({
  mode: 'snapshot',
  seq,
  snapshot: { grids, regions: [], recent, boundarySeq: 0 },
  region: '331023',
  gridIds: null,
});
const delta = (
  seq: number,
  fromSeq: number,
  grids: GridStatusPatch[],
  v = protocolVersion,
): EnvelopeOf<StatusDelta> => ({
  v,
  seq,
  at: new Date().toISOString(),
  type: 'status:delta',
  payload: { grids, regions: [], fromSeq, events: [] },
});
const events = (seq: number, list: EntityEvent[]): EnvelopeOf<{ events: EntityEvent[] }> => ({
  v: protocolVersion,
  seq,
  at: new Date().toISOString(),
  type: 'entity:events',
  payload: { events: list },
});

describe('applying the status stream', () => {
  it('starts from a snapshot, marking everything changed', () => {
    const live = applySubscribeResult(emptyLive(), snapshot(10, [status(1), status(2)], [event(9)]));
    expect(live.lastSeq).toBe(10);
    expect(live.grids.size).toBe(2);
    expect(live.changedGrids).toBeNull();
    expect(live.events.map((e) => e.seq)).toEqual([9]);
    expect(live.lastEventSeq).toBe(10);
  });

  it('applies deltas in order and reports the grids each changed', () => {
    let live = applySubscribeResult(emptyLive(), snapshot(10, [status(1), status(2)]));
    const r = applyStatusDelta(live, delta(12, 11, [status(2, 5)]));
    expect(r.outcome).toBe('applied');
    live = r.live;
    expect(live.lastSeq).toBe(12);
    expect(live.grids.get(2)!.arrivals24h).toBe(5);
    expect(live.changedGrids).toEqual([2]);
  });

  it('ignores an older push and asks for a snapshot on a gap or another protocol version', () => {
    const live = applySubscribeResult(emptyLive(), snapshot(10, [status(1)]));
    expect(applyStatusDelta(live, delta(9, 5, [status(1, 99)])).outcome).toBe('stale');
    expect(live.grids.get(1)!.arrivals24h).toBe(0);
    expect(applyStatusDelta(live, delta(15, 12, [status(1, 3)])).outcome).toBe('resync');
    expect(applyStatusDelta(live, delta(11, 11, [status(1, 3)], protocolVersion + 1)).outcome).toBe('resync');
    // Overlapping windows (a push that also covers what the snapshot had) are fine: statuses are whole.
    expect(applyStatusDelta(live, delta(11, 8, [status(1, 3)])).outcome).toBe('applied');
  });

  it('re-applies a push with the same seq (one push per room for a socket in several rooms)', () => {
    let live = applySubscribeResult(emptyLive(), snapshot(10, [status(1), status(2)]));
    live = applyStatusDelta(live, delta(12, 11, [status(1, 1)])).live;
    const second = applyStatusDelta(live, delta(12, 11, [status(2, 2)]));
    expect(second.outcome).toBe('applied');
    expect(second.live.grids.get(2)!.arrivals24h).toBe(2);
  });

  it('applies patches (only the changed fields) idempotently', () => {
    const live = applySubscribeResult(emptyLive(), snapshot(10, [status(1), status(2)]));
    const after = { ...status(2, 4, 'medium'), overdue: 1 };
    const patch = statusPatch(status(2), after);
    expect(patch).toEqual({ gridId: 2, arrivals24h: 4, overdue: 1, risk: 'medium' });
    let r = applyStatusDelta(live, delta(11, 11, [patch]));
    expect(r.outcome).toBe('applied');
    expect(r.live.grids.get(2)).toEqual(after);
    r = applyStatusDelta(r.live, delta(11, 11, [patch]));
    expect(r.live.grids.get(2)).toEqual(after);
    expect(r.live.grids.get(1)).toEqual(status(1));
  });

  it('takes a whole status of a grid it did not have, and resyncs on a partial one', () => {
    const live = applySubscribeResult(emptyLive(), snapshot(10, [status(1)]));
    const whole = applyStatusDelta(live, delta(11, 11, [status(3, 2)]));
    expect(whole.outcome).toBe('applied');
    expect(whole.live.grids.get(3)).toEqual(status(3, 2));
    const partial = applyStatusDelta(
      whole.live,
      delta(12, 12, [
        { gridId: 1, openReports: 1 },
        { gridId: 4, openReports: 1 },
      ]),
    );
    expect(partial.outcome).toBe('resync');
    expect(partial.live.grids.get(1)!.openReports).toBe(0);
    expect(applyStatusDelta(partial.live, delta(13, 13, [status(1)])).outcome).toBe('resync');
  });

  it('needs a snapshot before any delta', () => {
    expect(applyStatusDelta(emptyLive(), delta(3, 1, [status(1)])).outcome).toBe('resync');
  });

  it('keeps state on a replay answer; the missed pushes follow', () => {
    const live = applySubscribeResult(emptyLive(), snapshot(10, [status(1)]));
    const replay = applySubscribeResult(live, { mode: 'replay', seq: 20, region: '331023', gridIds: null });
    expect(replay.lastSeq).toBe(10);
    expect(applyStatusDelta(replay, delta(20, 11, [status(1, 7)])).live.grids.get(1)!.arrivals24h).toBe(7);
  });

  it('takes each entity event once, newest last, capped', () => {
    let live = applySubscribeResult(emptyLive(), snapshot(10, [], [event(9)]));
    let r = applyEntityEvents(live, events(12, [event(12), event(11)]));
    expect(r.fresh.map((e) => e.seq)).toEqual([11, 12]);
    live = r.live;
    r = applyEntityEvents(live, events(12, [event(12), event(10)]));
    expect(r.outcome).toBe('stale');
    expect(live.events.map((e) => e.seq)).toEqual([9, 11, 12]);
    const many = Array.from({ length: maxRecentEvents + 50 }, (_, i) => event(100 + i));
    expect(applyEntityEvents(live, events(1000, many)).live.events.length).toBe(maxRecentEvents);
  });
});
