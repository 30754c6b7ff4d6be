// Occupants (residents and arrivals) of a grid as served to the console, paged.
import { z } from 'zod';
import { HealthCode, OccupantKind, OccupantStatus } from './domain.ts';

export const Occupant = z.object({
  id: z.number().int(),
  /** Masked (张**, 3310**********1234, 138****5678) unless the role may see personal data. */
  name: z.string(),
  idNumber: z.string(),
  phone: z.string(),
  kind: OccupantKind,
  healthCode: HealthCode,
  status: OccupantStatus,
  arrivedAt: z.string().nullable(),
  origin: z.string().nullable(),
  registeredAt: z.string(),
  address: z.string().nullable(),
  isolationSite: z.string().nullable(),
});
export type Occupant = z.infer<typeof Occupant>;

export const occupantSortKeys = ['registeredAt', 'arrivedAt', 'name', 'healthCode'] as const;

export const OccupantListQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(200).default(50),
  healthCode: HealthCode.optional(),
  kind: OccupantKind.optional(),
  status: OccupantStatus.optional(),
  sort: z.enum(occupantSortKeys).default('registeredAt'),
  order: z.enum(['asc', 'desc']).default('desc'),
});
export type OccupantListQuery = z.infer<typeof OccupantListQuery>;

export const OccupantPage = z.object({
  items: z.array(Occupant),
  total: z.number().int(),
  page: z.number().int(),
  pageSize: z.number().int(),
  masked: z.boolean(),
});
export type OccupantPage = z.infer<typeof OccupantPage>;
