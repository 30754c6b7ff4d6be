// Live entity events, newest first (no personal data: the stream carries none to this screen). The list
// is refreshed once a second, not per event: at tens of events a second a wall ticker that moves on every
// event cannot be read, and re-rendering it per event costs the map frames.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../i18n/i18n.ts';
import { EventDetails, eventPlace, eventTypeLabel } from '../panels/event-text.tsx';
import { useConsole } from '../state/store.ts';

const shown = 24;
const refreshMs = 1000;

const latestEvents = () => useConsole.getState().live.events.slice(-shown).reverse();

export function EventTicker() {
  const { t } = useTranslation();
  const gridInfo = useConsole((s) => s.gridInfo);
  const [recent, setRecent] = useState(latestEvents);
  useEffect(() => {
    const timer = window.setInterval(() => {
      const next = latestEvents();
      setRecent((shownNow) => (shownNow[0]?.seq === next[0]?.seq ? shownNow : next));
    }, refreshMs);
    return () => window.clearInterval(timer);
  }, []);
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
