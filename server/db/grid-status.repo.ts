// Live grid status. Counters in `grid_status` change in the same transaction as the write that causes
// them (bumpGridStatus); time-windowed figures come from hourly arrival buckets and pending reports at
// read time. recomputeGridStatus rebuilds everything from the base tables: it is what the counters
// must always equal.
import type pg from 'pg';
import type { GridStatus, StatusCounts } from '../../shared/realtime.ts';
import { riskOf } from '../domain/risk-level.ts';

type Queryable = pg.ClientBase | pg.Pool;

/** grid_status columns and the StatusCounts field each one feeds. */
export const counterColumns = {
  residents: 'residents',
  green: 'green',
  yellow: 'yellow',
  red: 'red',
  redNotIsolated: 'red_not_isolated',
  isolated: 'isolated',
  pendingRegistration: 'pending_registration',
  checkpoints: 'checkpoints',
  openReports: 'open_reports',
  tasksSent: 'tasks_sent',
  tasksAcked: 'tasks_acked',
  tasksDone: 'tasks_done',
} as const;
export type Counter = keyof typeof counterColumns;
export type CounterDelta = Partial<Record<Counter, number>>;

export async function bumpGridStatus(client: Queryable, gridId: number, delta: CounterDelta): Promise<void> {
  const entries = Object.entries(delta).filter(([, n]) => n !== 0) as [Counter, number][];
  if (entries.length === 0) return;
  const sets = entries.map(([key], i) => `${counterColumns[key]} = ${counterColumns[key]} + $${i + 2}`);
  await client.query(`UPDATE grid_status SET ${sets.join(', ')} WHERE grid_id = $1`, [
    gridId,
    ...entries.map(([, n]) => n),
  ]);
}

/** Counts an arrival into its grid's hourly bucket (by hour of arrival). */
export async function bumpArrivalHour(
  client: Queryable,
  gridId: number,
  arrivedAt: string,
  late: boolean,
  sign = 1,
): Promise<void> {
  await client.query(
    `INSERT INTO grid_arrival_hours (grid_id, hour, arrivals, late) VALUES ($1, date_trunc('hour', $2::timestamptz), $3, $4)
     ON CONFLICT (grid_id, hour) DO UPDATE SET arrivals = grid_arrival_hours.arrivals + $3, late = grid_arrival_hours.late + $4`,
    [gridId, arrivedAt, sign, late ? sign : 0],
  );
}

/** The counters as the base tables say they should be, per grid (all grids, or those given). */
const fullCountersSql = (filter: string) => `
  SELECT g.id AS grid_id,
    coalesce(o.residents, 0)::int AS residents, coalesce(o.green, 0)::int AS green,
    coalesce(o.yellow, 0)::int AS yellow, coalesce(o.red, 0)::int AS red,
    coalesce(o.red_not_isolated, 0)::int AS red_not_isolated, coalesce(o.isolated, 0)::int AS isolated,
    (SELECT count(*) FROM arrival_reports r WHERE r.grid_id = g.id AND r.registered_at IS NULL)::int AS pending_registration,
    (SELECT count(*) FROM checkpoints c WHERE c.grid_id = g.id)::int AS checkpoints,
    (SELECT count(*) FROM field_reports f WHERE f.grid_id = g.id AND f.closed_at IS NULL)::int AS open_reports,
    (SELECT count(*) FROM task_assignments t WHERE t.grid_id = g.id AND t.state = 'sent')::int AS tasks_sent,
    (SELECT count(*) FROM task_assignments t WHERE t.grid_id = g.id AND t.state = 'acked')::int AS tasks_acked,
    (SELECT count(*) FROM task_assignments t WHERE t.grid_id = g.id AND t.state = 'done')::int AS tasks_done
  FROM grids g LEFT JOIN (
    SELECT grid_id,
      count(*) FILTER (WHERE kind = 'resident' AND status <> 'left') AS residents,
      count(*) FILTER (WHERE health_code = 'green' AND status <> 'left') AS green,
      count(*) FILTER (WHERE health_code = 'yellow' AND status <> 'left') AS yellow,
      count(*) FILTER (WHERE health_code = 'red' AND status <> 'left') AS red,
      count(*) FILTER (WHERE health_code = 'red' AND status = 'at_home') AS red_not_isolated,
      count(*) FILTER (WHERE status = 'isolated') AS isolated
    FROM occupants GROUP BY grid_id) o ON o.grid_id = g.id
  ${filter}`;

const columnList = Object.values(counterColumns).join(', ');

/** Rebuilds counters and arrival buckets from the base tables (at load, and for grids whose boundary changed). */
export async function recomputeGridStatus(client: Queryable, gridIds?: readonly number[]): Promise<void> {
  const filter = gridIds ? 'WHERE g.id = ANY($1::int[])' : '';
  const params = gridIds ? [gridIds] : [];
  await client.query(`DELETE FROM grid_status ${gridIds ? 'WHERE grid_id = ANY($1::int[])' : ''}`, params);
  await client.query(
    `INSERT INTO grid_status (grid_id, ${columnList}) SELECT grid_id, ${columnList} FROM (${fullCountersSql(filter)}) f`,
    params,
  );
  await client.query(
    `DELETE FROM grid_arrival_hours ${gridIds ? 'WHERE grid_id = ANY($1::int[])' : ''}`,
    params,
  );
  await client.query(
    `INSERT INTO grid_arrival_hours (grid_id, hour, arrivals, late)
     SELECT grid_id, date_trunc('hour', arrived_at), count(*), count(*) FILTER (WHERE registered_at - arrived_at > interval '1 hour')
     FROM occupants WHERE kind = 'arrival' ${gridIds ? 'AND grid_id = ANY($1::int[])' : ''}
     GROUP BY 1, 2`,
    params,
  );
}

export interface CounterRow {
  gridId: number;
  counters: Record<Counter, number>;
}

const toCounterRows = (rows: Record<string, number>[]): CounterRow[] =>
  rows.map((row) => ({
    gridId: row.grid_id!,
    counters: Object.fromEntries(
      (Object.entries(counterColumns) as [Counter, string][]).map(([key, column]) => [key, row[column]!]),
    ) as Record<Counter, number>,
  }));

/** What the counters hold now. */
export async function readCounters(client: Queryable): Promise<CounterRow[]> {
  const { rows } = await client.query<Record<string, number>>(
    `SELECT grid_id, ${columnList} FROM grid_status ORDER BY grid_id`,
  );
  return toCounterRows(rows);
}

/** What the counters should hold, recomputed from scratch (tests compare the two). */
export async function readRecomputedCounters(client: Queryable): Promise<CounterRow[]> {
  const { rows } = await client.query<Record<string, number>>(`${fullCountersSql('')} ORDER BY g.id`);
  return toCounterRows(rows);
}

/** Full status of the given grids (or all), with time windows evaluated at the database's now(). */
export async function readGridStatuses(
  client: Queryable,
  gridIds?: readonly number[],
): Promise<GridStatus[]> {
  const { rows } = await client.query<Record<string, number>>(
    `SELECT s.grid_id, ${Object.values(counterColumns)
      .map((c) => `s.${c}`)
      .join(', ')},
            coalesce(h.arrivals, 0)::int AS arrivals_24h,
            (coalesce(h.late, 0) + coalesce(p.waiting, 0))::int AS overdue
     FROM grid_status s
     LEFT JOIN (SELECT grid_id, sum(arrivals) AS arrivals, sum(late) AS late FROM grid_arrival_hours
                WHERE hour >= date_trunc('hour', now()) - interval '23 hours' GROUP BY grid_id) h ON h.grid_id = s.grid_id
     LEFT JOIN (SELECT grid_id, count(*) AS waiting FROM arrival_reports
                WHERE registered_at IS NULL AND reported_at < now() - interval '1 hour' GROUP BY grid_id) p ON p.grid_id = s.grid_id
     WHERE s.grid_id IN (SELECT id FROM grids WHERE retired_at IS NULL) ${gridIds ? 'AND s.grid_id = ANY($1::int[])' : ''}
     ORDER BY s.grid_id`,
    gridIds ? [gridIds] : [],
  );
  return rows.map((row) => {
    const counts: StatusCounts = {
      residents: row.residents!,
      arrivals24h: row.arrivals_24h!,
      pendingRegistration: row.pending_registration!,
      overdue: row.overdue!,
      green: row.green!,
      yellow: row.yellow!,
      red: row.red!,
      redNotIsolated: row.red_not_isolated!,
      isolated: row.isolated!,
      checkpoints: row.checkpoints!,
      openReports: row.open_reports!,
      tasksSent: row.tasks_sent!,
      tasksAcked: row.tasks_acked!,
      tasksDone: row.tasks_done!,
    };
    return { gridId: row.grid_id!, ...counts, risk: riskOf(counts) };
  });
}
