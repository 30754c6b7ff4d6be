// A deck.gl heatmap of recent arrivals: each territorial grid's inner point weighted by its arrivals in
// the last 24 h. The data array is stable and each point holds the weight last drawn; a delta that
// moves no grid's arrivals leaves the weights, the update trigger and so the GPU aggregation alone.
import { HeatmapLayer } from '@deck.gl/aggregation-layers';
import type { GridStatus } from '../../shared/realtime.ts';
import type { GridInfo } from '../state/store.ts';

export interface HeatPoint {
  gridId: number;
  position: [number, number];
  /** The grid's arrivals in the last 24 h, as last copied from the live status. */
  weight: number;
}

export interface HeatData {
  points: HeatPoint[];
  byGrid: Map<number, HeatPoint>;
}

export function gridHeatPoints(grids: Map<number, GridInfo>): HeatData {
  const points: HeatPoint[] = [];
  const byGrid = new Map<number, HeatPoint>();
  for (const grid of grids.values())
    if (grid.kind === 'territorial') {
      const point: HeatPoint = { gridId: grid.id, position: grid.anchor, weight: 0 };
      points.push(point);
      byGrid.set(grid.id, point);
    }
  return { points, byGrid };
}

/**
 * Copies the arrivals of the changed grids (every grid when `changed` is null) into their points.
 * True when a weight changed: only then has the heatmap anything new to show.
 */
export function refreshHeatWeights(
  heat: HeatData,
  status: Map<number, GridStatus>,
  changed: readonly number[] | null,
): boolean {
  let moved = false;
  const refresh = (point: HeatPoint): void => {
    const weight = status.get(point.gridId)?.arrivals24h ?? 0;
    if (weight !== point.weight) {
      point.weight = weight;
      moved = true;
    }
  };
  if (changed === null) heat.points.forEach(refresh);
  else
    for (const id of changed) {
      const point = heat.byGrid.get(id);
      if (point) refresh(point);
    }
  return moved;
}

/**
 * After a zoom, deck.gl re-aggregates the heatmap over the new view only this long after the camera
 * stopped, and draws the result on the next frame; the map must be repainted then (see map-controller).
 */
export const heatDebounceMs = 500;

export function arrivalHeatLayer(
  heat: HeatData,
  weightsRev: number,
  visible: boolean,
  placement: { beforeId?: string },
  k = 1,
  /** Called once per pass of deck.gl over the weights (a data update of the layer), for the test hook. */
  onWeightPass?: () => void,
): HeatmapLayer<HeatPoint> {
  return new HeatmapLayer<HeatPoint>({
    ...placement,
    id: 'arrival-heat',
    data: heat.points,
    visible,
    pickable: false,
    getPosition: (p) => p.position,
    getWeight: (p, { index }) => {
      if (index === 0) onWeightPass?.();
      return p.weight;
    },
    updateTriggers: { getWeight: weightsRev },
    radiusPixels: 40 * k,
    intensity: 1.2,
    threshold: 0.04,
    debounceTimeout: heatDebounceMs,
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
