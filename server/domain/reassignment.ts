// After a boundary change: which addresses, occupants and facilities move from which grid to which.
// Pure: the caller supplies current assignments and the new index's answers.

export type MovableKind = 'address' | 'occupant' | 'checkpoint' | 'isolationSite';

export interface Move {
  kind: MovableKind;
  id: number;
  from: number;
  to: number;
}

export interface MoveSummary {
  from: number;
  to: number;
  addresses: number;
  occupants: number;
  /** Of the occupants: residents and arrivals (returning people). */
  residents: number;
  arrivals: number;
  checkpoints: number;
  isolationSites: number;
}

export interface ReassignmentPlan {
  /** Grid-set revision the new assignments were computed against. */
  revision: number;
  moves: Move[];
  /** One row per (from, to) pair, largest first. */
  summary: MoveSummary[];
  /** Things whose point fell in no territorial grid under the new boundaries; they stay where they are. */
  unassigned: { kind: MovableKind; id: number }[];
}

export interface Located {
  ids: Int32Array | number[];
  gridIds: Int32Array | number[];
  /** New territorial grid per item (-1 = none), from GridIndex.assignPoints. */
  newGridIds: Int32Array;
}

const summaryKey: Record<MovableKind, keyof Omit<MoveSummary, 'from' | 'to' | 'residents' | 'arrivals'>> = {
  address: 'addresses',
  occupant: 'occupants',
  checkpoint: 'checkpoints',
  isolationSite: 'isolationSites',
};

export function diffAssignments(
  revision: number,
  located: Partial<Record<MovableKind, Located>>,
  /** Occupants registered at an address follow it: occupant id → address id. */
  occupantAddresses: ReadonlyMap<number, { addressId: number; gridId: number }> = new Map(),
  /** Which occupants are arrivals (the rest are residents). */
  arrivalIds: ReadonlySet<number> = new Set(),
): ReassignmentPlan {
  const moves: Move[] = [];
  const unassigned: ReassignmentPlan['unassigned'] = [];
  const addressTarget = new Map<number, number>();

  for (const kind of ['address', 'occupant', 'checkpoint', 'isolationSite'] as const) {
    const set = located[kind];
    if (!set) continue;
    for (let i = 0; i < set.ids.length; i++) {
      const id = set.ids[i]!;
      const from = set.gridIds[i]!;
      const to = set.newGridIds[i]!;
      if (to < 0) unassigned.push({ kind, id });
      else if (to !== from) moves.push({ kind, id, from, to });
      if (kind === 'address' && to >= 0) addressTarget.set(id, to);
    }
  }
  for (const [occupantId, { addressId, gridId }] of occupantAddresses) {
    const to = addressTarget.get(addressId);
    if (to !== undefined && to !== gridId) moves.push({ kind: 'occupant', id: occupantId, from: gridId, to });
  }

  const byPair = new Map<string, MoveSummary>();
  for (const move of moves) {
    const key = `${move.from}>${move.to}`;
    let row = byPair.get(key);
    if (!row) {
      row = {
        from: move.from,
        to: move.to,
        addresses: 0,
        occupants: 0,
        residents: 0,
        arrivals: 0,
        checkpoints: 0,
        isolationSites: 0,
      };
      byPair.set(key, row);
    }
    row[summaryKey[move.kind]]++;
    if (move.kind === 'occupant') row[arrivalIds.has(move.id) ? 'arrivals' : 'residents']++;
  }
  const summary = [...byPair.values()].sort(
    (a, b) => b.occupants + b.addresses - (a.occupants + a.addresses) || a.from - b.from || a.to - b.to,
  );
  return { revision, moves, summary, unassigned };
}
