// Importing a boundary set as GeoJSON: each feature is checked on its own (shape, code, grid), then the
// accepted ones together with the same validation as an edit; features the validation blames are
// rejected with its reasons and the rest validated again, until what remains is valid. The result is a
// change set (kind 'import') whose preview is the impact; the planner commits it like any edit.
import type pg from 'pg';
import { buildInThread, type BuildGridIndex } from '../spatial/grid-index-holder.ts';
import {
  ImportFeature,
  type BoundaryChange,
  type BoundaryChangeSet,
  type BoundaryImportPreview,
  type ImportRejection,
} from '../../shared/boundaries.ts';
import { previewChangeSet, validateChangeSet } from './boundaries.repo.ts';

type Queryable = pg.ClientBase | pg.Pool;

/** Outlines within this distance of the stored one (≈ 2 cm; exports round to 7 decimals) are unchanged. */
const sameOutlineDegrees = 2e-7;
/** Each round rejects at least one feature; a few rounds settle any real file. */
const maxRounds = 8;

interface Candidate {
  index: number;
  code: string;
  /** The key validation problems name it by. */
  key: string;
  village: string | null;
  change: BoundaryChange;
}

export async function planImport(
  db: Queryable,
  features: unknown[],
  build: BuildGridIndex = buildInThread,
): Promise<BoundaryImportPreview> {
  const started = performance.now();
  const rejected: ImportRejection[] = [];
  const reject = (index: number, code: string | null, reasons: ImportRejection['reasons']) =>
    rejected.push({ index, code, reasons });

  const parsed: { index: number; feature: ImportFeature }[] = [];
  const seenCodes = new Set<string>();
  features.forEach((raw, index) => {
    const result = ImportFeature.safeParse(raw);
    const code = (raw as { properties?: { code?: unknown } } | null)?.properties?.code;
    if (!result.success) {
      reject(
        index,
        typeof code === 'string' ? code : null,
        result.error.issues.map((i) => ({
          code: 'invalid_feature',
          message: `${i.path.join('.') || 'feature'}: ${i.message}`,
        })),
      );
    } else if (seenCodes.has(result.data.properties.code)) {
      reject(index, result.data.properties.code, [
        { code: 'duplicate_grid', message: `code ${result.data.properties.code} appears twice in the file` },
      ]);
    } else {
      seenCodes.add(result.data.properties.code);
      parsed.push({ index, feature: result.data });
    }
  });

  const { rows: existing } = await db.query<{
    code: string;
    id: number;
    name: string;
    village_code: string | null;
    revision: number;
    same: boolean;
  }>(
    `SELECT g.code, g.id, g.name, g.village_code, g.revision,
            CASE WHEN ST_IsValid(f.geom) THEN ST_HausdorffDistance(g.geom, f.geom) < $3 ELSE false END AS same
     FROM (SELECT u.code, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(u.gj), 4326)) AS geom
           FROM unnest($1::text[], $2::text[]) AS u(code, gj)) f
     JOIN grids g ON g.code = f.code AND g.retired_at IS NULL`,
    [
      parsed.map((p) => p.feature.properties.code),
      parsed.map((p) => JSON.stringify(p.feature.geometry)),
      sameOutlineDegrees,
    ],
  );
  const byCode = new Map(existing.map((r) => [r.code, r]));

  const unchanged: BoundaryImportPreview['unchanged'] = [];
  let candidates: Candidate[] = [];
  const baseRevisions: Record<string, number> = {};
  for (const { index, feature } of parsed) {
    const { code, name, villageCode, sectorKind } = feature.properties;
    const grid = byCode.get(code);
    if (grid) {
      const rename = name !== undefined && name !== grid.name;
      if (grid.same && !rename) {
        unchanged.push({ index, code });
        continue;
      }
      baseRevisions[String(grid.id)] = grid.revision;
      candidates.push({
        index,
        code,
        key: `grid:${grid.id}`,
        village: grid.village_code,
        change: {
          op: 'update',
          gridId: grid.id,
          geometry: feature.geometry,
          ...(rename ? { name } : {}),
        },
      });
    } else if (!villageCode === !sectorKind || !name) {
      reject(index, code, [
        {
          code: 'unknown_grid',
          message: `${code} is not a current grid; a new grid needs a name and either villageCode or sectorKind`,
        },
      ]);
    } else {
      candidates.push({
        index,
        code,
        key: `new:${code}`,
        village: villageCode ?? null,
        change: {
          op: 'create',
          code,
          name,
          geometry: feature.geometry,
          ...(villageCode ? { villageCode } : { sectorKind: sectorKind! }),
        },
      });
    }
  }

  const changeSetOf = (list: Candidate[]): BoundaryChangeSet => ({
    changes: list.map((c) => c.change),
    baseRevisions: Object.fromEntries(
      list.flatMap((c) =>
        c.change.op === 'update' ? [[String(c.change.gridId), baseRevisions[String(c.change.gridId)]!]] : [],
      ),
    ),
    kind: 'import',
  });

  let settled = false;
  for (let round = 0; round < maxRounds && candidates.length > 0; round++) {
    const { problems } = await validateChangeSet(db, changeSetOf(candidates));
    if (problems.length === 0) {
      settled = true;
      break;
    }
    const reasons = new Map<Candidate, ImportRejection['reasons']>();
    for (const p of problems) {
      const keys = new Set([...p.keys, ...p.gridIds.map((id) => `grid:${id}`)]);
      let blamed = candidates.filter(
        (c) => keys.has(c.key) || (c.village !== null && keys.has(`village:${c.village}`)),
      );
      // A problem naming no feature of the file (should not happen) blames them all: never commit it.
      if (blamed.length === 0) blamed = candidates;
      for (const c of blamed) {
        const list = reasons.get(c) ?? [];
        list.push({ code: p.code, message: p.message });
        reasons.set(c, list);
      }
    }
    for (const [c, list] of reasons) reject(c.index, c.code, list);
    candidates = candidates.filter((c) => !reasons.has(c));
  }
  if (candidates.length > 0 && !settled) {
    for (const c of candidates)
      reject(c.index, c.code, [
        { code: 'not_settled', message: 'validation did not settle; import fewer features' },
      ]);
    candidates = [];
  }

  const changeSet = candidates.length ? changeSetOf(candidates) : null;
  const preview = changeSet ? await previewChangeSet(db, changeSet, build) : null;
  if (Array.isArray(preview)) throw new Error('an import change set that validated failed its preview');
  return {
    features: features.length,
    unchanged,
    accepted: candidates.map((c) => ({
      index: c.index,
      code: c.code,
      op: c.change.op as 'update' | 'create',
    })),
    rejected: rejected.sort((a, b) => a.index - b.index),
    changeSet,
    preview,
    importMs: Math.round(performance.now() - started),
  };
}
