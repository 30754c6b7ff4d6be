// What part of the county a session may see: everything, one region (township or village), or the
// grids a grid worker looks after. Turned into SQL over the `grids` table here, so every query agrees.
import type { SessionUser } from '../../shared/auth.ts';
import { rolesSeeingPersonalData } from '../../shared/domain.ts';
import type { SqlParams } from '../db/sql-params.ts';

export type Scope =
  { kind: 'county' } | { kind: 'region'; code: string } | { kind: 'worker'; gridWorkerId: number };

export function scopeOf(user: SessionUser): Scope {
  if (user.role === 'grid_worker' && user.gridWorkerId !== null)
    return { kind: 'worker', gridWorkerId: user.gridWorkerId };
  if (user.regionCode && user.regionCode.length > 6) return { kind: 'region', code: user.regionCode };
  return { kind: 'county' };
}

/** SQL condition on grid alias `g` limiting rows to a region code (6, 9 or 12 digits). Sector grids
 *  have no village, so they belong to every region they intersect. */
export function gridInRegionSql(g: string, code: string, params: SqlParams): string {
  if (code.length === 6) return 'TRUE';
  const p = params.add(code);
  return `(${g}.village_code LIKE ${p} || '%' OR (${g}.kind = 'sector' AND EXISTS (
    SELECT 1 FROM regions r WHERE r.code = ${p} AND ST_Intersects(r.geom, ${g}.geom))))`;
}

export function gridInScopeSql(g: string, scope: Scope, params: SqlParams): string {
  switch (scope.kind) {
    case 'county':
      return 'TRUE';
    case 'region':
      return gridInRegionSql(g, scope.code, params);
    case 'worker':
      return `${g}.id IN (SELECT grid_id FROM grid_worker_assignments WHERE worker_id = ${params.add(scope.gridWorkerId)})`;
  }
}

/** Whether a region (by code) is visible under a scope: inside it, or one of its ancestors. */
export function regionVisible(
  scope: Scope,
  code: string,
  workerVillageCodes: readonly string[] = [],
): boolean {
  switch (scope.kind) {
    case 'county':
      return true;
    case 'region':
      return code.startsWith(scope.code) || scope.code.startsWith(code);
    case 'worker':
      return workerVillageCodes.some((village) => village.startsWith(code));
  }
}

export const seesPersonalData = (user: Pick<SessionUser, 'role'>): boolean =>
  rolesSeeingPersonalData.includes(user.role);
