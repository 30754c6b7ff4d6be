// Rules for registering an arrival (入格): when an arrival time is acceptable, and how a request's
// location becomes exactly one territorial grid — or a reason why not. Pure; the caller does the I/O.
import { ErrorCode } from '../../shared/api-error.ts';
import type { AddressMatch, ArrivalRequest, AssignResult } from '../../shared/arrivals.ts';
import type { Assigner } from './assigner.ts';

/** Clocks on phones drift: an arrival a few minutes "in the future" is accepted as now. */
export const clockSkewMs = 5 * 60_000;
/** Older arrivals belong to a bulk back-fill (CSV import), not to live registration. */
export const maxArrivalAgeDays = 30;

export interface RuleViolation {
  status: 422;
  code: string;
  message: string;
  details?: Record<string, unknown>;
}

export function checkArrivalTime(arrivedAt: string, now: Date): RuleViolation | null {
  const at = Date.parse(arrivedAt);
  if (at > now.getTime() + clockSkewMs) {
    return { status: 422, code: ErrorCode.invalidArrivalTime, message: 'arrivedAt is in the future' };
  }
  if (at < now.getTime() - maxArrivalAgeDays * 86_400_000) {
    return {
      status: 422,
      code: ErrorCode.invalidArrivalTime,
      message: `arrivedAt is more than ${maxArrivalAgeDays} days ago`,
    };
  }
  return null;
}

export interface PlacedArrival {
  gridId: number;
  addressId: number | null;
  point: [number, number] | null;
  assignment: AssignResult;
  address: AddressMatch | null;
}

/** Resolves the request's location to one territorial grid, or says why it cannot. */
export function placeArrival(
  assigner: Assigner,
  location: ArrivalRequest['location'],
): PlacedArrival | RuleViolation {
  if ('address' in location) {
    const result = assigner.assignAddress(location.address);
    if (!result.grid || !result.address) {
      return {
        status: 422,
        code: ErrorCode.addressUnresolved,
        message: 'the address is not in the standard address registry; pick one of the candidates',
        details: { candidates: result.candidates ?? [] },
      };
    }
    return {
      gridId: result.grid.id,
      addressId: result.address.id,
      point: null,
      assignment: result,
      address: result.address,
    };
  }
  const [lon, lat] = location.point;
  const result = assigner.assignPoint(lon, lat);
  if (!result.grid) {
    return {
      status: 422,
      code: ErrorCode.outsideCounty,
      message: 'the point is outside every grid of the county',
      details: result.nearest ? { nearest: result.nearest } : {},
    };
  }
  return { gridId: result.grid.id, addressId: null, point: [lon, lat], assignment: result, address: null };
}

export const isViolation = (value: PlacedArrival | RuleViolation): value is RuleViolation => 'code' in value;
