// A deck.gl heatmap of recent arrivals: each territorial grid's inner point weighted by its arrivals in
// the last 24 h, plus the points of arrival events that carry coordinates. The data array is stable;
// weights follow the live status through `updateTriggers`.
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { GridStatus } from '../../shared/realtime.ts';
import type { GridInfo } from '../state/store.ts';

export interface HeatPoint {
  gridId: number | null;
  position: [number, number];
  /** Fixed weight for event points; grid points read the live status. */
  weight: number;
}

export function gridHeatPoints(grids: Map<number, GridInfo>): HeatPoint[] {
  const points: HeatPoint[] = [];
  for (const grid of grids.values())
    if (grid.kind === 'territorial') points.push({ gridId: grid.id, position: grid.anchor, weight: 0 });
  return points;
}

export function arrivalHeatLayer(
  data: HeatPoint[],
  status: Map<number, GridStatus>,
  statusRev: number,
  visible: boolean,
  placement: { beforeId?: string },
  k = 1,
): HeatmapLayer<HeatPoint> {
  return new HeatmapLayer<HeatPoint>({
    ...placement,
    id: 'arrival-heat',
    data,
    visible,
    pickable: false,
    getPosition: (p) => p.position,
    getWeight: (p) => (p.gridId === null ? p.weight : (status.get(p.gridId)?.arrivals24h ?? 0)),
    updateTriggers: { getWeight: statusRev },
    radiusPixels: 40 * k,
    intensity: 1.2,
    threshold: 0.04,
    colorRange: [
      [37, 52, 148],
      [44, 127, 184],
      [65, 182, 196],
      [161, 218, 180],
      [254, 217, 118],
      [240, 59, 32],
    ],
  });
}
