// The county map: territorial grids as filled polygons, sector grids as outlines (maplibre native layers).
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import { useEffect, useRef } from 'react';
import type { GridFeatureCollection } from '../../shared/grids.ts';
import { offlineStyle } from './offline-style.ts';

maplibregl.setWorkerUrl(workerUrl);

const tiantaiBounds: [number, number, number, number] = [120.68, 28.95, 121.32, 29.38];

export function GridMap({ grids }: { grids: GridFeatureCollection | null }) {
  const container = useRef<HTMLDivElement>(null);
  const mapRef = useRef<maplibregl.Map | null>(null);

  useEffect(() => {
    if (!container.current) return;
    const map = new maplibregl.Map({
      container: container.current,
      style: offlineStyle,
      bounds: tiantaiBounds,
      fitBoundsOptions: { padding: 24 },
      attributionControl: false,
    });
    map.addControl(new maplibregl.NavigationControl({ showCompass: false }), 'top-right');
    mapRef.current = map;
    (window as unknown as { gcMap?: maplibregl.Map }).gcMap = map;
    return () => {
      map.remove();
      mapRef.current = null;
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    if (!map || !grids) return;
    const apply = (): void => {
      const source = map.getSource('grids') as maplibregl.GeoJSONSource | undefined;
      if (source) {
        source.setData(grids);
        return;
      }
      map.addSource('grids', { type: 'geojson', data: grids, promoteId: 'id' });
      map.addLayer({
        id: 'territorial-fill',
        type: 'fill',
        source: 'grids',
        filter: ['==', ['get', 'kind'], 'territorial'],
        paint: { 'fill-color': '#1f6f78', 'fill-opacity': 0.55 },
      });
      map.addLayer({
        id: 'territorial-line',
        type: 'line',
        source: 'grids',
        filter: ['==', ['get', 'kind'], 'territorial'],
        paint: { 'line-color': '#9fd3c7', 'line-width': 0.6 },
      });
      map.addLayer({
        id: 'sector-line',
        type: 'line',
        source: 'grids',
        filter: ['==', ['get', 'kind'], 'sector'],
        paint: { 'line-color': '#ffb74d', 'line-width': 1.6, 'line-dasharray': [2, 1] },
      });
    };
    if (map.isStyleLoaded()) apply();
    else map.once('load', apply);
  }, [grids]);

  return <div ref={container} className="grid-map" data-testid="grid-map" />;
}
