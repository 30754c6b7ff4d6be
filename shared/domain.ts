// Domain vocabulary shared by server, client and the dataset generator: one word per concept,
// used verbatim as database enum values, API fields and i18n keys.
import { z } from 'zod';

export const regionLevels = ['county', 'township', 'village'] as const;
export const RegionLevel = z.enum(regionLevels);
export type RegionLevel = z.infer<typeof RegionLevel>;

/** 街道 / 镇 / 乡 for townships; 村 / 社区 for villages; 县 for the county. */
export const regionKinds = ['county', 'subdistrict', 'town', 'township', 'village', 'community'] as const;
export const RegionKind = z.enum(regionKinds);
export type RegionKind = z.infer<typeof RegionKind>;

export const gridKinds = ['territorial', 'sector'] as const;
export const GridKind = z.enum(gridKinds);
export type GridKind = z.infer<typeof GridKind>;

/** 行业网格 categories. */
export const sectorKinds = [
  'industrial_park',
  'market',
  'school',
  'hospital',
  'construction_site',
  'logistics_hub',
  'scenic_area',
  'transport_hub',
] as const;
export const SectorKind = z.enum(sectorKinds);
export type SectorKind = z.infer<typeof SectorKind>;

export const healthCodes = ['green', 'yellow', 'red'] as const;
export const HealthCode = z.enum(healthCodes);
export type HealthCode = z.infer<typeof HealthCode>;

export const occupantKinds = ['resident', 'arrival'] as const;
export const OccupantKind = z.enum(occupantKinds);
export type OccupantKind = z.infer<typeof OccupantKind>;

export const occupantStatuses = ['at_home', 'isolated', 'left'] as const;
export const OccupantStatus = z.enum(occupantStatuses);
export type OccupantStatus = z.infer<typeof OccupantStatus>;

export const checkpointKinds = ['traffic', 'village'] as const;
export const CheckpointKind = z.enum(checkpointKinds);
export type CheckpointKind = z.infer<typeof CheckpointKind>;

export const gridWorkerRoles = ['leader', 'member'] as const;
export const GridWorkerRole = z.enum(gridWorkerRoles);
export type GridWorkerRole = z.infer<typeof GridWorkerRole>;

export const userRoles = ['commander', 'dispatcher', 'planner', 'grid_worker', 'screen'] as const;
export const UserRole = z.enum(userRoles);
export type UserRole = z.infer<typeof UserRole>;

/** Roles that may read occupants' personal data (names, ID numbers, phones) unmasked. */
export const rolesSeeingPersonalData: readonly UserRole[] = ['commander', 'dispatcher', 'grid_worker'];
