// Drives the big screen's camera: visits hotspots in turn every few seconds; a new alert (a red code, a
// grid turning high-risk) interrupts, flies there, and pauses the tour for a while.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../i18n/i18n.ts';
import { activeMap } from '../map/map-controller.ts';
import { clearAlert, regionName, selectGrid, useConsole } from '../state/store.ts';
import { hotspots } from './hotspot-tour.ts';

const stepMs = 12_000;
const pauseMs = 30_000;

function flyToGrid(gridId: number): void {
  const grid = useConsole.getState().gridInfo.get(gridId);
  if (grid) activeMap()?.fitBbox(grid.bbox, { maxZoom: 12.6 });
  selectGrid(gridId);
}

export function HotspotTour({ enabled }: { enabled: boolean }) {
  const { t } = useTranslation();
  const alert = useConsole((s) => s.alert);
  const gridInfo = useConsole((s) => s.gridInfo);
  const [target, setTarget] = useState<{ gridId: number; index: number; of: number } | null>(null);
  const [idle, setIdle] = useState(false);
  const status = useConsole((s) => (target ? s.live.grids.get(target.gridId) : undefined));
  const step = useRef(0);
  const pausedUntil = useRef(0);
  const seenAlert = useRef<number | null>(null);

  useEffect(() => {
    if (!alert || alert.at === seenAlert.current) return;
    seenAlert.current = alert.at;
    pausedUntil.current = alert.at + pauseMs;
    flyToGrid(alert.gridId);
    setTarget(null);
    const raised = alert.at;
    const timer = window.setTimeout(() => {
      if (useConsole.getState().alert?.at === raised) clearAlert();
    }, pauseMs);
    return () => window.clearTimeout(timer);
  }, [alert]);

  useEffect(() => {
    if (!enabled) return;
    let next = Date.now() + 4000;
    const tick = (): void => {
      const now = Date.now();
      if (now < pausedUntil.current) return;
      if (now < next) return;
      next = now + stepMs;
      const state = useConsole.getState();
      const list = hotspots(state.live.grids.values(), (id) => state.gridInfo.has(id));
      if (list.length === 0) {
        setIdle(true);
        setTarget(null);
        return;
      }
      setIdle(false);
      const index = step.current++ % list.length;
      const gridId = list[index]!;
      setTarget({ gridId, index, of: list.length });
      flyToGrid(gridId);
    };
    const interval = window.setInterval(tick, 1000);
    return () => window.clearInterval(interval);
  }, [enabled]);

  if (alert) {
    const grid = gridInfo.get(alert.gridId);
    const name = grid ? `${regionName(grid.townshipCode) ?? ''} ${grid.name}` : String(alert.gridId);
    return (
      <div className="tour-caption alert" data-testid="tour" data-state="paused" role="alert">
        <span className="tour-tag">{t('screen.alert')}</span>
        {t(alert.kind === 'red' ? 'screen.alertRed' : 'screen.alertHighRisk', { grid: name })}
        <span className="tour-note">{t('screen.tourPaused')}</span>
      </div>
    );
  }
  if (!enabled) return null;
  if (idle || !target) {
    return (
      <div className="tour-caption" data-testid="tour" data-state="idle">
        <span className="tour-tag">{t('screen.tour')}</span>
        {idle ? t('screen.tourIdle') : t('common.loading')}
      </div>
    );
  }
  const grid = gridInfo.get(target.gridId);
  return (
    <div className="tour-caption" data-testid="tour" data-state="touring" data-grid-id={target.gridId}>
      <span className="tour-tag">
        {t('screen.tour')} {formatNumber(target.index + 1)}/{formatNumber(target.of)}
      </span>
      <strong>
        {regionName(grid?.townshipCode) ?? ''} {grid?.name}
      </strong>
      {status && (
        <>
          <span className={`risk-badge risk-${status.risk}`}>{t(`risk.${status.risk}`)}</span>
          <span>
            {t('status.redNotIsolated')} {formatNumber(status.redNotIsolated)} · {t('status.overdue')}{' '}
            {formatNumber(status.overdue)} · {t('status.arrivals24h')} {formatNumber(status.arrivals24h)}
          </span>
        </>
      )}
    </div>
  );
}
