// `window.gc`: a window onto the console for browser tests and benchmarks (excalidraw's `window.h`).
// Call it inside page.evaluate and return plain data only (returning map or deck objects to the test
// process balloons its memory).
import type { Map as MaplibreMap } from 'maplibre-gl';
import { activeMap } from './map/map-controller.ts';
import { featureStateOf } from '../shared/metrics.ts';
import { usePlan, type PlanState } from './plan/plan-state.ts';
import { realtime } from './realtime/socket.ts';
import { useConsole, type ConsoleState } from './state/store.ts';

export interface GcHook {
  readonly map: MaplibreMap | null;
  getState(): ConsoleState;
  lastSeq(): number | null;
  connection(): ConsoleState['connection'];
  /** Map loaded, grids drawn, nothing moving or loading. */
  idle(): boolean;
  /** Times the map reached 'idle', feature-state writes and heat layer data updates so far. */
  counters(): { idle: number; statusWrites: number; heatUpdates: number; heatTriggers: number };
  /** A point inside the grid, in CSS pixels relative to the page. */
  gridPoint(gridId: number): { x: number; y: number } | null;
  featureState(gridId: number): Record<string, unknown>;
  /** Feature-state the live status implies for the grid (what the map should show). */
  expectedState(gridId: number): Record<string, number> | null;
  realtime: { drop(): void; pause(): void; resume(): void };
  /** Planner mode state (read plain fields only: the draft holds Maps). */
  plan(): PlanState;
  /** The change set the planner's draft implies (plain data). */
  planChangeSet(): PlanState['changeSet'];
  /** Page pixel of a lon/lat on the map. */
  project(lngLat: [number, number]): { x: number; y: number } | null;
}

/** `window.gc` (typed here rather than on Window, whose `gc` Node's types already claim). */
export const gcOf = (w: Window): GcHook => (w as unknown as { gc: GcHook }).gc;

export function installTestHook(): void {
  const hook: GcHook = {
    get map() {
      return activeMap()?.map ?? null;
    },
    getState: useConsole.getState,
    lastSeq: () => useConsole.getState().live.lastSeq,
    connection: () => useConsole.getState().connection,
    idle: () => activeMap()?.isIdle() ?? false,
    counters: () => ({
      idle: activeMap()?.idleCount ?? 0,
      statusWrites: activeMap()?.statusWrites ?? 0,
      heatUpdates: activeMap()?.heatUpdates ?? 0,
      heatTriggers: activeMap()?.heatTriggers ?? 0,
    }),
    gridPoint(gridId) {
      const controller = activeMap();
      const grid = useConsole.getState().gridInfo.get(gridId);
      if (!controller || !grid) return null;
      const p = controller.map.project(grid.anchor);
      const box = controller.map.getContainer().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    },
    featureState(gridId) {
      const map = activeMap()?.map;
      if (!map?.getSource('grids')) return {};
      return { ...map.getFeatureState({ source: 'grids', id: gridId }) };
    },
    expectedState(gridId) {
      const status = useConsole.getState().live.grids.get(gridId);
      return status ? featureStateOf(status) : null;
    },
    plan: usePlan.getState,
    planChangeSet: () => usePlan.getState().changeSet,
    project(lngLat) {
      const controller = activeMap();
      if (!controller) return null;
      const p = controller.map.project(lngLat);
      const box = controller.map.getContainer().getBoundingClientRect();
      return { x: box.left + p.x, y: box.top + p.y };
    },
    realtime: {
      drop: () => realtime()?.drop(),
      pause: () => realtime()?.pause(),
      resume: () => realtime()?.resume(),
    },
  };
  (window as unknown as { gc: GcHook }).gc = hook;
}
