// Hover tooltip over the map: a grid's name, region and the current metric, or a facility's figures.
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../i18n/i18n.ts';
import { regionName, useConsole } from '../state/store.ts';
import { metricValue } from '../../shared/metrics.ts';

export function MapTooltip() {
  const { t } = useTranslation();
  const hover = useConsole((s) => s.hover);
  const metric = useConsole((s) => s.metric);
  const gridInfo = useConsole((s) => s.gridInfo);
  const checkpoints = useConsole((s) => s.checkpoints);
  const sites = useConsole((s) => s.isolationSites);
  const status = useConsole((s) =>
    hover?.target.kind === 'grid' ? s.live.grids.get(hover.target.id) : undefined,
  );
  if (!hover) return null;
  // Opens below right of the pointer, or towards the map's inside when near its right or bottom edge.
  const style = {
    ...(hover.x > hover.width - 280 ? { right: hover.width - hover.x + 14 } : { left: hover.x + 14 }),
    ...(hover.y > hover.height - 120 ? { bottom: hover.height - hover.y + 14 } : { top: hover.y + 14 }),
  };
  const { target } = hover;
  if (target.kind === 'grid') {
    const grid = gridInfo.get(target.id);
    if (!grid) return null;
    const value = status ? metricValue(metric, status) : null;
    return (
      <div className="map-tooltip" style={style} role="tooltip">
        <strong>{grid.name}</strong>
        <div className="muted">
          {grid.code} · {regionName(grid.villageCode) ?? ''} · {regionName(grid.townshipCode) ?? ''}
        </div>
        {status ? (
          <div className="tooltip-row">
            <span className={`risk-badge risk-${status.risk}`}>{t(`risk.${status.risk}`)}</span>
            <span>
              {t(`metric.${metric}`)}:{' '}
              {metric === 'risk'
                ? t(`risk.${status.risk}`)
                : metric === 'health'
                  ? `${t('healthCode.red')} ${formatNumber(status.red)} · ${t('healthCode.yellow')} ${formatNumber(status.yellow)}`
                  : formatNumber(value ?? 0)}
            </span>
          </div>
        ) : (
          <div className="muted">{t('grid.statusPending')}</div>
        )}
      </div>
    );
  }
  if (target.kind === 'checkpoint') {
    const cp = checkpoints?.features[target.index]?.properties;
    if (!cp) return null;
    return (
      <div className="map-tooltip" style={style} role="tooltip">
        <strong>{cp.name}</strong>
        <div className="muted">
          {t(cp.kind === 'traffic' ? 'legend.checkpointTraffic' : 'legend.checkpointVillage')} ·{' '}
          {t('tooltip.staffing', { count: formatNumber(cp.staffing) })}
        </div>
      </div>
    );
  }
  const site = sites?.features[target.index]?.properties;
  if (!site) return null;
  return (
    <div className="map-tooltip" style={style} role="tooltip">
      <strong>{site.name}</strong>
      <div className="muted">
        {t('tooltip.isolationSite')} ·{' '}
        {t('tooltip.occupancy', {
          occupancy: formatNumber(site.occupancy),
          capacity: formatNumber(site.capacity),
        })}
      </div>
    </div>
  );
}
