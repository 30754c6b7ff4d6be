// Sector grids (行业网格: parks, markets, schools…) as a toggleable dashed outline over the territorial
// fill, from the same GeoJSON source.
import type { Map as MaplibreMap } from 'maplibre-gl';
import { gridSourceId } from './territorial-layer.ts';

export const sectorFillId = 'sector-fill';
export const sectorLineId = 'sector-line';

export function addSectorLayers(map: MaplibreMap, visible: boolean): void {
  if (map.getLayer(sectorLineId)) return;
  const visibility = visible ? 'visible' : 'none';
  map.addLayer({
    id: sectorFillId,
    type: 'fill',
    source: gridSourceId,
    filter: ['==', ['get', 'kind'], 'sector'],
    layout: { visibility },
    paint: { 'fill-color': '#ffb74d', 'fill-opacity': 0.08 },
  });
  map.addLayer({
    id: sectorLineId,
    type: 'line',
    source: gridSourceId,
    filter: ['==', ['get', 'kind'], 'sector'],
    layout: { visibility },
    paint: {
      'line-color': '#ffb74d',
      'line-width': ['interpolate', ['linear'], ['zoom'], 8, 1, 14, 2.4],
      'line-dasharray': [2, 1.2],
    },
  });
}

export function setSectorVisible(map: MaplibreMap, visible: boolean): void {
  for (const id of [sectorFillId, sectorLineId])
    if (map.getLayer(id)) map.setLayoutProperty(id, 'visibility', visible ? 'visible' : 'none');
}
