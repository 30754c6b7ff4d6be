// Live entity events, newest first (no personal data: the stream carries none to this screen).
import { useTranslation } from 'react-i18next';
import { formatTime } from '../i18n/i18n.ts';
import { EventDetails, eventPlace, eventTypeLabel } from '../panels/event-text.tsx';
import { useConsole } from '../state/store.ts';

const shown = 24;

export function EventTicker() {
  const { t } = useTranslation();
  const events = useConsole((s) => s.live.events);
  const gridInfo = useConsole((s) => s.gridInfo);
  const recent = events.slice(-shown).reverse();
  return (
    <section className="screen-panel ticker" data-panel="ticker">
      <h2>{t('screen.ticker')}</h2>
      {/* A ticker: older lines scroll out at the bottom by design. */}
      <ol className="ticker-list" data-overflow="ticker" data-testid="ticker">
        {recent.length === 0 && <li className="empty">{t('events.empty')}</li>}
        {recent.map((e) => (
          <li key={e.seq} data-seq={e.seq} className={e.data.healthCode === 'red' ? 'alert' : ''}>
            <time dateTime={e.at}>{formatTime(e.at)}</time>
            <span className="event-type">{eventTypeLabel(t, e.type)}</span>
            <span className="place">{gridInfo.size ? eventPlace(e) : ''}</span>
            <EventDetails event={e} t={t} />
          </li>
        ))}
      </ol>
    </section>
  );
}
