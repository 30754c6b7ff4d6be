// The view in the URL hash, so that a shared link opens the same view: metric, layers, selected grid
// and camera (`#metric=risk&layers=boundaries,labels&grid=42&map=11.20/29.1412/121.0307`). The mode is
// the path (`/` dispatcher, `/screen` big screen).
import { activeMap, watchActiveMap, type Camera } from './map/map-controller.ts';
import { applyView, layerIds, useConsole, type ConsoleState } from './state/store.ts';

export interface UrlView {
  metric?: string;
  layers?: string[];
  grid?: number | null;
  camera?: Camera;
}

export function readUrlView(hash: string = window.location.hash): UrlView {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const view: UrlView = {};
  const metric = params.get('metric');
  if (metric) view.metric = metric;
  const layers = params.get('layers');
  if (layers !== null) view.layers = layers.split(',').filter(Boolean);
  const grid = params.get('grid');
  if (grid !== null) view.grid = /^\d+$/.test(grid) ? Number(grid) : null;
  const camera = params.get('map')?.split('/').map(Number);
  if (camera?.length === 3 && camera.every(Number.isFinite)) {
    const [zoom, lat, lon] = camera as [number, number, number];
    view.camera = { zoom, center: [lon, lat] };
  }
  return view;
}

export function urlHashOf(
  state: Pick<ConsoleState, 'metric' | 'layers' | 'selectedGridId'>,
  camera: Camera | null,
): string {
  const parts = [`metric=${state.metric}`, `layers=${layerIds.filter((id) => state.layers[id]).join(',')}`];
  if (state.selectedGridId !== null) parts.push(`grid=${state.selectedGridId}`);
  if (camera)
    parts.push(`map=${camera.zoom.toFixed(2)}/${camera.center[1].toFixed(5)}/${camera.center[0].toFixed(5)}`);
  return `#${parts.join('&')}`;
}

/** Keeps the hash in step with the view (replaceState: no history entry per pan) and follows pasted links. */
export function startUrlSync(): () => void {
  let timer = 0;
  const write = (): void => {
    window.clearTimeout(timer);
    timer = window.setTimeout(() => {
      const hash = urlHashOf(useConsole.getState(), activeMap()?.camera() ?? null);
      if (hash !== window.location.hash)
        window.history.replaceState(null, '', `${window.location.pathname}${window.location.search}${hash}`);
    }, 250);
  };
  const unsubscribe = useConsole.subscribe((state, prev) => {
    if (
      state.metric !== prev.metric ||
      state.layers !== prev.layers ||
      state.selectedGridId !== prev.selectedGridId
    )
      write();
  });
  let detachMove: (() => void) | null = null;
  const unwatch = watchActiveMap((map) => {
    detachMove?.();
    detachMove = map ? map.onMoveEnd(write) : null;
  });
  const onHashChange = (): void => {
    const view = readUrlView();
    applyView(view);
    if (view.camera) activeMap()?.map.jumpTo({ center: view.camera.center, zoom: view.camera.zoom });
  };
  window.addEventListener('hashchange', onHashChange);
  return () => {
    unsubscribe();
    unwatch();
    detachMove?.();
    window.clearTimeout(timer);
    window.removeEventListener('hashchange', onHashChange);
  };
}
