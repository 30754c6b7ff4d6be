// The map element of either screen: creates the MapController once and registers it as the active map
// (for search, region zoom, the tour, the URL and the test hook).
import { useEffect, useRef } from 'react';
import type { Mode } from '../state/store.ts';
import { MapController, setActiveMap, type Camera } from './map-controller.ts';
import { MapTooltip } from './MapTooltip.tsx';

export function MapView({ mode, camera }: { mode: Mode; camera: Camera | null }) {
  const container = useRef<HTMLDivElement>(null);
  const initialCamera = useRef(camera);
  useEffect(() => {
    if (!container.current) return;
    const controller = new MapController(container.current, mode, initialCamera.current);
    setActiveMap(controller);
    return () => {
      setActiveMap(null);
      controller.destroy();
    };
  }, [mode]);
  return (
    <div className="map-view">
      <div ref={container} className="grid-map" data-testid="grid-map" />
      <MapTooltip />
    </div>
  );
}
