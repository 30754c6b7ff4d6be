// Socket.IO rooms and how grids, regions and sessions map onto them. A status change in a grid goes to
// its grid room, its village and township rooms and the county room.
import type { SessionUser } from '../../shared/auth.ts';
import type { SubscribeRequest } from '../../shared/realtime.ts';
import { scopeOf } from '../domain/scope.ts';

export const countyRoom = 'county';
export const regionRoom = (code: string): string => (code.length <= 6 ? countyRoom : `region:${code}`);
export const gridRoom = (gridId: number): string => `grid:${gridId}`;

export interface GridPlace {
  villageCode: string | null;
  townshipCode: string | null;
}

/** Every room a change in this grid concerns. */
export function roomsOfGrid(gridId: number, place: GridPlace | undefined): string[] {
  const rooms = [countyRoom, gridRoom(gridId)];
  if (place?.townshipCode) rooms.push(regionRoom(place.townshipCode));
  if (place?.villageCode) rooms.push(regionRoom(place.villageCode));
  return rooms;
}

/** Region codes whose roll-up a room carries: the county room carries all; a region room its own and
 *  its children's. */
export function regionCodesOfRoom(room: string, allCodes: Iterable<string>): string[] {
  if (room === countyRoom) return [...allCodes];
  if (!room.startsWith('region:')) return [];
  const code = room.slice('region:'.length);
  return [...allCodes].filter((c) => c.startsWith(code));
}

export type Grant = { rooms: string[]; region: string | null; gridIds: number[] | null };

/**
 * Narrows a subscription to the session's scope: a county-wide user may watch any region or grid; a
 * dispatcher their region (a broader request is narrowed to it); a grid worker their own grids.
 * Returns an error message when the request lies outside the scope.
 */
export function grantSubscription(
  user: SessionUser,
  request: SubscribeRequest,
  workerGridIds: readonly number[],
  gridPlace: (gridId: number) => GridPlace | undefined,
): Grant | { error: string } {
  const scope = scopeOf(user);
  if (scope.kind === 'worker') {
    if (request.gridId !== undefined && !workerGridIds.includes(request.gridId))
      return { error: 'that grid is not yours' };
    const ids = request.gridId !== undefined ? [request.gridId] : [...workerGridIds];
    return { rooms: ids.map(gridRoom), region: null, gridIds: ids };
  }
  if (request.gridId !== undefined) {
    const place = gridPlace(request.gridId);
    if (!place) return { error: `no grid ${request.gridId}` };
    if (scope.kind === 'region' && !(place.villageCode ?? '').startsWith(scope.code)) {
      return { error: 'that grid is outside your region' };
    }
    return { rooms: [gridRoom(request.gridId)], region: null, gridIds: [request.gridId] };
  }
  const asked = request.region ?? (scope.kind === 'region' ? scope.code : '331023');
  if (scope.kind === 'county') return { rooms: [regionRoom(asked)], region: asked, gridIds: null };
  if (asked.startsWith(scope.code)) return { rooms: [regionRoom(asked)], region: asked, gridIds: null };
  if (scope.code.startsWith(asked))
    return { rooms: [regionRoom(scope.code)], region: scope.code, gridIds: null };
  return { error: 'that region is outside your scope' };
}
