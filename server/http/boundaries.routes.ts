// Boundary editing for planners: preview a change set's impact, commit it atomically with optimistic
// locking, read a grid’s history, export the boundaries (now or as of a date; GeoJSON or GeoPackage).
import type { z } from 'zod';
import { ErrorCode } from '../../shared/api-error.ts';
import {
  BoundaryChangeSet,
  BoundaryCommit,
  BoundaryCommitResult,
  BoundaryImport,
  BoundaryImportPreview,
  BoundaryExportQuery,
  BoundaryPreview,
  GridRevisionList,
} from '../../shared/boundaries.ts';
import { GridFeatureCollection, GridIdParams } from '../../shared/grids.ts';
import { readGridInputs, readGridSetRevision } from '../db/assigner.repo.ts';
import { commitChangeSet, previewChangeSet } from '../db/boundaries.repo.ts';
import { planImport } from '../db/boundary-import.repo.ts';
import { withTransaction } from '../db/database.ts';
import { listGridExportRowsAsOf, listGridFeaturesAsOf, type GridExportRow } from '../db/grids.repo.ts';
import { geoPackageMediaType, writeGeoPackage } from '../spatial/geopackage-writer.ts';
import type { AppDeps } from '../app.ts';
import { allRoles, answered, type ApiRegistry } from './api-registry.ts';
import { HttpError, notFound } from './http-error.ts';

const planners = ['planner', 'commander'] as const;

export function boundaryRoutes(api: ApiRegistry, deps: AppDeps): void {
  api.add(
    {
      method: 'post',
      path: '/api/boundaries/preview',
      summary:
        'Validate a boundary change set (PostGIS) and preview who and what would move; 422 with reasons if invalid',
      tag: 'boundaries',
      roles: planners,
      body: BoundaryChangeSet,
      response: BoundaryPreview,
    },
    async ({ body }) => {
      const result = await previewChangeSet(deps.pool, body, deps.assigner.grids.build);
      if (Array.isArray(result)) {
        throw new HttpError(422, ErrorCode.invalidGeometry, 'the boundaries are not valid', undefined, {
          problems: result,
        });
      }
      return result;
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/boundaries/import/preview',
      summary:
        'Check a GeoJSON boundary set feature by feature and together (the same validation as edits); answer the ' +
        'rejected features with reasons, the unchanged ones, and the change set of the rest with its impact ' +
        '(commit it through /api/boundaries/commit)',
      tag: 'boundaries',
      roles: planners,
      body: BoundaryImport,
      response: BoundaryImportPreview,
    },
    async ({ body }) => planImport(deps.pool, body.features, deps.assigner.grids.build),
  );

  api.add(
    {
      method: 'post',
      path: '/api/boundaries/commit',
      summary:
        'Commit a boundary change set in one transaction: new revisions, reassignment of addresses, people and facilities, ' +
        'status, event. 409 if a grid changed since baseRevisions; 422 if invalid.',
      tag: 'boundaries',
      roles: planners,
      body: BoundaryCommit,
      response: BoundaryCommitResult,
    },
    async ({ body, user }) => {
      const started = performance.now();
      const outcome = await withTransaction(deps.pool, (client) =>
        commitChangeSet(client, body, user.id, deps.assigner.grids.build),
      );
      const commitMs = Math.round(performance.now() - started);
      // The in-memory assignment follows the committed boundaries.
      const [{ grids, names }, revision] = await Promise.all([
        readGridInputs(deps.pool),
        readGridSetRevision(deps.pool),
      ]);
      await deps.assigner.grids.replace(grids, revision);
      deps.assigner.gridNames.clear();
      for (const [id, name] of names) deps.assigner.gridNames.set(id, name);
      deps.assigner.addresses.reassign(
        new Map(outcome.plan.moves.filter((m) => m.kind === 'address').map((m) => [m.id, m.to])),
      );
      return {
        ...outcome.preview,
        seq: outcome.seq,
        revisions: outcome.revisions,
        validationMs: 0,
        previewMs: 0,
        commitMs,
      };
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/grids/:id/revisions',
      summary: 'A grid’s revisions: author, time, reason and geometry',
      tag: 'boundaries',
      roles: allRoles,
      params: GridIdParams,
      response: GridRevisionList,
    },
    async ({ params }) => {
      const { rows } = await deps.pool.query<z.infer<typeof GridRevisionList>['revisions'][number]>(
        `SELECT r.revision, r.kind, coalesce(r.code, g.code) AS code, r.name, u.display_name AS author, r.reason,
                to_json(r.valid_from)#>>'{}' AS "validFrom", to_json(r.valid_to)#>>'{}' AS "validTo",
                CASE WHEN r.geom IS NULL THEN NULL ELSE ST_AsGeoJSON(ST_ForcePolygonCCW(r.geom), 7)::json END AS geometry
         FROM grid_revisions r JOIN grids g ON g.id = r.grid_id LEFT JOIN users u ON u.id = r.author_user_id
         WHERE r.grid_id = $1 ORDER BY r.revision DESC`,
        [params.id],
      );
      if (rows.length === 0) throw notFound(`grid ${params.id}`);
      return { gridId: params.id, revisions: rows };
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/boundaries/export',
      summary:
        'All grids as they are now or as they were at `asOf`: an RFC 7946 GeoJSON file, or with `format=gpkg` an OGC GeoPackage 1.3 file (layer `grids`, EPSG:4326)',
      tag: 'boundaries',
      roles: ['planner', 'commander', 'dispatcher'],
      query: BoundaryExportQuery,
      response: GridFeatureCollection,
      alsoReturns: [geoPackageMediaType],
    },
    async ({ query, res }) => {
      const at = query.asOf ?? new Date().toISOString();
      const name = `tiantai-grids-${at.slice(0, 10)}`;
      if (query.format === 'geojson') {
        res.setHeader('content-disposition', `attachment; filename="${name}.geojson"`);
        return listGridFeaturesAsOf(deps.pool, at);
      }
      const file = await writeGridGeoPackage(await listGridExportRowsAsOf(deps.pool, at), at);
      res.setHeader('content-disposition', `attachment; filename="${name}.gpkg"`);
      res.type(geoPackageMediaType).send(Buffer.from(file.buffer, file.byteOffset, file.byteLength));
      return answered;
    },
  );
}

/** One `grids` layer: the GeoJSON export's properties as columns, plus village and township names. */
function writeGridGeoPackage(rows: GridExportRow[], at: string): Promise<Uint8Array> {
  return writeGeoPackage({
    table: 'grids',
    identifier: 'grids',
    description: `天台县网格 Tiantai County grids as of ${at}`,
    geometryType: 'MULTIPOLYGON',
    columns: [
      { name: 'code', type: 'TEXT', notNull: true },
      { name: 'name', type: 'TEXT', notNull: true },
      { name: 'kind', type: 'TEXT', notNull: true },
      { name: 'sector_kind', type: 'TEXT', notNull: false },
      { name: 'village_code', type: 'TEXT', notNull: false },
      { name: 'village', type: 'TEXT', notNull: false },
      { name: 'township', type: 'TEXT', notNull: false },
      { name: 'revision', type: 'INTEGER', notNull: true },
    ],
    features: rows.map((row) => ({
      id: row.id,
      wkb: row.wkb,
      envelope: row.envelope,
      values: [
        row.code,
        row.name,
        row.kind,
        row.sectorKind,
        row.villageCode,
        row.village,
        row.township,
        row.revision,
      ],
    })),
  });
}
