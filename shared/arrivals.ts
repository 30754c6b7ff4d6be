// Arrival registration (入格), address search and point/address assignment on the wire.
import { z } from 'zod';
import { HealthCode } from './domain.ts';
import { isValidIdNumber } from './id-number.ts';

export const IdNumber = z
  .string()
  .trim()
  .transform((s) => s.toUpperCase())
  .refine((s) => /^[0-9]{17}[0-9X]$/.test(s), 'must be 18 characters: 17 digits and a digit or X')
  .refine((s) => isValidIdNumber(s), 'not a valid resident ID number (check digit, region or birth date)');

export const Phone = z
  .string()
  .trim()
  .regex(/^1[3-9][0-9]{9}$/, 'must be an 11-digit mainland mobile number');

export const LonLat = z.tuple([z.number().min(-180).max(180), z.number().min(-90).max(90)]);

/** Where the person lives: a registry address (free text, resolved exactly) or a point. */
export const ArrivalLocation = z.union([
  z.object({ address: z.string().trim().min(2).max(200) }).strict(),
  z.object({ point: LonLat }).strict(),
]);
export type ArrivalLocation = z.infer<typeof ArrivalLocation>;

export const ArrivalRequest = z.object({
  name: z.string().trim().min(1).max(32),
  idNumber: IdNumber,
  phone: Phone,
  origin: z.string().trim().min(1).max(64),
  arrivedAt: z.iso.datetime({ offset: true }),
  healthCode: HealthCode,
  location: ArrivalLocation,
});
export type ArrivalRequest = z.infer<typeof ArrivalRequest>;

export const GridRefSchema = z.object({ id: z.number().int(), code: z.string(), name: z.string() });

export const AssignmentRuleSchema = z.enum([
  'interior',
  'boundary-half-open',
  'boundary-outer',
  'outside-nearest',
  'outside-no-grids',
  'invalid-point',
]);

export const AddressMatch = z.object({
  id: z.number().int(),
  text: z.string(),
  gridId: z.number().int(),
  score: z.number(),
  match: z.enum(['exact', 'prefix', 'contains', 'fuzzy']),
});
export type AddressMatch = z.infer<typeof AddressMatch>;

export const ArrivalRecord = z.object({
  id: z.number().int(),
  name: z.string(),
  idNumber: z.string(),
  phone: z.string(),
  origin: z.string(),
  healthCode: HealthCode,
  arrivedAt: z.string(),
  registeredAt: z.string(),
  registrationLatencySeconds: z.number().int(),
  grid: GridRefSchema,
  address: z.string().nullable(),
});
export type ArrivalRecord = z.infer<typeof ArrivalRecord>;

export const ArrivalResponse = z.object({
  arrival: ArrivalRecord,
  /** True when this ID number was already registered: the existing record is returned, nothing written. */
  duplicate: z.boolean(),
  /** How the grid was decided; null for a duplicate (nothing was assigned). */
  assignment: z
    .object({
      rule: AssignmentRuleSchema,
      gridRevision: z.number().int(),
      address: AddressMatch.nullable(),
      sectorGrids: z.array(GridRefSchema),
    })
    .nullable(),
  /** Event-log sequence number of the registration; null for a duplicate. */
  seq: z.number().int().nullable(),
});
export type ArrivalResponse = z.infer<typeof ArrivalResponse>;

export const AddressSearchQuery = z.object({
  q: z.string().trim().min(1).max(200),
  limit: z.coerce.number().int().min(1).max(50).default(10),
});
export const AddressSearchResponse = z.object({ items: z.array(AddressMatch), tookMs: z.number() });

export const AssignItem = z.union([
  z.object({ point: LonLat }).strict(),
  z.object({ address: z.string().trim().min(1).max(200) }).strict(),
]);
export const AssignRequest = z.object({ items: z.array(AssignItem).min(1).max(10_000) });
export type AssignRequest = z.infer<typeof AssignRequest>;

export const AssignResult = z.object({
  /** Territorial grid, or null when unassigned (outside the county, or an address not resolved). */
  grid: GridRefSchema.nullable(),
  sectorGrids: z.array(GridRefSchema),
  rule: z.union([AssignmentRuleSchema, z.enum(['address-unresolved'])]),
  address: AddressMatch.nullable(),
  candidates: z.array(AddressMatch).optional(),
  nearest: z.object({ grid: GridRefSchema, distanceMeters: z.number() }).optional(),
  point: LonLat.nullable(),
});
export type AssignResult = z.infer<typeof AssignResult>;
export const AssignResponse = z.object({ gridRevision: z.number().int(), results: z.array(AssignResult) });

export const OverdueQuery = z.object({
  region: z
    .string()
    .regex(/^[0-9]{6}([0-9]{3}([0-9]{3})?)?$/, 'a 6-, 9- or 12-digit region code')
    .optional(),
  /** Look back this many hours for arrivals (default a week). */
  sinceHours: z.coerce
    .number()
    .int()
    .min(1)
    .max(24 * 90)
    .default(24 * 7),
});
export const OverdueArrival = z.object({
  id: z.number().int(),
  name: z.string(),
  idNumber: z.string(),
  arrivedAt: z.string(),
  registeredAt: z.string().nullable(),
  latencyMinutes: z.number().int(),
});
export const OverdueByGrid = z.object({
  grids: z.array(
    z.object({
      grid: GridRefSchema.extend({ villageCode: z.string().nullable() }),
      count: z.number().int(),
      arrivals: z.array(OverdueArrival),
    }),
  ),
  total: z.number().int(),
});
export type OverdueByGrid = z.infer<typeof OverdueByGrid>;

export const ImportRejection = z.object({
  row: z.number().int(),
  reasons: z.array(z.string()),
});
export const ImportReport = z.object({
  encoding: z.enum(['utf-8', 'gbk']),
  rows: z.number().int(),
  imported: z.number().int(),
  duplicates: z.array(
    z.object({ row: z.number().int(), idNumber: z.string(), existingId: z.number().int() }),
  ),
  rejected: z.array(ImportRejection),
});
export type ImportReport = z.infer<typeof ImportReport>;
