// Keeps grid_status in step with occupants: a change to occupants is bracketed by subtracting their
// contribution before and adding it after, in the same transaction (no full recompute per change).
import type pg from 'pg';

/** Adds (sign 1) or removes (sign -1) these occupants' contribution to their grids' counters. */
export async function applyOccupantContribution(
  client: pg.ClientBase,
  occupantIds: readonly number[],
  sign: 1 | -1,
): Promise<void> {
  if (occupantIds.length === 0) return;
  await client.query(
    `UPDATE grid_status s SET
       residents = s.residents + $2 * d.residents, green = s.green + $2 * d.green, yellow = s.yellow + $2 * d.yellow,
       red = s.red + $2 * d.red, red_not_isolated = s.red_not_isolated + $2 * d.red_not_isolated,
       isolated = s.isolated + $2 * d.isolated
     FROM (SELECT grid_id,
             count(*) FILTER (WHERE kind = 'resident' AND status <> 'left')::int AS residents,
             count(*) FILTER (WHERE health_code = 'green' AND status <> 'left')::int AS green,
             count(*) FILTER (WHERE health_code = 'yellow' AND status <> 'left')::int AS yellow,
             count(*) FILTER (WHERE health_code = 'red' AND status <> 'left')::int AS red,
             count(*) FILTER (WHERE health_code = 'red' AND status = 'at_home')::int AS red_not_isolated,
             count(*) FILTER (WHERE status = 'isolated')::int AS isolated
           FROM occupants WHERE id = ANY($1::bigint[]) GROUP BY grid_id) d
     WHERE s.grid_id = d.grid_id`,
    [occupantIds, sign],
  );
}

/** Adds or removes these arrivals from their grids' hourly arrival buckets. */
export async function applyArrivalBuckets(
  client: pg.ClientBase,
  occupantIds: readonly number[],
  sign: 1 | -1,
): Promise<void> {
  if (occupantIds.length === 0) return;
  await client.query(
    `INSERT INTO grid_arrival_hours (grid_id, hour, arrivals, late)
     SELECT grid_id, date_trunc('hour', arrived_at), $2 * count(*),
            $2 * count(*) FILTER (WHERE registered_at - arrived_at > interval '1 hour')
     FROM occupants WHERE id = ANY($1::bigint[]) AND kind = 'arrival' GROUP BY 1, 2
     ON CONFLICT (grid_id, hour) DO UPDATE SET arrivals = grid_arrival_hours.arrivals + EXCLUDED.arrivals,
                                              late = grid_arrival_hours.late + EXCLUDED.late`,
    [occupantIds, sign],
  );
}
