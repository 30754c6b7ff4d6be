// Checkpoints (卡口) and isolation observation sites (隔离观察点) as GeoJSON point layers.
import { z } from 'zod';
import { CheckpointKind } from './domain.ts';
import { PointGeometry, featureCollection } from './geojson.ts';

export const CheckpointProperties = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  kind: CheckpointKind,
  gridId: z.number().int(),
  staffing: z.number().int(),
});
export const CheckpointFeatureCollection = featureCollection(CheckpointProperties, PointGeometry);
export type CheckpointFeatureCollection = z.infer<typeof CheckpointFeatureCollection>;

export const IsolationSiteProperties = z.object({
  id: z.number().int(),
  code: z.string(),
  name: z.string(),
  gridId: z.number().int(),
  capacity: z.number().int(),
  occupancy: z.number().int(),
  openedOn: z.string(),
});
export const IsolationSiteFeatureCollection = featureCollection(IsolationSiteProperties, PointGeometry);
export type IsolationSiteFeatureCollection = z.infer<typeof IsolationSiteFeatureCollection>;

export const RegionScopeQuery = z.object({
  region: z
    .string()
    .regex(/^[0-9]{6}([0-9]{3}([0-9]{3})?)?$/, 'a 6-, 9- or 12-digit region code')
    .optional(),
});
