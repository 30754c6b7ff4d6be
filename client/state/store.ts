// The console's one store (zustand): session, reference layers, live grid/region status, view state.
// Every component and module reads state through `useConsole` and changes it through the functions
// exported here; remote pushes are turned into state by client/realtime/apply-event.ts.
import { useEffect, useState } from 'react';
import { z } from 'zod';
import { create } from 'zustand';
import { LoginResponse, SessionState, type SessionUser } from '../../shared/auth.ts';
import type { GridKind, SectorKind } from '../../shared/domain.ts';
import {
  CheckpointFeatureCollection,
  IsolationSiteFeatureCollection,
  type CheckpointFeatureCollection as Checkpoints,
  type IsolationSiteFeatureCollection as IsolationSites,
} from '../../shared/facilities.ts';
import { GridFeatureCollection, maxGridIdsPerQuery, type GridFeature } from '../../shared/grids.ts';
import {
  BoundaryChangedData,
  type EntityEvent,
  type EnvelopeOf,
  type StatusDelta,
  type SubscribeResult,
} from '../../shared/realtime.ts';
import { RegionTree, type RegionNode } from '../../shared/regions.ts';
import { apiRequest } from '../api/http.ts';
import {
  areaOf,
  bboxOf,
  interiorPoint,
  mergeBbox,
  weightedCenter,
  type Bbox,
  type LonLat,
} from '../map/grid-geometry.ts';
import { breaksFor, defaultBreaks, isMetric, type Breaks, type Metric } from '../../shared/metrics.ts';
import {
  applyEntityEvents,
  applyStatusDelta,
  applySubscribeResult,
  emptyLive,
  type LiveStatus,
  type Outcome,
} from '../realtime/apply-event.ts';

export type Mode = 'dispatcher' | 'screen' | 'plan';

export const layerIds = ['boundaries', 'labels', 'sector', 'checkpoints', 'isolationSites', 'heat'] as const;
export type LayerId = (typeof layerIds)[number];
export const isLayerId = (value: string): value is LayerId => (layerIds as readonly string[]).includes(value);

export type Connection = 'idle' | 'connecting' | 'subscribing' | 'live' | 'reconnecting' | 'offline';

export interface GridInfo {
  id: number;
  code: string;
  name: string;
  kind: GridKind;
  sectorKind: SectorKind | null;
  villageCode: string | null;
  townshipCode: string | null;
  bbox: Bbox;
  /** A point inside the grid: label anchor, click target, heat point. */
  anchor: LonLat;
  area: number;
}

export interface RegionInfo {
  code: string;
  name: string;
  level: RegionNode['level'];
  parentCode: string | null;
  population: number;
  gridCount: number;
  bbox: Bbox | null;
  anchor: LonLat | null;
}

export interface Hover {
  x: number;
  y: number;
  /** Size of the map in CSS pixels, so the tooltip can open away from the nearest edges. */
  width: number;
  height: number;
  target:
    | { kind: 'grid'; id: number }
    | { kind: 'checkpoint'; index: number }
    | { kind: 'isolationSite'; index: number };
}

export interface Alert {
  kind: 'red' | 'highRisk';
  gridId: number;
  seq: number | null;
  /** Date.now() when raised. */
  at: number;
}

export interface ConsoleState {
  mode: Mode;
  user: SessionUser | null;
  sessionChecked: boolean;
  grids: GridFeatureCollection | null;
  gridInfo: Map<number, GridInfo>;
  regionTree: RegionNode | null;
  regionInfo: Map<string, RegionInfo>;
  countyBbox: Bbox | null;
  checkpoints: Checkpoints | null;
  isolationSites: IsolationSites | null;
  referenceError: string | null;
  live: LiveStatus;
  /** Class breaks of count metrics, recomputed on every snapshot. */
  breaks: Breaks;
  connection: Connection;
  realtimeError: string | null;
  metric: Metric;
  layers: Record<LayerId, boolean>;
  selectedGridId: number | null;
  occupantId: number | null;
  hover: Hover | null;
  alert: Alert | null;
}

const defaultLayers = (mode: Mode): Record<LayerId, boolean> => ({
  boundaries: true,
  labels: true,
  sector: mode === 'dispatcher' || mode === 'plan',
  checkpoints: true,
  isolationSites: true,
  heat: mode === 'screen',
});

export const useConsole = create<ConsoleState>()(() => ({
  mode: 'dispatcher',
  user: null,
  sessionChecked: false,
  grids: null,
  gridInfo: new Map(),
  regionTree: null,
  regionInfo: new Map(),
  countyBbox: null,
  checkpoints: null,
  isolationSites: null,
  referenceError: null,
  live: emptyLive(),
  breaks: defaultBreaks,
  connection: 'idle',
  realtimeError: null,
  metric: 'risk',
  layers: defaultLayers('dispatcher'),
  selectedGridId: null,
  occupantId: null,
  hover: null,
  alert: null,
}));

const set = useConsole.setState;
const get = useConsole.getState;

export function setMode(mode: Mode): void {
  set({ mode, layers: defaultLayers(mode), metric: 'risk' });
}

// ---- session ----

export async function refreshSession(): Promise<void> {
  try {
    const { user } = await apiRequest(SessionState, '/api/auth/session');
    set({ user, sessionChecked: true });
  } catch {
    set({ user: null, sessionChecked: true });
  }
}

export async function login(username: string, password: string): Promise<void> {
  const res = await apiRequest(LoginResponse, '/api/auth/login', {
    method: 'POST',
    body: { username, password },
  });
  set({ user: res.user, sessionChecked: true });
}

export async function logout(): Promise<void> {
  await apiRequest(z.object({ ok: z.literal(true) }), '/api/auth/logout', { method: 'POST' }).catch(
    () => undefined,
  );
  set({
    user: null,
    selectedGridId: null,
    occupantId: null,
    live: emptyLive(),
    connection: 'idle',
    alert: null,
  });
}

// ---- reference layers ----

function indexGrids(grids: GridFeatureCollection): Map<number, GridInfo> {
  const info = new Map<number, GridInfo>();
  for (const feature of grids.features) {
    const p = feature.properties;
    info.set(p.id, {
      id: p.id,
      code: p.code,
      name: p.name,
      kind: p.kind,
      sectorKind: p.sectorKind,
      villageCode: p.villageCode,
      townshipCode: p.townshipCode,
      bbox: bboxOf(feature.geometry),
      anchor: interiorPoint(feature.geometry),
      area: areaOf(feature.geometry),
    });
  }
  return info;
}

function indexRegions(root: RegionNode, gridInfo: Map<number, GridInfo>): Map<string, RegionInfo> {
  const regions = new Map<string, RegionInfo>();
  const walk = (node: RegionNode, parentCode: string | null): void => {
    regions.set(node.code, {
      code: node.code,
      name: node.name,
      level: node.level,
      parentCode,
      population: node.population,
      gridCount: node.gridCount,
      bbox: null,
      anchor: null,
    });
    for (const child of node.children) walk(child, node.code);
  };
  walk(root, null);
  const anchors = new Map<string, { at: LonLat; weight: number }[]>();
  for (const grid of gridInfo.values()) {
    if (grid.kind !== 'territorial' || !grid.villageCode) continue;
    for (const code of [grid.villageCode, grid.villageCode.slice(0, 9), grid.villageCode.slice(0, 6)]) {
      const region = regions.get(code);
      if (!region) continue;
      region.bbox = mergeBbox(region.bbox, grid.bbox);
      const list = anchors.get(code) ?? [];
      list.push({ at: grid.anchor, weight: grid.area });
      anchors.set(code, list);
    }
  }
  for (const [code, list] of anchors) {
    const region = regions.get(code)!;
    // A region's label sits on the grid nearest to its weighted centre, so it is inside the region.
    const center = weightedCenter(list);
    if (!center) continue;
    let best = list[0]!.at;
    let bestD = Infinity;
    for (const { at } of list) {
      const d = (at[0] - center[0]) ** 2 + (at[1] - center[1]) ** 2;
      if (d < bestD) {
        bestD = d;
        best = at;
      }
    }
    region.anchor = list.length > 2 ? best : center;
  }
  return regions;
}

export async function loadReference(): Promise<void> {
  try {
    const [grids, regions] = await Promise.all([
      apiRequest(GridFeatureCollection, '/api/grids'),
      apiRequest(RegionTree, '/api/regions'),
    ]);
    const gridInfo = indexGrids(grids);
    const regionInfo = indexRegions(regions.root, gridInfo);
    let countyBbox: Bbox | null = null;
    for (const grid of gridInfo.values()) countyBbox = mergeBbox(countyBbox, grid.bbox);
    set({ grids, gridInfo, regionTree: regions.root, regionInfo, countyBbox, referenceError: null });
  } catch (error) {
    set({ referenceError: (error as Error).message });
  }
  await Promise.all([reloadCheckpoints(), reloadIsolationSites()]);
}

export async function reloadCheckpoints(): Promise<void> {
  const checkpoints = await apiRequest(CheckpointFeatureCollection, '/api/checkpoints').catch(() => null);
  if (checkpoints) set({ checkpoints });
}

export async function reloadIsolationSites(): Promise<void> {
  const sites = await apiRequest(IsolationSiteFeatureCollection, '/api/isolation-sites').catch(() => null);
  if (sites) set({ isolationSites: sites });
}

/** Facility layers follow entity events, at most once a second per layer. */
const facilityReload = { checkpoints: 0, isolationSites: 0 };
function scheduleFacilityReload(kind: keyof typeof facilityReload): void {
  if (facilityReload[kind]) return;
  facilityReload[kind] = window.setTimeout(() => {
    facilityReload[kind] = 0;
    void (kind === 'checkpoints' ? reloadCheckpoints() : reloadIsolationSites());
  }, 1000);
}

// ---- boundary changes (any console's commit) ----
// Each `grid:boundary-changed` names one grid; the console refetches only the reshaped ones and drops
// the retired ones, then patches its grid collection. Patches and full reloads run one at a time, in
// order, so an older answer never overwrites a newer one.

/** Seq of the last grid-set change the loaded grids include; null until the first snapshot says. */
let gridsBoundarySeq: number | null = null;
/** Reshaped grids waiting to be patched, with the seq of the event that said so. */
const pendingReshaped = new Map<number, { retired: boolean; seq: number }>();
/** Outlines that came with a push (the seq of that push): used for a pending grid when not older. */
const pushedShapes = new Map<number, { feature: GridFeature; seq: number }>();
let pendingBoundarySeq = 0;
let boundaryFlush = 0;
let gridWork: Promise<void> = Promise.resolve();

function inOrder(work: () => Promise<void>): Promise<void> {
  gridWork = gridWork.then(work, work);
  return gridWork;
}

/** Reshaped grids as a push carried them (called before that push's events are applied). */
export function receiveGridShapes(seq: number, shapes: readonly GridFeature[]): void {
  for (const feature of shapes) pushedShapes.set(feature.properties.id, { feature, seq });
}

function queueBoundaryChange(event: EntityEvent): void {
  const data = BoundaryChangedData.safeParse(event.data);
  pendingBoundarySeq = Math.max(pendingBoundarySeq, event.seq);
  // Only occupants moved in or out of it: its status follows in the same push, its outline is unchanged.
  // (An event without these fields predates them: refetch the grid to be safe.)
  if (event.gridId !== null && !(data.success && !data.data.reshaped))
    pendingReshaped.set(event.gridId, { retired: data.success && data.data.retired, seq: event.seq });
  // One commit's events arrive in one push per room the console is in: patch once for all of them.
  if (!boundaryFlush)
    boundaryFlush = window.setTimeout(() => {
      boundaryFlush = 0;
      void inOrder(patchReshapedGrids);
    }, 0);
}

/** This console committed these grids: refetch them now rather than wait for the push. */
export function refetchGrids(ids: readonly number[]): Promise<void> {
  for (const id of ids) pendingReshaped.set(id, { retired: false, seq: Number.MAX_SAFE_INTEGER });
  return inOrder(patchReshapedGrids);
}

async function patchReshapedGrids(): Promise<void> {
  const changes = new Map(pendingReshaped);
  const seq = pendingBoundarySeq;
  pendingReshaped.clear();
  if (changes.size === 0 || !get().grids) return;
  const ready = new Map<number, GridFeature>();
  const fetchIds: number[] = [];
  for (const [id, change] of changes) {
    const pushed = pushedShapes.get(id);
    pushedShapes.delete(id);
    if (change.retired) continue;
    if (pushed && pushed.seq >= change.seq) ready.set(id, pushed.feature);
    else fetchIds.push(id);
  }
  if (fetchIds.length > maxGridIdsPerQuery) return fullGridReload();
  if (fetchIds.length) {
    const fetched = await apiRequest(GridFeatureCollection, `/api/grids?ids=${fetchIds.join(',')}`).catch(
      () => null,
    );
    if (!fetched) return fullGridReload();
    for (const feature of fetched.features) ready.set(feature.properties.id, feature);
  }
  const latest = get().grids;
  if (!latest) return;
  // Changed grids keep their place in the collection; new ones go last; retired (or now out of scope,
  // i.e. not fetched) ones go.
  const features = latest.features.flatMap((feature) => {
    const id = feature.properties.id;
    return !changes.has(id) ? [feature] : ready.has(id) ? [ready.get(id)!] : [];
  });
  const known = new Set(latest.features.map((f) => f.properties.id));
  for (const [id, feature] of ready) if (!known.has(id)) features.push(feature);
  const gridInfo = new Map(get().gridInfo);
  for (const id of changes.keys()) gridInfo.delete(id);
  for (const [id, info] of indexGrids({ type: 'FeatureCollection', features: [...ready.values()] }))
    gridInfo.set(id, info);
  const patched: GridFeatureCollection = { type: 'FeatureCollection', features };
  setGrids(patched, gridInfo);
  gridsBoundarySeq = Math.max(gridsBoundarySeq ?? 0, seq);
}

/** Refetches every grid (after missing boundary changes, e.g. offline during a commit). */
export function reloadGrids(): Promise<void> {
  return inOrder(fullGridReload);
}

async function fullGridReload(): Promise<void> {
  const seq = pendingBoundarySeq;
  const grids = await apiRequest(GridFeatureCollection, '/api/grids').catch(() => null);
  if (!grids) return;
  setGrids(grids, indexGrids(grids));
  gridsBoundarySeq = Math.max(gridsBoundarySeq ?? 0, seq);
}

function setGrids(grids: GridFeatureCollection, gridInfo: Map<number, GridInfo>): void {
  const root = get().regionTree;
  const regionInfo = root ? indexRegions(root, gridInfo) : get().regionInfo;
  let countyBbox: Bbox | null = null;
  for (const grid of gridInfo.values()) countyBbox = mergeBbox(countyBbox, grid.bbox);
  const selected = get().selectedGridId;
  set({
    grids,
    gridInfo,
    regionInfo,
    countyBbox,
    ...(selected !== null && selected > 0 && !gridInfo.has(selected) ? { selectedGridId: null } : {}),
  });
}

// ---- live status (called by client/realtime/socket.ts) ----

export function setConnection(connection: Connection, realtimeError: string | null = null): void {
  set({ connection, realtimeError });
}

export function receiveSubscribe(result: SubscribeResult): void {
  if (result.snapshot) {
    // A snapshot instead of a replay: this console may have missed boundary changes while away.
    const { boundarySeq } = result.snapshot;
    pendingBoundarySeq = Math.max(pendingBoundarySeq, boundarySeq);
    if (gridsBoundarySeq === null) gridsBoundarySeq = boundarySeq;
    else if (boundarySeq > gridsBoundarySeq) void reloadGrids();
  }
  const live = applySubscribeResult(get().live, result);
  set(live.rev !== get().live.rev ? { live, breaks: breaksFor(live.grids.values()) } : { live });
}

export function receiveDelta(envelope: EnvelopeOf<StatusDelta>): Outcome {
  const before = get().live;
  const previousRisk = new Map(
    envelope.payload.grids.map((g) => [g.gridId, before.grids.get(g.gridId)?.risk]),
  );
  const { live, outcome } = applyStatusDelta(before, envelope);
  if (outcome === 'resync') set({ live });
  if (outcome !== 'applied') return outcome;
  let alert: Alert | null = null;
  for (const grid of envelope.payload.grids)
    if (grid.risk === 'high' && previousRisk.get(grid.gridId) !== 'high' && previousRisk.get(grid.gridId))
      alert = { kind: 'highRisk', gridId: grid.gridId, seq: envelope.seq, at: Date.now() };
  set(alert ? { live, alert } : { live });
  return outcome;
}

const redAlertTypes: ReadonlySet<EntityEvent['type']> = new Set([
  'arrival:registered',
  'arrival:reported',
  'occupant:health-changed',
]);

export function receiveEvents(envelope: EnvelopeOf<{ events: EntityEvent[] }>): Outcome {
  const { live, outcome, fresh } = applyEntityEvents(get().live, envelope);
  if (outcome === 'stale') return outcome;
  let alert: Alert | null = null;
  for (const event of fresh) {
    if (event.type === 'grid:boundary-changed') queueBoundaryChange(event);
    if (event.type === 'checkpoint:updated') scheduleFacilityReload('checkpoints');
    if (event.type === 'isolation:admitted' || event.type === 'isolation:released')
      scheduleFacilityReload('isolationSites');
    if (redAlertTypes.has(event.type) && event.data.healthCode === 'red' && event.gridId !== null)
      alert = { kind: 'red', gridId: event.gridId, seq: event.seq, at: Date.now() };
  }
  set(alert ? { live, alert } : { live });
  return outcome;
}

export function clearAlert(): void {
  set({ alert: null });
}

// ---- view ----

export function setMetric(metric: Metric): void {
  set({ metric });
}

export function setLayer(id: LayerId, on: boolean): void {
  set({ layers: { ...get().layers, [id]: on } });
}

export function selectGrid(id: number | null): void {
  if (id === get().selectedGridId) return;
  set({ selectedGridId: id, occupantId: null });
}

export function openOccupant(id: number | null): void {
  set({ occupantId: id });
}

export function setHover(hover: Hover | null): void {
  const current = get().hover;
  if (!hover && !current) return;
  set({ hover });
}

/** View state from a shared link (see client/url-state.ts). */
export function applyView(view: { metric?: string; layers?: string[]; grid?: number | null }): void {
  const next: Partial<ConsoleState> = {};
  if (view.metric && isMetric(view.metric)) next.metric = view.metric;
  if (view.layers) {
    const on = new Set(view.layers.filter(isLayerId));
    next.layers = Object.fromEntries(layerIds.map((id) => [id, on.has(id)])) as Record<LayerId, boolean>;
  }
  if (view.grid !== undefined) next.selectedGridId = view.grid;
  set(next);
}

// ---- derived reads ----

/**
 * The live status revision, followed at most once per `intervalMs`: for panels whose figures move with
 * nearly every push under load (a surge brings 20 pushes a second) but that no one reads that fast. The
 * first change after a quiet spell shows at once; later ones within the interval are merged into one.
 */
export function useLiveRev(intervalMs: number): number {
  const [rev, setRev] = useState(() => get().live.rev);
  useEffect(() => {
    let timer = 0;
    let shownAt = 0;
    const show = (): void => {
      timer = 0;
      shownAt = performance.now();
      setRev(get().live.rev);
    };
    const unsubscribe = useConsole.subscribe((state, prev) => {
      if (state.live.rev === prev.live.rev || timer) return;
      const wait = shownAt + intervalMs - performance.now();
      if (wait <= 0) show();
      else timer = window.setTimeout(show, wait);
    });
    return () => {
      unsubscribe();
      window.clearTimeout(timer);
    };
  }, [intervalMs]);
  return rev;
}

export const gridLabel = (info: GridInfo | undefined): string => (info ? `${info.name}` : '');

export function regionName(code: string | null | undefined): string | null {
  if (!code) return null;
  return get().regionInfo.get(code)?.name ?? null;
}
