// Territorial grids (村社网格) as maplibre native fill + outline layers coloured through feature-state:
// a status delta calls setFeatureState for the grids it carries and nothing else is touched (NOTES:
// native fills redraw 2–4× faster than deck.gl polygons in software rendering). The outlines of just-changed
// grids, and those of the selected and hovered grid, read their flags from two more sources holding the
// same features: maplibre rewrites and re-uploads the paint buffers of every state-dependent layer of a
// source whose feature-state changed, so on one source every status write would also rewrite the outline
// layers' buffers (per line vertex, the largest in the style), and every flash the fill's.
import type {
  ExpressionSpecification,
  GeoJSONSource,
  GeoJSONSourceDiff,
  Map as MaplibreMap,
} from 'maplibre-gl';
import type { GridFeature, GridFeatureCollection } from '../../shared/grids.ts';
import { classesOf, featureStateOf, noDataColor, type Breaks, type Metric } from '../../shared/metrics.ts';
import type { GridStatus } from '../../shared/realtime.ts';

export const gridSourceId = 'grids';
/** Same features as `grids`; `flash` only (changes with the stream, so its layer is kept lean). */
export const gridFlashSourceId = 'grid-flash';
/** Same features as `grids`; `selected` and `hover` (change on user action only). */
export const gridOutlineSourceId = 'grid-outlines';
const sourceIds = [gridSourceId, gridFlashSourceId, gridOutlineSourceId];
export const territorialFillId = 'territorial-fill';
export const territorialLineId = 'territorial-line';
export const territorialFlashId = 'territorial-flash';
export const territorialHighlightId = 'territorial-highlight';

/**
 * A grid as the map sources hold it: geometry, the id (feature-state key) and the kind (the layers'
 * filter) only. Every feature-state change makes maplibre decode the changed feature's properties once
 * per tile and state-dependent layer; names, codes and worker lists come from the store instead.
 */
const mapFeature = (f: GridFeature): GeoJSON.Feature => ({
  type: 'Feature',
  geometry: f.geometry,
  properties: { id: f.properties.id, kind: f.properties.kind },
});

const mapFeatures = (grids: GridFeatureCollection): GeoJSON.FeatureCollection => ({
  type: 'FeatureCollection',
  features: grids.features.map(mapFeature),
});

/** The collection each map's grid sources were last given. */
const drawnGrids = new WeakMap<MaplibreMap, GridFeatureCollection>();

/**
 * A boundary change patches the collection keeping every unchanged feature object (client/state/store.ts),
 * so what changed is what is not the same object: sent as a diff, the sources re-parse only those
 * features instead of the whole collection. Null when most features changed (setData is then as cheap).
 */
function featureDiff(before: GridFeatureCollection, after: GridFeatureCollection): GeoJSONSourceDiff | null {
  const kept = new Set(before.features);
  const add = after.features.filter((f) => !kept.has(f));
  const now = new Set(after.features);
  const remove = before.features.filter((f) => !now.has(f)).map((f) => f.properties.id);
  if (add.length + remove.length > after.features.length / 2) return null;
  return { remove, add: add.map(mapFeature) as GeoJSONSourceDiff['add'] };
}

export function addTerritorialLayers(
  map: MaplibreMap,
  grids: GridFeatureCollection,
  metric: Metric,
  breaks: Breaks,
): void {
  const previous = drawnGrids.get(map);
  drawnGrids.set(map, grids);
  if (map.getSource(gridSourceId)) {
    const diff = previous ? featureDiff(previous, grids) : null;
    const data = diff ? null : mapFeatures(grids);
    for (const id of sourceIds) {
      const source = map.getSource(id) as GeoJSONSource | undefined;
      if (diff) void source?.updateData(diff);
      else source?.setData(data!);
    }
    return;
  }
  const data = mapFeatures(grids);
  for (const id of sourceIds) map.addSource(id, { type: 'geojson', data, promoteId: 'id' });
  map.addLayer({
    id: territorialFillId,
    type: 'fill',
    source: gridSourceId,
    filter: ['==', ['get', 'kind'], 'territorial'],
    paint: {
      'fill-color': fillColorExpression(metric, breaks),
      'fill-opacity': ['case', ['boolean', ['feature-state', 'hover'], false], 0.92, 0.74],
    },
  });
  map.addLayer({
    id: territorialLineId,
    type: 'line',
    source: gridSourceId,
    filter: ['==', ['get', 'kind'], 'territorial'],
    paint: {
      'line-color': '#9fc9d6',
      'line-opacity': ['interpolate', ['linear'], ['zoom'], 8, 0.28, 12, 0.55],
      'line-width': ['interpolate', ['linear'], ['zoom'], 8, 0.3, 14, 1],
    },
  });
  // Just-changed grids: only the opacity depends on feature-state (one paint value per line vertex).
  map.addLayer({
    id: territorialFlashId,
    type: 'line',
    source: gridFlashSourceId,
    filter: ['==', ['get', 'kind'], 'territorial'],
    paint: {
      'line-color': '#ffd43b',
      'line-width': 2.5,
      'line-opacity': ['case', ['boolean', ['feature-state', 'flash'], false], 1, 0],
    },
  });
  // Selected and hovered grids, above the flashes: one thin layer driven by feature-state, so
  // highlighting never re-filters the source.
  map.addLayer({
    id: territorialHighlightId,
    type: 'line',
    source: gridOutlineSourceId,
    filter: ['==', ['get', 'kind'], 'territorial'],
    paint: {
      'line-color': ['case', ['boolean', ['feature-state', 'selected'], false], '#ffffff', '#e6f4ff'],
      'line-width': ['case', ['boolean', ['feature-state', 'selected'], false], 3, 1.5],
      'line-opacity': [
        'case',
        [
          'any',
          ['boolean', ['feature-state', 'selected'], false],
          ['boolean', ['feature-state', 'hover'], false],
        ],
        1,
        0,
      ],
    },
  });
}

/** `fill-color` for the territorial layer: a step over the grid's feature-state for the metric. */
export function fillColorExpression(metric: Metric, breaks: Breaks): ExpressionSpecification {
  const { thresholds, colors } = classesOf(metric, breaks);
  const stops: (number | string)[] = [];
  thresholds.forEach((t, i) => stops.push(t, colors[i]!));
  return [
    'step',
    ['to-number', ['coalesce', ['feature-state', metric], -1]],
    noDataColor,
    ...stops,
  ] as unknown as ExpressionSpecification;
}

export function paintMetric(map: MaplibreMap, metric: Metric, breaks: Breaks): void {
  if (map.getLayer(territorialFillId))
    map.setPaintProperty(territorialFillId, 'fill-color', fillColorExpression(metric, breaks));
}

/** Writes the status of the given grids (all when `ids` is null) into feature-state. */
export function applyGridStatus(
  map: MaplibreMap,
  statuses: Map<number, GridStatus>,
  ids: readonly number[] | null,
  known: (id: number) => boolean,
): number {
  if (!map.getSource(gridSourceId)) return 0;
  let written = 0;
  const write = (id: number, status: GridStatus | undefined): void => {
    if (!status || !known(id)) return;
    map.setFeatureState({ source: gridSourceId, id }, featureStateOf(status));
    written++;
  };
  if (ids === null) for (const [id, status] of statuses) write(id, status);
  else for (const id of ids) write(id, statuses.get(id));
  return written;
}

/** Outline flags; `hover` also brightens the fill, so it is written to the status source as well. */
export function setGridFlag(
  map: MaplibreMap,
  id: number,
  flag: 'selected' | 'hover' | 'flash',
  on: boolean,
): void {
  const source = flag === 'flash' ? gridFlashSourceId : gridOutlineSourceId;
  if (!map.getSource(source)) return;
  map.setFeatureState({ source, id }, { [flag]: on });
  if (flag === 'hover') map.setFeatureState({ source: gridSourceId, id }, { hover: on });
}
