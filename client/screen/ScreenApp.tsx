// Big-screen mode (/screen): dark, fills any video wall (CSS grid, sizes in vw/vh through clamp()), the
// county map in the centre, KPI tiles and the township ranking on the left, the time series and the
// event ticker on the right. Aggregates only: this page never asks for people.
import { useTranslation } from 'react-i18next';
import { Legend } from '../map/MapControls.tsx';
import { MapView } from '../map/MapView.tsx';
import type { Camera } from '../map/map-controller.ts';
import { ConnectionIndicator } from '../panels/ConnectionIndicator.tsx';
import { LanguageSwitch } from '../panels/LanguageSwitch.tsx';
import { Clock } from './Clock.tsx';
import { EventTicker } from './EventTicker.tsx';
import { HotspotTour } from './HotspotTour.tsx';
import { KpiTiles } from './KpiTiles.tsx';
import { TimeSeriesChart } from './TimeSeriesChart.tsx';
import { TownshipRanking } from './TownshipRanking.tsx';

export function ScreenApp({ camera, tour }: { camera: Camera | null; tour: boolean }) {
  const { t } = useTranslation();
  return (
    <div className="screen" data-testid="screen">
      <header className="screen-header" data-panel="header">
        <h1>{t('app.screenTitle')}</h1>
        <div className="screen-header-right">
          <Clock />
          <ConnectionIndicator />
          <LanguageSwitch />
        </div>
      </header>
      <div className="screen-body">
        <div className="screen-col left">
          <KpiTiles />
          <TownshipRanking />
        </div>
        <section className="screen-panel screen-map" data-panel="map">
          <MapView mode="screen" camera={camera} />
          <HotspotTour enabled={tour} />
          <div className="screen-legend">
            <Legend compact />
          </div>
          <div className="synthetic-note" role="note">
            {t('app.synthetic')}
          </div>
        </section>
        <div className="screen-col right">
          <TimeSeriesChart />
          <EventTicker />
        </div>
      </div>
    </div>
  );
}
