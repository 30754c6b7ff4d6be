// Writes and reads of arrivals: registration (one transaction with its event), duplicates, overdue lists.
import type pg from 'pg';
import type { ArrivalRecord } from '../../shared/arrivals.ts';
import type { HealthCode } from '../../shared/domain.ts';
import { gridInRegionSql, gridInScopeSql, type Scope } from '../domain/scope.ts';
import { bulkInsert } from './bulk-insert.ts';
import { appendEvents } from './events.repo.ts';
import { bumpGridStatus } from './grid-status.repo.ts';
import { applyArrivalBuckets, applyOccupantContribution } from './occupant-counts.repo.ts';
import { SqlParams } from './sql-params.ts';

export interface NewArrival {
  name: string;
  idNumber: string;
  phone: string;
  origin: string;
  arrivedAt: string;
  healthCode: HealthCode;
  gridId: number;
  addressId: number | null;
  point: [number, number] | null;
}

const arrivalSelect = `SELECT o.id::int AS id, o.name, o.id_number AS "idNumber", o.phone, o.origin,
  o.health_code AS "healthCode", to_json(o.arrived_at)#>>'{}' AS "arrivedAt",
  to_json(o.registered_at)#>>'{}' AS "registeredAt", o.registration_latency_seconds AS "registrationLatencySeconds",
  json_build_object('id', g.id, 'code', g.code, 'name', g.name) AS grid, a.text AS address
  FROM occupants o JOIN grids g ON g.id = o.grid_id LEFT JOIN addresses a ON a.id = o.address_id`;

export async function findArrivalByIdNumber(
  client: pg.ClientBase | pg.Pool,
  idNumber: string,
): Promise<ArrivalRecord | null> {
  const { rows } = await client.query<ArrivalRecord>(`${arrivalSelect} WHERE o.id_number = $1`, [idNumber]);
  return rows[0] ?? null;
}

/** Inserts the occupants and one `arrival:registered` event each; the caller holds the transaction.
 *  Returns the new occupant ids and event sequence numbers, in input order. */
export async function insertArrivals(
  client: pg.ClientBase,
  arrivals: readonly NewArrival[],
  actorUserId: number | null,
): Promise<{ id: number; seq: number }[]> {
  const inserted = await bulkInsert<NewArrival, { id: number; id_number: string }>(client, {
    table: 'occupants',
    rows: arrivals,
    batchSize: 5_000,
    returning: 'id::int AS id, id_number',
    columns: [
      { name: 'id_number', type: 'text', value: (a) => a.idNumber },
      { name: 'name', type: 'text', value: (a) => a.name },
      { name: 'phone', type: 'text', value: (a) => a.phone },
      { name: 'address_id', type: 'int', value: (a) => a.addressId },
      { name: 'grid_id', type: 'int', value: (a) => a.gridId },
      { name: 'kind', type: 'text', value: () => 'arrival' },
      { name: 'arrived_at', type: 'timestamptz', value: (a) => a.arrivedAt },
      { name: 'origin', type: 'text', value: (a) => a.origin },
      { name: 'health_code', type: 'text', value: (a) => a.healthCode },
      { name: 'status', type: 'text', value: () => 'at_home' },
      // Registration happens now; an arrival time a few minutes ahead (clock skew) counts as now.
      {
        name: 'registered_at',
        type: 'timestamptz',
        value: (a) => a.arrivedAt,
        expr: 'greatest(now(), u.registered_at)',
      },
      { name: 'lon', type: 'float8', value: (a) => a.point?.[0] ?? null, column: null },
      {
        name: 'lat',
        type: 'float8',
        value: (a) => a.point?.[1] ?? null,
        column: 'location',
        expr: 'CASE WHEN u.lon IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326) END',
      },
    ],
  });
  const idByNumber = new Map(inserted.map((row) => [row.id_number, row.id]));
  const occupantIds = arrivals.map((a) => idByNumber.get(a.idNumber)!);
  await applyOccupantContribution(client, occupantIds, 1);
  await applyArrivalBuckets(client, occupantIds, 1);
  // A registration resolves the person's pending arrival report, wherever it was reported.
  const resolved = await client.query<{ grid_id: number; n: number }>(
    `WITH r AS (
       UPDATE arrival_reports r SET registered_at = now(), registered_occupant_id = o.id
       FROM occupants o WHERE o.id = ANY($1::bigint[]) AND r.id_number = o.id_number AND r.registered_at IS NULL
       RETURNING r.grid_id)
     SELECT grid_id, count(*)::int AS n FROM r GROUP BY grid_id`,
    [occupantIds],
  );
  for (const row of resolved.rows) await bumpGridStatus(client, row.grid_id, { pendingRegistration: -row.n });
  const seqs = await appendEvents(
    client,
    arrivals.map((a, i) => ({
      type: 'arrival:registered',
      gridId: a.gridId,
      actorUserId,
      payload: { occupantId: occupantIds[i]!, healthCode: a.healthCode },
    })),
  );
  return occupantIds.map((id, i) => ({ id, seq: seqs[i]! }));
}

export async function findArrivalById(
  client: pg.ClientBase | pg.Pool,
  id: number,
): Promise<ArrivalRecord | null> {
  const { rows } = await client.query<ArrivalRecord>(`${arrivalSelect} WHERE o.id = $1`, [id]);
  return rows[0] ?? null;
}

/** Existing occupants among these ID numbers. */
export async function findExistingIdNumbers(
  client: pg.ClientBase | pg.Pool,
  idNumbers: readonly string[],
): Promise<Map<string, number>> {
  const { rows } = await client.query<{ id_number: string; id: number }>(
    'SELECT id_number, id::int AS id FROM occupants WHERE id_number = ANY($1::text[])',
    [idNumbers],
  );
  return new Map(rows.map((r) => [r.id_number, r.id]));
}

export interface OverdueRow {
  gridId: number;
  gridCode: string;
  gridName: string;
  villageCode: string | null;
  id: number;
  name: string;
  idNumber: string;
  arrivedAt: string;
  registeredAt: string | null;
  latencyMinutes: number;
}

/** Arrivals in the window whose registration came more than an hour after arrival, oldest first. */
export async function listOverdueArrivals(
  pool: pg.Pool,
  scope: Scope,
  options: { region?: string | undefined; sinceHours: number },
): Promise<OverdueRow[]> {
  const params = new SqlParams();
  const where = [
    `o.kind = 'arrival'`,
    `o.arrived_at > now() - make_interval(hours => ${params.add(options.sinceHours)})`,
    `o.registered_at - o.arrived_at > interval '1 hour'`,
    gridInScopeSql('g', scope, params),
  ];
  if (options.region) where.push(gridInRegionSql('g', options.region, params));
  const { rows } = await pool.query<OverdueRow>(
    `SELECT g.id AS "gridId", g.code AS "gridCode", g.name AS "gridName", g.village_code AS "villageCode",
            o.id::int AS id, o.name, o.id_number AS "idNumber", to_json(o.arrived_at)#>>'{}' AS "arrivedAt",
            to_json(o.registered_at)#>>'{}' AS "registeredAt",
            (o.registration_latency_seconds / 60)::int AS "latencyMinutes"
     FROM occupants o JOIN grids g ON g.id = o.grid_id
     WHERE ${where.join(' AND ')}
     ORDER BY g.code, o.arrived_at`,
    params.values,
  );
  return rows;
}
