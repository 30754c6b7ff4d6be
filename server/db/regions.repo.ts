// The region tree (county → townships → villages) with live population and grid counts.
import type pg from 'pg';
import type { RegionKind, RegionLevel } from '../../shared/domain.ts';
import type { RegionNode } from '../../shared/regions.ts';

interface RegionRow {
  code: string;
  name: string;
  level: RegionLevel;
  kind: RegionKind;
  parent_code: string | null;
  population: number;
  grid_count: number;
}

export async function loadRegionTree(
  pool: pg.Pool,
  visible: (code: string) => boolean,
): Promise<RegionNode | null> {
  const { rows } = await pool.query<RegionRow>(
    `WITH grid_population AS (
       SELECT grid_id, count(*)::int AS n FROM occupants WHERE status <> 'left' GROUP BY grid_id),
     village_stats AS (
       SELECT g.village_code, count(*)::int AS grids, coalesce(sum(p.n), 0)::int AS population
       FROM grids g LEFT JOIN grid_population p ON p.grid_id = g.id
       WHERE g.kind = 'territorial' AND g.retired_at IS NULL GROUP BY g.village_code)
     SELECT r.code, r.name, r.level, r.kind, r.parent_code,
            coalesce(sum(s.population), 0)::int AS population, coalesce(sum(s.grids), 0)::int AS grid_count
     FROM regions r LEFT JOIN village_stats s ON s.village_code LIKE r.code || '%'
     GROUP BY r.code ORDER BY r.code`,
  );
  const nodes = new Map<string, RegionNode>();
  let root: RegionNode | null = null;
  for (const row of rows) {
    if (!visible(row.code)) continue;
    const node: RegionNode = {
      code: row.code,
      name: row.name,
      level: row.level,
      kind: row.kind,
      population: row.population,
      gridCount: row.grid_count,
      children: [],
    };
    nodes.set(row.code, node);
    if (row.parent_code === null) root = node;
    else nodes.get(row.parent_code)?.children.push(node);
  }
  return root;
}
