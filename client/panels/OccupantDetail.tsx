// One occupant with their history (the server writes every view to the access audit log), as a dialog.
import { useEffect, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { OccupantDetail as OccupantDetailSchema } from '../../shared/console.ts';
import { formatDateTime, formatNumber } from '../i18n/i18n.ts';
import { openOccupant, selectGrid, useConsole } from '../state/store.ts';
import { EventDetails, eventTypeLabel } from './event-text.tsx';
import { useApi } from './use-api.ts';

export function OccupantDetail() {
  const { t } = useTranslation();
  const occupantId = useConsole((s) => s.occupantId);
  const { data, error, loading } = useApi(
    OccupantDetailSchema,
    occupantId === null ? null : `/api/occupants/${occupantId}`,
  );
  useEffect(() => {
    if (occupantId === null) return;
    const onKey = (e: KeyboardEvent): void => {
      if (e.key === 'Escape') openOccupant(null);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [occupantId]);
  if (occupantId === null) return null;
  const row = (label: string, value: ReactNode) => (
    <div>
      <dt>{label}</dt>
      <dd>{value ?? t('common.none')}</dd>
    </div>
  );
  return (
    <div className="modal-backdrop" onClick={() => openOccupant(null)}>
      <section
        className="modal occupant-detail"
        role="dialog"
        aria-modal="true"
        aria-label={t('occupant.title')}
        data-testid="occupant-detail"
        onClick={(e) => e.stopPropagation()}
      >
        <header>
          <h2>
            {t('occupant.title')}
            {data && <span className="sub">{data.name}</span>}
          </h2>
          <button
            type="button"
            className="icon"
            aria-label={t('common.close')}
            onClick={() => openOccupant(null)}
          >
            ×
          </button>
        </header>
        {loading && !data && <p className="hint">{t('common.loading')}</p>}
        {error && <p className="error">{t('common.loadFailed')}</p>}
        {data && (
          <>
            {data.masked && <p className="hint masked-note">{t('occupants.masked')}</p>}
            <dl className="fields">
              {row(t('occupants.name'), data.name)}
              {row(t('occupants.idNumber'), <span className="mono">{data.idNumber}</span>)}
              {row(t('occupants.phone'), <span className="mono">{data.phone}</span>)}
              {row(t('occupants.kind'), t(`occupants.kindValue.${data.kind}`))}
              {row(
                t('occupants.healthCode'),
                <span className={`code-chip code-${data.healthCode}`}>
                  {t(`healthCode.${data.healthCode}`)}
                </span>,
              )}
              {row(t('occupants.status'), t(`occupants.statusValue.${data.status}`))}
              {row(t('occupants.origin'), data.origin)}
              {row(t('occupants.arrivedAt'), data.arrivedAt ? formatDateTime(data.arrivedAt) : null)}
              {row(t('occupants.registeredAt'), formatDateTime(data.registeredAt))}
              {row(
                t('occupant.latency'),
                data.registrationLatencySeconds === null
                  ? null
                  : t('occupant.latencyValue', {
                      minutes: formatNumber(Math.round(data.registrationLatencySeconds / 60)),
                    }),
              )}
              {row(t('occupants.address'), data.address)}
              {row(t('occupant.household'), data.household)}
              {row(t('occupant.isolationSite'), data.isolationSite)}
              {row(
                t('occupant.grid'),
                <button type="button" className="link" onClick={() => selectGrid(data.grid.id)}>
                  {data.grid.name} ({data.grid.code})
                </button>,
              )}
            </dl>
            <h3>{t('occupant.history')}</h3>
            {data.history.length === 0 ? (
              <p className="hint">{t('occupant.noHistory')}</p>
            ) : (
              <ol className="history">
                {data.history.map((h) => (
                  <li key={h.seq}>
                    <time dateTime={h.at}>{formatDateTime(h.at)}</time>
                    <span className="history-type">{eventTypeLabel(t, h.type)}</span>
                    <span className="history-data">
                      <EventDetails event={h} t={t} />
                    </span>
                  </li>
                ))}
              </ol>
            )}
          </>
        )}
      </section>
    </div>
  );
}
