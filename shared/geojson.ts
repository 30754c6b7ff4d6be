// RFC 7946 GeoJSON schemas (WGS84 lon/lat) used on the wire, and small helpers around them.
import { z } from 'zod';

const Longitude = z.number().min(-180).max(180);
const Latitude = z.number().min(-90).max(90);
export const Position = z.tuple([Longitude, Latitude]).rest(z.number());
export type Position = z.infer<typeof Position>;

export const PointGeometry = z.object({ type: z.literal('Point'), coordinates: Position });
const LinearRing = z.array(Position).min(4);
export const PolygonGeometry = z.object({
  type: z.literal('Polygon'),
  coordinates: z.array(LinearRing).min(1),
});
export const MultiPolygonGeometry = z.object({
  type: z.literal('MultiPolygon'),
  coordinates: z.array(z.array(LinearRing).min(1)).min(1),
});
export const AreaGeometry = z.discriminatedUnion('type', [PolygonGeometry, MultiPolygonGeometry]);
export type AreaGeometry = z.infer<typeof AreaGeometry>;
export type PointGeometry = z.infer<typeof PointGeometry>;

export function featureCollection<P extends z.ZodType, G extends z.ZodType>(properties: P, geometry: G) {
  return z.object({
    type: z.literal('FeatureCollection'),
    features: z.array(
      z.object({
        type: z.literal('Feature'),
        id: z.union([z.number(), z.string()]).optional(),
        geometry,
        properties,
      }),
    ),
  });
}

/** `minLon,minLat,maxLon,maxLat` as in a WMS/OGC API bbox query parameter. */
export const BboxParam = z.string().transform((value, ctx) => {
  const parts = value.split(',').map((part) => Number(part.trim()));
  const [minLon, minLat, maxLon, maxLat] = parts;
  if (
    parts.length !== 4 ||
    parts.some((n) => !Number.isFinite(n)) ||
    minLon === undefined ||
    minLat === undefined ||
    maxLon === undefined ||
    maxLat === undefined
  ) {
    ctx.addIssue({ code: 'custom', message: 'bbox must be four numbers: minLon,minLat,maxLon,maxLat' });
    return z.NEVER;
  }
  if (minLon > maxLon || minLat > maxLat || minLon < -180 || maxLon > 180 || minLat < -90 || maxLat > 90) {
    ctx.addIssue({ code: 'custom', message: 'bbox must be ordered min before max within WGS84 bounds' });
    return z.NEVER;
  }
  return [minLon, minLat, maxLon, maxLat] as const;
});
