// The live-stream state as a coloured dot and a word; the last seq on hover.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../i18n/i18n.ts';
import { useConsole } from '../state/store.ts';

export function ConnectionIndicator() {
  const { t } = useTranslation();
  const connection = useConsole((s) => s.connection);
  const error = useConsole((s) => s.realtimeError);
  // The last seq moves with every push (20 a second under load): it is read when the pointer arrives
  // instead of re-rendering the header for each push.
  const [lastSeq, setLastSeq] = useState<number | null>(null);
  const title = [
    t('connection.title'),
    lastSeq !== null ? t('connection.seq', { seq: formatNumber(lastSeq) }) : null,
    error,
  ]
    .filter(Boolean)
    .join(' · ');
  return (
    <span
      className={`connection connection-${connection}`}
      data-testid="connection"
      data-state={connection}
      title={title}
      onPointerEnter={() => setLastSeq(useConsole.getState().live.lastSeq)}
    >
      <span className="connection-dot" aria-hidden="true" />
      {t(`connection.${connection}`)}
    </span>
  );
}
