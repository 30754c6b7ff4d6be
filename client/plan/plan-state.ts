// Planner mode state: the local draft (edited, created and retired grids) with its undo/redo history,
// the change set derived from it, the server's preview or problems, commit/conflict state, history
// and the "as of" view. Reference grids come from the console store (client/state/store.ts); remote
// boundary changes reload those and never touch the draft history.
import { z } from 'zod';
import { create } from 'zustand';
import {
  BoundaryCommitResult,
  BoundaryImportPreview,
  BoundaryPreview,
  BoundaryProblem,
  GridRevisionList,
  type BoundaryChange,
  type BoundaryChangeSet,
} from '../../shared/boundaries.ts';
import type { SectorKind } from '../../shared/domain.ts';
import type { AreaGeometry, Position } from '../../shared/geojson.ts';
import { GridFeatureCollection } from '../../shared/grids.ts';
import { ApiRequestError, apiRequest } from '../api/http.ts';
import { loadReference, refetchGrids, useConsole } from '../state/store.ts';
import {
  buildVertexIndex,
  insertOnEdge,
  localProblems,
  mergeGeometries,
  moveSharedVertex,
  nextGridCode,
  snapPosition,
  splitByLine,
  type LocalProblem,
} from './plan-geometry.ts';

export interface CreatedGrid {
  /** Negative local id, for the map and the draft. */
  localId: number;
  code: string;
  name: string;
  /** Territorial (split off in a village) or sector (drawn freely): exactly one of the two. */
  villageCode?: string;
  sectorKind?: SectorKind;
  geometry: AreaGeometry;
}

export interface Rename {
  code?: string;
  name?: string;
}

export interface Draft {
  updates: ReadonlyMap<number, AreaGeometry>;
  creates: readonly CreatedGrid[];
  retires: readonly number[];
  renames: ReadonlyMap<number, Rename>;
  /** An imported boundary set's change set (the server's, accepted features only): replaces the other edits. */
  imported: BoundaryChangeSet | null;
  kind: BoundaryChangeSet['kind'];
}

const emptyDraft: Draft = {
  updates: new Map(),
  creates: [],
  retires: [],
  renames: new Map(),
  imported: null,
  kind: 'edit',
};

const isEmpty = (d: Draft): boolean =>
  d.updates.size === 0 &&
  d.creates.length === 0 &&
  d.retires.length === 0 &&
  d.renames.size === 0 &&
  d.imported === null;

export type Tool = 'select' | 'split' | 'merge' | 'draw';

/** What a sector grid drawn next will be called. */
export interface SectorForm {
  code: string;
  name: string;
  sectorKind: SectorKind;
}

export interface PlanState {
  draft: Draft;
  undo: Draft[];
  redo: Draft[];
  tool: Tool;
  toleranceM: number;
  /** Last local action's failure (i18n key). */
  notice: string | null;
  changeSet: BoundaryChangeSet | null;
  preview: BoundaryPreview | null;
  /** Server problems of the last preview or commit (422). */
  problems: BoundaryProblem[];
  localProblems: LocalProblem[];
  previewing: boolean;
  previewError: string | null;
  committing: boolean;
  conflict: { gridId: number; currentRevision: number; message: string } | null;
  lastCommit: z.infer<typeof BoundaryCommitResult> | null;
  revisions: z.infer<typeof GridRevisionList> | null;
  shownRevision: number | null;
  asOf: string | null;
  asOfGrids: GridFeatureCollection | null;
  sectorForm: SectorForm;
  /** The last import's report (per-feature), and whether one is being checked. */
  importReport: BoundaryImportPreview | null;
  importing: boolean;
  importError: string | null;
}

export const usePlan = create<PlanState>()(() => ({
  draft: emptyDraft,
  undo: [],
  redo: [],
  tool: 'select',
  toleranceM: 5,
  notice: null,
  changeSet: null,
  preview: null,
  problems: [],
  localProblems: [],
  previewing: false,
  previewError: null,
  committing: false,
  conflict: null,
  lastCommit: null,
  revisions: null,
  shownRevision: null,
  asOf: null,
  asOfGrids: null,
  sectorForm: { code: '', name: '', sectorKind: 'market' },
  importReport: null,
  importing: false,
  importError: null,
}));

const set = usePlan.setState;
const get = usePlan.getState;

// ---- working geometry ----

/** Base geometries of the loaded grids. */
export function baseGeometries(): Map<number, AreaGeometry> {
  const grids = useConsole.getState().grids;
  return new Map((grids?.features ?? []).map((f) => [f.properties.id, f.geometry]));
}

/** Geometries as the draft has them: base, with edits applied, retired removed, created added. */
export function workingGeometries(draft: Draft = get().draft): Map<number, AreaGeometry> {
  const all = baseGeometries();
  for (const [id, geometry] of draft.updates) all.set(id, geometry);
  for (const id of draft.retires) all.delete(id);
  for (const c of draft.creates) all.set(c.localId, c.geometry);
  return all;
}

export function workingGeometry(id: number): AreaGeometry | null {
  const draft = get().draft;
  if (id < 0) return draft.creates.find((c) => c.localId === id)?.geometry ?? null;
  return draft.updates.get(id) ?? baseGeometries().get(id) ?? null;
}

function territorialIds(): Set<number> {
  const ids = new Set<number>();
  for (const info of useConsole.getState().gridInfo.values())
    if (info.kind === 'territorial') ids.add(info.id);
  for (const c of get().draft.creates) if (c.villageCode) ids.add(c.localId);
  return ids;
}

// ---- the change set ----

export function changeSetOf(draft: Draft): BoundaryChangeSet | null {
  if (draft.imported) return draft.imported;
  const revisions = new Map(
    (useConsole.getState().grids?.features ?? []).map((f) => [f.properties.id, f.properties.revision]),
  );
  const changes: BoundaryChange[] = [];
  const baseRevisions: Record<string, number> = {};
  for (const [gridId, geometry] of draft.updates) {
    if (draft.retires.includes(gridId)) continue;
    changes.push({ op: 'update', gridId, geometry });
    baseRevisions[String(gridId)] = revisions.get(gridId) ?? 1;
  }
  for (const c of draft.creates)
    changes.push({
      op: 'create',
      code: c.code,
      name: c.name,
      ...(c.villageCode ? { villageCode: c.villageCode } : { sectorKind: c.sectorKind }),
      geometry: c.geometry,
    });
  for (const gridId of draft.retires) {
    changes.push({ op: 'retire', gridId });
    baseRevisions[String(gridId)] = revisions.get(gridId) ?? 1;
  }
  for (const [gridId, rename] of draft.renames) {
    if (draft.retires.includes(gridId)) continue;
    changes.push({ op: 'rename', gridId, ...rename });
    baseRevisions[String(gridId)] = revisions.get(gridId) ?? 1;
  }
  return changes.length ? { changes, baseRevisions, kind: draft.kind } : null;
}

// ---- edits (each one a step of the local history) ----

function apply(next: Draft): void {
  const { draft, undo } = get();
  set({ draft: next, undo: [...undo, draft].slice(-100), redo: [], notice: null, conflict: null });
  afterDraftChange();
}

export function undoEdit(): void {
  const { draft, undo, redo } = get();
  const previous = undo[undo.length - 1];
  if (!previous) return;
  set({ draft: previous, undo: undo.slice(0, -1), redo: [...redo, draft], notice: null });
  afterDraftChange();
}

export function redoEdit(): void {
  const { draft, undo, redo } = get();
  const next = redo[redo.length - 1];
  if (!next) return;
  set({ draft: next, redo: redo.slice(0, -1), undo: [...undo, draft], notice: null });
  afterDraftChange();
}

export function discardDraft(): void {
  if (get().undo.length === 0 && get().draft === emptyDraft) return;
  apply(emptyDraft);
}

function withGeometries(draft: Draft, changed: Map<number, AreaGeometry>, kind: Draft['kind']): Draft {
  const updates = new Map(draft.updates);
  let creates = draft.creates;
  for (const [id, geometry] of changed) {
    if (id < 0) creates = creates.map((c) => (c.localId === id ? { ...c, geometry } : c));
    else updates.set(id, geometry);
  }
  return { ...draft, updates, creates, kind: draft.kind === 'edit' ? kind : draft.kind };
}

/**
 * A vertex of `gridId` dragged from `from` to `to`: snapped to neighbours within the tolerance, and
 * moved in every grid that shares it (their rings are updated too, so they join the change set).
 */
export function moveVertex(gridId: number, from: Position, to: Position): void {
  const all = workingGeometries();
  const index = buildVertexIndex(all);
  const sharing = index.get(`${from[0]},${from[1]}`) ?? new Set([gridId]);
  const snapped = snapPosition(to, all, new Set([...sharing, gridId]), get().toleranceM);
  const changed = moveSharedVertex(all, index, gridId, from, snapped);
  apply(withGeometries(get().draft, changed, 'edit'));
}

/** A vertex inserted on the edge a–b of `gridId` (and of the neighbour sharing that edge) at `p`. */
export function insertVertex(gridId: number, a: Position, b: Position, p: Position): void {
  const all = workingGeometries();
  const index = buildVertexIndex(all);
  const sharing = new Set(
    [...(index.get(`${a[0]},${a[1]}`) ?? [])].filter((id) => index.get(`${b[0]},${b[1]}`)?.has(id)),
  );
  sharing.add(gridId);
  const snapped = snapPosition(p, all, sharing, get().toleranceM);
  const changed = new Map<number, AreaGeometry>();
  for (const id of sharing) {
    const geometry = all.get(id);
    if (geometry) changed.set(id, insertOnEdge(geometry, a, b, snapped));
  }
  apply(withGeometries(get().draft, changed, 'edit'));
}

/** Split by a drawn line: the grid keeps part 1, a new grid `<village>-NN` (网格N) gets part 2. */
export function splitGrid(gridId: number, line: Position[]): boolean {
  const info = useConsole.getState().gridInfo.get(gridId);
  const geometry = workingGeometry(gridId);
  if (!info || !geometry || info.kind !== 'territorial' || !info.villageCode) {
    set({ notice: 'plan.notice.splitTerritorial' });
    return false;
  }
  const result = splitByLine(geometry, line);
  if ('error' in result) {
    set({ notice: result.error === 'holes' ? 'plan.notice.splitHoles' : 'plan.notice.splitNoCrossing' });
    return false;
  }
  const draft = get().draft;
  const codes = [
    ...[...useConsole.getState().gridInfo.values()].map((g) => g.code),
    ...draft.creates.map((c) => c.code),
  ];
  const { code, number } = nextGridCode(info.villageCode, codes);
  const localId = Math.min(0, ...draft.creates.map((c) => c.localId)) - 1;
  const next = withGeometries(draft, new Map([[gridId, result.parts[0]]]), 'split');
  apply({
    ...next,
    kind: draft.kind === 'edit' && draft.updates.size === 0 ? 'split' : next.kind,
    creates: [
      ...next.creates,
      { localId, code, name: `网格${number}`, villageCode: info.villageCode, geometry: result.parts[1] },
    ],
  });
  set({ tool: 'select' });
  return true;
}

/** Merge B into A (adjacent, same village): A gets the union, B is retired. */
export function mergeGrids(a: number, b: number): boolean {
  const gridInfo = useConsole.getState().gridInfo;
  const ia = gridInfo.get(a);
  const ib = gridInfo.get(b);
  if (
    !ia ||
    !ib ||
    a === b ||
    ia.kind !== 'territorial' ||
    ib.kind !== 'territorial' ||
    ia.villageCode !== ib.villageCode
  ) {
    set({ notice: 'plan.notice.mergeSameVillage', tool: 'select' });
    return false;
  }
  const ga = workingGeometry(a);
  const gb = workingGeometry(b);
  const merged = ga && gb ? mergeGeometries(ga, gb) : null;
  if (!merged || merged.type !== 'Polygon') {
    set({ notice: 'plan.notice.mergeAdjacent', tool: 'select' });
    return false;
  }
  const draft = get().draft;
  const next = withGeometries(draft, new Map([[a, merged]]), 'merge');
  apply({
    ...next,
    kind: draft.kind === 'edit' && draft.updates.size === 0 ? 'merge' : next.kind,
    retires: [...next.retires, b],
  });
  set({ tool: 'select' });
  return true;
}

/** A sector grid drawn freely on the map, named from the sector form. */
export function drawSectorGrid(geometry: AreaGeometry): boolean {
  const { sectorForm, draft } = get();
  const code = sectorForm.code.trim();
  const name = sectorForm.name.trim();
  if (!/^[0-9A-Za-z-]{3,32}$/.test(code) || !name) {
    set({ notice: 'plan.notice.sectorForm', tool: 'select' });
    return false;
  }
  const localId = Math.min(0, ...draft.creates.map((c) => c.localId)) - 1;
  apply({
    ...draft,
    kind: isEmpty(draft) ? 'create' : draft.kind,
    creates: [...draft.creates, { localId, code, name, sectorKind: sectorForm.sectorKind, geometry }],
  });
  set({ tool: 'select', sectorForm: { ...sectorForm, code: '', name: '' } });
  return true;
}

/** Deletes a sector grid (retired on commit; a drawn, uncommitted one just leaves the draft). */
export function deleteSectorGrid(gridId: number): boolean {
  const draft = get().draft;
  if (gridId < 0) {
    if (!draft.creates.some((c) => c.localId === gridId && c.sectorKind)) return false;
    apply({ ...draft, creates: draft.creates.filter((c) => c.localId !== gridId) });
    return true;
  }
  const info = useConsole.getState().gridInfo.get(gridId);
  if (!info || info.kind !== 'sector') {
    set({ notice: 'plan.notice.deleteSector' });
    return false;
  }
  if (draft.retires.includes(gridId)) return false;
  apply({ ...draft, kind: isEmpty(draft) ? 'retire' : draft.kind, retires: [...draft.retires, gridId] });
  return true;
}

/** A new code and/or name for a grid (only what differs from the grid's current one is sent). */
export function renameGrid(gridId: number, code: string, name: string): boolean {
  const draft = get().draft;
  code = code.trim();
  name = name.trim();
  if (!/^[0-9A-Za-z-]{3,32}$/.test(code) || !name || name.length > 64) {
    set({ notice: 'plan.notice.renameInvalid' });
    return false;
  }
  if (gridId < 0) {
    apply({
      ...draft,
      creates: draft.creates.map((c) => (c.localId === gridId ? { ...c, code, name } : c)),
    });
    return true;
  }
  const info = useConsole.getState().gridInfo.get(gridId);
  if (!info) return false;
  const rename: Rename = {
    ...(code !== info.code ? { code } : {}),
    ...(name !== info.name ? { name } : {}),
  };
  const renames = new Map(draft.renames);
  if (rename.code === undefined && rename.name === undefined) renames.delete(gridId);
  else renames.set(gridId, rename);
  apply({ ...draft, kind: isEmpty(draft) ? 'rename' : draft.kind, renames });
  return true;
}

/** Checks a GeoJSON file on the server; its accepted features become the draft (one undo step). */
export async function importBoundaries(text: string): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (error) {
    set({ importReport: null, importError: (error as Error).message });
    return;
  }
  set({ importing: true, importError: null, importReport: null });
  try {
    const report = await apiRequest(BoundaryImportPreview, '/api/boundaries/import/preview', {
      method: 'POST',
      body,
    });
    set({ importReport: report, importing: false });
    if (report.changeSet) apply({ ...emptyDraft, imported: report.changeSet, kind: 'import' });
  } catch (error) {
    set({ importing: false, importError: (error as Error).message });
  }
}

export function setSectorForm(form: Partial<SectorForm>): void {
  set({ sectorForm: { ...get().sectorForm, ...form } });
}

/** Revert: a past revision's geometry as a normal update. */
export function revertTo(gridId: number, geometry: AreaGeometry): void {
  const draft = get().draft;
  const next = withGeometries(draft, new Map([[gridId, geometry]]), 'revert');
  apply({ ...next, kind: draft.updates.size === 0 && draft.creates.length === 0 ? 'revert' : next.kind });
}

export function setTool(tool: Tool): void {
  set({ tool, notice: null });
}

export function setTolerance(toleranceM: number): void {
  if (Number.isFinite(toleranceM) && toleranceM >= 0) set({ toleranceM });
}

// ---- validation and preview ----

let previewTimer = 0;
let previewRun = 0;

function afterDraftChange(): void {
  const { draft } = get();
  const changeSet = changeSetOf(draft);
  const edited = new Map<number, AreaGeometry>(
    [...draft.updates].filter(([id]) => !draft.retires.includes(id)),
  );
  for (const c of draft.creates) edited.set(c.localId, c.geometry);
  let local: LocalProblem[];
  try {
    local = localProblems(edited, workingGeometries(draft), territorialIds());
  } catch {
    local = [];
  }
  set({ changeSet, localProblems: local, preview: null, problems: [], previewError: null });
  window.clearTimeout(previewTimer);
  if (!changeSet) {
    set({ previewing: false });
    return;
  }
  set({ previewing: true });
  previewTimer = window.setTimeout(() => void runPreview(), 250);
}

export async function runPreview(): Promise<void> {
  const changeSet = get().changeSet;
  if (!changeSet) return;
  const run = ++previewRun;
  set({ previewing: true });
  try {
    const preview = await apiRequest(BoundaryPreview, '/api/boundaries/preview', {
      method: 'POST',
      body: changeSet,
    });
    if (run === previewRun) set({ preview, problems: [], previewing: false, previewError: null });
  } catch (error) {
    if (run !== previewRun) return;
    set({ preview: null, previewing: false, ...problemsOf(error) });
  }
}

function problemsOf(error: unknown): Pick<PlanState, 'problems' | 'previewError'> {
  if (error instanceof ApiRequestError && error.status === 422) {
    const parsed = z.array(BoundaryProblem).safeParse(error.details?.problems);
    return { problems: parsed.success ? parsed.data : [], previewError: error.message };
  }
  return { problems: [], previewError: (error as Error).message };
}

export async function commit(reason: string): Promise<boolean> {
  const changeSet = get().changeSet;
  if (!changeSet || !reason.trim()) return false;
  set({ committing: true, conflict: null });
  try {
    const result = await apiRequest(BoundaryCommitResult, '/api/boundaries/commit', {
      method: 'POST',
      body: { ...changeSet, reason: reason.trim() },
    });
    set({
      lastCommit: result,
      committing: false,
      draft: emptyDraft,
      undo: [],
      redo: [],
      changeSet: null,
      preview: null,
      problems: [],
      localProblems: [],
    });
    await refetchGrids(result.revisions.map((r) => r.gridId));
    return true;
  } catch (error) {
    if (error instanceof ApiRequestError && error.status === 409) {
      const details = error.details ?? {};
      set({
        committing: false,
        conflict: {
          gridId: Number(details.gridId ?? 0),
          currentRevision: Number(details.currentRevision ?? 0),
          message: error.message,
        },
      });
    } else set({ committing: false, ...problemsOf(error) });
    return false;
  }
}

/** After a 409: reload the grids and re-apply the local geometries on the new revisions. */
export async function reloadAndReapply(): Promise<void> {
  await loadReference();
  set({ conflict: null });
  afterDraftChange();
}

/** Remote boundary change: the draft stays (not in history); its change set takes the new revisions. */
export function onReferenceReloaded(): void {
  if (get().changeSet) set({ changeSet: changeSetOf(get().draft) });
}

// ---- history and as-of ----

export async function loadRevisions(gridId: number | null): Promise<void> {
  if (gridId === null || gridId < 0) {
    set({ revisions: null, shownRevision: null });
    return;
  }
  const revisions = await apiRequest(GridRevisionList, `/api/grids/${gridId}/revisions`).catch(() => null);
  if (useConsole.getState().selectedGridId === gridId) set({ revisions, shownRevision: null });
}

export function showRevision(revision: number | null): void {
  set({ shownRevision: revision });
}

export async function setAsOf(asOf: string | null): Promise<void> {
  if (!asOf) {
    set({ asOf: null, asOfGrids: null });
    return;
  }
  const iso = new Date(asOf).toISOString();
  const grids = await apiRequest(GridFeatureCollection, `/api/grids?asOf=${encodeURIComponent(iso)}`).catch(
    () => null,
  );
  set({ asOf, asOfGrids: grids });
}
