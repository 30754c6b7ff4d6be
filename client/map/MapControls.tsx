// The dispatcher's map panel: metric switch, layer switches, legend, zoom to region, zoom buttons.
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { formatNumber } from '../i18n/i18n.ts';
import { layerIds, setLayer, setMetric, useConsole, type LayerId } from '../state/store.ts';
import { checkpointColors } from './checkpoint-layer.ts';
import { activeMap } from './map-controller.ts';
import { legendEntries, metrics, noDataColor, occupancyColors } from '../../shared/metrics.ts';

const rgb = (c: readonly number[]): string => `rgb(${c[0]}, ${c[1]}, ${c[2]})`;

export function MetricSwitch() {
  const { t } = useTranslation();
  const metric = useConsole((s) => s.metric);
  return (
    <fieldset className="control-group" data-testid="metric-switch">
      <legend>{t('metric.title')}</legend>
      <div className="segmented">
        {metrics.map((m) => (
          <button
            key={m}
            type="button"
            className={m === metric ? 'active' : ''}
            aria-pressed={m === metric}
            data-metric={m}
            onClick={() => setMetric(m)}
          >
            {t(`metric.${m}`)}
          </button>
        ))}
      </div>
    </fieldset>
  );
}

export function LayerSwitches({ only }: { only?: readonly LayerId[] }) {
  const { t } = useTranslation();
  const layers = useConsole((s) => s.layers);
  return (
    <fieldset className="control-group" data-testid="layer-switches">
      <legend>{t('layers.title')}</legend>
      {(only ?? layerIds).map((id) => (
        <label key={id} className="check">
          <input
            type="checkbox"
            checked={layers[id]}
            data-layer={id}
            onChange={(e) => setLayer(id, e.target.checked)}
          />
          {t(`layers.${id}`)}
        </label>
      ))}
    </fieldset>
  );
}

export function Legend({ compact = false }: { compact?: boolean }) {
  const { t } = useTranslation();
  const metric = useConsole((s) => s.metric);
  const breaks = useConsole((s) => s.breaks);
  const layers = useConsole((s) => s.layers);
  const entries = legendEntries(metric, breaks);
  const format = (params?: Record<string, string | number>) =>
    params
      ? Object.fromEntries(
          Object.entries(params).map(([k, v]) => [k, typeof v === 'number' ? formatNumber(v) : v]),
        )
      : undefined;
  return (
    <div className={`legend ${compact ? 'compact' : ''}`} data-testid="legend">
      <div className="legend-title">
        {t('legend.title')} · {t(`metric.${metric}`)}
      </div>
      <ul>
        {entries.map((entry) => (
          <li key={entry.key + JSON.stringify(entry.params ?? {})}>
            <span className="swatch" style={{ background: entry.color }} />
            {t(entry.key, format(entry.params))}
          </li>
        ))}
        <li>
          <span className="swatch" style={{ background: noDataColor }} />
          {t('legend.noData')}
        </li>
      </ul>
      {!compact && (
        <ul className="legend-symbols">
          <li>
            <span className="line-swatch changed" />
            {t('legend.changed')}
          </li>
          {layers.boundaries && (
            <li>
              <span className="line-swatch township" />
              {t('legend.township')}
            </li>
          )}
          {layers.sector && (
            <li>
              <span className="line-swatch sector" />
              {t('legend.sector')}
            </li>
          )}
          {layers.checkpoints && (
            <>
              <li>
                <span className="diamond" style={{ background: rgb(checkpointColors.traffic) }} />
                {t('legend.checkpointTraffic')}
              </li>
              <li>
                <span className="diamond" style={{ background: rgb(checkpointColors.village) }} />
                {t('legend.checkpointVillage')}
              </li>
            </>
          )}
          {layers.isolationSites && (
            <li>
              <span className="dots">
                {occupancyColors.map(([from, color]) => (
                  <span key={from} className="dot" style={{ background: rgb(color) }} />
                ))}
              </span>
              {t('legend.isolation')}
            </li>
          )}
          {layers.heat && (
            <li>
              <span className="heat-swatch" />
              {t('legend.heat')}
            </li>
          )}
        </ul>
      )}
    </div>
  );
}

export function RegionZoom() {
  const { t } = useTranslation();
  const tree = useConsole((s) => s.regionTree);
  const regionInfo = useConsole((s) => s.regionInfo);
  const [township, setTownship] = useState('');
  const [village, setVillage] = useState('');
  if (!tree) return null;
  const townships = tree.level === 'county' ? tree.children : [tree];
  const villages = townships.find((c) => c.code === township)?.children ?? [];
  const zoomTo = (code: string): void => {
    const bbox = code ? regionInfo.get(code)?.bbox : null;
    if (bbox) activeMap()?.fitBbox(bbox, { maxZoom: 14 });
    else activeMap()?.resetView();
  };
  return (
    <fieldset className="control-group" data-testid="region-zoom">
      <legend>{t('zoom.title')}</legend>
      <select
        aria-label={t('zoom.township')}
        value={township}
        onChange={(e) => {
          setTownship(e.target.value);
          setVillage('');
          zoomTo(e.target.value);
        }}
      >
        <option value="">{t('zoom.county')}</option>
        {townships.map((c) => (
          <option key={c.code} value={c.code}>
            {c.name}
          </option>
        ))}
      </select>
      {villages.length > 0 && (
        <select
          aria-label={t('zoom.village')}
          value={village}
          onChange={(e) => {
            setVillage(e.target.value);
            zoomTo(e.target.value || township);
          }}
        >
          <option value="">{t('zoom.all')}</option>
          {villages.map((c) => (
            <option key={c.code} value={c.code}>
              {c.name}
            </option>
          ))}
        </select>
      )}
    </fieldset>
  );
}

export function ZoomButtons() {
  const { t } = useTranslation();
  return (
    <div className="zoom-buttons">
      <button
        type="button"
        title={t('mapControls.zoomIn')}
        aria-label={t('mapControls.zoomIn')}
        onClick={() => activeMap()?.map.zoomIn()}
      >
        +
      </button>
      <button
        type="button"
        title={t('mapControls.zoomOut')}
        aria-label={t('mapControls.zoomOut')}
        onClick={() => activeMap()?.map.zoomOut()}
      >
        −
      </button>
      <button
        type="button"
        title={t('mapControls.reset')}
        aria-label={t('mapControls.reset')}
        onClick={() => activeMap()?.resetView()}
      >
        ⌂
      </button>
    </div>
  );
}
