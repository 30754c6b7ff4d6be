// The append-only event log. Every write goes through appendEvents, which serialises appenders with a
// transaction-scoped advisory lock so sequence numbers become visible in commit order: a reader that has
// seen seq N has seen every committed event below N (rolled-back transactions only leave gaps).
import type pg from 'pg';
import type { EntityEvent } from '../../shared/realtime.ts';

export interface NewEvent {
  type: EntityEvent['type'] | string;
  gridId: number | null;
  actorUserId: number | null;
  /** Non-personal data only: consoles of every role receive it. */
  payload: Record<string, string | number | boolean | null>;
}

/** Any constant works; it only has to be the same for every appender. */
const eventLogLock = 710_230_001;

export async function appendEvents(client: pg.ClientBase, events: readonly NewEvent[]): Promise<number[]> {
  if (events.length === 0) return [];
  await client.query('SELECT pg_advisory_xact_lock($1)', [eventLogLock]);
  const { rows } = await client.query<{ seq: number }>(
    `INSERT INTO events (type, grid_id, actor_user_id, payload)
     SELECT u.type, u.grid_id, u.actor, u.payload
     FROM unnest($1::text[], $2::int[], $3::int[], $4::jsonb[]) WITH ORDINALITY AS u(type, grid_id, actor, payload, ord)
     ORDER BY u.ord RETURNING seq`,
    [
      events.map((e) => e.type),
      events.map((e) => e.gridId),
      events.map((e) => e.actorUserId),
      events.map((e) => JSON.stringify(e.payload)),
    ],
  );
  return rows.map((r) => r.seq);
}

export async function readMaxSeq(client: pg.ClientBase | pg.Pool): Promise<number> {
  const { rows } = await client.query<{ seq: number }>('SELECT coalesce(max(seq), 0) AS seq FROM events');
  return rows[0]!.seq;
}

export interface LoggedEvent extends Omit<EntityEvent, 'type'> {
  /** Entity event types, plus internal ones (dataset:loaded) that consoles never see. */
  type: string;
  villageCode: string | null;
}

/** Events after `afterSeq`, oldest first, with the grid's township and village for routing. */
export async function readEventsAfter(
  client: pg.ClientBase | pg.Pool,
  afterSeq: number,
  limit: number,
): Promise<LoggedEvent[]> {
  const { rows } = await client.query<LoggedEvent>(
    `SELECT e.seq, to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS at, e.type,
            e.grid_id AS "gridId", g.village_code AS "villageCode", e.payload AS data
     FROM events e LEFT JOIN grids g ON g.id = e.grid_id
     WHERE e.seq > $1 ORDER BY e.seq LIMIT $2`,
    [afterSeq, limit],
  );
  return rows;
}
