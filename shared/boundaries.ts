// Boundary editing on the wire: a change set (edits, splits, merges, new and retired grids), its
// validation problems, its impact preview, and the history of each grid.
import { z } from 'zod';
import { SectorKind } from './domain.ts';
import { AreaGeometry } from './geojson.ts';

/** Grid codes: letters, digits and hyphens (the database checks the same pattern). */
export const GridCode = z.string().regex(/^[0-9A-Za-z-]{3,32}$/);
export const GridName = z.string().trim().min(1).max(64);

export const BoundaryChange = z.discriminatedUnion('op', [
  /** New geometry (and optionally name) for an existing grid. */
  z.object({
    op: z.literal('update'),
    gridId: z.number().int().positive(),
    geometry: AreaGeometry,
    name: GridName.optional(),
  }),
  /** A new grid: territorial (in a village) or sector. */
  z.object({
    op: z.literal('create'),
    code: GridCode,
    name: GridName,
    geometry: AreaGeometry,
    villageCode: z
      .string()
      .regex(/^[0-9]{12}$/)
      .optional(),
    sectorKind: SectorKind.optional(),
  }),
  /** Retire a grid (merged into a neighbour, or a sector grid deleted). */
  z.object({ op: z.literal('retire'), gridId: z.number().int().positive() }),
  /** A new code and/or name for an existing grid; its outline stays. */
  z.object({
    op: z.literal('rename'),
    gridId: z.number().int().positive(),
    code: GridCode.optional(),
    name: GridName.optional(),
  }),
]);
export type BoundaryChange = z.infer<typeof BoundaryChange>;

/** An import may replace a whole boundary set (the county has ~700 grids). */
export const maxChanges = 1000;

export const boundaryChangeKinds = [
  'edit',
  'split',
  'merge',
  'create',
  'retire',
  'revert',
  'import',
  'rename',
] as const;

export const BoundaryChangeSet = z.object({
  changes: z.array(BoundaryChange).min(1).max(maxChanges),
  /** The revision of every existing grid the editor started from (optimistic locking). */
  baseRevisions: z.record(z.string().regex(/^[0-9]+$/), z.number().int().positive()),
  kind: z.enum(boundaryChangeKinds).default('edit'),
});
export type BoundaryChangeSet = z.infer<typeof BoundaryChangeSet>;

export const BoundaryCommit = BoundaryChangeSet.extend({ reason: z.string().trim().min(1).max(500) });
export type BoundaryCommit = z.infer<typeof BoundaryCommit>;

export const boundaryProblemCodes = [
  'invalid_geometry',
  'overlap',
  'gap',
  'outside_parent',
  'outside_county',
  'sliver',
  'unknown_grid',
  'mixed_villages',
  'code_taken',
  'empty_rename',
  'duplicate_grid',
] as const;
export const BoundaryProblem = z.object({
  code: z.enum(boundaryProblemCodes),
  message: z.string(),
  gridIds: z.array(z.number().int()),
  /** What it is about, as `grid:<id>`, `new:<code>` or `village:<code>` (maps problems back to features). */
  keys: z.array(z.string()),
  /** Where, for the map (e.g. the gap or the overlap), as GeoJSON. */
  geometry: z.unknown().nullable(),
  areaM2: z.number().nullable(),
});
export type BoundaryProblem = z.infer<typeof BoundaryProblem>;

export const BoundaryMove = z.object({
  from: z.object({ id: z.number().int(), code: z.string(), name: z.string() }),
  to: z.object({ id: z.number().int(), code: z.string(), name: z.string() }),
  addresses: z.number().int(),
  occupants: z.number().int(),
  /** Of the occupants: residents and arrivals. */
  residents: z.number().int(),
  arrivals: z.number().int(),
  checkpoints: z.number().int(),
  isolationSites: z.number().int(),
});

export const BoundaryPreview = z.object({
  valid: z.literal(true),
  moves: z.array(BoundaryMove),
  totals: z.object({
    addresses: z.number().int(),
    occupants: z.number().int(),
    residents: z.number().int(),
    arrivals: z.number().int(),
    checkpoints: z.number().int(),
    isolationSites: z.number().int(),
  }),
  /** Grid workers whose grids gain or lose people. */
  workers: z.array(
    z.object({
      id: z.number().int(),
      name: z.string(),
      gridId: z.number().int(),
      gained: z.number().int(),
      lost: z.number().int(),
    }),
  ),
  openTasksAffected: z.number().int(),
  validationMs: z.number(),
  previewMs: z.number(),
});
export type BoundaryPreview = z.infer<typeof BoundaryPreview>;

export const BoundaryCommitResult = BoundaryPreview.omit({ valid: true }).extend({
  seq: z.number().int(),
  revisions: z.array(z.object({ gridId: z.number().int(), revision: z.number().int() })),
  commitMs: z.number(),
});

export const GridRevision = z.object({
  revision: z.number().int(),
  kind: z.string(),
  code: z.string(),
  name: z.string(),
  author: z.string().nullable(),
  reason: z.string(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  geometry: AreaGeometry.nullable(),
});
export const GridRevisionList = z.object({ gridId: z.number().int(), revisions: z.array(GridRevision) });

/** A boundary set to import: GeoJSON features with `properties.code` (an existing grid's code updates it;
 *  a new code with `villageCode` or `sectorKind` creates a grid) and optionally `name`. Each feature is
 *  checked on its own, so the envelope only asks for a FeatureCollection. */
export const BoundaryImport = z.object({
  type: z.literal('FeatureCollection'),
  features: z.array(z.unknown()).min(1).max(maxChanges),
});
export type BoundaryImport = z.infer<typeof BoundaryImport>;

export const ImportFeature = z.object({
  type: z.literal('Feature'),
  geometry: AreaGeometry,
  properties: z.object({
    code: GridCode,
    name: GridName.optional(),
    villageCode: z
      .string()
      .regex(/^[0-9]{12}$/)
      .nullish(),
    sectorKind: SectorKind.nullish(),
  }),
});

export type ImportFeature = z.infer<typeof ImportFeature>;

export const ImportRejection = z.object({
  /** Position of the feature in the uploaded collection. */
  index: z.number().int(),
  code: z.string().nullable(),
  reasons: z.array(z.object({ code: z.string(), message: z.string() })),
});
export type ImportRejection = z.infer<typeof ImportRejection>;

export const BoundaryImportPreview = z.object({
  features: z.number().int(),
  /** Features equal to the grid as it is (same outline within 2 cm, same name): nothing to do. */
  unchanged: z.array(z.object({ index: z.number().int(), code: z.string() })),
  /** Every feature that would change a grid, with what it does. */
  accepted: z.array(
    z.object({ index: z.number().int(), code: z.string(), op: z.enum(['update', 'create']) }),
  ),
  rejected: z.array(ImportRejection),
  /** The change set of the accepted features (commit it through /api/boundaries/commit), null if none. */
  changeSet: BoundaryChangeSet.nullable(),
  preview: BoundaryPreview.nullable(),
  importMs: z.number(),
});
export type BoundaryImportPreview = z.infer<typeof BoundaryImportPreview>;

/** Export formats: RFC 7946 GeoJSON, or an OGC GeoPackage 1.3 file (one `grids` layer, EPSG:4326). */
export const exportFormats = ['geojson', 'gpkg'] as const;
export const ExportFormat = z.enum(exportFormats);
export type ExportFormat = z.infer<typeof ExportFormat>;

export const BoundaryExportQuery = z.object({
  /** The boundaries in force at this time (ISO 8601) instead of now. */
  asOf: z.iso.datetime({ offset: true }).optional(),
  format: ExportFormat.default('geojson'),
});
export type BoundaryExportQuery = z.infer<typeof BoundaryExportQuery>;
