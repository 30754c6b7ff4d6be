// Distances in metres for "nearest territorial grid" answers: a local equirectangular projection
// centred on the query point (x scaled by cos(latitude of the query), mean Earth radius, as turf uses).
// Against the haversine distance on the same sphere the relative error is about
// |delta lat| * tan(lat) / 2: < 0.1 % within 20 km at 29 deg N (Tiantai), ~0.5 % at 100 km; the
// sphere-vs-WGS84-ellipsoid difference (up to ~0.5 %) is of the same order. Good enough to say "how far
// outside the county", not for surveying.

/** Mean Earth radius in metres (IUGG), the radius turf's distance functions use. */
export const EARTH_RADIUS_METERS = 6371008.8;
export const METERS_PER_DEGREE = (EARTH_RADIUS_METERS * Math.PI) / 180;

/**
 * Distance in metres from (px, py) to segment (ax, ay)-(bx, by), all lon/lat degrees, projected
 * equirectangularly at the query latitude; `cosLat` = cos(py in radians), passed in to hoist it.
 */
export function segmentDistanceMeters(
  px: number,
  py: number,
  ax: number,
  ay: number,
  bx: number,
  by: number,
  cosLat: number,
): number {
  const x1 = (ax - px) * cosLat;
  const y1 = ay - py;
  const dx = (bx - ax) * cosLat;
  const dy = by - ay;
  const lengthSq = dx * dx + dy * dy;
  let t = lengthSq > 0 ? -(x1 * dx + y1 * dy) / lengthSq : 0;
  if (t < 0) t = 0;
  else if (t > 1) t = 1;
  return Math.hypot(x1 + t * dx, y1 + t * dy) * METERS_PER_DEGREE;
}
