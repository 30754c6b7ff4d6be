// One entity event as a line of text: what happened, where, and its non-personal details.
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import type { EntityEvent } from '../../shared/realtime.ts';
import { formatNumber } from '../i18n/i18n.ts';
import { regionName, useConsole } from '../state/store.ts';

export function eventTypeLabel(t: TFunction, type: string): string {
  return t(`events.type.${type}`, { defaultValue: type });
}

export function eventPlace(event: Pick<EntityEvent, 'gridId'>): string {
  const grid = event.gridId !== null ? useConsole.getState().gridInfo.get(event.gridId) : undefined;
  const township = regionName(grid?.townshipCode);
  return [township, grid?.name].filter(Boolean).join(' · ');
}

export function EventDetails({
  event,
  t,
}: {
  event: { data: Readonly<Record<string, unknown>> };
  t: TFunction;
}) {
  const { data } = event;
  const chips: ReactNode[] = [];
  for (const key of ['healthCode', 'from', 'to'] as const) {
    const value = data[key];
    if (value === 'green' || value === 'yellow' || value === 'red')
      chips.push(
        <span key={key} className={`code-chip code-${value}`}>
          {t(`healthCode.${value}`)}
        </span>,
      );
  }
  const status = data.status;
  if (status === 'at_home' || status === 'isolated' || status === 'left')
    chips.push(
      <span key="status" className="chip">
        {t(`occupants.statusValue.${status}`)}
      </span>,
    );
  for (const key of ['count', 'occupancy', 'passed'] as const) {
    const value = data[key];
    if (typeof value === 'number')
      chips.push(
        <span key={key} className="chip">
          {formatNumber(value)}
        </span>,
      );
  }
  return chips.length ? <span className="event-chips">{chips}</span> : null;
}
