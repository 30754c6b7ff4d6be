// Townships ranked by risk: high-risk grids, red codes, overdue registrations, arrivals; names and the
// first figures from /api/status/townships, then the live region status from the stream.
import { useTranslation } from 'react-i18next';
import { TownshipRanking as TownshipRankingSchema } from '../../shared/console.ts';
import { compareRegionsByRisk } from '../../shared/metrics.ts';
import { formatNumber } from '../i18n/i18n.ts';
import { useConsole, useLiveRev } from '../state/store.ts';
import { usePolled } from './use-polled.ts';
import type { RegionStatus } from '../../shared/realtime.ts';

type Row = RegionStatus & { name: string };

const liveRefreshMs = 500;

export function rankTownships(rows: Row[]): Row[] {
  return [...rows].sort(compareRegionsByRisk);
}

export function TownshipRanking() {
  const { t } = useTranslation();
  const { data } = usePolled(TownshipRankingSchema, '/api/status/townships', {
    everyMs: 60_000,
    onLiveMs: 10_000,
  });
  // Township figures move with almost every push during a surge: the table follows twice a second.
  useLiveRev(liveRefreshMs);
  const live = useConsole.getState().live.regions;
  const regionInfo = useConsole((s) => s.regionInfo);
  const rows: Row[] = data
    ? data.townships.map((row) => ({ ...row, ...(live.get(row.code) ?? {}), name: row.name }))
    : [...live.values()]
        .filter((r) => r.code.length === 9)
        .map((r) => ({ ...r, name: regionInfo.get(r.code)?.name ?? r.code }));
  const ranked = rankTownships(rows);
  const c = (key: string) => t(`screen.rankColumns.${key}`);
  return (
    <section className="screen-panel ranking" data-panel="ranking">
      <h2>{t('screen.ranking')}</h2>
      <div className="ranking-table" role="table" data-testid="ranking">
        <div className="ranking-row head" role="row">
          <span role="columnheader">{c('rank')}</span>
          <span role="columnheader">{c('township')}</span>
          <span role="columnheader">{c('risk')}</span>
          <span role="columnheader">{c('highGrids')}</span>
          <span role="columnheader">{c('red')}</span>
          <span role="columnheader">{c('overdue')}</span>
          <span role="columnheader">{c('arrivals')}</span>
        </div>
        {ranked.map((row, i) => (
          <div key={row.code} className="ranking-row" role="row" data-code={row.code}>
            <span role="cell" className="rank">
              {i + 1}
            </span>
            <span role="cell" className="name">
              {row.name}
            </span>
            <span role="cell">
              <span className={`risk-dot risk-${row.risk}`} title={t(`risk.${row.risk}`)} />
            </span>
            <span role="cell">{formatNumber(row.gridsByRisk.high)}</span>
            <span role="cell" className={row.red > 0 ? 'tone-red' : ''}>
              {formatNumber(row.red)}
            </span>
            <span role="cell">{formatNumber(row.overdue)}</span>
            <span role="cell">{formatNumber(row.arrivals24h)}</span>
          </div>
        ))}
      </div>
    </section>
  );
}
