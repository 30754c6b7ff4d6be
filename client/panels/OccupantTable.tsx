// A grid's occupants, paged, sorted and filtered on the server (fast on grids with thousands of
// people). Refetches when the grid's live status changes, so a registration shows up without a click.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { healthCodes, occupantKinds, occupantStatuses } from '../../shared/domain.ts';
import { OccupantPage, type OccupantListQuery } from '../../shared/occupants.ts';
import { ApiRequestError, withQuery } from '../api/http.ts';
import { formatNumber, formatShortDateTime } from '../i18n/i18n.ts';
import { openOccupant, useConsole } from '../state/store.ts';
import { useApi } from './use-api.ts';

export const occupantPageSizes = [10, 20, 50, 100] as const;

type SortKey = OccupantListQuery['sort'];
type Filters = Pick<OccupantListQuery, 'healthCode' | 'kind' | 'status'>;

export function occupantsPath(
  gridId: number,
  q: { page: number; pageSize: number; sort: SortKey; order: 'asc' | 'desc' } & Filters,
): string {
  return withQuery(`/api/grids/${gridId}/occupants`, {
    page: q.page,
    pageSize: q.pageSize,
    sort: q.sort,
    order: q.order,
    healthCode: q.healthCode,
    kind: q.kind,
    status: q.status,
  });
}

export function OccupantTable({ gridId }: { gridId: number }) {
  const { t } = useTranslation();
  const [page, setPage] = useState(1);
  const [pageSize, setPageSize] = useState<number>(20);
  const [sort, setSort] = useState<SortKey>('registeredAt');
  const [order, setOrder] = useState<'asc' | 'desc'>('desc');
  const [filters, setFilters] = useState<Filters>({});
  const status = useConsole((s) => s.live.grids.get(gridId));
  const { data, error, loading, reload } = useApi(
    OccupantPage,
    occupantsPath(gridId, { page, pageSize, sort, order, ...filters }),
  );

  useEffect(() => {
    setPage(1);
    setFilters({});
  }, [gridId]);

  // A status change of this grid may mean new or changed people: refresh, at most every 0.5 s.
  const [seenStatus, setSeenStatus] = useState(status);
  useEffect(() => {
    if (status === seenStatus) return;
    const timer = window.setTimeout(() => {
      setSeenStatus(status);
      if (seenStatus) reload();
    }, 500);
    return () => window.clearTimeout(timer);
  }, [status, seenStatus, reload]);

  if (error instanceof ApiRequestError && error.status === 403)
    return <p className="hint">{t('occupants.forbidden')}</p>;

  const pages = data ? Math.max(1, Math.ceil(data.total / pageSize)) : 1;
  const sortBy = (key: SortKey): void => {
    if (key === sort) setOrder(order === 'asc' ? 'desc' : 'asc');
    else {
      setSort(key);
      setOrder(key === 'name' ? 'asc' : 'desc');
    }
    setPage(1);
  };
  const header = (key: SortKey, label: string) => (
    <th aria-sort={sort === key ? (order === 'asc' ? 'ascending' : 'descending') : 'none'}>
      <button
        type="button"
        className="sort"
        data-sort={key}
        title={t('occupants.sortBy', { column: label })}
        onClick={() => sortBy(key)}
      >
        {label}
        {sort === key ? (order === 'asc' ? ' ▲' : ' ▼') : ''}
      </button>
    </th>
  );
  const filter = <K extends keyof Filters>(
    key: K,
    values: readonly NonNullable<Filters[K]>[],
    label: (v: string) => string,
  ) => (
    <label>
      {t(`occupants.${key}`)}
      <select
        data-filter={key}
        value={filters[key] ?? ''}
        onChange={(e) => {
          setFilters({ ...filters, [key]: e.target.value || undefined });
          setPage(1);
        }}
      >
        <option value="">{t('occupants.all')}</option>
        {values.map((v) => (
          <option key={v} value={v}>
            {label(v)}
          </option>
        ))}
      </select>
    </label>
  );

  return (
    <div className="occupants" data-testid="occupants" aria-busy={loading}>
      <div className="filters">
        {filter('healthCode', healthCodes, (v) => t(`healthCode.${v}`))}
        {filter('kind', occupantKinds, (v) => t(`occupants.kindValue.${v}`))}
        {filter('status', occupantStatuses, (v) => t(`occupants.statusValue.${v}`))}
        <label>
          {t('occupants.pageSize')}
          <select
            data-filter="pageSize"
            value={pageSize}
            onChange={(e) => {
              setPageSize(Number(e.target.value));
              setPage(1);
            }}
          >
            {occupantPageSizes.map((n) => (
              <option key={n} value={n}>
                {formatNumber(n)}
              </option>
            ))}
          </select>
        </label>
      </div>
      {data?.masked && <p className="hint masked-note">{t('occupants.masked')}</p>}
      {error && !(error instanceof ApiRequestError && error.status === 403) && (
        <p className="error">
          {t('common.loadFailed')}{' '}
          <button type="button" className="link" onClick={reload}>
            {t('common.retry')}
          </button>
        </p>
      )}
      <div className="table-wrap">
        <table className="dense">
          <thead>
            <tr>
              {header('name', t('occupants.name'))}
              <th>{t('occupants.idNumber')}</th>
              {header('healthCode', t('occupants.healthCode'))}
              <th>{t('occupants.status')}</th>
              {header('arrivedAt', t('occupants.arrivedAt'))}
              {header('registeredAt', t('occupants.registeredAt'))}
            </tr>
          </thead>
          <tbody>
            {data?.items.map((o) => (
              <tr
                key={o.id}
                data-occupant-id={o.id}
                tabIndex={0}
                onClick={() => openOccupant(o.id)}
                onKeyDown={(e) => e.key === 'Enter' && openOccupant(o.id)}
              >
                <td>
                  {o.name}
                  <span className="sub">{t(`occupants.kindValue.${o.kind}`)}</span>
                </td>
                <td className="mono">{o.idNumber}</td>
                <td>
                  <span className={`code-chip code-${o.healthCode}`}>{t(`healthCode.${o.healthCode}`)}</span>
                </td>
                <td>{t(`occupants.statusValue.${o.status}`)}</td>
                <td>{o.arrivedAt ? formatShortDateTime(o.arrivedAt) : t('common.none')}</td>
                <td>{formatShortDateTime(o.registeredAt)}</td>
              </tr>
            ))}
            {data && data.items.length === 0 && (
              <tr>
                <td colSpan={6} className="empty">
                  {t('occupants.empty')}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      </div>
      <div className="pager">
        <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          {t('occupants.prev')}
        </button>
        <span data-testid="occupant-pages">
          {data
            ? t('occupants.page', {
                page: formatNumber(page),
                pages: formatNumber(pages),
                total: formatNumber(data.total),
              })
            : t('common.loading')}
        </span>
        <button type="button" disabled={!data || page >= pages} onClick={() => setPage(page + 1)}>
          {t('occupants.next')}
        </button>
      </div>
    </div>
  );
}
