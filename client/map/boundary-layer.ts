// Township and village borders, derived in the browser from the grid polygons (the edges where
// neighbouring grids belong to different regions; see grid-geometry.ts) — no boundary endpoint needed.
import type { FeatureCollection, LineString } from 'geojson';
import type { ExpressionSpecification, GeoJSONSource, Map as MaplibreMap } from 'maplibre-gl';
import type { GridFeatureCollection } from '../../shared/grids.ts';
import { regionBorders } from './grid-geometry.ts';

export const boundarySourceId = 'region-borders';
export const townshipBorderId = 'township-border';
export const villageBorderId = 'village-border';

export function bordersOf(grids: GridFeatureCollection): FeatureCollection<LineString, { level: string }> {
  const territorial = grids.features.filter((f) => f.properties.kind === 'territorial');
  const lines = (level: 'township' | 'village') =>
    regionBorders(
      territorial.map((f) => ({
        geometry: f.geometry,
        key: (level === 'township' ? f.properties.townshipCode : f.properties.villageCode) ?? '',
      })),
    ).map((coordinates) => ({
      type: 'Feature' as const,
      geometry: { type: 'LineString' as const, coordinates },
      properties: { level },
    }));
  return { type: 'FeatureCollection', features: [...lines('village'), ...lines('township')] };
}

const townshipWidth = (k: number): ExpressionSpecification => [
  'interpolate',
  ['linear'],
  ['zoom'],
  8,
  1.2 * k,
  13,
  2.6 * k,
];
const villageWidth = (k: number): ExpressionSpecification => [
  'interpolate',
  ['linear'],
  ['zoom'],
  10,
  0.6 * k,
  14,
  1.4 * k,
];

export function setBoundaryScale(map: MaplibreMap, k: number): void {
  if (map.getLayer(townshipBorderId)) map.setPaintProperty(townshipBorderId, 'line-width', townshipWidth(k));
  if (map.getLayer(villageBorderId)) map.setPaintProperty(villageBorderId, 'line-width', villageWidth(k));
}

export function addBoundaryLayers(
  map: MaplibreMap,
  grids: GridFeatureCollection,
  visible: boolean,
  k = 1,
): void {
  const data = bordersOf(grids);
  const source = map.getSource(boundarySourceId) as GeoJSONSource | undefined;
  if (source) {
    source.setData(data);
    return;
  }
  const visibility = visible ? 'visible' : 'none';
  map.addSource(boundarySourceId, { type: 'geojson', data });
  map.addLayer({
    id: villageBorderId,
    type: 'line',
    source: boundarySourceId,
    filter: ['==', ['get', 'level'], 'village'],
    minzoom: 10,
    layout: { visibility, 'line-join': 'round' },
    paint: {
      'line-color': '#cfe3ec',
      'line-opacity': ['interpolate', ['linear'], ['zoom'], 10, 0.25, 13, 0.6],
      'line-width': villageWidth(k),
      'line-dasharray': [3, 2],
    },
  });
  map.addLayer({
    id: townshipBorderId,
    type: 'line',
    source: boundarySourceId,
    filter: ['==', ['get', 'level'], 'township'],
    layout: { visibility, 'line-join': 'round', 'line-cap': 'round' },
    paint: {
      'line-color': '#e8f6ff',
      'line-opacity': 0.85,
      'line-width': townshipWidth(k),
    },
  });
}

export function setBoundariesVisible(map: MaplibreMap, visible: boolean): void {
  for (const id of [villageBorderId, townshipBorderId])
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
}
