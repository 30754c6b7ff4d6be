// The console shell: login, system status and the county map. (Dispatcher drill-down, big screen and
// planner modes build on this.)
import { useEffect, useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { GridFeatureCollection } from '../shared/grids.ts';
import { HealthResponse } from '../shared/health.ts';
import { apiRequest } from './api/http.ts';
import { formatDateTime, formatNumber, setLanguage } from './i18n/i18n.ts';
import { GridMap } from './map/GridMap.tsx';
import { useSession } from './state/session.ts';

function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <button className="link" onClick={() => setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}>
      {t('language.switch')}
    </button>
  );
}

function LoginForm() {
  const { t } = useTranslation();
  const login = useSession((s) => s.login);
  const [username, setUsername] = useState('commander');
  const [password, setPassword] = useState('');
  const [failed, setFailed] = useState(false);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setFailed(false);
    try {
      await login(username, password);
    } catch {
      setFailed(true);
    }
  };
  return (
    <form className="card login" onSubmit={(e) => void submit(e)}>
      <h2>{t('login.title')}</h2>
      <label>
        {t('login.username')}
        <input value={username} onChange={(e) => setUsername(e.target.value)} autoComplete="username" />
      </label>
      <label>
        {t('login.password')}
        <input
          type="password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          autoComplete="current-password"
        />
      </label>
      {failed && <p className="error">{t('login.failed')}</p>}
      <button type="submit">{t('login.submit')}</button>
      <p className="hint">{t('login.demo')}: commander · dispatcher · planner · gridworker · screen</p>
    </form>
  );
}

function HealthCard({ health }: { health: HealthResponse | null }) {
  const { t } = useTranslation();
  if (!health) return <div className="card">{t('health.unreachable')}</div>;
  const counts = health.dataset.counts;
  const shown = [
    'townships',
    'villages',
    'territorialGrids',
    'sectorGrids',
    'gridWorkers',
    'occupants',
    'arrivals',
    'addresses',
    'checkpoints',
    'isolationSites',
  ] as const;
  return (
    <div className="card health">
      <h2>{t('health.title')}</h2>
      <p>
        {t('health.engine')}: {t(`engine.${health.engine}`)} ·{' '}
        {t('health.versions', { postgres: health.postgresVersion, postgis: health.postgisVersion })}
      </p>
      {health.dataset.loadedAt && (
        <p className="hint">{t('health.loadedAt', { date: formatDateTime(health.dataset.loadedAt) })}</p>
      )}
      <dl className="counts">
        {shown.map((key) => (
          <div key={key} data-count={key}>
            <dt>{t(`counts.${key}`)}</dt>
            <dd>{formatNumber(counts[key])}</dd>
          </div>
        ))}
      </dl>
    </div>
  );
}

export function App() {
  const { t } = useTranslation();
  const { user, checked, refresh, logout } = useSession();
  const [health, setHealth] = useState<HealthResponse | null>(null);
  const [grids, setGrids] = useState<GridFeatureCollection | null>(null);

  useEffect(() => {
    void refresh();
    apiRequest(HealthResponse, '/api/health').then(setHealth, () => setHealth(null));
  }, [refresh]);

  useEffect(() => {
    if (!user) return;
    apiRequest(GridFeatureCollection, '/api/grids').then(setGrids, () => setGrids(null));
  }, [user]);

  return (
    <div className="app">
      <header>
        <h1>
          {t('app.title')} <span className="sub">{t('app.county')}</span>
        </h1>
        <div className="header-right">
          {user && (
            <span className="user">
              {user.displayName} · {t(`role.${user.role}`)}{' '}
              <button className="link" onClick={() => void logout()}>
                {t('user.logout')}
              </button>
            </span>
          )}
          <LanguageSwitch />
        </div>
      </header>
      <div className="synthetic-banner" role="note">
        {t('app.synthetic')}
      </div>
      <main>
        <aside>
          {checked && !user && <LoginForm />}
          <HealthCard health={health} />
        </aside>
        <section className="map-area">{user && <GridMap grids={grids} />}</section>
      </main>
    </div>
  );
}
