// The planner's layers on the console map: the draft (edited and new grids), problems (local checks
// and the server's), the impact highlight (from/to grids of the preview), a past revision's outline
// and the "as of" boundaries; and terra-draw (through its maplibre adapter) for vertex editing of the
// selected grid and for drawing split lines.
import type { GeoJSONSource, Map as MaplibreMap } from 'maplibre-gl';
import {
  TerraDraw,
  TerraDrawLineStringMode,
  TerraDrawPolygonMode,
  TerraDrawSelectMode,
  type GeoJSONStoreFeatures,
} from 'terra-draw';
import { TerraDrawMapLibreGLAdapter } from 'terra-draw-maplibre-gl-adapter';
import type { AreaGeometry, Position } from '../../shared/geojson.ts';
import type { MapController } from '../map/map-controller.ts';
import { selectGrid, useConsole } from '../state/store.ts';
import {
  baseGeometries,
  drawSectorGrid,
  insertVertex,
  mergeGrids,
  moveVertex,
  splitGrid,
  usePlan,
  workingGeometry,
  type PlanState,
} from './plan-state.ts';

type FC = GeoJSON.FeatureCollection;
const empty: FC = { type: 'FeatureCollection', features: [] };

const sources = ['plan-asof', 'plan-impact', 'plan-draft', 'plan-revision', 'plan-problems'] as const;

let nextId = 0;

export class PlanMap {
  private readonly map: MaplibreMap;
  private draw: TerraDraw | null = null;
  private unsubscribe: (() => void)[] = [];
  /** The ring loaded into terra-draw, with the server's exact coordinates. */
  private editing: { gridId: number; featureId: string; ring: Position[] } | null = null;
  private lineId: string | null = null;
  private previousSelected: number | null = null;
  /** The click that finishes a split line must not also select the grid under it. */
  private quietUntil = 0;

  constructor(private readonly controller: MapController) {
    this.map = controller.map;
    controller.clickFilter = () =>
      usePlan.getState().tool !== 'split' &&
      usePlan.getState().tool !== 'draw' &&
      performance.now() > this.quietUntil;
    if (this.map.loaded()) this.start();
    else this.map.once('load', () => this.start());
  }

  destroy(): void {
    this.unsubscribe.forEach((u) => u());
    this.controller.clickFilter = null;
    try {
      this.draw?.stop();
    } catch {
      // the map may be gone already
    }
  }

  private start(): void {
    const map = this.map;
    for (const id of sources) map.addSource(id, { type: 'geojson', data: empty });
    map.addLayer({
      id: 'plan-asof-line',
      type: 'line',
      source: 'plan-asof',
      paint: { 'line-color': '#f0a0ff', 'line-width': 1.5, 'line-dasharray': [2, 1] },
    });
    map.addLayer({
      id: 'plan-impact-fill',
      type: 'fill',
      source: 'plan-impact',
      paint: { 'fill-color': ['match', ['get', 'role'], 'from', '#ff8c42', '#4cc9f0'], 'fill-opacity': 0.35 },
    });
    map.addLayer({
      id: 'plan-draft-fill',
      type: 'fill',
      source: 'plan-draft',
      paint: {
        'fill-color': ['case', ['get', 'retired'], '#ff6b6b', ['get', 'created'], '#69db7c', '#ffd43b'],
        'fill-opacity': 0.3,
      },
    });
    map.addLayer({
      id: 'plan-draft-line',
      type: 'line',
      source: 'plan-draft',
      paint: {
        'line-color': ['case', ['get', 'retired'], '#e03131', ['get', 'created'], '#2f9e44', '#f59f00'],
        'line-width': 2,
      },
    });
    map.addLayer({
      id: 'plan-revision-line',
      type: 'line',
      source: 'plan-revision',
      paint: { 'line-color': '#e599f7', 'line-width': 2.5, 'line-dasharray': [1, 1] },
    });
    map.addLayer({
      id: 'plan-problems-fill',
      type: 'fill',
      source: 'plan-problems',
      filter: ['==', ['geometry-type'], 'Polygon'],
      paint: { 'fill-color': '#ff2d2d', 'fill-opacity': 0.6 },
    });
    map.addLayer({
      id: 'plan-problems-line',
      type: 'line',
      source: 'plan-problems',
      paint: { 'line-color': '#ff2d2d', 'line-width': 2 },
    });
    map.addLayer({
      id: 'plan-problems-point',
      type: 'circle',
      source: 'plan-problems',
      filter: ['==', ['geometry-type'], 'Point'],
      paint: { 'circle-color': '#ff2d2d', 'circle-radius': 6 },
    });

    const draw = new TerraDraw({
      adapter: new TerraDrawMapLibreGLAdapter({ map, coordinatePrecision: 12 }),
      idStrategy: { isValidId: (id) => typeof id === 'string', getId: () => `plan-${++nextId}` },
      modes: [
        new TerraDrawSelectMode({
          flags: {
            polygon: {
              feature: {
                draggable: false,
                coordinates: { draggable: true, midpoints: true, deletable: false },
              },
            },
          },
        }),
        // Loaded grids are 'polygon' features: the mode must exist for terra-draw to accept them.
        new TerraDrawPolygonMode(),
        new TerraDrawLineStringMode({ styles: { lineStringColor: '#ff6b6b', lineStringWidth: 3 } }),
      ],
    });
    draw.start();
    draw.setMode('select');
    draw.on('finish', (id, context) => this.onFinish(String(id), context.mode, context.action));
    this.draw = draw;

    this.unsubscribe.push(usePlan.subscribe((next, prev) => this.syncPlan(next, prev)));
    this.unsubscribe.push(
      useConsole.subscribe((next, prev) => {
        if (next.selectedGridId !== prev.selectedGridId) this.onSelect(next.selectedGridId);
        else if (next.grids !== prev.grids) {
          this.loadEditing();
          this.renderAll();
        }
      }),
    );
    this.previousSelected = useConsole.getState().selectedGridId;
    this.loadEditing();
    this.renderAll();
  }

  private onSelect(id: number | null): void {
    const plan = usePlan.getState();
    const previous = this.previousSelected;
    if (plan.tool === 'merge' && previous !== null && id !== null && id !== previous) {
      this.previousSelected = previous;
      mergeGrids(previous, id);
      selectGrid(previous);
      return;
    }
    this.previousSelected = id;
    this.loadEditing();
    this.renderAll();
  }

  private syncPlan(next: PlanState, prev: PlanState): void {
    if (next.tool !== prev.tool) this.applyTool(next.tool);
    if (next.draft !== prev.draft) this.loadEditing();
    if (
      next.draft !== prev.draft ||
      next.problems !== prev.problems ||
      next.localProblems !== prev.localProblems ||
      next.preview !== prev.preview ||
      next.shownRevision !== prev.shownRevision ||
      next.revisions !== prev.revisions ||
      next.asOfGrids !== prev.asOfGrids
    )
      this.renderAll();
  }

  private applyTool(tool: PlanState['tool']): void {
    const draw = this.draw;
    if (!draw) return;
    if (tool === 'split') {
      draw.setMode('linestring');
    } else if (tool === 'draw') {
      draw.setMode('polygon');
    } else {
      if (this.lineId) this.removeLine();
      draw.setMode('select');
      this.loadEditing();
    }
  }

  private removeLine(): void {
    if (this.lineId && this.draw?.hasFeature(this.lineId)) this.draw.removeFeatures([this.lineId]);
    this.lineId = null;
  }

  /** Loads the selected grid's working polygon into terra-draw and selects it for vertex editing. */
  private loadEditing(): void {
    const draw = this.draw;
    if (!draw || draw.getMode() !== 'select') return;
    if (this.editing && draw.hasFeature(this.editing.featureId))
      draw.removeFeatures([this.editing.featureId]);
    this.editing = null;
    const id = useConsole.getState().selectedGridId;
    if (id === null || usePlan.getState().asOf) return;
    const geometry = workingGeometry(id);
    if (!geometry) return;
    const ring = geometry.type === 'Polygon' ? geometry.coordinates[0] : geometry.coordinates[0]?.[0];
    if (!ring || (geometry.type === 'Polygon' && geometry.coordinates.length > 1)) return;
    const featureId = `plan-${++nextId}`;
    const feature: GeoJSONStoreFeatures = {
      id: featureId,
      type: 'Feature',
      geometry: { type: 'Polygon', coordinates: [ring.map((p) => [p[0], p[1]])] },
      properties: { mode: 'polygon' },
    };
    const [result] = draw.addFeatures([feature]);
    if (!result?.valid) {
      console.warn('terra-draw refused the grid:', result?.reason);
      return;
    }
    this.editing = { gridId: id, featureId, ring: ring.map((p) => [p[0], p[1]]) };
    draw.selectFeature(featureId);
  }

  private onFinish(id: string, mode: string, action: string): void {
    const draw = this.draw;
    if (!draw) return;
    if (mode === 'linestring') {
      this.quietUntil = performance.now() + 400;
      this.lineId = id;
      const line = draw.getSnapshotFeature(id);
      const selected = useConsole.getState().selectedGridId;
      this.removeLine();
      if (line?.geometry.type === 'LineString' && selected !== null)
        splitGrid(selected, line.geometry.coordinates as Position[]);
      if (usePlan.getState().tool === 'split') usePlan.setState({ tool: 'select' });
      return;
    }
    if (mode === 'polygon') {
      // A new sector grid: the drawn polygon goes into the draft; terra-draw keeps only the editor's.
      this.quietUntil = performance.now() + 400;
      const drawn = draw.getSnapshotFeature(id);
      if (draw.hasFeature(id)) draw.removeFeatures([id]);
      if (drawn?.geometry.type === 'Polygon') drawSectorGrid(drawn.geometry as AreaGeometry);
      if (usePlan.getState().tool === 'draw') usePlan.setState({ tool: 'select' });
      return;
    }
    const editing = this.editing;
    if (!editing || id !== editing.featureId) return;
    const snapshot = draw.getSnapshotFeature(id);
    if (snapshot?.geometry.type !== 'Polygon') return;
    const ring = snapshot.geometry.coordinates[0] as Position[];
    const old = editing.ring;
    const moved = (a: Position, b: Position): boolean =>
      Math.abs(a[0] - b[0]) > 1e-10 || Math.abs(a[1] - b[1]) > 1e-10;
    if (action === 'insertMidpoint' && ring.length === old.length + 1) {
      for (let i = 1; i < ring.length; i++)
        if (moved(ring[i]!, old[i]!)) {
          insertVertex(editing.gridId, old[i - 1]!, old[i]!, ring[i]!);
          return;
        }
      return;
    }
    if (ring.length !== old.length) {
      this.loadEditing();
      return;
    }
    let best = -1;
    let bestD = 0;
    for (let i = 0; i < ring.length - 1; i++) {
      const d = Math.abs(ring[i]![0] - old[i]![0]) + Math.abs(ring[i]![1] - old[i]![1]);
      if (d > bestD) {
        bestD = d;
        best = i;
      }
    }
    if (best >= 0 && bestD > 1e-10) moveVertex(editing.gridId, old[best]!, ring[best]!);
  }

  private setData(id: (typeof sources)[number], data: FC): void {
    (this.map.getSource(id) as GeoJSONSource | undefined)?.setData(data);
  }

  private renderAll(): void {
    if (!this.map.getSource('plan-draft')) return;
    const plan = usePlan.getState();
    const { draft } = plan;
    const feature = (
      geometry: GeoJSON.Geometry,
      properties: Record<string, unknown> = {},
    ): GeoJSON.Feature => ({
      type: 'Feature',
      geometry,
      properties,
    });
    const draftFeatures: GeoJSON.Feature[] = [];
    for (const [id, geometry] of draft.updates)
      if (!draft.retires.includes(id))
        draftFeatures.push(feature(geometry, { id, created: false, retired: false }));
    for (const c of draft.creates)
      draftFeatures.push(feature(c.geometry, { id: c.localId, created: true, retired: false }));
    for (const c of draft.imported?.changes ?? [])
      if (c.op === 'update' || c.op === 'create')
        draftFeatures.push(
          feature(c.geometry, {
            id: c.op === 'update' ? c.gridId : 0,
            created: c.op === 'create',
            retired: false,
          }),
        );
    const current = baseGeometries();
    for (const id of draft.retires) {
      // Merged-away grids disappear into their neighbour; a deleted sector grid is shown struck out.
      const geometry = current.get(id);
      if (geometry && useConsole.getState().gridInfo.get(id)?.kind === 'sector')
        draftFeatures.push(feature(geometry, { id, created: false, retired: true }));
    }
    this.setData('plan-draft', { type: 'FeatureCollection', features: draftFeatures });

    const problems: GeoJSON.Feature[] = [];
    for (const p of plan.localProblems) problems.push(feature(p.geometry, { code: p.code }));
    for (const p of plan.problems) {
      const g = p.geometry as GeoJSON.Geometry | null;
      if (g && typeof g === 'object' && 'type' in g) problems.push(feature(g, { code: p.code }));
    }
    this.setData('plan-problems', { type: 'FeatureCollection', features: problems });

    const base = baseGeometries();
    const impact: GeoJSON.Feature[] = [];
    const roles = new Map<number, string>();
    for (const m of plan.preview?.moves ?? []) {
      if (!roles.has(m.from.id)) roles.set(m.from.id, 'from');
      roles.set(m.to.id, roles.get(m.to.id) === 'from' ? 'from' : 'to');
    }
    for (const [id, role] of roles) {
      const g = base.get(id);
      if (g) impact.push(feature(g, { id, role }));
    }
    this.setData('plan-impact', { type: 'FeatureCollection', features: impact });

    const shown = plan.revisions?.revisions.find((r) => r.revision === plan.shownRevision);
    this.setData('plan-revision', {
      type: 'FeatureCollection',
      features: shown?.geometry ? [feature(shown.geometry as AreaGeometry)] : [],
    });
    this.setData('plan-asof', (plan.asOfGrids as FC | null) ?? empty);
  }
}
