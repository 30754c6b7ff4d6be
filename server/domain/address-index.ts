// In-memory search over the standard address registry (标准地址): exact lookup with optional
// township/village prefixes, substring autocomplete through a character-bigram inverted index, and ranked
// fuzzy candidates (bigram Dice similarity) when too few match as substrings. Pure; no I/O.
import { normalizeAddress } from './address-normalize.ts';

export interface IndexedAddress {
  id: number;
  text: string;
  /** Township and village names as written in addresses (九峰村, not 九峰村委会), stripped to build the
   *  prefix-free lookup keys. */
  township: string;
  village: string;
  gridId: number;
  lon: number;
  lat: number;
}

export type AddressMatchKind = 'exact' | 'prefix' | 'contains' | 'fuzzy';

export interface AddressCandidate {
  id: number;
  text: string;
  gridId: number;
  lon: number;
  lat: number;
  /** 1 = exact; 0 < score < 1 otherwise, comparable across kinds. */
  score: number;
  match: AddressMatchKind;
}

const bigramKey = (s: string, i: number): number => s.charCodeAt(i) * 65536 + s.charCodeAt(i + 1);

function uniqueBigrams(s: string): number[] {
  const keys = new Set<number>();
  for (let i = 0; i + 1 < s.length; i++) keys.add(bigramKey(s, i));
  return [...keys];
}

export class AddressIndex {
  private readonly normalized: string[];
  private readonly rows: IndexedAddress[];
  private readonly rowById: Map<number, IndexedAddress>;
  private readonly exact = new Map<string, number[]>();
  private readonly postings = new Map<number, Int32Array>();
  private readonly bigramCounts: Uint16Array;
  private readonly fewestBigrams: number;
  /** Per row, shared-bigram counts of the fuzzy pass in progress; all zero between searches. */
  private readonly hits: Uint16Array;
  /** Per row, the search that last offered it (see nextEpoch). */
  private readonly seenAt: Uint32Array;
  private epoch = 0;

  constructor(addresses: readonly IndexedAddress[]) {
    this.rows = [...addresses];
    this.rowById = new Map(this.rows.map((row) => [row.id, row]));
    this.normalized = this.rows.map((a) => normalizeAddress(a.text));
    this.bigramCounts = new Uint16Array(this.rows.length);
    this.hits = new Uint16Array(this.rows.length);
    this.seenAt = new Uint32Array(this.rows.length);

    // Bigram keys get dense ids so that counting and filling the posting lists index typed arrays.
    const denseId = new Map<number, number>();
    const keysOf: number[] = [];
    const rowKeys = new Int32Array(this.normalized.reduce((n, text) => n + Math.max(0, text.length - 1), 0));
    const rowStart = new Int32Array(this.rows.length + 1);
    let counts = new Int32Array(4096);
    let used = 0;
    const names = new Map<string, string>();
    const normalizedName = (name: string): string => {
      let n = names.get(name);
      if (n === undefined) names.set(name, (n = normalizeAddress(name)));
      return n;
    };
    this.normalized.forEach((text, row) => {
      const start = used;
      for (let i = 0; i + 1 < text.length; i++) {
        const key = bigramKey(text, i);
        let id = denseId.get(key);
        if (id === undefined) {
          id = keysOf.length;
          denseId.set(key, id);
          keysOf.push(key);
          if (id >= counts.length) {
            const grown = new Int32Array(counts.length * 2);
            grown.set(counts);
            counts = grown;
          }
        }
        let repeated = false;
        for (let j = start; j < used && !repeated; j++) repeated = rowKeys[j] === id;
        if (repeated) continue;
        rowKeys[used++] = id;
        counts[id]!++;
      }
      rowStart[row + 1] = used;
      this.bigramCounts[row] = used - start;
      const address = this.rows[row]!;
      for (const key of this.lookupKeys(
        text,
        normalizedName(address.township),
        normalizedName(address.village),
      )) {
        const list = this.exact.get(key);
        if (list) list.push(row);
        else this.exact.set(key, [row]);
      }
    });
    this.fewestBigrams = this.bigramCounts.reduce((min, n) => Math.min(min, n), Infinity);
    // One buffer holds every posting list; each list is a view of it, rows ascending.
    const offsets = new Int32Array(keysOf.length + 1);
    for (let id = 0; id < keysOf.length; id++) offsets[id + 1] = offsets[id]! + counts[id]!;
    const all = new Int32Array(used);
    const fill = offsets.slice(0, keysOf.length);
    for (let row = 0; row < this.rows.length; row++) {
      for (let j = rowStart[row]!; j < rowStart[row + 1]!; j++) all[fill[rowKeys[j]!]!++] = row;
    }
    keysOf.forEach((key, id) => this.postings.set(key, all.subarray(offsets[id]!, offsets[id + 1]!)));
  }

  get size(): number {
    return this.rows.length;
  }

  byId(id: number): IndexedAddress | undefined {
    return this.rowById.get(id);
  }

  /** Moves addresses to other grids (after a boundary change), keyed by address id. */
  reassign(moves: ReadonlyMap<number, number>): void {
    for (const row of this.rows) {
      const gridId = moves.get(row.id);
      if (gridId !== undefined) row.gridId = gridId;
    }
  }

  /** The registry text without its township, and without township and village, are exact keys too. */
  private lookupKeys(text: string, township: string, village: string): string[] {
    const keys = [text];
    let rest = text;
    if (township && rest.startsWith(township)) {
      rest = rest.slice(township.length);
      keys.push(rest);
    }
    if (village && rest.startsWith(village)) keys.push(rest.slice(village.length));
    return keys;
  }

  private candidate(row: number, score: number, match: AddressMatchKind): AddressCandidate {
    const address = this.rows[row]!;
    return {
      id: address.id,
      text: address.text,
      gridId: address.gridId,
      lon: address.lon,
      lat: address.lat,
      score,
      match,
    };
  }

  /** The one registry address this text names, if exactly one. */
  resolveExact(query: string): AddressCandidate | null {
    const rows = this.exact.get(normalizeAddress(query));
    return rows && rows.length === 1 ? this.candidate(rows[0]!, 1, 'exact') : null;
  }

  search(query: string, limit = 10): AddressCandidate[] {
    const q = normalizeAddress(query);
    if (!q || limit <= 0) return [];
    const top = new TopCandidates(limit, this.rows);
    const epoch = this.nextEpoch();
    const offer = (row: number, score: number, match: AddressMatchKind): void => {
      if (this.seenAt[row] === epoch) return;
      this.seenAt[row] = epoch;
      top.offer(row, score, match);
    };

    for (const row of this.exact.get(q) ?? []) offer(row, 1, 'exact');
    this.forEachContaining(q, (row) => {
      const text = this.normalized[row]!;
      // Longer registry texts around the query are weaker matches: scale by how much of the text the query covers.
      const coverage = q.length / text.length;
      if (text.startsWith(q)) offer(row, 0.7 + 0.25 * coverage, 'prefix');
      else offer(row, 0.6 + 0.25 * coverage, 'contains');
    });
    if (!top.full()) this.fuzzy(q, top, epoch);

    return top.rows().map(({ row, score, match }) => this.candidate(row, score, match));
  }

  /** A fresh mark for "offered during this search", so no per-query set is allocated. */
  private nextEpoch(): number {
    if (++this.epoch === 0xffffffff) {
      this.seenAt.fill(0);
      this.epoch = 1;
    }
    return this.epoch;
  }

  /** Rows whose normalised text contains q as a substring: every such row is in the posting list of q's
   *  rarest bigram, so only that list is checked. */
  private forEachContaining(q: string, visit: (row: number) => void): void {
    if (q.length < 2) {
      let found = 0;
      for (let row = 0; row < this.normalized.length && found < 1000; row++) {
        if (this.normalized[row]!.includes(q)) {
          visit(row);
          found++;
        }
      }
      return;
    }
    let rarest: Int32Array | undefined;
    for (const key of uniqueBigrams(q)) {
      const list = this.postings.get(key);
      if (!list) return;
      if (!rarest || list.length < rarest.length) rarest = list;
    }
    for (const row of rarest!) if (this.normalized[row]!.includes(q)) visit(row);
  }

  /** Ranked by bigram Dice similarity (0.4 at least). Shared bigrams are counted over the posting lists,
   *  rarest first, in one typed-array pass. Lists past a budget of entries are not read — house numbers and
   *  place names make some bigrams occur in a fifth of the registry — but counted as present, which makes
   *  each count an upper bound; a candidate must share one of the rarer bigrams. Only a row whose bound can
   *  still beat the weakest kept candidate has its exact similarity computed. */
  private fuzzy(q: string, top: TopCandidates, epoch: number): void {
    const keys = uniqueBigrams(q);
    const k = keys.length;
    if (k === 0) return;
    const lists = keys
      .map((key) => this.postings.get(key))
      .filter((list): list is Int32Array => list !== undefined)
      .sort((a, b) => a.length - b.length);
    const touched: number[] = [];
    let read = 0;
    let assumed = 0;
    for (const list of lists) {
      if (read > 0 && read + list.length > FUZZY_READ_BUDGET) {
        assumed++;
        continue;
      }
      read += list.length;
      for (const row of list) {
        if (this.hits[row] === 0) touched.push(row);
        this.hits[row]!++;
      }
    }
    // Rows by shared count, most first, so the strongest candidates fill `top` early and the rest are cut off
    // by their bound.
    const byHits: number[][] = Array.from({ length: k + 1 }, () => []);
    for (const row of touched) {
      byHits[this.hits[row]!]!.push(row);
      this.hits[row] = 0;
    }
    const wanted = new Set(keys);
    for (let h = k; h > 0; h--) {
      const best = (2 * (h + assumed)) / (k + this.fewestBigrams);
      if (best < MIN_DICE || (top.full() && FUZZY_WEIGHT * Math.min(1, best) < top.weakestScore())) break;
      for (const row of byHits[h]!) {
        const bound = (2 * (h + assumed)) / (k + this.bigramCounts[row]!);
        if (bound < MIN_DICE || this.seenAt[row] === epoch) continue;
        if (top.full() && FUZZY_WEIGHT * Math.min(1, bound) < top.weakestScore()) continue;
        this.seenAt[row] = epoch;
        const dice = (2 * this.sharedBigrams(row, wanted)) / (k + this.bigramCounts[row]!);
        if (dice >= MIN_DICE) top.offer(row, FUZZY_WEIGHT * Math.min(1, dice), 'fuzzy');
      }
    }
  }

  /** How many distinct bigrams of the row's normalised text are in `wanted`. */
  private sharedBigrams(row: number, wanted: ReadonlySet<number>): number {
    const text = this.normalized[row]!;
    const matched: number[] = [];
    for (let i = 0; i + 1 < text.length; i++) {
      const key = bigramKey(text, i);
      if (wanted.has(key) && !matched.includes(key)) matched.push(key);
    }
    return matched.length;
  }
}

const MIN_DICE = 0.4;
/** Posting entries the fuzzy pass reads per query (at least the rarest list whatever its length). */
const FUZZY_READ_BUDGET = 30_000;
/** Fuzzy scores stay below every substring match's (≥ 0.6). */
const FUZZY_WEIGHT = 0.6;

interface Ranked {
  row: number;
  score: number;
  match: AddressMatchKind;
}

/** The best `limit` rows by score, then shorter registry text, then id — kept sorted while offered. */
class TopCandidates {
  private readonly kept: Ranked[] = [];

  constructor(
    private readonly limit: number,
    private readonly addresses: readonly IndexedAddress[],
  ) {}

  full(): boolean {
    return this.kept.length >= this.limit;
  }

  weakestScore(): number {
    return this.kept.at(-1)?.score ?? -Infinity;
  }

  offer(row: number, score: number, match: AddressMatchKind): void {
    const entry = { row, score, match };
    if (this.full() && this.compare(entry, this.kept.at(-1)!) >= 0) return;
    let at = this.kept.length;
    while (at > 0 && this.compare(entry, this.kept[at - 1]!) < 0) at--;
    this.kept.splice(at, 0, entry);
    if (this.kept.length > this.limit) this.kept.pop();
  }

  rows(): readonly Ranked[] {
    return this.kept;
  }

  private compare(a: Ranked, b: Ranked): number {
    const x = this.addresses[a.row]!;
    const y = this.addresses[b.row]!;
    return b.score - a.score || x.text.length - y.text.length || x.id - y.id;
  }
}
