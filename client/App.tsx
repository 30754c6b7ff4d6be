// The console shell: session, reference data and the live stream for whichever mode the path chose
// (`/` dispatcher console, `/screen` big screen).
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import type { Camera } from './map/map-controller.ts';
import { LayerSwitches, Legend, MetricSwitch, RegionZoom, ZoomButtons } from './map/MapControls.tsx';
import { MapView } from './map/MapView.tsx';
import { ConnectionIndicator } from './panels/ConnectionIndicator.tsx';
import { GridPanel } from './panels/GridPanel.tsx';
import { HealthCard } from './panels/HealthCard.tsx';
import { LanguageSwitch } from './panels/LanguageSwitch.tsx';
import { LoginForm } from './panels/LoginForm.tsx';
import { OccupantDetail } from './panels/OccupantDetail.tsx';
import { SearchBox } from './panels/SearchBox.tsx';
import { startRealtime } from './realtime/socket.ts';
import { ScreenApp } from './screen/ScreenApp.tsx';
import { canPlan, PlanApp } from './plan/PlanApp.tsx';
import { loadReference, logout, refreshSession, useConsole, type Mode } from './state/store.ts';

function DispatcherConsole({ camera }: { camera: Camera | null }) {
  const selected = useConsole((s) => s.selectedGridId);
  return (
    <main className={`console ${selected !== null ? 'with-panel' : ''}`}>
      <section className="map-area">
        <MapView mode="dispatcher" camera={camera} />
        <div className="map-panel" data-testid="map-panel">
          <MetricSwitch />
          <LayerSwitches />
          <RegionZoom />
          <Legend />
        </div>
        <ZoomButtons />
      </section>
      {selected !== null && <GridPanel />}
      <OccupantDetail />
    </main>
  );
}

function Header({ mode }: { mode: Mode }) {
  const { t } = useTranslation();
  const user = useConsole((s) => s.user);
  return (
    <header className="app-header">
      <h1>
        {t('app.title')} <span className="sub">{t('app.county')}</span>
      </h1>
      {user && mode !== 'screen' && <SearchBox />}
      <div className="header-right">
        {user && <ConnectionIndicator />}
        {user && canPlan(user.role) && mode !== 'plan' && (
          <a className="link" href="/plan" data-testid="open-plan">
            {t('plan.open')}
          </a>
        )}
        {user && (
          <a className="link" href="/screen" target="_blank" rel="noreferrer">
            {t('app.openScreen')}
          </a>
        )}
        {user && (
          <span className="user">
            {user.displayName} · {t(`role.${user.role}`)}{' '}
            <button type="button" className="link" onClick={() => void logout()}>
              {t('user.logout')}
            </button>
          </span>
        )}
        <LanguageSwitch />
      </div>
    </header>
  );
}

export function App({ mode, camera, tour }: { mode: Mode; camera: Camera | null; tour: boolean }) {
  const { t } = useTranslation();
  const user = useConsole((s) => s.user);
  const checked = useConsole((s) => s.sessionChecked);
  const userId = user?.id ?? null;

  useEffect(() => {
    void refreshSession();
  }, []);

  useEffect(() => {
    document.title = t(mode === 'screen' ? 'app.screenTitle' : 'app.title');
  }, [t, mode]);

  useEffect(() => {
    if (userId === null) return;
    void loadReference();
    const realtime = startRealtime();
    return () => realtime.stop();
  }, [userId]);

  if (mode === 'screen' && user) return <ScreenApp camera={camera} tour={tour} />;

  return (
    <div className="app">
      <Header mode={mode} />
      <div className="synthetic-banner" role="note">
        {t('app.synthetic')}
      </div>
      {user && mode === 'plan' ? (
        <PlanApp camera={camera} />
      ) : user ? (
        <DispatcherConsole camera={camera} />
      ) : (
        <main className="login-page">
          {checked && (
            <LoginForm
              defaultUser={mode === 'screen' ? 'screen' : mode === 'plan' ? 'planner' : 'commander'}
            />
          )}
          <HealthCard />
        </main>
      )}
    </div>
  );
}
