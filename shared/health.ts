// GET /api/health: which engine, which versions, how much data.
import { z } from 'zod';

export const DatasetCounts = z.object({
  townships: z.number().int(),
  villages: z.number().int(),
  territorialGrids: z.number().int(),
  sectorGrids: z.number().int(),
  gridWorkers: z.number().int(),
  addresses: z.number().int(),
  households: z.number().int(),
  occupants: z.number().int(),
  residents: z.number().int(),
  arrivals: z.number().int(),
  checkpoints: z.number().int(),
  isolationSites: z.number().int(),
  users: z.number().int(),
  events: z.number().int(),
});
export type DatasetCounts = z.infer<typeof DatasetCounts>;

export const HealthResponse = z.object({
  status: z.literal('ok'),
  engine: z.enum(['embedded', 'postgres']),
  postgresVersion: z.string(),
  postgisVersion: z.string(),
  dataset: z.object({
    synthetic: z.boolean(),
    seed: z.number().nullable(),
    scale: z.number().nullable(),
    loadedAt: z.string().nullable(),
    counts: DatasetCounts,
  }),
  uptimeSeconds: z.number(),
});
export type HealthResponse = z.infer<typeof HealthResponse>;
