// The big screen's key figures from /api/kpis, refreshed as the stream moves; high-risk grids from the
// live county status.
import { useTranslation } from 'react-i18next';
import { Kpis } from '../../shared/console.ts';
import { formatNumber, formatPercent } from '../i18n/i18n.ts';
import { useConsole, useLiveRev } from '../state/store.ts';
import { usePolled } from './use-polled.ts';

const liveRefreshMs = 500;

interface Tile {
  key: string;
  value: number | null;
  text: string;
  total?: number;
  tone?: 'red' | 'yellow' | 'accent';
}

export function KpiTiles() {
  const { t } = useTranslation();
  const { data: kpis } = usePolled(Kpis, '/api/kpis', { everyMs: 60_000, onLiveMs: 2_000 });
  const countyCode = kpis?.county.code;
  // The county's live figures move with almost every push during a surge: the tiles follow twice a second.
  useLiveRev(liveRefreshMs);
  const county = countyCode ? useConsole.getState().live.regions.get(countyCode) : undefined;
  const dash = t('common.none');
  const n = (v: number | undefined) => (v === undefined ? dash : formatNumber(v));
  const highRisk = county?.gridsByRisk.high ?? kpis?.county.gridsByRisk.high;
  const tiles: Tile[] = [
    { key: 'grids', value: kpis?.grids ?? null, text: n(kpis?.grids) },
    {
      key: 'gridWorkersOnline',
      value: kpis?.gridWorkersOnline ?? null,
      text: n(kpis?.gridWorkersOnline),
      total: kpis?.gridWorkers,
    },
    {
      key: 'arrivalsToday',
      value: kpis?.arrivalsToday ?? null,
      text: n(kpis?.arrivalsToday),
      tone: 'accent',
    },
    {
      key: 'registeredWithinHour',
      value: kpis?.registeredWithinHourShare ?? null,
      text: kpis ? formatPercent(kpis.registeredWithinHourShare) : dash,
    },
    { key: 'yellow', value: kpis?.yellow ?? null, text: n(kpis?.yellow), tone: 'yellow' },
    { key: 'red', value: kpis?.red ?? null, text: n(kpis?.red), tone: 'red' },
    {
      key: 'isolation',
      value: kpis?.isolationOccupancy ?? null,
      text: n(kpis?.isolationOccupancy),
      total: kpis?.isolationCapacity,
    },
    { key: 'checkpoints', value: kpis?.checkpoints ?? null, text: n(kpis?.checkpoints) },
    { key: 'highRiskGrids', value: highRisk ?? null, text: n(highRisk), tone: 'red' },
  ];
  return (
    <section className="screen-panel kpis" data-panel="kpis" aria-label={t('screen.kpi.grids')}>
      {tiles.map((tile) => (
        <div
          key={tile.key}
          className={`kpi ${tile.tone ? `tone-${tile.tone}` : ''}`}
          data-kpi={tile.key}
          data-value={tile.value ?? ''}
          data-total={tile.total ?? ''}
        >
          <div className="kpi-label">{t(`screen.kpi.${tile.key}`)}</div>
          <div className="kpi-value">
            {tile.text}
            {tile.total !== undefined && (
              <span className="kpi-total"> {t('screen.kpi.of', { total: formatNumber(tile.total) })}</span>
            )}
          </div>
        </div>
      ))}
    </section>
  );
}
