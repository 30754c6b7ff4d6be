// Boundary change sets: validation in PostGIS (validity, overlaps, gaps, parent, slivers), the impact
// preview (who and what would move), and the commit (new revisions, reassignment, status, event) in one
// transaction. The preview and the commit run the same code, so the preview's numbers are the commit's.
import type { MultiPolygon, Polygon } from 'geojson';
import type pg from 'pg';
import { ErrorCode } from '../../shared/api-error.ts';
import type { BoundaryChangeSet, BoundaryPreview, BoundaryProblem } from '../../shared/boundaries.ts';
import type { BoundaryChangedData } from '../../shared/realtime.ts';
import { HttpError } from '../http/http-error.ts';
import type { GridIndex } from '../spatial/grid-index.ts';
import { buildInThread, type BuildGridIndex } from '../spatial/grid-index-holder.ts';
import type { GridInput } from '../spatial/packed-grids.ts';
import { readGridInputs } from './assigner.repo.ts';
import { appendEvents } from './events.repo.ts';
import { recomputeGridStatus } from './grid-status.repo.ts';
import { querySimple } from './simple-query.ts';
import { applyReassignment, computeReassignment, type ChangedArea } from './reassignment.repo.ts';
import type { ReassignmentPlan } from '../domain/reassignment.ts';

type Queryable = pg.ClientBase | pg.Pool;

/** Below this area a polygon is a sliver, whatever its shape. */
export const minGridAreaM2 = 500;
/** Below this compactness (4π·area/perimeter², 1 for a circle) a polygon is a sliver. */
export const minCompactness = 0.02;
/** Proposed vertices this close to a stored vertex or edge (≈ 10 cm) are moved onto it. */
export const snapToleranceDegrees = 1e-6;
/** Overlaps and gaps smaller than this are floating-point noise, not problems. */
const toleranceM2 = 1;
/** …and so are hairline strips along a shared edge (outlines rounded to ~1 cm leave them): a strip whose
 *  area per metre of perimeter is under this (about half its mean width) is not a gap or an overlap. */
const minMeanHalfWidthM = 0.05;
const significant = (geom: string): string =>
  `(ST_Area((${geom})::geography) > ${toleranceM2} AND
    ST_Area((${geom})::geography) > ${minMeanHalfWidthM} * ST_Perimeter((${geom})::geography))`;

interface ExistingGrid {
  id: number;
  code: string;
  name: string;
  kind: 'territorial' | 'sector';
  village_code: string | null;
  revision: number;
}

interface Proposed {
  key: string;
  gridId: number | null;
  kind: 'territorial' | 'sector';
  village: string | null;
  geometry: Polygon | MultiPolygon;
}

const problem = (
  code: BoundaryProblem['code'],
  message: string,
  gridIds: number[],
  geometry: unknown = null,
  areaM2: number | null = null,
  keys: string[] = [],
): BoundaryProblem => ({
  code,
  message,
  gridIds,
  keys,
  geometry,
  areaM2: areaM2 === null ? null : Math.round(areaM2 * 10) / 10,
});

async function readExisting(
  db: Queryable,
  set: BoundaryChangeSet,
  lock: boolean,
): Promise<Map<number, ExistingGrid>> {
  const ids = set.changes.flatMap((c) => (c.op === 'create' ? [] : [c.gridId]));
  const { rows } = await db.query<ExistingGrid>(
    `SELECT id, code, name, kind, village_code, revision FROM grids WHERE id = ANY($1::int[]) AND retired_at IS NULL
     ORDER BY id ${lock ? 'FOR UPDATE' : ''}`,
    [ids],
  );
  return new Map(rows.map((r) => [r.id, r]));
}

function proposals(
  set: BoundaryChangeSet,
  existing: Map<number, ExistingGrid>,
): { proposed: Proposed[]; retired: number[]; problems: BoundaryProblem[] } {
  const proposed: Proposed[] = [];
  const retired: number[] = [];
  const problems: BoundaryProblem[] = [];
  const seen = new Set<number>();
  for (const change of set.changes) {
    if (change.op === 'create') {
      const kind = change.villageCode ? 'territorial' : 'sector';
      if (!change.villageCode === !change.sectorKind) {
        problems.push(
          problem(
            'unknown_grid',
            `new grid ${change.code} needs either a villageCode (territorial) or a sectorKind (sector), not both`,
            [],
            null,
            null,
            [`new:${change.code}`],
          ),
        );
      }
      proposed.push({
        key: `new:${change.code}`,
        gridId: null,
        kind,
        village: change.villageCode ?? null,
        geometry: change.geometry,
      });
      continue;
    }
    const grid = existing.get(change.gridId);
    if (!grid) {
      problems.push(
        problem('unknown_grid', `grid ${change.gridId} does not exist or is retired`, [change.gridId]),
      );
      continue;
    }
    if (seen.has(grid.id)) {
      problems.push(
        problem('duplicate_grid', `grid ${grid.code} appears more than once in the change set`, [grid.id]),
      );
      continue;
    }
    seen.add(grid.id);
    if (change.op === 'rename') {
      if (change.code === undefined && change.name === undefined)
        problems.push(
          problem('empty_rename', `grid ${grid.code}: a rename needs a new code or name`, [grid.id]),
        );
    } else if (change.op === 'retire') retired.push(grid.id);
    else
      proposed.push({
        key: `grid:${grid.id}`,
        gridId: grid.id,
        kind: grid.kind,
        village: grid.village_code,
        geometry: change.geometry,
      });
  }
  const villages = new Set([
    ...proposed.filter((p) => p.kind === 'territorial').map((p) => p.village),
    ...retired.map((id) => existing.get(id)?.village_code).filter((v) => v),
  ]);
  if (villages.size > 1 && set.kind !== 'import')
    problems.push(problem('mixed_villages', 'one change set edits the grids of one village at a time', []));
  return { proposed, retired, problems };
}

/** Every reason the change set cannot be committed (empty: valid). */
export async function validateChangeSet(
  db: Queryable,
  set: BoundaryChangeSet,
  lock = false,
): Promise<{
  problems: BoundaryProblem[];
  existing: Map<number, ExistingGrid>;
  proposed: Proposed[];
  retired: number[];
}> {
  const existing = await readExisting(db, set, lock);
  const { proposed, retired, problems } = proposals(set, existing);
  if (problems.length) return { problems, existing, proposed, retired };

  // Codes are unique over every grid ever made (retired ones keep theirs for the history).
  const claims = set.changes.flatMap((c) =>
    c.op === 'create'
      ? [{ code: c.code, gridId: 0 }]
      : c.op === 'rename' && c.code
        ? [{ code: c.code, gridId: c.gridId }]
        : [],
  );
  if (claims.length) {
    const byCode = new Map<string, number>();
    for (const c of claims) byCode.set(c.code, (byCode.get(c.code) ?? 0) + 1);
    for (const [code, n] of byCode)
      if (n > 1)
        problems.push(
          problem('code_taken', `grid code ${code} is given ${n} times`, [], null, null, [`new:${code}`]),
        );
    const taken = await db.query<{ code: string; id: number }>(
      'SELECT code, id FROM grids WHERE code = ANY($1::text[])',
      [[...byCode.keys()]],
    );
    for (const row of taken.rows) {
      const claim = claims.find((c) => c.code === row.code)!;
      if (claim.gridId !== row.id)
        problems.push(
          problem(
            'code_taken',
            `grid code ${row.code} is already used`,
            claim.gridId ? [claim.gridId] : [],
            null,
            null,
            claim.gridId ? [] : [`new:${row.code}`],
          ),
        );
    }
  }
  if (problems.length || (proposed.length === 0 && retired.length === 0))
    return { problems, existing, proposed, retired };

  // Editors work on outlines served at 7 decimals (~1 cm) and planners' vertices land near, not on,
  // the neighbours': snap every proposed vertex within ~10 cm to the stored vertices and edges of the
  // surrounding grids, village and county, so untouched borders stay exactly shared.
  const snapped = await db.query<{ key: string; geometry: Polygon | MultiPolygon }>(
    `SELECT s.key, ST_AsGeoJSON(CASE WHEN ST_IsValid(s.g) AND s.ref IS NOT NULL THEN ST_Snap(s.g, s.ref, $4) ELSE s.g END, 15)::json AS geometry
     FROM (SELECT u.key, ST_SetSRID(ST_GeomFromGeoJSON(u.gj), 4326) AS g,
             (SELECT ST_Collect(x.geom) FROM (
                SELECT geom FROM grids WHERE retired_at IS NULL AND kind = 'territorial' AND id <> ALL($3::int[])
                  AND geom && ST_Expand(ST_SetSRID(ST_GeomFromGeoJSON(u.gj), 4326), 0.001)
                UNION ALL SELECT geom FROM regions WHERE level IN ('village', 'county')
                  AND geom && ST_Expand(ST_SetSRID(ST_GeomFromGeoJSON(u.gj), 4326), 0.001)) x) AS ref
           FROM unnest($1::text[], $2::text[]) AS u(key, gj)) s`,
    [
      proposed.map((p) => p.key),
      proposed.map((p) => JSON.stringify(p.geometry)),
      [...proposed.flatMap((p) => (p.gridId === null ? [] : [p.gridId])), ...retired],
      snapToleranceDegrees,
    ],
  );
  const snappedByKey = new Map(snapped.rows.map((r) => [r.key, r.geometry]));
  for (const p of proposed) p.geometry = snappedByKey.get(p.key) ?? p.geometry;

  const params = [
    proposed.map((p) => p.key),
    proposed.map((p) => p.gridId),
    proposed.map((p) => p.kind),
    proposed.map((p) => p.village),
    proposed.map((p) => JSON.stringify(p.geometry)),
  ];
  const proposedSql = `SELECT u.key, u.grid_id, u.kind, u.village, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(u.gj), 4326)) AS geom
    FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[]) AS u(key, grid_id, kind, village, gj)`;
  const shape = await db.query<{
    key: string;
    grid_id: number | null;
    valid: boolean;
    reason: string;
    area: number | null;
    perimeter: number | null;
  }>(
    `SELECT key, grid_id, ST_IsValid(geom) AS valid, ST_IsValidReason(geom) AS reason,
            CASE WHEN ST_IsValid(geom) THEN ST_Area(geom::geography) END AS area,
            CASE WHEN ST_IsValid(geom) THEN ST_Perimeter(geom::geography) END AS perimeter
     FROM (${proposedSql}) p`,
    params,
  );
  for (const row of shape.rows) {
    const ids = row.grid_id === null ? [] : [row.grid_id];
    if (!row.valid)
      problems.push(problem('invalid_geometry', `${row.key}: ${row.reason}`, ids, null, null, [row.key]));
    else if (row.area! < minGridAreaM2 || (4 * Math.PI * row.area!) / row.perimeter! ** 2 < minCompactness) {
      problems.push(
        problem('sliver', `${row.key}: a sliver (${Math.round(row.area!)} m²)`, ids, null, row.area, [
          row.key,
        ]),
      );
    }
  }
  if (problems.length) return { problems, existing, proposed, retired };

  const changedIds = [...proposed.flatMap((p) => (p.gridId === null ? [] : [p.gridId])), ...retired];
  const topology = await querySimple<{
    code: BoundaryProblem['code'];
    a: string;
    b: string | null;
    ids: number[];
    area: number;
    geometry: unknown;
  }>(
    db,
    `WITH p AS (${proposedSql}),
     village AS (SELECT DISTINCT v.code, v.geom FROM regions v WHERE v.code = ANY(SELECT village FROM p WHERE kind = 'territorial')
                 UNION SELECT v.code, v.geom FROM regions v JOIN grids g ON g.village_code = v.code WHERE g.id = ANY($6::int[])),
     result AS (
       SELECT 'grid:' || g.id AS key, g.id AS grid_id, g.geom FROM grids g JOIN village v ON v.code = g.village_code
       WHERE g.kind = 'territorial' AND g.retired_at IS NULL AND g.id <> ALL($6::int[])
       UNION ALL SELECT key, grid_id, geom FROM p WHERE kind = 'territorial')
     SELECT 'overlap' AS code, a.key AS a, b.key AS b, array_remove(ARRAY[a.grid_id, b.grid_id], NULL) AS ids,
            ST_Area(ST_Intersection(a.geom, b.geom)::geography) AS area, ST_AsGeoJSON(ST_Intersection(a.geom, b.geom), 7)::json AS geometry
     FROM p a JOIN (SELECT key, grid_id, geom FROM result UNION ALL
                     SELECT 'grid:' || g.id, g.id, g.geom FROM grids g
                     WHERE g.kind = 'territorial' AND g.retired_at IS NULL AND g.id <> ALL($6::int[])
                       AND g.village_code NOT IN (SELECT code FROM village)) b
       ON a.key <> b.key AND a.geom && b.geom AND ST_Intersects(a.geom, b.geom)
     WHERE a.kind = 'territorial' AND (b.key NOT IN (SELECT key FROM p) OR a.key < b.key)
       AND ${significant('ST_Intersection(a.geom, b.geom)')}
     UNION ALL
     SELECT 'outside_parent', p.key, p.village, array_remove(ARRAY[p.grid_id], NULL), ST_Area(ST_Difference(p.geom, v.geom)::geography),
            ST_AsGeoJSON(ST_Difference(p.geom, v.geom), 7)::json
     FROM p JOIN regions v ON v.code = p.village
     WHERE p.kind = 'territorial' AND ${significant('ST_Difference(p.geom, v.geom)')}
     UNION ALL
     SELECT 'gap', v.code, NULL, ARRAY[]::int[], ST_Area(ST_Difference(v.geom, ST_Union(r.geom))::geography),
            ST_AsGeoJSON(ST_Difference(v.geom, ST_Union(r.geom)), 7)::json
     FROM village v JOIN result r ON r.geom && v.geom AND ST_Intersects(r.geom, v.geom)
     GROUP BY v.code, v.geom HAVING ${significant('ST_Difference(v.geom, ST_Union(r.geom))')}
     UNION ALL
     SELECT 'outside_county', p.key, NULL, array_remove(ARRAY[p.grid_id], NULL), ST_Area(ST_Difference(p.geom, c.geom)::geography),
            ST_AsGeoJSON(ST_Difference(p.geom, c.geom), 7)::json
     FROM p, regions c WHERE c.level = 'county' AND p.kind = 'sector'
       AND ${significant('ST_Difference(p.geom, c.geom)')}`,
    [...params, changedIds],
  );
  const messages: Record<string, (r: (typeof topology.rows)[number]) => string> = {
    overlap: (r) => `${r.a} overlaps ${r.b} by ${Math.round(r.area)} m²`,
    outside_parent: (r) => `${r.a} reaches ${Math.round(r.area)} m² outside its village`,
    gap: (r) => `village ${r.a} would have ${Math.round(r.area)} m² covered by no grid`,
    outside_county: (r) => `${r.a} reaches ${Math.round(r.area)} m² outside the county`,
  };
  for (const row of topology.rows)
    problems.push(
      problem(
        row.code,
        messages[row.code]!(row),
        row.ids,
        row.geometry,
        row.area,
        row.code === 'gap'
          ? [`village:${row.a}`]
          : [row.a, ...(row.b && row.code === 'overlap' ? [row.b] : [])],
      ),
    );
  return { problems, existing, proposed, retired };
}

const existingIds = (set: BoundaryChangeSet): number[] =>
  set.changes.flatMap((c) => (c.op === 'create' ? [] : [c.gridId]));

/** The box around every outline that changes, before and after: nothing outside it can change grid. */
async function changedArea(
  db: Queryable,
  proposed: Proposed[],
  gridIds: number[],
  includeHistory = false,
): Promise<ChangedArea> {
  const { rows } = await db.query<{ box: [number, number, number, number] | null }>(
    `WITH shapes AS (
       SELECT geom FROM grids WHERE id = ANY($1::int[]) AND geom IS NOT NULL
       UNION ALL SELECT geom FROM grid_revisions WHERE $3 AND grid_id = ANY($1::int[]) AND geom IS NOT NULL
         AND valid_to >= now() - interval '1 second'
       UNION ALL SELECT ST_SetSRID(ST_GeomFromGeoJSON(gj), 4326) FROM unnest($2::text[]) AS gj),
     e AS (SELECT ST_Extent(geom) AS box FROM shapes)
     SELECT CASE WHEN box IS NULL THEN NULL ELSE ARRAY[ST_XMin(box), ST_YMin(box), ST_XMax(box), ST_YMax(box)] END AS box FROM e`,
    [gridIds, proposed.map((p) => JSON.stringify(p.geometry)), includeHistory],
  );
  return rows[0]?.box ?? [0, 0, 0, 0];
}

/** The grids as they would be after the change set (new grids get the ids given). */
function applyToInputs(
  current: GridInput[],
  proposed: Proposed[],
  retired: number[],
  newIds: Map<string, number>,
): GridInput[] {
  const replaced = new Map(proposed.filter((p) => p.gridId !== null).map((p) => [p.gridId!, p]));
  const gone = new Set(retired);
  const kept = current
    .filter((g) => !gone.has(g.id))
    .map((g) => (replaced.has(g.id) ? { ...g, geometry: replaced.get(g.id)!.geometry } : g));
  const created = proposed
    .filter((p) => p.gridId === null)
    .map((p) => ({ id: newIds.get(p.key)!, code: p.key.slice(4), kind: p.kind, geometry: p.geometry }));
  return [...kept, ...created];
}

async function describeImpact(
  db: Queryable,
  plan: ReassignmentPlan,
  names: Map<number, { code: string; name: string }>,
): Promise<Omit<BoundaryPreview, 'valid' | 'validationMs' | 'previewMs'>> {
  const ref = (id: number) => ({
    id,
    code: names.get(id)?.code ?? String(id),
    name: names.get(id)?.name ?? String(id),
  });
  const moves = plan.summary.map((m) => ({ ...m, from: ref(m.from), to: ref(m.to) }));
  const totals = { addresses: 0, occupants: 0, residents: 0, arrivals: 0, checkpoints: 0, isolationSites: 0 };
  const delta = new Map<number, number>();
  for (const m of plan.summary) {
    totals.addresses += m.addresses;
    totals.occupants += m.occupants;
    totals.residents += m.residents;
    totals.arrivals += m.arrivals;
    totals.checkpoints += m.checkpoints;
    totals.isolationSites += m.isolationSites;
    delta.set(m.from, (delta.get(m.from) ?? 0) - m.occupants);
    delta.set(m.to, (delta.get(m.to) ?? 0) + m.occupants);
  }
  const gridIds = [...delta.keys()];
  const workers = await db.query<{ id: number; name: string; grid_id: number }>(
    'SELECT id, name, grid_id FROM grid_workers WHERE grid_id = ANY($1::int[]) ORDER BY id',
    [gridIds],
  );
  const tasks = await db.query<{ n: number }>(
    `SELECT count(DISTINCT task_id)::int AS n FROM task_assignments WHERE grid_id = ANY($1::int[]) AND state <> 'done'`,
    [gridIds],
  );
  return {
    moves,
    totals,
    workers: workers.rows.map((w) => {
      const d = delta.get(w.grid_id) ?? 0;
      return { id: w.id, name: w.name, gridId: w.grid_id, gained: Math.max(0, d), lost: Math.max(0, -d) };
    }),
    openTasksAffected: tasks.rows[0]!.n,
  };
}

export async function previewChangeSet(
  db: Queryable,
  set: BoundaryChangeSet,
  build: BuildGridIndex = buildInThread,
): Promise<BoundaryPreview | BoundaryProblem[]> {
  const t0 = performance.now();
  const { problems, proposed, retired } = await validateChangeSet(db, set);
  const t1 = performance.now();
  if (problems.length) return problems;
  if (proposed.length === 0 && retired.length === 0) {
    // Only codes and names change: nobody moves.
    const impact = await describeImpact(
      db,
      { revision: 0, moves: [], summary: [], unassigned: [] },
      new Map(),
    );
    return { valid: true, ...impact, validationMs: Math.round(t1 - t0), previewMs: 0 };
  }
  const { grids, names } = await readGridInputs(db);
  let nextId = Math.max(0, ...grids.map((g) => g.id)) + 1;
  const newIds = new Map(proposed.filter((p) => p.gridId === null).map((p) => [p.key, nextId++]));
  for (const [key, id] of newIds) names.set(id, { code: key.slice(4), name: key.slice(4) });
  const index = await build(applyToInputs(grids, proposed, retired, newIds), 0);
  const plan = await computeReassignment(db, index, await changedArea(db, proposed, [...existingIds(set)]));
  const impact = await describeImpact(db, plan, names);
  return {
    valid: true,
    ...impact,
    validationMs: Math.round(t1 - t0),
    previewMs: Math.round(performance.now() - t1),
  };
}

export interface CommitOutcome {
  preview: Omit<BoundaryPreview, 'valid' | 'validationMs' | 'previewMs'>;
  plan: ReassignmentPlan;
  index: GridIndex;
  names: Map<number, { code: string; name: string }>;
  seq: number;
  revisions: { gridId: number; revision: number }[];
}

/** Commits in the caller's transaction; throws 409 on a stale base revision and 422 on problems. */
export async function commitChangeSet(
  client: pg.ClientBase,
  set: BoundaryChangeSet & { reason: string },
  actorUserId: number,
  build: BuildGridIndex = buildInThread,
): Promise<CommitOutcome> {
  const { problems, existing, proposed, retired } = await validateChangeSet(client, set, true);
  const geometryOf = (key: string) => JSON.stringify(proposed.find((p) => p.key === key)!.geometry);
  for (const [id, grid] of existing) {
    const base = set.baseRevisions[String(id)];
    if (base !== grid.revision) {
      throw new HttpError(
        409,
        ErrorCode.conflict,
        `grid ${grid.code} was changed by someone else (now revision ${grid.revision}, you started from ${base ?? 'none'})`,
        undefined,
        {
          gridId: id,
          currentRevision: grid.revision,
          baseRevision: base ?? null,
        },
      );
    }
  }
  if (problems.length)
    throw new HttpError(422, ErrorCode.invalidGeometry, 'the boundaries are not valid', undefined, {
      problems,
    });

  const newIds = new Map<string, number>();
  for (const change of set.changes) {
    if (change.op !== 'create') continue;
    const { rows } = await client.query<{ id: number }>(
      `INSERT INTO grids (code, name, kind, sector_kind, village_code, geom, synthetic)
       VALUES ($1, $2, $3, $4, $5, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($6), 4326)), false) RETURNING id`,
      [
        change.code,
        change.name,
        change.villageCode ? 'territorial' : 'sector',
        change.villageCode ? null : change.sectorKind,
        change.villageCode ?? null,
        geometryOf(`new:${change.code}`),
      ],
    );
    newIds.set(`new:${change.code}`, rows[0]!.id);
    await client.query('INSERT INTO grid_status (grid_id) VALUES ($1)', [rows[0]!.id]);
  }
  for (const change of set.changes) {
    if (change.op === 'update') {
      await client.query(
        `UPDATE grids SET geom = ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON($2), 4326)), name = coalesce($3, name),
           revision = revision + 1, updated_at = now() WHERE id = $1`,
        [change.gridId, geometryOf(`grid:${change.gridId}`), change.name ?? null],
      );
    } else if (change.op === 'retire') {
      await client.query(
        'UPDATE grids SET retired_at = now(), revision = revision + 1, updated_at = now() WHERE id = $1',
        [change.gridId],
      );
      // Nobody looks after a deleted sector grid any more (territorial grids keep their workers' rows).
      await client.query(
        `DELETE FROM grid_worker_assignments a USING grids g WHERE g.id = a.grid_id AND g.id = $1 AND g.kind = 'sector'`,
        [change.gridId],
      );
    } else if (change.op === 'rename') {
      await client.query(
        `UPDATE grids SET code = coalesce($2, code), name = coalesce($3, name), revision = revision + 1, updated_at = now()
         WHERE id = $1`,
        [change.gridId, change.code ?? null, change.name ?? null],
      );
    }
  }
  const touched = [...existing.keys(), ...newIds.values()];
  await client.query(
    'UPDATE grid_revisions SET valid_to = now() WHERE grid_id = ANY($1::int[]) AND valid_to IS NULL',
    [touched],
  );
  const revisions = await client.query<{ grid_id: number; revision: number }>(
    `INSERT INTO grid_revisions (grid_id, revision, kind, code, name, geom, author_user_id, reason)
     SELECT id, revision, CASE WHEN retired_at IS NOT NULL THEN 'retire' WHEN id = ANY($4::int[]) THEN 'create' ELSE $2 END,
            code, name, CASE WHEN retired_at IS NULL THEN geom END, $3, $5
     FROM grids WHERE id = ANY($1::int[]) RETURNING grid_id, revision`,
    [touched, set.kind, actorUserId, [...newIds.values()], set.reason],
  );

  // The old outlines are in grid_revisions (closed above); the new ones are in grids now.
  const area = await changedArea(client, [], touched, true);
  const { grids, names } = await readGridInputs(client);
  const index = await build(grids, 0);
  const plan = await computeReassignment(client, index, area);
  const preview = await describeImpact(client, plan, names);
  await applyReassignment(client, plan);
  const affected = [...new Set([...touched, ...plan.summary.flatMap((m) => [m.from, m.to])])];
  await recomputeGridStatus(client, affected);
  const revisionOf = new Map(revisions.rows.map((r) => [r.grid_id, r.revision]));
  const seqs = await appendEvents(
    client,
    affected.map((gridId) => ({
      type: 'grid:boundary-changed',
      gridId,
      actorUserId,
      payload: {
        changeKind: set.kind,
        retired: retired.includes(gridId),
        reshaped: revisionOf.has(gridId),
        revision: revisionOf.get(gridId) ?? null,
        grids: affected.length,
      } satisfies BoundaryChangedData,
    })),
  );
  return {
    preview,
    plan,
    index,
    names,
    seq: seqs[seqs.length - 1]!,
    revisions: revisions.rows.map((r) => ({ gridId: r.grid_id, revision: r.revision })),
  };
}
