// Place names in Chinese, by zoom: townships, then villages, then grids, drawn by maplibre from the
// bundled Noto Sans SC (offline-style.ts). Label points are inside their region (store.ts anchors).
import type { Feature, FeatureCollection, Point } from 'geojson';
import type { DataDrivenPropertyValueSpecification, GeoJSONSource, Map as MaplibreMap } from 'maplibre-gl';
import type { GridInfo, RegionInfo } from '../state/store.ts';
import { labelFont, labelFontBold } from './offline-style.ts';

export const labelSourceId = 'labels';
export const labelLayerIds = ['labels-grid', 'labels-village', 'labels-township'] as const;

type LabelProps = { name: string; level: 'township' | 'village' | 'grid'; rank: number };

export function labelPoints(
  grids: Map<number, GridInfo>,
  regions: Map<string, RegionInfo>,
): FeatureCollection<Point, LabelProps> {
  const features: Feature<Point, LabelProps>[] = [];
  for (const region of regions.values()) {
    if (!region.anchor || (region.level !== 'township' && region.level !== 'village')) continue;
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: region.anchor },
      properties: { name: region.name, level: region.level, rank: -region.population },
    });
  }
  for (const grid of grids.values()) {
    if (grid.kind !== 'territorial') continue;
    features.push({
      type: 'Feature',
      geometry: { type: 'Point', coordinates: grid.anchor },
      properties: { name: grid.name, level: 'grid', rank: -grid.area },
    });
  }
  return { type: 'FeatureCollection', features };
}

/** Text sizes by zoom, times `k` (the big screen scales its symbology with the wall's size). */
export const labelSizes = (
  k: number,
): Record<(typeof labelLayerIds)[number], DataDrivenPropertyValueSpecification<number>> => ({
  'labels-grid': 11 * k,
  'labels-village': ['interpolate', ['linear'], ['zoom'], 10.6, 11 * k, 13, 13 * k],
  'labels-township': ['interpolate', ['linear'], ['zoom'], 8, 12 * k, 11, 17 * k],
});

export function setLabelScale(map: MaplibreMap, k: number): void {
  for (const [id, size] of Object.entries(labelSizes(k)))
    if (map.getLayer(id)) map.setLayoutProperty(id, 'text-size', size);
}

export function addLabelLayers(
  map: MaplibreMap,
  grids: Map<number, GridInfo>,
  regions: Map<string, RegionInfo>,
  visible: boolean,
  k = 1,
): void {
  const data = labelPoints(grids, regions);
  const source = map.getSource(labelSourceId) as GeoJSONSource | undefined;
  if (source) {
    source.setData(data);
    return;
  }
  map.addSource(labelSourceId, { type: 'geojson', data });
  const sizes = labelSizes(k);
  const visibility = visible ? 'visible' : 'none';
  const halo = { 'text-halo-color': '#06121a', 'text-halo-width': 1.4, 'text-halo-blur': 0.4 };
  map.addLayer({
    id: 'labels-grid',
    type: 'symbol',
    source: labelSourceId,
    filter: ['==', ['get', 'level'], 'grid'],
    minzoom: 13,
    layout: {
      visibility,
      'text-field': ['get', 'name'],
      'text-font': labelFont,
      'text-size': sizes['labels-grid'],
      'text-max-width': 8,
      'symbol-sort-key': ['get', 'rank'],
    },
    paint: { 'text-color': '#d7e6ee', ...halo },
  });
  map.addLayer({
    id: 'labels-village',
    type: 'symbol',
    source: labelSourceId,
    filter: ['==', ['get', 'level'], 'village'],
    minzoom: 10.6,
    maxzoom: 13.5,
    layout: {
      visibility,
      'text-field': ['get', 'name'],
      'text-font': labelFont,
      'text-size': sizes['labels-village'],
      'symbol-sort-key': ['get', 'rank'],
    },
    paint: { 'text-color': '#eef6fa', ...halo },
  });
  map.addLayer({
    id: 'labels-township',
    type: 'symbol',
    source: labelSourceId,
    filter: ['==', ['get', 'level'], 'township'],
    maxzoom: 11.2,
    layout: {
      visibility,
      'text-field': ['get', 'name'],
      'text-font': labelFontBold,
      'text-size': sizes['labels-township'],
      'text-letter-spacing': 0.08,
      'text-allow-overlap': true,
    },
    paint: { 'text-color': '#ffffff', 'text-halo-color': '#06121a', 'text-halo-width': 2 },
  });
}

export function setLabelsVisible(map: MaplibreMap, visible: boolean): void {
  for (const id of labelLayerIds)
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
}
