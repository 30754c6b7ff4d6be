// The dispatcher's side panel for the selected grid: identity, grid workers with phones, live status
// counts, and tabs for its people, its recent events and registering an arrival.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GridDetail } from '../../shared/grids.ts';
import type { GridStatus } from '../../shared/realtime.ts';
import { formatDecimal, formatNumber } from '../i18n/i18n.ts';
import { selectGrid, useConsole } from '../state/store.ts';
import { ArrivalForm } from './ArrivalForm.tsx';
import { EventList } from './EventList.tsx';
import { OccupantTable } from './OccupantTable.tsx';
import { useApi } from './use-api.ts';

type Tab = 'occupants' | 'events' | 'register';

const statusRows: (keyof GridStatus)[] = [
  'residents',
  'arrivals24h',
  'pendingRegistration',
  'overdue',
  'green',
  'yellow',
  'red',
  'redNotIsolated',
  'isolated',
  'checkpoints',
  'openReports',
  'tasksSent',
  'tasksAcked',
  'tasksDone',
];

function StatusCounts({ gridId }: { gridId: number }) {
  const { t } = useTranslation();
  const status = useConsole((s) => s.live.grids.get(gridId));
  if (!status) return <p className="hint">{t('grid.statusPending')}</p>;
  return (
    <div className="status-block" data-testid="grid-status" data-risk={status.risk}>
      <div className="status-head">
        <span className={`risk-badge risk-${status.risk}`}>{t(`risk.${status.risk}`)}</span>
      </div>
      <dl className="status-grid">
        {statusRows.map((key) => (
          <div key={key} data-status={key} className={`status-${key}`}>
            <dt title={key === 'overdue' ? t('status.overdueHint') : t(`status.${key}`)}>
              {t(`status.${key}`)}
            </dt>
            <dd>{formatNumber(status[key] as number)}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

export function GridPanel() {
  const { t } = useTranslation();
  const gridId = useConsole((s) => s.selectedGridId);
  const user = useConsole((s) => s.user);
  const [tab, setTab] = useState<Tab>('occupants');
  const { data, error } = useApi(GridDetail, gridId === null ? null : `/api/grids/${gridId}`);
  if (gridId === null) return null;
  const detail = data?.grid.id === gridId ? data : null;
  const canSeePeople = user?.role !== 'screen';
  const canRegister =
    user?.role === 'commander' || user?.role === 'dispatcher' || user?.role === 'grid_worker';
  const tabs: Tab[] = ['occupants', 'events', ...(canRegister ? (['register'] as const) : [])];
  const shownTab = !canSeePeople && tab === 'occupants' ? 'events' : tab;
  return (
    <aside
      className="grid-panel"
      data-testid="grid-panel"
      data-grid-id={gridId}
      aria-label={detail?.grid.name}
    >
      <header>
        <div>
          <h2 data-testid="grid-panel-title">{detail?.grid.name ?? t('common.loading')}</h2>
          {detail && (
            <div className="sub">
              {t(`grid.${detail.grid.kind}`)}
              {detail.grid.sectorKind ? ` · ${t(`sectorKind.${detail.grid.sectorKind}`)}` : ''}
            </div>
          )}
        </div>
        <button
          type="button"
          className="icon"
          aria-label={t('common.close')}
          onClick={() => selectGrid(null)}
        >
          ×
        </button>
      </header>
      {error && <p className="error">{t('common.loadFailed')}</p>}
      {detail && (
        <dl className="fields grid-fields">
          <div>
            <dt>{t('grid.code')}</dt>
            <dd className="mono">{detail.grid.code}</dd>
          </div>
          <div>
            <dt>{t('grid.township')}</dt>
            <dd>{detail.grid.townshipName ?? t('common.none')}</dd>
          </div>
          <div>
            <dt>{t('grid.village')}</dt>
            <dd>{detail.grid.villageName ?? t('common.none')}</dd>
          </div>
          <div>
            <dt>{t('grid.area')}</dt>
            <dd>{t('grid.areaValue', { value: formatDecimal(detail.grid.areaKm2, 2) })}</dd>
          </div>
        </dl>
      )}
      {detail && (
        <section className="workers">
          <h3>{t('grid.workers')}</h3>
          {detail.workers.length === 0 && <p className="hint">{t('grid.noWorkers')}</p>}
          <ul>
            {detail.workers.map((w) => (
              <li key={w.id} data-worker-id={w.id}>
                <span className="worker-name">{w.name}</span>
                <span className="chip">{t(w.role === 'leader' ? 'grid.leader' : 'grid.member')}</span>
                {!w.primary && <span className="chip muted">{t('grid.sectorDuty')}</span>}
                <a className="mono phone" href={`tel:${w.phone}`}>
                  {w.phone}
                </a>
              </li>
            ))}
          </ul>
        </section>
      )}
      <section>
        <h3>{t('grid.status')}</h3>
        <StatusCounts gridId={gridId} />
      </section>
      <div className="tabs" role="tablist">
        {tabs
          .filter((k) => canSeePeople || k !== 'occupants')
          .map((k) => (
            <button
              key={k}
              type="button"
              role="tab"
              aria-selected={shownTab === k}
              className={shownTab === k ? 'active' : ''}
              data-tab={k}
              onClick={() => setTab(k)}
            >
              {t(`tabs.${k}`)}
            </button>
          ))}
      </div>
      <div className="tab-body" role="tabpanel">
        {shownTab === 'occupants' && canSeePeople && <OccupantTable gridId={gridId} />}
        {shownTab === 'events' && <EventList gridId={gridId} />}
        {shownTab === 'register' && canRegister && <ArrivalForm key={gridId} />}
      </div>
    </aside>
  );
}
