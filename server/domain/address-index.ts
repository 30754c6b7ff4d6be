// In-memory search over the standard address registry (标准地址): exact lookup with optional
// township/village prefixes, substring autocomplete through a character-bigram inverted index, and ranked
// fuzzy candidates (bigram Dice similarity) when nothing matches exactly. Pure; no I/O.
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

/** Intersection of two ascending id lists. */
function intersect(a: Int32Array, b: Int32Array): Int32Array {
  const out = new Int32Array(Math.min(a.length, b.length));
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      out[n++] = x;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out.subarray(0, n);
}

export class AddressIndex {
  private readonly normalized: string[];
  private readonly rows: IndexedAddress[];
  private readonly rowById: Map<number, IndexedAddress>;
  private readonly exact = new Map<string, number[]>();
  private readonly postings = new Map<number, Int32Array>();
  private readonly bigramCounts: Uint16Array;
  private readonly hits: Uint16Array;

  constructor(addresses: readonly IndexedAddress[]) {
    this.rows = [...addresses];
    this.rowById = new Map(this.rows.map((row) => [row.id, row]));
    this.normalized = this.rows.map((a) => normalizeAddress(a.text));
    this.bigramCounts = new Uint16Array(this.rows.length);
    this.hits = new Uint16Array(this.rows.length);

    const counts = new Map<number, number>();
    this.normalized.forEach((text, row) => {
      const keys = uniqueBigrams(text);
      this.bigramCounts[row] = keys.length;
      for (const key of keys) counts.set(key, (counts.get(key) ?? 0) + 1);
      for (const key of this.lookupKeys(text, this.rows[row]!)) {
        const list = this.exact.get(key);
        if (list) list.push(row);
        else this.exact.set(key, [row]);
      }
    });
    const fill = new Map<number, number>();
    for (const [key, count] of counts) {
      this.postings.set(key, new Int32Array(count));
      fill.set(key, 0);
    }
    this.normalized.forEach((text, row) => {
      for (const key of uniqueBigrams(text)) {
        const at = fill.get(key)!;
        this.postings.get(key)![at] = row;
        fill.set(key, at + 1);
      }
    });
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
  private lookupKeys(text: string, address: IndexedAddress): string[] {
    const township = normalizeAddress(address.township);
    const village = normalizeAddress(address.village);
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
    if (!q) return [];
    const results: AddressCandidate[] = [];
    const seen = new Set<number>();
    const push = (row: number, score: number, match: AddressMatchKind): void => {
      if (seen.has(row)) return;
      seen.add(row);
      results.push(this.candidate(row, score, match));
    };

    for (const row of this.exact.get(q) ?? []) push(row, 1, 'exact');

    for (const row of this.containing(q)) {
      const text = this.normalized[row]!;
      // Longer registry texts around the query are weaker matches: scale by how much of the text the query covers.
      const coverage = q.length / text.length;
      if (text.startsWith(q)) push(row, 0.7 + 0.25 * coverage, 'prefix');
      else push(row, 0.6 + 0.25 * coverage, 'contains');
    }
    if (results.length < limit) this.fuzzy(q, limit * 4, push);

    return results
      .sort((a, b) => b.score - a.score || a.text.length - b.text.length || a.id - b.id)
      .slice(0, limit);
  }

  /** Rows whose normalised text contains q as a substring. */
  private containing(q: string): number[] {
    if (q.length < 2) {
      const out: number[] = [];
      for (let row = 0; row < this.normalized.length && out.length < 1000; row++) {
        if (this.normalized[row]!.includes(q)) out.push(row);
      }
      return out;
    }
    const lists = uniqueBigrams(q).map((key) => this.postings.get(key));
    if (lists.some((list) => !list)) return [];
    const sorted = (lists as Int32Array[]).sort((a, b) => a.length - b.length);
    let candidates = sorted[0]!;
    for (let i = 1; i < sorted.length && candidates.length > 0; i++)
      candidates = intersect(candidates, sorted[i]!);
    const out: number[] = [];
    for (const row of candidates) if (this.normalized[row]!.includes(q)) out.push(row);
    return out;
  }

  /** Ranked by bigram Dice similarity; bigrams in over a quarter of the registry carry little
   *  information and would make this scan the whole registry, so they are not counted. */
  private fuzzy(
    q: string,
    limit: number,
    push: (row: number, score: number, match: AddressMatchKind) => void,
  ): void {
    const keys = uniqueBigrams(q);
    if (keys.length === 0) return;
    const common = this.rows.length / 4;
    const touched: number[] = [];
    let skipped = 0;
    for (const key of keys) {
      const list = this.postings.get(key);
      if (!list) continue;
      if (list.length > common) {
        skipped++;
        continue;
      }
      for (const row of list) {
        if (this.hits[row] === 0) touched.push(row);
        this.hits[row]!++;
      }
    }
    const scored = touched.map((row) => {
      // Skipped common bigrams are assumed present: they are, in most of the registry.
      const shared = this.hits[row]! + skipped;
      this.hits[row] = 0;
      return { row, dice: (2 * shared) / (keys.length + this.bigramCounts[row]!) };
    });
    scored.sort((a, b) => b.dice - a.dice);
    for (const { row, dice } of scored.slice(0, limit)) {
      if (dice < 0.4) break;
      push(row, 0.6 * Math.min(1, dice), 'fuzzy');
    }
  }
}
