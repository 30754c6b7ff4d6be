// The wall clock in the big screen's header, in the current language's format.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatClock } from '../i18n/i18n.ts';

export function Clock() {
  useTranslation();
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = window.setInterval(() => setNow(new Date()), 1000);
    return () => window.clearInterval(timer);
  }, []);
  return (
    <time className="clock" dateTime={now.toISOString()}>
      {formatClock(now)}
    </time>
  );
}
