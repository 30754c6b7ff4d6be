// Region tree (county → township → village) as served by GET /api/regions.
import { z } from 'zod';
import { RegionKind, RegionLevel } from './domain.ts';

export interface RegionNode {
  code: string;
  name: string;
  level: RegionLevel;
  kind: RegionKind;
  population: number;
  gridCount: number;
  children: RegionNode[];
}

export const RegionNode: z.ZodType<RegionNode> = z.lazy(() =>
  z.object({
    code: z.string(),
    name: z.string(),
    level: RegionLevel,
    kind: RegionKind,
    population: z.number().int(),
    gridCount: z.number().int(),
    children: z.array(RegionNode),
  }),
);

export const RegionTree = z.object({ root: RegionNode, synthetic: z.boolean() });
export type RegionTree = z.infer<typeof RegionTree>;
