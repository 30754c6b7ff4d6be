// The dispatcher's search box: grids, villages/townships, addresses and people (name or ID-number tail)
// from /api/search, with the loaded grids and regions matched locally at once. A WAI-ARIA combobox:
// ↑/↓ move, Enter opens, Esc closes (and then clears).
import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { SearchResponse, type SearchHit } from '../../shared/console.ts';
import { apiRequest, isAbort, withQuery } from '../api/http.ts';
import { activeMap } from '../map/map-controller.ts';
import { openOccupant, regionName, selectGrid, useConsole } from '../state/store.ts';

const maxHits = 12;

function localHits(q: string): SearchHit[] {
  const { gridInfo, regionInfo } = useConsole.getState();
  const needle = q.trim().toLowerCase();
  if (!needle) return [];
  const hits: SearchHit[] = [];
  for (const region of regionInfo.values()) {
    if (region.level === 'county') continue;
    if (!region.name.toLowerCase().includes(needle) && !region.code.startsWith(needle)) continue;
    hits.push({
      kind: 'region',
      id: region.code,
      label: region.name,
      detail: regionName(region.parentCode) ?? '',
      gridId: null,
      center: region.anchor,
      bbox: region.bbox,
    });
    if (hits.length >= maxHits) return hits;
  }
  for (const grid of gridInfo.values()) {
    if (!grid.name.toLowerCase().includes(needle) && !grid.code.toLowerCase().startsWith(needle)) continue;
    hits.push({
      kind: 'grid',
      id: grid.id,
      label: grid.name,
      detail: [grid.code, regionName(grid.villageCode), regionName(grid.townshipCode)]
        .filter(Boolean)
        .join(' · '),
      gridId: grid.id,
      center: grid.anchor,
      bbox: grid.bbox,
    });
    if (hits.length >= maxHits) break;
  }
  return hits;
}

const hitKey = (hit: SearchHit): string => `${hit.kind}:${hit.id}`;

export function goToHit(hit: SearchHit): void {
  const map = activeMap();
  if (hit.bbox) map?.fitBbox(hit.bbox, { maxZoom: hit.kind === 'region' ? 14 : 15.5 });
  else if (hit.center) map?.flyTo(hit.center, 15.5);
  if (hit.gridId !== null) selectGrid(hit.gridId);
  if (hit.kind === 'person' && typeof hit.id === 'number') openOccupant(hit.id);
}

export function SearchBox() {
  const { t } = useTranslation();
  const id = useId();
  const [query, setQuery] = useState('');
  const [hits, setHits] = useState<SearchHit[]>([]);
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const [serverFailed, setServerFailed] = useState(false);
  const input = useRef<HTMLInputElement>(null);

  useEffect(() => {
    const q = query.trim();
    if (!q) {
      setHits([]);
      return;
    }
    const local = localHits(q);
    setHits(local);
    setActive(0);
    const controller = new AbortController();
    const timer = window.setTimeout(() => {
      apiRequest(SearchResponse, withQuery('/api/search', { q, limit: maxHits }), {
        signal: controller.signal,
      }).then(
        (res) => {
          const seen = new Set(res.hits.map(hitKey));
          setHits([...res.hits, ...local.filter((h) => !seen.has(hitKey(h)))].slice(0, maxHits));
          setServerFailed(false);
        },
        (error: unknown) => {
          if (!isAbort(error)) setServerFailed(true);
        },
      );
    }, 150);
    return () => {
      window.clearTimeout(timer);
      controller.abort();
    };
  }, [query]);

  const choose = (hit: SearchHit | undefined): void => {
    if (!hit) return;
    goToHit(hit);
    setOpen(false);
    input.current?.blur();
  };

  const onKeyDown = (event: KeyboardEvent<HTMLInputElement>): void => {
    switch (event.key) {
      case 'ArrowDown':
        event.preventDefault();
        setOpen(true);
        setActive((i) => (hits.length ? (i + 1) % hits.length : 0));
        break;
      case 'ArrowUp':
        event.preventDefault();
        setOpen(true);
        setActive((i) => (hits.length ? (i - 1 + hits.length) % hits.length : 0));
        break;
      case 'Enter':
        event.preventDefault();
        choose(hits[active] ?? hits[0]);
        break;
      case 'Escape':
        event.preventDefault();
        if (open && hits.length) setOpen(false);
        else setQuery('');
        break;
    }
  };

  const listId = `${id}-list`;
  const showList = open && query.trim().length > 0;
  return (
    <div className="search" data-testid="search">
      <input
        ref={input}
        type="search"
        role="combobox"
        aria-label={t('search.label')}
        aria-expanded={showList}
        aria-controls={listId}
        aria-autocomplete="list"
        aria-activedescendant={showList && hits[active] ? `${id}-${active}` : undefined}
        placeholder={t('search.placeholder')}
        value={query}
        onChange={(e) => {
          setQuery(e.target.value);
          setOpen(true);
        }}
        onFocus={() => setOpen(true)}
        onBlur={() => setOpen(false)} // options choose on mousedown, before any blur
        onKeyDown={onKeyDown}
      />
      {showList && (
        <ul id={listId} role="listbox" className="search-list">
          {hits.map((hit, i) => (
            <li
              key={hitKey(hit)}
              id={`${id}-${i}`}
              role="option"
              aria-selected={i === active}
              className={i === active ? 'active' : ''}
              data-kind={hit.kind}
              onMouseDown={(e) => {
                e.preventDefault();
                choose(hit);
              }}
              onMouseEnter={() => setActive(i)}
            >
              <span className={`kind kind-${hit.kind}`}>{t(`search.kind.${hit.kind}`)}</span>
              <span className="label">{hit.label}</span>
              <span className="detail">{hit.detail}</span>
            </li>
          ))}
          {hits.length === 0 && <li className="empty">{t('search.empty')}</li>}
          {serverFailed && <li className="empty">{t('search.failed')}</li>}
        </ul>
      )}
    </div>
  );
}
