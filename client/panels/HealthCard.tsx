// System status on the login page: engine, versions and the size of the loaded dataset.
import { useTranslation } from 'react-i18next';
import { HealthResponse } from '../../shared/health.ts';
import { formatDateTime, formatNumber } from '../i18n/i18n.ts';
import { useApi } from './use-api.ts';

const shown = [
  'townships',
  'villages',
  'territorialGrids',
  'sectorGrids',
  'gridWorkers',
  'occupants',
  'arrivals',
  'addresses',
  'checkpoints',
  'isolationSites',
] as const;

export function HealthCard() {
  const { t } = useTranslation();
  const { data: health, error } = useApi(HealthResponse, '/api/health');
  if (error) return <div className="card">{t('health.unreachable')}</div>;
  if (!health) return <div className="card">{t('common.loading')}</div>;
  const counts = health.dataset.counts;
  return (
    <div className="card health">
      <h2>{t('health.title')}</h2>
      <p>
        {t('health.engine')}: {t(`engine.${health.engine}`)} ·{' '}
        {t('health.versions', { postgres: health.postgresVersion, postgis: health.postgisVersion })}
      </p>
      {health.dataset.loadedAt && (
        <p className="hint">{t('health.loadedAt', { date: formatDateTime(health.dataset.loadedAt) })}</p>
      )}
      <dl className="counts">
        {shown.map((key) => (
          <div key={key} data-count={key}>
            <dt>{t(`counts.${key}`)}</dt>
            <dd>{formatNumber(counts[key])}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}
