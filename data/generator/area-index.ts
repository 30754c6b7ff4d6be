// Fast point-in-area and distance-to-boundary queries for one Polygon/MultiPolygon.
// Edges are bucketed into horizontal bands so a query only visits the edges near its latitude.
import type { MultiPolygon, Polygon } from 'geojson';
import { bboxOf, fromGeometry, METERS_PER_DEGREE } from './ring-math.ts';
import type { AreaRings, BBox, LonLat } from './ring-math.ts';

export class AreaIndex {
  readonly area: AreaRings;
  readonly bbox: BBox;
  /** x1, y1, x2, y2 per edge. */
  private readonly edges: Float64Array;
  private readonly bandStart: Int32Array;
  private readonly bandEdges: Int32Array;
  private readonly bandHeight: number;
  private readonly bandCount: number;
  /** Degrees of longitude are shorter than degrees of latitude by this factor. */
  private readonly kx: number;

  constructor(area: AreaRings | Polygon | MultiPolygon) {
    this.area = Array.isArray(area) ? area : fromGeometry(area);
    this.bbox = bboxOf(this.area);
    const coords: number[] = [];
    for (const polygon of this.area) {
      for (const ring of polygon) {
        for (let i = 0; i < ring.length; i++) {
          const a = ring[i] as LonLat;
          const b = ring[(i + 1) % ring.length] as LonLat;
          coords.push(a[0], a[1], b[0], b[1]);
        }
      }
    }
    this.edges = Float64Array.from(coords);
    const edgeCount = coords.length / 4;
    this.bandCount = Math.max(1, Math.min(4096, Math.ceil(edgeCount / 4)));
    this.bandHeight = (this.bbox.maxY - this.bbox.minY) / this.bandCount || 1;
    this.kx = Math.cos((((this.bbox.minY + this.bbox.maxY) / 2) * Math.PI) / 180);

    const counts = new Int32Array(this.bandCount + 1);
    const forEachBand = (e: number, visit: (band: number) => void): void => {
      const y1 = this.edges[e * 4 + 1] as number;
      const y2 = this.edges[e * 4 + 3] as number;
      const lo = this.bandOf(Math.min(y1, y2));
      const hi = this.bandOf(Math.max(y1, y2));
      for (let band = lo; band <= hi; band++) visit(band);
    };
    for (let e = 0; e < edgeCount; e++)
      forEachBand(e, (band) => (counts[band + 1] = (counts[band + 1] ?? 0) + 1));
    for (let band = 0; band < this.bandCount; band++) {
      counts[band + 1] = (counts[band + 1] ?? 0) + (counts[band] ?? 0);
    }
    this.bandStart = counts.slice();
    const fill = counts.slice();
    this.bandEdges = new Int32Array(counts[this.bandCount] ?? 0);
    for (let e = 0; e < edgeCount; e++) {
      forEachBand(e, (band) => {
        this.bandEdges[fill[band] as number] = e;
        fill[band] = (fill[band] as number) + 1;
      });
    }
  }

  private bandOf(y: number): number {
    const band = Math.floor((y - this.bbox.minY) / this.bandHeight);
    return band < 0 ? 0 : band >= this.bandCount ? this.bandCount - 1 : band;
  }

  /** Even-odd test over all rings, so holes are respected. */
  contains(x: number, y: number): boolean {
    const { bbox } = this;
    if (x < bbox.minX || x > bbox.maxX || y < bbox.minY || y > bbox.maxY) return false;
    const band = this.bandOf(y);
    const end = this.bandStart[band + 1] as number;
    let inside = false;
    for (let k = this.bandStart[band] as number; k < end; k++) {
      const o = (this.bandEdges[k] as number) * 4;
      const x1 = this.edges[o] as number;
      const y1 = this.edges[o + 1] as number;
      const x2 = this.edges[o + 2] as number;
      const y2 = this.edges[o + 3] as number;
      if (y1 > y !== y2 > y && x < ((x2 - x1) * (y - y1)) / (y2 - y1) + x1) inside = !inside;
    }
    return inside;
  }

  /** Distance in metres from the point to the nearest edge, or Infinity if beyond `limitMeters`. */
  boundaryDistance(x: number, y: number, limitMeters = Infinity): number {
    const limitDeg = limitMeters / METERS_PER_DEGREE;
    const lo = Number.isFinite(limitDeg) ? this.bandOf(y - limitDeg) : 0;
    const hi = Number.isFinite(limitDeg) ? this.bandOf(y + limitDeg) : this.bandCount - 1;
    const limit2 = limitDeg * limitDeg;
    let best = Infinity;
    const kx = this.kx;
    const seen = new Set<number>();
    for (let band = lo; band <= hi; band++) {
      const end = this.bandStart[band + 1] as number;
      for (let k = this.bandStart[band] as number; k < end; k++) {
        const e = this.bandEdges[k] as number;
        if (lo !== hi) {
          if (seen.has(e)) continue;
          seen.add(e);
        }
        const o = e * 4;
        const ax = ((this.edges[o] as number) - x) * kx;
        const ay = (this.edges[o + 1] as number) - y;
        const bx = ((this.edges[o + 2] as number) - x) * kx;
        const by = (this.edges[o + 3] as number) - y;
        const dx = bx - ax;
        const dy = by - ay;
        const len2 = dx * dx + dy * dy;
        let t = len2 > 0 ? -(ax * dx + ay * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const px = ax + t * dx;
        const py = ay + t * dy;
        const d2 = px * px + py * py;
        if (d2 < best && d2 < limit2) best = d2;
      }
    }
    return best === Infinity ? Infinity : Math.sqrt(best) * METERS_PER_DEGREE;
  }

  /** Inside and at least `marginMeters` from every edge. */
  containsWithMargin(x: number, y: number, marginMeters: number): boolean {
    return this.contains(x, y) && this.boundaryDistance(x, y, marginMeters) === Infinity;
  }

  /**
   * A point well inside the area: the best of a lattice of candidates by distance to the boundary
   * (a cheap pole of inaccessibility), refined once around the winner.
   */
  interiorPoint(preferred?: LonLat, preferredMarginMeters = 0): LonLat {
    if (preferred && preferredMarginMeters > 0) {
      if (this.containsWithMargin(preferred[0], preferred[1], preferredMarginMeters)) return preferred;
    }
    const { minX, minY, maxX, maxY } = this.bbox;
    let best: LonLat | undefined;
    let bestDistance = -1;
    const scan = (x0: number, y0: number, x1: number, y1: number, steps: number): void => {
      for (let i = 0; i <= steps; i++) {
        for (let j = 0; j <= steps; j++) {
          const x = x0 + ((x1 - x0) * (i + 0.5)) / (steps + 1);
          const y = y0 + ((y1 - y0) * (j + 0.5)) / (steps + 1);
          if (!this.contains(x, y)) continue;
          const d = this.boundaryDistance(x, y);
          if (d > bestDistance) {
            bestDistance = d;
            best = [x, y];
          }
        }
      }
    };
    scan(minX, minY, maxX, maxY, 24);
    if (!best) throw new Error('interiorPoint: empty area');
    const [bx, by] = best as LonLat;
    const hx = (maxX - minX) / 25;
    const hy = (maxY - minY) / 25;
    scan(bx - hx, by - hy, bx + hx, by + hy, 10);
    return best;
  }
}
