// Grids (territorial 网格 and sector 行业网格) on the wire: the GeoJSON layer and the detail view.
import { z } from 'zod';
import { GridKind, GridWorkerRole, SectorKind } from './domain.ts';
import { AreaGeometry, BboxParam, featureCollection } from './geojson.ts';

export const GridProperties = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  kind: GridKind,
  sectorKind: SectorKind.nullable(),
  villageCode: z.string().nullable(),
  townshipCode: z.string().nullable(),
  workerIds: z.array(z.number().int()),
  revision: z.number().int(),
  synthetic: z.boolean(),
});
export type GridProperties = z.infer<typeof GridProperties>;

export const GridFeatureCollection = featureCollection(GridProperties, AreaGeometry);
export type GridFeatureCollection = z.infer<typeof GridFeatureCollection>;
export const GridFeature = GridFeatureCollection.shape.features.element;
export type GridFeature = z.infer<typeof GridFeature>;

/** At most this many ids in one `ids` query (a commit changes a handful of grids). */
export const maxGridIdsPerQuery = 500;

/** `1,2,3`: grid ids as one query parameter. */
export const GridIdList = z
  .string()
  .regex(/^[0-9]+(,[0-9]+)*$/, 'comma-separated grid ids')
  .transform((value) => [...new Set(value.split(',').map(Number))])
  .refine((ids) => ids.length <= maxGridIdsPerQuery, `at most ${maxGridIdsPerQuery} ids`)
  .refine((ids) => ids.every((id) => id > 0 && Number.isSafeInteger(id)), 'ids are positive integers');

export const GridListQuery = z.object({
  kind: GridKind.optional(),
  region: z
    .string()
    .regex(/^[0-9]{6}([0-9]{3}([0-9]{3})?)?$/, 'a 6-, 9- or 12-digit region code')
    .optional(),
  bbox: BboxParam.optional(),
  /** Only these grids (comma-separated ids): what a console refetches after a boundary change. */
  ids: GridIdList.optional(),
  /** The boundaries in force at this time (ISO 8601) instead of today's. */
  asOf: z.iso.datetime({ offset: true }).optional(),
});
export type GridListQuery = z.infer<typeof GridListQuery>;

export const GridIdParams = z.object({ id: z.coerce.number().int().positive() });

export const GridWorker = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  phone: z.string(),
  role: GridWorkerRole,
  /** True when this grid is the worker's own territorial grid (false: a sector grid they look after). */
  primary: z.boolean(),
});
export type GridWorker = z.infer<typeof GridWorker>;

export const GridCounts = z.object({
  residents: z.number().int(),
  arrivals: z.number().int(),
  green: z.number().int(),
  yellow: z.number().int(),
  red: z.number().int(),
  isolated: z.number().int(),
  addresses: z.number().int(),
  checkpoints: z.number().int(),
});
export type GridCounts = z.infer<typeof GridCounts>;

export const GridDetail = z.object({
  grid: GridProperties.extend({
    villageName: z.string().nullable(),
    townshipName: z.string().nullable(),
    areaKm2: z.number(),
  }),
  workers: z.array(GridWorker),
  counts: GridCounts,
});
export type GridDetail = z.infer<typeof GridDetail>;
