// Which grids the big screen's automatic tour visits: high-risk grids first, by red codes not isolated,
// overdue registrations, red codes and arrivals; medium-risk ones fill up a short list. Pure.
import type { GridStatus } from '../../shared/realtime.ts';

export function hotspotScore(s: GridStatus): number {
  return s.redNotIsolated * 1000 + s.overdue * 50 + s.red * 20 + s.yellow * 2 + s.arrivals24h;
}

export function hotspots(
  grids: Iterable<GridStatus>,
  known: (gridId: number) => boolean,
  limit = 8,
  minimum = 3,
): number[] {
  const high: GridStatus[] = [];
  const medium: GridStatus[] = [];
  for (const s of grids) {
    if (!known(s.gridId)) continue;
    if (s.risk === 'high') high.push(s);
    else if (s.risk === 'medium') medium.push(s);
  }
  const byScore = (a: GridStatus, b: GridStatus) => hotspotScore(b) - hotspotScore(a) || a.gridId - b.gridId;
  high.sort(byScore);
  medium.sort(byScore);
  const list = high.slice(0, limit);
  if (list.length < minimum) list.push(...medium.slice(0, minimum - list.length));
  return list.map((s) => s.gridId);
}
