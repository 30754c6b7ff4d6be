// Runtime configuration, parsed once from the environment with zod so a typo fails at start, not later.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

export const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('127.0.0.1'),
  /** A real PostgreSQL ≥ 15 with PostGIS ≥ 3.3; unset = the embedded engine. */
  DATABASE_URL: z.string().url().optional(),
  /** With several server processes: Redis for Socket.IO's streams adapter and broadcaster election. */
  REDIS_URL: z.string().url().optional(),
  /** Namespace for this deployment's Redis keys and streams (several deployments may share a Redis). */
  REDIS_PREFIX: z
    .string()
    .regex(/^[a-z0-9:_-]+$/)
    .default('grid-console'),
  /** Schema that holds the product's tables; PostGIS stays in `public`. */
  DB_SCHEMA: z
    .string()
    .regex(/^[a-z_][a-z0-9_]*$/, 'lower-case SQL identifier')
    .default('public'),
  /** Where the embedded engine keeps its files. */
  DATA_DIR: z.string().default(path.join(projectRoot, '.data')),
  DATASET_SEED: z.coerce.number().int().default(20200128),
  DATASET_SCALE: z.coerce.number().positive().max(1).default(1),
  DEMO_PASSWORD: z.string().min(8).default('tiantai2020'),
  SESSION_TTL_HOURS: z.coerce.number().positive().default(12),
  /** A PMTiles basemap; unset = the first `*.pmtiles` file in data/, if any. */
  BASEMAP_PMTILES: z.string().optional(),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
});

export type Config = z.infer<typeof EnvSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = EnvSchema.safeParse(env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new Error(`Invalid environment:\n${lines.join('\n')}`);
  }
  return parsed.data;
}
