// Log in with a demo account; the big screen suggests its own account.
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { login } from '../state/store.ts';

export function LoginForm({ defaultUser }: { defaultUser: string }) {
  const { t } = useTranslation();
  const [username, setUsername] = useState(defaultUser);
  const [password, setPassword] = useState('');
  const [failed, setFailed] = useState(false);
  const [busy, setBusy] = useState(false);
  const submit = async (event: FormEvent): Promise<void> => {
    event.preventDefault();
    setFailed(false);
    setBusy(true);
    try {
      await login(username, password);
    } catch {
      setFailed(true);
    } finally {
      setBusy(false);
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
      {failed && (
        <p className="error" role="alert">
          {t('login.failed')}
        </p>
      )}
      <button type="submit" disabled={busy}>
        {t('login.submit')}
      </button>
      <p className="hint">{t('login.demo')}: commander · dispatcher · planner · gridworker · screen</p>
    </form>
  );
}
