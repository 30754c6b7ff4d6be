// Recent events of one grid: the server's list, merged with what the stream brings while it is open.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { EventListResponse } from '../../shared/console.ts';
import type { EntityEvent } from '../../shared/realtime.ts';
import { withQuery } from '../api/http.ts';
import { formatShortDateTime } from '../i18n/i18n.ts';
import { useConsole } from '../state/store.ts';
import { EventDetails, eventTypeLabel } from './event-text.tsx';
import { useApi } from './use-api.ts';

export function EventList({ gridId }: { gridId: number }) {
  const { t } = useTranslation();
  const { data } = useApi(EventListResponse, withQuery('/api/events', { gridId, limit: 50 }));
  const live = useConsole((s) => s.live.events);
  const events = useMemo(() => {
    const bySeq = new Map<number, EntityEvent>();
    for (const e of data?.events ?? []) bySeq.set(e.seq, e);
    for (const e of live) if (e.gridId === gridId) bySeq.set(e.seq, e);
    return [...bySeq.values()].sort((a, b) => b.seq - a.seq).slice(0, 50);
  }, [data, live, gridId]);
  if (events.length === 0) return <p className="hint">{t('events.empty')}</p>;
  return (
    <ol className="event-list" data-testid="grid-events">
      {events.map((e) => (
        <li key={e.seq} data-seq={e.seq}>
          <time dateTime={e.at}>{formatShortDateTime(e.at)}</time>
          <span className="event-type">{eventTypeLabel(t, e.type)}</span>
          <EventDetails event={e} t={t} />
        </li>
      ))}
    </ol>
  );
}
