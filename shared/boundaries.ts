// Boundary editing on the wire: a change set (edits, splits, merges, new and retired grids), its
// validation problems, its impact preview, and the history of each grid.
import { z } from 'zod';
import { SectorKind } from './domain.ts';
import { AreaGeometry } from './geojson.ts';

export const BoundaryChange = z.discriminatedUnion('op', [
  /** New geometry (and optionally name) for an existing grid. */
  z.object({
    op: z.literal('update'),
    gridId: z.number().int().positive(),
    geometry: AreaGeometry,
    name: z.string().trim().min(1).max(64).optional(),
  }),
  /** A new grid: territorial (in a village) or sector. */
  z.object({
    op: z.literal('create'),
    code: z.string().regex(/^[0-9A-Za-z-]{3,32}$/),
    name: z.string().trim().min(1).max(64),
    geometry: AreaGeometry,
    villageCode: z
      .string()
      .regex(/^[0-9]{12}$/)
      .optional(),
    sectorKind: SectorKind.optional(),
  }),
  /** Retire a grid (merged into a neighbour, or a sector grid deleted). */
  z.object({ op: z.literal('retire'), gridId: z.number().int().positive() }),
]);
export type BoundaryChange = z.infer<typeof BoundaryChange>;

export const BoundaryChangeSet = z.object({
  changes: z.array(BoundaryChange).min(1).max(50),
  /** The revision of every existing grid the editor started from (optimistic locking). */
  baseRevisions: z.record(z.string().regex(/^[0-9]+$/), z.number().int().positive()),
  kind: z.enum(['edit', 'split', 'merge', 'create', 'retire', 'revert', 'import']).default('edit'),
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
] as const;
export const BoundaryProblem = z.object({
  code: z.enum(boundaryProblemCodes),
  message: z.string(),
  gridIds: z.array(z.number().int()),
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
  checkpoints: z.number().int(),
  isolationSites: z.number().int(),
});

export const BoundaryPreview = z.object({
  valid: z.literal(true),
  moves: z.array(BoundaryMove),
  totals: z.object({
    addresses: z.number().int(),
    occupants: z.number().int(),
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
  name: z.string(),
  author: z.string().nullable(),
  reason: z.string(),
  validFrom: z.string(),
  validTo: z.string().nullable(),
  geometry: AreaGeometry.nullable(),
});
export const GridRevisionList = z.object({ gridId: z.number().int(), revisions: z.array(GridRevision) });
