// Planner mode (`/plan`): the map with the planner's layers and terra-draw, and the side panel with
// tools, snapping tolerance, problems, the impact preview, commit, history, "as of" and export.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sectorKinds, type SectorKind } from '../../shared/domain.ts';
import type { ExportFormat } from '../../shared/boundaries.ts';
import { formatDateTime } from '../i18n/i18n.ts';
import type { Camera } from '../map/map-controller.ts';
import { watchActiveMap } from '../map/map-controller.ts';
import { MapView } from '../map/MapView.tsx';
import { ZoomButtons } from '../map/MapControls.tsx';
import { onReferenceReloaded } from './plan-state.ts';
import { useConsole } from '../state/store.ts';
import { PlanMap } from './plan-map.ts';
import {
  commit,
  deleteSectorGrid,
  discardDraft,
  importBoundaries,
  loadRevisions,
  redoEdit,
  reloadAndReapply,
  renameGrid,
  revertTo,
  setAsOf,
  setSectorForm,
  setTolerance,
  setTool,
  showRevision,
  undoEdit,
  usePlan,
} from './plan-state.ts';

export const canPlan = (role: string | undefined): boolean => role === 'planner' || role === 'commander';

function useKeyboardHistory(): void {
  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (!(e.ctrlKey || e.metaKey) || e.key.toLowerCase() !== 'z') return;
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
      e.preventDefault();
      if (e.shiftKey) redoEdit();
      else undoEdit();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function Tools() {
  const { t } = useTranslation();
  const tool = usePlan((s) => s.tool);
  const tolerance = usePlan((s) => s.toleranceM);
  const canUndo = usePlan((s) => s.undo.length > 0);
  const canRedo = usePlan((s) => s.redo.length > 0);
  const notice = usePlan((s) => s.notice);
  const selected = useConsole((s) => s.selectedGridId);
  const info = useConsole((s) => (selected !== null ? s.gridInfo.get(selected) : undefined));
  const draftSector = usePlan((s) => s.draft.creates.some((c) => c.localId === selected && c.sectorKind));
  const retiring = usePlan((s) => selected !== null && s.draft.retires.includes(selected));
  const canDelete = (info?.kind === 'sector' && !retiring) || draftSector;
  return (
    <section className="plan-section">
      <div className="plan-selected" data-testid="plan-selected">
        {info ? `${info.name} · ${info.code}` : t('plan.selectHint')}
      </div>
      <div className="plan-buttons">
        <button
          type="button"
          data-testid="plan-split"
          disabled={selected === null}
          className={tool === 'split' ? 'active' : ''}
          onClick={() => setTool(tool === 'split' ? 'select' : 'split')}
        >
          {t('plan.split')}
        </button>
        <button
          type="button"
          data-testid="plan-merge"
          disabled={selected === null}
          className={tool === 'merge' ? 'active' : ''}
          onClick={() => setTool(tool === 'merge' ? 'select' : 'merge')}
        >
          {t('plan.merge')}
        </button>
        <button
          type="button"
          data-testid="plan-draw-sector"
          className={tool === 'draw' ? 'active' : ''}
          onClick={() => setTool(tool === 'draw' ? 'select' : 'draw')}
        >
          {t('plan.drawSector')}
        </button>
        <button
          type="button"
          data-testid="plan-delete-sector"
          disabled={!canDelete}
          onClick={() => selected !== null && deleteSectorGrid(selected)}
        >
          {t('plan.deleteSector')}
        </button>
        <button type="button" data-testid="plan-undo" disabled={!canUndo} onClick={undoEdit} title="Ctrl+Z">
          {t('plan.undo')}
        </button>
        <button
          type="button"
          data-testid="plan-redo"
          disabled={!canRedo}
          onClick={redoEdit}
          title="Ctrl+Shift+Z"
        >
          {t('plan.redo')}
        </button>
        <button type="button" onClick={discardDraft} disabled={!canUndo}>
          {t('plan.discard')}
        </button>
      </div>
      {tool === 'draw' && <SectorForm />}
      {tool !== 'select' && <div className="plan-hint">{t(`plan.${tool}Hint`)}</div>}
      <label className="plan-tolerance">
        {t('plan.snapTolerance')}
        <input
          type="number"
          min={0}
          max={100}
          step={1}
          value={tolerance}
          onChange={(e) => setTolerance(Number(e.target.value))}
        />
        {t('plan.metres')}
      </label>
      {notice && (
        <div className="plan-notice" role="alert">
          {t(notice)}
        </div>
      )}
    </section>
  );
}

function SectorForm() {
  const { t } = useTranslation();
  const form = usePlan((s) => s.sectorForm);
  return (
    <div className="plan-form" data-testid="plan-sector-form">
      <label>
        {t('plan.code')}
        <input
          data-testid="plan-sector-code"
          value={form.code}
          placeholder="S-331023-001"
          onChange={(e) => setSectorForm({ code: e.target.value })}
        />
      </label>
      <label>
        {t('plan.name')}
        <input
          data-testid="plan-sector-name"
          value={form.name}
          onChange={(e) => setSectorForm({ name: e.target.value })}
        />
      </label>
      <label>
        {t('plan.sectorKind')}
        <select
          data-testid="plan-sector-kind"
          value={form.sectorKind}
          onChange={(e) => setSectorForm({ sectorKind: e.target.value as SectorKind })}
        >
          {sectorKinds.map((k) => (
            <option key={k} value={k}>
              {t(`sectorKind.${k}`)}
            </option>
          ))}
        </select>
      </label>
    </div>
  );
}

/** Code and name of the selected grid (a draft rename until committed). */
function Rename() {
  const { t } = useTranslation();
  const selected = useConsole((s) => s.selectedGridId);
  const info = useConsole((s) => (selected !== null ? s.gridInfo.get(selected) : undefined));
  const created = usePlan((s) => s.draft.creates.find((c) => c.localId === selected));
  const pending = usePlan((s) => (selected !== null ? s.draft.renames.get(selected) : undefined));
  const asOf = usePlan((s) => s.asOf);
  const current = created ?? (info ? { code: info.code, name: info.name } : null);
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  useEffect(() => {
    setCode(pending?.code ?? current?.code ?? '');
    setName(pending?.name ?? current?.name ?? '');
  }, [selected, current?.code, current?.name, pending?.code, pending?.name]);
  if (!current || selected === null || asOf) return null;
  return (
    <section className="plan-section" data-testid="plan-rename">
      <div className="plan-form">
        <label>
          {t('plan.code')}
          <input data-testid="plan-rename-code" value={code} onChange={(e) => setCode(e.target.value)} />
        </label>
        <label>
          {t('plan.name')}
          <input data-testid="plan-rename-name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <button
          type="button"
          data-testid="plan-rename-apply"
          disabled={code === (pending?.code ?? current.code) && name === (pending?.name ?? current.name)}
          onClick={() => renameGrid(selected, code, name)}
        >
          {t('plan.rename')}
        </button>
      </div>
    </section>
  );
}

function Problems() {
  const { t } = useTranslation();
  const local = usePlan((s) => s.localProblems);
  const server = usePlan((s) => s.problems);
  const error = usePlan((s) => s.previewError);
  if (!local.length && !server.length && !error) return null;
  return (
    <section className="plan-section plan-problems" data-testid="plan-problems">
      <h3>{t('plan.problems')}</h3>
      <ul>
        {local.map((p, i) => (
          <li key={`l${i}`}>
            {t(`plan.problem.${p.code}`)} ({p.gridIds.join(', ')})
            {p.areaM2 !== null ? ` · ${Math.round(p.areaM2)} m²` : ''}
          </li>
        ))}
        {server.map((p, i) => (
          <li key={`s${i}`}>
            <b>{t(`plan.problem.${p.code}`)}</b>: {p.message}
          </li>
        ))}
      </ul>
      {error && !server.length && <div className="plan-notice">{error}</div>}
    </section>
  );
}

function Impact() {
  const { t } = useTranslation();
  const preview = usePlan((s) => s.preview);
  const previewing = usePlan((s) => s.previewing);
  const changeSet = usePlan((s) => s.changeSet);
  const committing = usePlan((s) => s.committing);
  const conflict = usePlan((s) => s.conflict);
  const lastCommit = usePlan((s) => s.lastCommit);
  const [reason, setReason] = useState('');
  if (!changeSet)
    return lastCommit ? (
      <section className="plan-section" data-testid="plan-committed">
        {t('plan.committed', { seq: lastCommit.seq, ms: lastCommit.commitMs })}
      </section>
    ) : null;
  return (
    <section className="plan-section" data-testid="plan-impact">
      <h3>
        {t('plan.impact')} · {t(`plan.kind.${changeSet.kind}`)} ·{' '}
        {t('plan.changes', { count: changeSet.changes.length })}
      </h3>
      {previewing && <div>{t('plan.previewing')}</div>}
      {preview && (
        <>
          <div className="plan-totals" data-testid="plan-totals">
            {t('plan.totals', preview.totals)} · {t('plan.openTasks', { count: preview.openTasksAffected })}
          </div>
          <table className="plan-moves">
            <thead>
              <tr>
                <th>{t('plan.from')}</th>
                <th>{t('plan.to')}</th>
                <th>{t('plan.addresses')}</th>
                <th>{t('plan.residents')}</th>
                <th>{t('plan.arrivals')}</th>
                <th>{t('plan.checkpoints')}</th>
              </tr>
            </thead>
            <tbody>
              {preview.moves.map((m) => (
                <tr key={`${m.from.id}-${m.to.id}`}>
                  <td>{m.from.name}</td>
                  <td>{m.to.name}</td>
                  <td>{m.addresses}</td>
                  <td>{m.residents}</td>
                  <td>{m.arrivals}</td>
                  <td>{m.checkpoints}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {preview.workers.length > 0 && (
            <ul className="plan-workers">
              {preview.workers.map((w) => (
                <li key={`${w.id}-${w.gridId}`}>{t('plan.worker', w)}</li>
              ))}
            </ul>
          )}
        </>
      )}
      <label className="plan-reason">
        {t('plan.reason')}
        <textarea
          data-testid="plan-reason"
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          rows={2}
        />
      </label>
      <button
        type="button"
        data-testid="plan-commit"
        disabled={!preview || !reason.trim() || committing}
        onClick={() => void commit(reason).then((ok) => ok && setReason(''))}
      >
        {t('plan.commit')}
      </button>
      {conflict && (
        <div className="plan-notice" role="alert" data-testid="plan-conflict">
          {t('plan.conflict', { grid: conflict.gridId, revision: conflict.currentRevision })}{' '}
          <button type="button" onClick={() => void reloadAndReapply()}>
            {t('plan.reloadReapply')}
          </button>
        </div>
      )}
    </section>
  );
}

function History() {
  const { t } = useTranslation();
  const selected = useConsole((s) => s.selectedGridId);
  const revisions = usePlan((s) => s.revisions);
  const shown = usePlan((s) => s.shownRevision);
  const gridsRev = useConsole((s) => s.grids);
  useEffect(() => {
    void loadRevisions(selected);
  }, [selected, gridsRev]);
  if (!revisions || revisions.gridId !== selected) return null;
  return (
    <section className="plan-section" data-testid="plan-history">
      <h3>{t('plan.history')}</h3>
      <ul className="plan-revisions">
        {revisions.revisions.map((r) => (
          <li key={r.revision}>
            <label>
              <input type="radio" checked={shown === r.revision} onChange={() => showRevision(r.revision)} />#
              {r.revision} <time dateTime={r.validFrom}>{formatDateTime(r.validFrom)}</time> ·{' '}
              {t(`plan.kind.${r.kind}`, { defaultValue: r.kind })} · {r.code} {r.name} · {r.author ?? '—'} ·{' '}
              {r.kind === 'initial' ? t('plan.initialReason') : r.reason}
            </label>
            {r.geometry && r.validTo !== null && (
              <button
                type="button"
                className="link"
                onClick={() => selected !== null && r.geometry && revertTo(selected, r.geometry)}
              >
                {t('plan.revert')}
              </button>
            )}
          </li>
        ))}
      </ul>
      {shown !== null && (
        <button type="button" className="link" onClick={() => showRevision(null)}>
          {t('plan.hideRevision')}
        </button>
      )}
    </section>
  );
}

/** Upload a GeoJSON boundary set: the server's per-feature report; the accepted part becomes the draft. */
function Import() {
  const { t } = useTranslation();
  const report = usePlan((s) => s.importReport);
  const importing = usePlan((s) => s.importing);
  const error = usePlan((s) => s.importError);
  return (
    <section className="plan-section" data-testid="plan-import">
      {/* The native file input shows the browser's own words ("Choose File"), not the console's
          language: it stays in the label for keyboard and drop, visually replaced by a button. */}
      <div>{t('plan.import')}</div>
      <label className="file-button">
        {t('plan.chooseFile')}
        <input
          type="file"
          className="visually-hidden"
          accept=".geojson,.json,application/geo+json,application/json"
          data-testid="plan-import-file"
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void file.text().then(importBoundaries);
          }}
        />
      </label>
      {importing && <div>{t('plan.previewing')}</div>}
      {error && (
        <div className="plan-notice" role="alert">
          {error}
        </div>
      )}
      {report && (
        <>
          <div data-testid="plan-import-summary">
            {t('plan.importSummary', {
              features: report.features,
              accepted: report.accepted.length,
              unchanged: report.unchanged.length,
              rejected: report.rejected.length,
            })}
          </div>
          {report.rejected.length > 0 && (
            <table className="plan-moves" data-testid="plan-import-rejected">
              <thead>
                <tr>
                  <th>{t('plan.feature')}</th>
                  <th>{t('plan.code')}</th>
                  <th>{t('plan.problems')}</th>
                </tr>
              </thead>
              <tbody>
                {report.rejected.map((r) => (
                  <tr key={r.index}>
                    <td>#{r.index + 1}</td>
                    <td>{r.code ?? '—'}</td>
                    <td>
                      {r.reasons.map((x, i) => (
                        <div key={i} title={x.message}>
                          {t(`plan.problem.${x.code}`, { defaultValue: x.code })}: {x.message}
                        </div>
                      ))}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}
    </section>
  );
}

function exportHref(asOf: string | null, format: ExportFormat): string {
  const query = new URLSearchParams({ format });
  if (asOf) query.set('asOf', new Date(asOf).toISOString());
  return `/api/boundaries/export?${query.toString()}`;
}

function AsOfAndExport() {
  const { t } = useTranslation();
  const asOf = usePlan((s) => s.asOf);
  return (
    <section className="plan-section">
      <label>
        {t('plan.asOf')}{' '}
        <input
          type="datetime-local"
          value={asOf ?? ''}
          onChange={(e) => void setAsOf(e.target.value || null)}
        />
      </label>
      {asOf && <div className="plan-hint">{t('plan.asOfReadOnly')}</div>}
      <div className="plan-exports">
        <a className="link" href={exportHref(asOf, 'geojson')} download data-testid="plan-export">
          {t('plan.export')}
        </a>{' '}
        <a className="link" href={exportHref(asOf, 'gpkg')} download data-testid="plan-export-gpkg">
          {t('plan.exportGeoPackage')}
        </a>
      </div>
    </section>
  );
}

export function PlanApp({ camera }: { camera: Camera | null }) {
  const { t } = useTranslation();
  const user = useConsole((s) => s.user);
  const grids = useConsole((s) => s.grids);
  useKeyboardHistory();
  useEffect(() => {
    let planMap: PlanMap | null = null;
    const stop = watchActiveMap((controller) => {
      planMap?.destroy();
      planMap = controller ? new PlanMap(controller) : null;
    });
    return () => {
      stop();
      planMap?.destroy();
    };
  }, []);
  useEffect(() => onReferenceReloaded(), [grids]);
  if (!canPlan(user?.role))
    return (
      <main className="login-page" data-testid="plan-forbidden">
        {t('plan.forbidden')}
      </main>
    );
  return (
    <main className="console plan with-panel">
      <section className="map-area">
        <MapView mode="plan" camera={camera} />
        <ZoomButtons />
      </section>
      <aside className="grid-panel plan-panel" data-testid="plan-panel">
        <h2>{t('plan.title')}</h2>
        <Tools />
        <Rename />
        <Problems />
        <Impact />
        <History />
        <Import />
        <AsOfAndExport />
      </aside>
    </main>
  );
}
