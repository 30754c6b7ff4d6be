// Hourly arrivals (bars) and registrations (line) over the last 24 hours, drawn as SVG in the panel's
// own pixel size so that text is never stretched.
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { TimeSeries } from '../../shared/console.ts';
import { formatHour, formatNumber } from '../i18n/i18n.ts';
import { usePolled } from './use-polled.ts';

/** Whole-number axis ticks: a 1/2/5 step giving about four intervals up to at least `value`. */
export function axisTicks(value: number): number[] {
  const raw = Math.max(1, value) / 4;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  const step = Math.max(1, ([1, 2, 5, 10].find((s) => s * magnitude >= raw) ?? 10) * magnitude);
  const top = Math.ceil(Math.max(1, value) / step) * step;
  const ticks: number[] = [];
  for (let t = 0; t <= top; t += step) ticks.push(t);
  return ticks;
}

function useSize<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [size, setSize] = useState({ width: 0, height: 0 });
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const observer = new ResizeObserver(([entry]) => {
      if (entry) setSize({ width: entry.contentRect.width, height: entry.contentRect.height });
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);
  return { ref, ...size };
}

export function TimeSeriesChart() {
  const { t } = useTranslation();
  const { data } = usePolled(TimeSeries, '/api/status/timeseries?hours=24', {
    everyMs: 60_000,
    onLiveMs: 5_000,
  });
  const { ref, width, height } = useSize<HTMLDivElement>();
  const buckets = data?.buckets ?? [];
  const font = ref.current ? parseFloat(getComputedStyle(ref.current).fontSize) : 14;
  const ticks = axisTicks(Math.max(1, ...buckets.map((b) => Math.max(b.arrivals, b.registrations))));
  // Room for the widest tick label ("15,000"), at about 0.62 em per tabular digit or separator.
  const widestTick = Math.max(...ticks.map((tick) => formatNumber(tick).length));
  const pad = {
    left: font * (0.62 * widestTick + 0.8),
    right: font * 0.8,
    top: font * 0.8,
    bottom: font * 1.8,
  };
  const w = Math.max(0, width - pad.left - pad.right);
  const h = Math.max(0, height - pad.top - pad.bottom);
  const max = ticks[ticks.length - 1]!;
  const x = (i: number) => pad.left + (buckets.length ? (i + 0.5) * (w / buckets.length) : 0);
  const y = (v: number) => pad.top + h - (v / max) * h;
  const barWidth = buckets.length ? (w / buckets.length) * 0.62 : 0;
  const line = buckets
    .map((b, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(b.registrations).toFixed(1)}`)
    .join('');
  return (
    <section className="screen-panel series" data-panel="series">
      <h2>{t('screen.series')}</h2>
      <div className="series-legend">
        <span className="key bars" /> {t('screen.seriesArrivals')} <span className="key line" />{' '}
        {t('screen.seriesRegistrations')}
      </div>
      <div className="chart" ref={ref} data-testid="timeseries" data-buckets={buckets.length}>
        {width > 0 && height > 0 && (
          <svg width={width} height={height} role="img" aria-label={t('screen.series')}>
            {ticks.map((tick) => (
              <g key={tick}>
                <line x1={pad.left} x2={pad.left + w} y1={y(tick)} y2={y(tick)} className="grid-line" />
                <text x={pad.left - font * 0.4} y={y(tick) + font * 0.35} textAnchor="end" className="axis">
                  {formatNumber(tick)}
                </text>
              </g>
            ))}
            {buckets.map((b, i) => (
              <rect
                key={b.at}
                x={x(i) - barWidth / 2}
                y={y(b.arrivals)}
                width={barWidth}
                height={Math.max(0, pad.top + h - y(b.arrivals))}
                className="bar"
              >
                <title>{`${formatHour(b.at)} · ${t('screen.seriesArrivals')} ${formatNumber(b.arrivals)} · ${t('screen.seriesRegistrations')} ${formatNumber(b.registrations)}`}</title>
              </rect>
            ))}
            {buckets.length > 0 && <path d={line} className="line" />}
            {buckets.map((b, i) =>
              // Every sixth hour, and the last one unless it would crowd the label before it.
              i % 6 === 0 || (i === buckets.length - 1 && i % 6 >= 4) ? (
                <text key={b.at} x={x(i)} y={pad.top + h + font * 1.3} textAnchor="middle" className="axis">
                  {formatHour(b.at)}
                </text>
              ) : null,
            )}
          </svg>
        )}
      </div>
    </section>
  );
}
