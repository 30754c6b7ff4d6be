// Console reads beyond the map layers: unified search, occupant detail with history, a grid's recent
// events, the big screen's KPIs and time series.
import { z } from 'zod';
import { Occupant } from './occupants.ts';
import { EntityEvent, RegionStatus } from './realtime.ts';

export const SearchQuery = z.object({
  q: z.string().trim().min(1).max(100),
  limit: z.coerce.number().int().min(1).max(30).default(12),
});

/** One hit of the dispatcher's search box: a grid, a village/township, an address or a person. */
export const SearchHit = z.object({
  kind: z.enum(['grid', 'region', 'address', 'person']),
  id: z.union([z.number(), z.string()]),
  label: z.string(),
  /** Context: village / township, or the grid for an address or person. */
  detail: z.string(),
  gridId: z.number().int().nullable(),
  /** Where to fly the map: [lon, lat] or a bbox [minLon, minLat, maxLon, maxLat]. */
  center: z.tuple([z.number(), z.number()]).nullable(),
  bbox: z.tuple([z.number(), z.number(), z.number(), z.number()]).nullable(),
});
export type SearchHit = z.infer<typeof SearchHit>;
export const SearchResponse = z.object({ hits: z.array(SearchHit) });

export const OccupantHistoryEntry = z.object({
  seq: z.number().int(),
  at: z.string(),
  type: z.string(),
  data: z.record(z.string(), z.unknown()),
});

/** A grid's occupant row, with what only the detail view shows. */
export const OccupantDetail = Occupant.extend({
  registrationLatencySeconds: z.number().int().nullable(),
  household: z.string().nullable(),
  grid: z.object({ id: z.number().int(), code: z.string(), name: z.string() }),
  history: z.array(OccupantHistoryEntry),
  masked: z.boolean(),
});
export type OccupantDetail = z.infer<typeof OccupantDetail>;

export const EventListQuery = z.object({
  gridId: z.coerce.number().int().positive().optional(),
  region: z
    .string()
    .regex(/^[0-9]{6}([0-9]{3}([0-9]{3})?)?$/)
    .optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export const EventListResponse = z.object({ events: z.array(EntityEvent) });

export const Kpis = z.object({
  grids: z.number().int(),
  gridWorkers: z.number().int(),
  gridWorkersOnline: z.number().int(),
  arrivalsToday: z.number().int(),
  /** Share (0–1) of today's arrivals registered within 1 hour of arriving. */
  registeredWithinHourShare: z.number(),
  yellow: z.number().int(),
  red: z.number().int(),
  isolationOccupancy: z.number().int(),
  isolationCapacity: z.number().int(),
  checkpoints: z.number().int(),
  county: RegionStatus,
});
export type Kpis = z.infer<typeof Kpis>;

export const TimeSeriesQuery = z.object({
  hours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 14)
    .default(48),
});
export const TimeSeries = z.object({
  /** Hour buckets (ISO start of hour), oldest first. */
  buckets: z.array(z.object({ at: z.string(), arrivals: z.number().int(), registrations: z.number().int() })),
});
export type TimeSeries = z.infer<typeof TimeSeries>;

export const TownshipRanking = z.object({
  townships: z.array(RegionStatus.extend({ name: z.string() })),
});
