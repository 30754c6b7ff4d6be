// Owns the maplibre map and the deck.gl overlay for one screen, and keeps them in step with the store:
// reference layers when they load, feature-state for the grids a delta changed, paint on a metric
// switch, visibility on a layer switch. The camera lives here, not in React state.
import { MapLibreOverlay } from '@deck.gl/maplibre';
import type { Layer } from '@deck.gl/core';
import * as maplibregl from 'maplibre-gl';
import 'maplibre-gl/dist/maplibre-gl.css';
import workerUrl from 'maplibre-gl/dist/maplibre-gl-worker.mjs?url';
import {
  useConsole,
  selectGrid,
  setHover,
  type ConsoleState,
  type Hover,
  type Mode,
} from '../state/store.ts';
import {
  arrivalHeatLayer,
  gridHeatPoints,
  heatDebounceMs,
  refreshHeatWeights,
  type HeatData,
} from './arrival-heat-layer.ts';
import { addBasemap, basemapSource } from './basemap.ts';
import { addBoundaryLayers, setBoundariesVisible, setBoundaryScale } from './boundary-layer.ts';
import {
  checkpointLayer,
  checkpointsAtZoom,
  villageCheckpointZoom,
  type CheckpointFeature,
} from './checkpoint-layer.ts';
import type { Bbox, LonLat } from './grid-geometry.ts';
import { isolationSiteLayer } from './isolation-site-layer.ts';
import { addLabelLayers, labelLayerIds, setLabelScale, setLabelsVisible } from './label-layer.ts';
import { offlineStyle } from './offline-style.ts';
import { addSectorLayers, sectorFillId, setSectorVisible } from './sector-layer.ts';
import {
  addTerritorialLayers,
  applyGridStatus,
  paintMetric,
  setGridFlag,
  territorialFillId,
  territorialLineId,
} from './territorial-layer.ts';

maplibregl.setWorkerUrl(workerUrl);

/** Tiantai County, until the grids have loaded. */
export const countyBounds: Bbox = [120.68, 28.95, 121.32, 29.38];

export interface Camera {
  center: LonLat;
  zoom: number;
}

const noCheckpoints: CheckpointFeature[] = [];

/**
 * Changed grids are outlined for about flashMs. Outlines are switched on a tick rather than every frame:
 * each switch rewrites and re-uploads the outline layer's paint buffers, which under a stream of
 * changes would otherwise happen on every frame. A change after a quiet spell is outlined at once.
 * Capped per tick so that a burst costs no more than its repaint.
 */
const flashMs = 1500;
const flashTickMs = 250;
const maxFlashPerTick = 200;

export class MapController {
  readonly map: maplibregl.Map;
  private readonly overlay: MapLibreOverlay;
  private readonly mode: Mode;
  private unsubscribe: (() => void) | null = null;
  private ready = false;
  private gridsDrawn = false;
  private heat: HeatData = gridHeatPoints(new Map());
  /** The heat layer's update trigger, and whether its weights moved since the trigger last changed. */
  private heatRev = 0;
  private heatDirty = false;
  private heatTimer = 0;
  /** Grids changed by deltas since the last animation frame: written once per frame, deduplicated. */
  private pendingGrids = new Set<number>();
  private statusFrame = 0;
  /** Grids changed since the last flash tick, and the outlined ones with when their outline expires. */
  private flashQueue = new Set<number>();
  private flashUntil = new Map<number, number>();
  private flashTimer = 0;
  private heatRepaint = 0;
  private lastFlashTick = -Infinity;
  private hoveredGrid: number | null = null;
  private selectedGrid: number | null = null;
  private hoverFrame = 0;
  private lastPick = 0;
  private hasCamera: boolean;
  private detailed = false;
  private placementPending = false;
  /** Symbology scale: 1 on a desk; on a video wall, text, lines and symbols grow with its height. */
  private scale = 1;
  /** Room kept clear of floating panels when fitting the camera. */
  private readonly padding: { top: number; bottom: number; left: number; right: number };
  /** Times feature-state was written, for the test hook and the benchmark. */
  statusWrites = 0;
  idleCount = 0;
  /** Times deck.gl re-read the heat layer's weights (its data updates), for the test hook. */
  heatUpdates = 0;
  /** Times the heat layer's update trigger changed (deck.gl folds several into one pass per frame). */
  get heatTriggers(): number {
    return this.heatRev;
  }
  /** Planner mode: false while a click belongs to a drawing tool rather than to grid selection. */
  clickFilter: (() => boolean) | null = null;
  private readonly moveListeners = new Set<() => void>();

  constructor(container: HTMLElement, mode: Mode, camera: Camera | null) {
    this.mode = mode;
    this.hasCamera = camera !== null;
    this.padding =
      mode === 'dispatcher'
        ? { top: 30, bottom: 30, left: 280, right: 60 }
        : { top: 60, bottom: 60, left: 40, right: 40 };
    this.map = new maplibregl.Map({
      container,
      style: offlineStyle(),
      ...(camera ? { center: camera.center, zoom: camera.zoom } : { bounds: countyBounds }),
      fitBoundsOptions: { padding: 24 },
      attributionControl: false,
      localIdeographFontFamily: false,
      dragRotate: false,
      pitchWithRotate: false,
      touchPitch: false,
      renderWorldCopies: false,
      minZoom: 6,
      maxZoom: 17,
    });
    this.map.touchZoomRotate.disableRotation();
    this.overlay = new MapLibreOverlay({ interleaved: true, layers: [] });
    this.map.addControl(this.overlay);
    this.map.on('load', () => {
      this.ready = true;
      const basemap = basemapSource();
      if (basemap)
        addBasemap(this.map, basemap).catch((error: unknown) =>
          console.warn('basemap not loaded:', (error as Error).message),
        );
      const state = useConsole.getState();
      this.sync(state, null);
      this.unsubscribe = useConsole.subscribe((next, prev) => this.sync(next, prev));
    });
    this.scale = this.symbolScale();
    this.map.on('resize', () => {
      const scale = this.symbolScale();
      if (scale === this.scale) return;
      this.scale = scale;
      setLabelScale(this.map, scale);
      setBoundaryScale(this.map, scale);
      if (this.ready) this.renderDeck(useConsole.getState());
    });
    this.map.on('idle', () => this.idleCount++);
    this.map.on('moveend', () => {
      this.moveListeners.forEach((listener) => listener());
      // The heatmap's aggregation over the new view lands after its debounce; without a frame after it,
      // a still map (a wall between tour stops) kept the heat of the old view's bounds, cut off by a
      // straight line where the old view ended.
      if (useConsole.getState().layers.heat) {
        window.clearTimeout(this.heatRepaint);
        this.heatRepaint = window.setTimeout(() => this.map.triggerRepaint(), heatDebounceMs + 50);
      }
    });
    this.map.on('zoomend', () => {
      const detailed = this.map.getZoom() >= villageCheckpointZoom;
      if (detailed !== this.detailed) {
        this.detailed = detailed;
        if (this.ready) this.renderDeck(useConsole.getState());
      }
    });
    this.map.on('click', (e) => this.onClick(e.point));
    this.map.on('mousemove', (e) => this.onMouseMove(e.point));
    this.map.on('mouseout', () => this.clearHover());
  }

  destroy(): void {
    this.unsubscribe?.();
    window.clearTimeout(this.heatTimer);
    cancelAnimationFrame(this.hoverFrame);
    cancelAnimationFrame(this.statusFrame);
    window.clearTimeout(this.flashTimer);
    window.clearTimeout(this.heatRepaint);
    this.map.removeControl(this.overlay);
    this.overlay.finalize();
    this.map.remove();
  }

  private symbolScale(): number {
    if (this.mode !== 'screen') return 1;
    const { clientWidth: w, clientHeight: h } = this.map.getContainer();
    // The wall's map panel is ~1,000 × 1,000 px at 1920×1080; scale in quarter steps.
    return Math.max(1, Math.min(3, Math.round((Math.min(w, h * 1.2) / 1000) * 4) / 4));
  }

  onMoveEnd(listener: () => void): () => void {
    this.moveListeners.add(listener);
    return () => this.moveListeners.delete(listener);
  }

  camera(): Camera {
    const c = this.map.getCenter();
    return { center: [c.lng, c.lat], zoom: this.map.getZoom() };
  }

  /** True when nothing is loading, moving or waiting to be drawn. */
  isIdle(): boolean {
    return (
      this.ready && this.gridsDrawn && this.map.loaded() && !this.map.isMoving() && this.map.areTilesLoaded()
    );
  }

  fitBbox(bbox: Bbox, options: { maxZoom?: number; animate?: boolean } = {}): void {
    this.map.fitBounds(
      [
        [bbox[0], bbox[1]],
        [bbox[2], bbox[3]],
      ],
      {
        padding: this.fitPadding(),
        maxZoom: options.maxZoom ?? 15,
        duration: options.animate === false ? 0 : 900,
      },
    );
  }

  /** The panel padding, shrunk when the map is too small for it. */
  private fitPadding(): maplibregl.PaddingOptions {
    const { clientWidth: w, clientHeight: h } = this.map.getContainer();
    const p = this.padding;
    const fx = Math.min(1, (w * 0.5) / (p.left + p.right));
    const fy = Math.min(1, (h * 0.5) / (p.top + p.bottom));
    return { left: p.left * fx, right: p.right * fx, top: p.top * fy, bottom: p.bottom * fy };
  }

  flyTo(center: LonLat, zoom: number, duration = 1200): void {
    this.map.flyTo({ center, zoom, duration, essential: true });
  }

  resetView(animate = true): void {
    const bbox = useConsole.getState().countyBbox ?? countyBounds;
    this.fitBbox(bbox, { maxZoom: 12, animate });
  }

  private sync(state: ConsoleState, prev: ConsoleState | null): void {
    if (!this.ready) return;
    const map = this.map;
    let deckDirty = prev === null;

    if (state.grids && (state.grids !== prev?.grids || state.regionInfo !== prev?.regionInfo)) {
      addTerritorialLayers(map, state.grids, state.metric, state.breaks);
      addSectorLayers(map, state.layers.sector);
      addBoundaryLayers(map, state.grids, state.layers.boundaries, this.scale);
      addLabelLayers(map, state.gridInfo, state.regionInfo, state.layers.labels, this.scale);
      this.heat = gridHeatPoints(state.gridInfo);
      this.heatDirty = refreshHeatWeights(this.heat, state.live.grids, null) || this.heatDirty;
      this.writeAllStatus(state);
      this.gridsDrawn = true;
      if (!this.hasCamera && state.countyBbox) {
        this.hasCamera = true;
        this.fitBbox(state.countyBbox, { maxZoom: 12, animate: false });
      }
      this.selectedGrid = null;
      deckDirty = true;
    }

    if (prev && state.live !== prev.live && state.live.rev !== prev.live.rev && this.gridsDrawn) {
      const changed = state.live.changedGrids;
      if (changed === null) this.writeAllStatus(state);
      else this.queueStatus(changed);
      // Most deltas move other counts than arrivals: the heatmap then has nothing to redraw.
      if (refreshHeatWeights(this.heat, state.live.grids, changed)) {
        this.heatDirty = true;
        this.scheduleHeat();
      }
    }

    if (prev && (state.metric !== prev.metric || state.breaks !== prev.breaks))
      paintMetric(map, state.metric, state.breaks);

    if (prev && state.layers !== prev.layers) {
      setSectorVisible(map, state.layers.sector);
      setBoundariesVisible(map, state.layers.boundaries);
      setLabelsVisible(map, state.layers.labels);
      deckDirty = true;
    }

    if (state.selectedGridId !== this.selectedGrid && this.gridsDrawn) {
      if (this.selectedGrid !== null) setGridFlag(map, this.selectedGrid, 'selected', false);
      this.selectedGrid = state.selectedGridId;
      if (this.selectedGrid !== null && state.gridInfo.has(this.selectedGrid))
        setGridFlag(map, this.selectedGrid, 'selected', true);
    }

    if (prev && (state.checkpoints !== prev.checkpoints || state.isolationSites !== prev.isolationSites))
      deckDirty = true;
    if (deckDirty) this.renderDeck(state);
  }

  private renderDeck(state: ConsoleState): void {
    if (!this.gridsDrawn) return;
    const iconsBefore = this.map.getLayer(labelLayerIds[0]) ? { beforeId: labelLayerIds[0] } : {};
    const heatBefore = this.map.getLayer(territorialLineId) ? { beforeId: territorialLineId } : {};
    if (this.heatDirty) {
      this.heatDirty = false;
      this.heatRev++;
    }
    const layers: Layer[] = [
      arrivalHeatLayer(this.heat, this.heatRev, state.layers.heat, heatBefore, this.scale, () => {
        this.heatUpdates++;
      }),
      isolationSiteLayer(
        state.isolationSites?.features ?? [],
        state.layers.isolationSites,
        iconsBefore,
        this.scale,
      ),
      checkpointLayer(
        checkpointsAtZoom(state.checkpoints?.features ?? noCheckpoints, this.map.getZoom()),
        state.layers.checkpoints,
        iconsBefore,
        this.scale,
      ),
    ];
    this.overlay.setProps({ layers });
    // deck.gl slots its layers into the maplibre stack only while the style reports itself loaded
    // (sources included); otherwise it draws them on top of everything. Place them once it is.
    const placed = layers.every((layer) => {
      const before = (layer.props as { beforeId?: string }).beforeId;
      return !before || this.map.getLayer(`deck-maplibre-layer-group-before:${before}`);
    });
    if (!placed && !this.placementPending) {
      this.placementPending = true;
      const retry = (): void => {
        if (!this.map.isStyleLoaded()) return;
        this.map.off('render', retry);
        this.map.off('idle', retry);
        this.placementPending = false;
        this.renderDeck(useConsole.getState());
      };
      this.map.on('render', retry);
      this.map.on('idle', retry);
    }
  }

  /**
   * The heatmap re-aggregates on the GPU: follow arrival changes at most twice a second. A hidden
   * heatmap takes its new weights when it is next drawn (renderDeck bumps the trigger).
   */
  private scheduleHeat(): void {
    if (this.heatTimer || !useConsole.getState().layers.heat) return;
    this.heatTimer = window.setTimeout(() => {
      this.heatTimer = 0;
      this.renderDeck(useConsole.getState());
    }, 500);
  }

  /** A snapshot: every grid at once, superseding what deltas had queued. */
  private writeAllStatus(state: ConsoleState): void {
    cancelAnimationFrame(this.statusFrame);
    this.statusFrame = 0;
    this.pendingGrids.clear();
    this.statusWrites += applyGridStatus(this.map, state.live.grids, null, (id) => state.gridInfo.has(id));
  }

  /**
   * Deltas arrive every broadcast window (50 ms), frames far less often on a busy or GPU-less machine:
   * collect the changed grids and write each once per animation frame, just before maplibre draws.
   */
  private queueStatus(ids: readonly number[]): void {
    for (const id of ids) this.pendingGrids.add(id);
    if (this.statusFrame || this.pendingGrids.size === 0) return;
    this.statusFrame = requestAnimationFrame(() => {
      this.statusFrame = 0;
      const state = useConsole.getState();
      const ids = [...this.pendingGrids];
      this.pendingGrids.clear();
      this.statusWrites += applyGridStatus(this.map, state.live.grids, ids, (id) => state.gridInfo.has(id));
      this.flash(ids);
    });
  }

  private flash(ids: readonly number[]): void {
    for (const id of ids) if (this.flashQueue.size < maxFlashPerTick) this.flashQueue.add(id);
    if (this.flashTimer) return;
    const wait = this.lastFlashTick + flashTickMs - performance.now();
    if (wait <= 0) this.flashTick();
    else this.flashTimer = window.setTimeout(() => this.flashTick(), wait);
  }

  /** Outlines the queued grids and clears the expired outlines, in one batch of feature-state writes. */
  private flashTick(): void {
    this.flashTimer = 0;
    const now = performance.now();
    this.lastFlashTick = now;
    for (const [id, until] of this.flashUntil)
      if (until <= now && !this.flashQueue.has(id)) {
        this.flashUntil.delete(id);
        setGridFlag(this.map, id, 'flash', false);
      }
    for (const id of this.flashQueue) {
      if (!this.flashUntil.has(id)) setGridFlag(this.map, id, 'flash', true);
      this.flashUntil.set(id, now + flashMs);
    }
    this.flashQueue.clear();
    if (this.flashUntil.size > 0) this.flashTimer = window.setTimeout(() => this.flashTick(), flashTickMs);
  }

  private pickFacility(point: maplibregl.Point): Hover['target'] | null {
    const { layers } = useConsole.getState();
    if (!layers.checkpoints && !layers.isolationSites) return null;
    const info = this.overlay.pickObject({
      x: point.x,
      y: point.y,
      radius: 4,
      layerIds: ['checkpoints', 'isolation-sites'],
    });
    if (!info || info.index < 0 || !info.layer) return null;
    return info.layer.id === 'checkpoints'
      ? { kind: 'checkpoint', index: info.index }
      : { kind: 'isolationSite', index: info.index };
  }

  private gridAt(point: maplibregl.Point): number | null {
    if (!this.map.getLayer(territorialFillId)) return null;
    // Planners pick sector grids too (they lie over territorial ones, so they come first).
    const layers =
      this.mode === 'plan' && this.map.getLayer(sectorFillId)
        ? [sectorFillId, territorialFillId]
        : [territorialFillId];
    const feature = this.map.queryRenderedFeatures(point, { layers })[0];
    return feature && feature.id !== undefined ? Number(feature.id) : null;
  }

  private onClick(point: maplibregl.Point): void {
    if (this.mode === 'screen' || (this.clickFilter && !this.clickFilter())) return;
    // The panel opens and the map may move: a tooltip left where the pointer was would name another grid.
    this.clearHover();
    const facility = this.pickFacility(point);
    const state = useConsole.getState();
    if (facility && facility.kind !== 'grid') {
      const gridId =
        facility.kind === 'checkpoint'
          ? state.checkpoints?.features[facility.index]?.properties.gridId
          : state.isolationSites?.features[facility.index]?.properties.gridId;
      if (gridId !== undefined) {
        selectGrid(gridId);
        return;
      }
    }
    const gridId = this.gridAt(point);
    if (gridId !== null) selectGrid(gridId);
  }

  private onMouseMove(point: maplibregl.Point): void {
    cancelAnimationFrame(this.hoverFrame);
    this.hoverFrame = requestAnimationFrame(() => {
      // deck.gl picking renders a picking pass: at most ~12 per second.
      const now = performance.now();
      const facility = now - this.lastPick > 80 ? this.pickFacility(point) : null;
      if (facility) this.lastPick = now;
      const gridId = facility ? null : this.gridAt(point);
      this.setHoveredGrid(gridId);
      const target: Hover['target'] | null =
        facility ?? (gridId !== null ? { kind: 'grid', id: gridId } : null);
      const canvas = this.map.getCanvas();
      setHover(
        target
          ? { x: point.x, y: point.y, width: canvas.clientWidth, height: canvas.clientHeight, target }
          : null,
      );
      this.map.getCanvas().style.cursor = target && this.mode !== 'screen' ? 'pointer' : '';
    });
  }

  private clearHover(): void {
    cancelAnimationFrame(this.hoverFrame);
    this.setHoveredGrid(null);
    setHover(null);
  }

  private setHoveredGrid(id: number | null): void {
    if (id === this.hoveredGrid) return;
    if (this.hoveredGrid !== null) setGridFlag(this.map, this.hoveredGrid, 'hover', false);
    this.hoveredGrid = id;
    if (id !== null) setGridFlag(this.map, id, 'hover', true);
  }
}

let active: MapController | null = null;
const activeListeners = new Set<(controller: MapController | null) => void>();
export const activeMap = (): MapController | null => active;
export function setActiveMap(controller: MapController | null): void {
  active = controller;
  activeListeners.forEach((listener) => listener(controller));
}
/** Calls `listener` with the current map and every later one. */
export function watchActiveMap(listener: (controller: MapController | null) => void): () => void {
  activeListeners.add(listener);
  listener(active);
  return () => activeListeners.delete(listener);
}
