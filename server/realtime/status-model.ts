// Grid statuses and their region roll-ups held in memory, refreshed from the database for the grids
// that events touched, reporting only what actually changed (as patches: the changed fields).
import type pg from 'pg';
import type { GridStatus, GridStatusPatch, RegionStatus, RegionStatusPatch } from '../../shared/realtime.ts';
import { statusPatch } from '../../shared/status-patch.ts';
import { readGridStatuses } from '../db/grid-status.repo.ts';
import { rollUp, sameStatus } from '../domain/risk-level.ts';
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

  /** Re-reads these grids (all when omitted) and returns patches of the grids and regions whose status
   *  changed; `alsoRegions` are rolled up again even if none of their grids' statuses changed. */
  async refresh(
    db: Queryable,
    gridIds?: readonly number[],
    alsoRegions: Iterable<string> = [],
  ): Promise<{ grids: GridStatusPatch[]; regions: RegionStatusPatch[] }> {
    const fresh = await readGridStatuses(db, gridIds);
    const grids: GridStatusPatch[] = [];
    const touchedRegions = new Set<string>(alsoRegions);
    for (const status of fresh) {
      const before = this.grids.get(status.gridId);
      if (before && sameStatus(before, status)) continue;
      this.grids.set(status.gridId, status);
      grids.push(statusPatch(before, status));
      for (const code of regionsOfPlace(this.countyCode, this.places.get(status.gridId)))
        touchedRegions.add(code);
    }
    const regions: RegionStatusPatch[] = [];
    for (const code of touchedRegions) {
      const status = this.rollUp(code);
      const before = this.regions.get(code);
      if (
        before &&
        sameStatus(before, status) &&
        before.gridsByRisk.high === status.gridsByRisk.high &&
        before.gridsByRisk.medium === status.gridsByRisk.medium
      )
        continue;
      this.regions.set(code, status);
      regions.push(statusPatch(before, status));
    }
    return { grids, regions };
  }
}
