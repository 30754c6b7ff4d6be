import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import '@fontsource/noto-sans-sc/latin-400.css';
import '@fontsource/noto-sans-sc/chinese-simplified-400.css';
import '@fontsource/noto-sans-sc/latin-700.css';
import '@fontsource/noto-sans-sc/chinese-simplified-700.css';
import { App } from './App.tsx';
import './i18n/i18n.ts';
import { applyView, setMode, type Mode } from './state/store.ts';
import './styles.css';
import { installTestHook } from './test-hook.ts';
import { readUrlView, startUrlSync } from './url-state.ts';

const path = window.location.pathname.replace(/\/+$/, '');
const mode: Mode = path === '/screen' ? 'screen' : path === '/plan' ? 'plan' : 'dispatcher';
setMode(mode);
const view = readUrlView();
applyView(view);
startUrlSync();
installTestHook();
if (mode === 'screen') document.documentElement.classList.add('screen-mode');
const tour = new URLSearchParams(window.location.search).get('tour') !== 'off';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App mode={mode} camera={view.camera ?? null} tour={tour} />
  </StrictMode>,
);
