// Assigns points and free-text addresses to grids: the point-in-grid engine for points, the address
// registry for addresses (exact matches only — a near miss is reported with candidates, never guessed).
import type { AddressMatch, AssignResult } from '../../shared/arrivals.ts';
import type { GridIndexHolder } from '../spatial/grid-index-holder.ts';
import type { AddressCandidate, AddressIndex } from './address-index.ts';

export interface GridName {
  code: string;
  name: string;
}

const toMatch = (candidate: AddressCandidate): AddressMatch => ({
  id: candidate.id,
  text: candidate.text,
  gridId: candidate.gridId,
  score: Math.round(candidate.score * 1000) / 1000,
  match: candidate.match,
});

export class Assigner {
  constructor(
    readonly grids: GridIndexHolder,
    readonly addresses: AddressIndex,
    /** Display names of every grid by id, kept in step with the index. */
    readonly gridNames: Map<number, GridName>,
  ) {}

  get revision(): number {
    return this.grids.revision ?? 0;
  }

  private ref(id: number): { id: number; code: string; name: string } {
    const name = this.gridNames.get(id);
    return { id, code: name?.code ?? String(id), name: name?.name ?? String(id) };
  }

  assignPoint(lon: number, lat: number): AssignResult {
    const answer = this.grids.query(lon, lat);
    if (!answer) {
      return { grid: null, sectorGrids: [], rule: 'outside-no-grids', address: null, point: [lon, lat] };
    }
    return {
      grid: answer.territorial ? this.ref(answer.territorial.id) : null,
      sectorGrids: answer.sectors.map((s) => this.ref(s.id)),
      rule: answer.rule,
      address: null,
      point: [lon, lat],
      ...(answer.nearest
        ? {
            nearest: {
              grid: this.ref(answer.nearest.id),
              distanceMeters: Math.round(answer.nearest.distanceMeters),
            },
          }
        : {}),
    };
  }

  assignAddress(text: string): AssignResult {
    const exact = this.addresses.resolveExact(text);
    if (!exact) {
      return {
        grid: null,
        sectorGrids: [],
        rule: 'address-unresolved',
        address: null,
        candidates: this.addresses.search(text, 5).map(toMatch),
        point: null,
      };
    }
    const atPoint = this.assignPoint(exact.lon, exact.lat);
    // The registry records each address's grid; it and the engine agree because every address point lies
    // strictly inside its grid (checked by the agreement test). The registry is the record of truth.
    return { ...atPoint, grid: this.ref(exact.gridId), address: toMatch(exact) };
  }

  addressPoint(id: number): [number, number] | null {
    const address = this.addresses.byId(id);
    return address ? [address.lon, address.lat] : null;
  }

  searchAddresses(query: string, limit: number): AddressMatch[] {
    return this.addresses.search(query, limit).map(toMatch);
  }
}
