// Grid statuses and their region roll-ups held in memory, refreshed from the database for the grids
// that events touched, reporting only what actually changed (as patches: the changed fields).
import type pg from 'pg';
import type { GridStatus, GridStatusPatch, RegionStatus, RegionStatusPatch } from '../../shared/realtime.ts';
import { statusPatch } from '../../shared/status-patch.ts';
import { readGridStatuses } from '../db/grid-status.repo.ts';
import { countKeys, riskOfRegion, rollUp, sameStatus } from '../domain/risk-level.ts';
import type { GridPlace } from './rooms.ts';

type Queryable = pg.Pool | pg.ClientBase;

export async function readGridPlaces(
  db: Queryable,
): Promise<{ countyCode: string; places: Map<number, GridPlace> }> {
  const county = await db.query<{ code: string }>(`SELECT code FROM regions WHERE level = 'county'`);
  const { rows } = await db.query<{ id: number; village_code: string | null }>(
    'SELECT id, village_code FROM grids WHERE retired_at IS NULL',
  );
  return {
    countyCode: county.rows[0]?.code ?? '331023',
    places: new Map(
      rows.map((r) => [
        r.id,
        { villageCode: r.village_code, townshipCode: r.village_code ? r.village_code.slice(0, 9) : null },
      ]),
    ),
  };
}

/** The regions (county, township, village codes) a grid counts towards. Sector grids: the county only. */
export function regionsOfPlace(countyCode: string, place: GridPlace | undefined): string[] {
  const codes = [countyCode];
  if (place?.townshipCode) codes.push(place.townshipCode);
  if (place?.villageCode) codes.push(place.villageCode);
  return codes;
}

export class StatusModel {
  readonly grids = new Map<number, GridStatus>();
  readonly regions = new Map<string, RegionStatus>();
  private readonly members = new Map<string, Set<number>>();

  private constructor(
    readonly countyCode: string,
    readonly places: Map<number, GridPlace>,
  ) {
    for (const [gridId, place] of places) {
      for (const code of regionsOfPlace(countyCode, place)) {
        let set = this.members.get(code);
        if (!set) this.members.set(code, (set = new Set()));
        set.add(gridId);
      }
    }
  }

  static async load(db: Queryable): Promise<StatusModel> {
    const { countyCode, places } = await readGridPlaces(db);
    const model = new StatusModel(countyCode, places);
    for (const status of await readGridStatuses(db)) model.grids.set(status.gridId, status);
    for (const code of model.members.keys()) model.regions.set(code, model.rollUp(code));
    return model;
  }

  private rollUp(code: string): RegionStatus {
    const ids = this.members.get(code) ?? new Set<number>();
    return rollUp(
      code,
      [...ids].map((id) => this.grids.get(id)).filter((s): s is GridStatus => s !== undefined),
    );
  }

  /**
   * A boundary commit created, retired or reshaped these grids: re-reads their places and moves them
   * between the region roll-ups, leaving every other grid as it is (a full `load` re-reads them all).
   * Retired grids leave the roll-ups and the statuses but keep their place, so this window's events about
   * them still reach their rooms. Returns the regions whose membership changed (for `refresh`).
   */
  async reshape(db: Queryable, gridIds: readonly number[]): Promise<Set<string>> {
    const { rows } = await db.query<{ id: number; village_code: string | null; retired: boolean }>(
      'SELECT id, village_code, retired_at IS NOT NULL AS retired FROM grids WHERE id = ANY($1::int[])',
      [gridIds],
    );
    const regions = new Set<string>();
    for (const row of rows) {
      const before = this.places.get(row.id);
      for (const code of before ? regionsOfPlace(this.countyCode, before) : []) {
        this.members.get(code)?.delete(row.id);
        regions.add(code);
      }
      const place: GridPlace = {
        villageCode: row.village_code,
        townshipCode: row.village_code ? row.village_code.slice(0, 9) : null,
      };
      this.places.set(row.id, place);
      if (row.retired) {
        this.grids.delete(row.id);
        continue;
      }
      for (const code of regionsOfPlace(this.countyCode, place)) {
        let set = this.members.get(code);
        if (!set) this.members.set(code, (set = new Set()));
        set.add(row.id);
        regions.add(code);
      }
    }
    return regions;
  }

  /** Regions whose roll-up counts this grid (the same membership `rollUp` sums over). */
  private regionsOfGrid(gridId: number): string[] {
    const place = this.places.get(gridId);
    return place ? regionsOfPlace(this.countyCode, place) : [];
  }

  /** Re-reads these grids (all when omitted) and returns patches of the grids and regions whose status
   *  changed. Region roll-ups move by each changed grid's difference (a county roll-up is a sum over every
   *  grid: re-summing it per window would cost more than the change); `rollUp` gives the same result.
   *  `alsoRegions` (whose membership `reshape` changed) are summed afresh, changed statuses or not. */
  async refresh(
    db: Queryable,
    gridIds?: readonly number[],
    alsoRegions: Iterable<string> = [],
  ): Promise<{ grids: GridStatusPatch[]; regions: RegionStatusPatch[] }> {
    const fresh = await readGridStatuses(db, gridIds);
    const grids: GridStatusPatch[] = [];
    /** Regions changed by this refresh: their status before it, and their running (new) status. */
    const moved = new Map<string, { before: RegionStatus | undefined; after: RegionStatus }>();
    for (const status of fresh) {
      const before = this.grids.get(status.gridId);
      if (before && sameStatus(before, status)) continue;
      this.grids.set(status.gridId, status);
      grids.push(statusPatch(before, status));
      for (const code of this.regionsOfGrid(status.gridId)) {
        let entry = moved.get(code);
        if (!entry) {
          const current = this.regions.get(code);
          entry = { before: current, after: current ? copyRegion(current) : rollUp(code, []) };
          moved.set(code, entry);
        }
        moveRollUp(entry.after, before, status);
      }
    }
    for (const code of alsoRegions) {
      const entry = moved.get(code);
      if (entry) entry.after = this.rollUp(code);
      else moved.set(code, { before: this.regions.get(code), after: this.rollUp(code) });
    }
    const regions: RegionStatusPatch[] = [];
    for (const [code, { before, after }] of moved) {
      after.risk = riskOfRegion(after.gridsByRisk);
      if (
        before &&
        sameStatus(before, after) &&
        before.gridsByRisk.high === after.gridsByRisk.high &&
        before.gridsByRisk.medium === after.gridsByRisk.medium &&
        before.gridsByRisk.low === after.gridsByRisk.low
      )
        continue;
      this.regions.set(code, after);
      regions.push(statusPatch(before, after));
    }
    return { grids, regions };
  }

  /** The roll-up of one region summed afresh from its grids (tests compare it with the running one). */
  recomputeRegion(code: string): RegionStatus {
    return this.rollUp(code);
  }
}

const copyRegion = (r: RegionStatus): RegionStatus => ({ ...r, gridsByRisk: { ...r.gridsByRisk } });

/** Moves a region's sums from counting `before` (absent: not counted yet) to counting `after`. */
function moveRollUp(region: RegionStatus, before: GridStatus | undefined, after: GridStatus): void {
  for (const key of countKeys) region[key] += after[key] - (before ? before[key] : 0);
  if (before) region.gridsByRisk[before.risk]--;
  region.gridsByRisk[after.risk]++;
}
