// Occupant reads for the console: one grid's occupants, paged, filtered and sorted in SQL.
import type pg from 'pg';
import type { Occupant, OccupantListQuery } from '../../shared/occupants.ts';
import { SqlParams } from './sql-params.ts';

const sortColumns: Record<OccupantListQuery['sort'], string> = {
  registeredAt: 'o.registered_at',
  arrivedAt: 'o.arrived_at',
  name: 'o.name',
  healthCode: "array_position(ARRAY['red','yellow','green'], o.health_code)",
};

export async function listGridOccupants(
  pool: pg.Pool,
  gridId: number,
  query: OccupantListQuery,
): Promise<{ items: Occupant[]; total: number }> {
  const params = new SqlParams();
  const where = [`o.grid_id = ${params.add(gridId)}`];
  if (query.healthCode) where.push(`o.health_code = ${params.add(query.healthCode)}`);
  if (query.kind) where.push(`o.kind = ${params.add(query.kind)}`);
  if (query.status) where.push(`o.status = ${params.add(query.status)}`);
  const filter = where.join(' AND ');
  const order = `${sortColumns[query.sort]} ${query.order === 'asc' ? 'ASC' : 'DESC'} NULLS LAST, o.id`;
  const limit = params.add(query.pageSize);
  const offset = params.add((query.page - 1) * query.pageSize);
  const [page, total] = await Promise.all([
    pool.query<Occupant>(
      `SELECT o.id::int AS id, o.name, o.id_number AS "idNumber", o.phone, o.kind, o.health_code AS "healthCode",
              o.status, to_json(o.arrived_at)#>>'{}' AS "arrivedAt", o.origin,
              to_json(o.registered_at)#>>'{}' AS "registeredAt", a.text AS address, s.name AS "isolationSite"
       FROM occupants o LEFT JOIN addresses a ON a.id = o.address_id
       LEFT JOIN isolation_sites s ON s.id = o.isolation_site_id
       WHERE ${filter} ORDER BY ${order} LIMIT ${limit} OFFSET ${offset}`,
      params.values,
    ),
    pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM occupants o WHERE ${filter}`,
      params.values.slice(0, -2),
    ),
  ]);
  return { items: page.rows, total: total.rows[0]?.n ?? 0 };
}
