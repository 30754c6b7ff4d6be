// The live-stream state as a coloured dot and a word; the last seq on hover.
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../i18n/i18n.ts';
import { useConsole } from '../state/store.ts';

export function ConnectionIndicator() {
  const { t } = useTranslation();
  const connection = useConsole((s) => s.connection);
  const lastSeq = useConsole((s) => s.live.lastSeq);
  const error = useConsole((s) => s.realtimeError);
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
    >
      <span className="connection-dot" aria-hidden="true" />
      {t(`connection.${connection}`)}
    </span>
  );
}
