// i18next set up with zh-CN as the default and English as the switch; the choice is remembered.
// Numbers, percentages and dates are formatted with Intl in the current language.
import i18next from 'i18next';
import { initReactI18next } from 'react-i18next';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

export const languages = ['zh-CN', 'en'] as const;
export type Language = (typeof languages)[number];

const stored = typeof localStorage === 'undefined' ? null : localStorage.getItem('gc-language');
const initial: Language = stored === 'en' ? 'en' : 'zh-CN';

void i18next.use(initReactI18next).init({
  lng: initial,
  fallbackLng: 'zh-CN',
  resources: { 'zh-CN': { translation: zhCN }, en: { translation: en } },
  interpolation: { escapeValue: false },
  // Event types are keys like `arrival:registered`: the colon is not a namespace separator here.
  nsSeparator: false,
});
document.documentElement.lang = initial;

export function setLanguage(language: Language): void {
  void i18next.changeLanguage(language);
  localStorage.setItem('gc-language', language);
  document.documentElement.lang = language;
}

export const currentLanguage = (): Language => (i18next.language === 'en' ? 'en' : 'zh-CN');

const cache = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function cached<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  const full = `${i18next.language}|${key}`;
  let format = cache.get(full) as T | undefined;
  if (!format) {
    format = make();
    cache.set(full, format);
  }
  return format;
}

export const formatNumber = (value: number): string =>
  cached('n', () => new Intl.NumberFormat(i18next.language)).format(value);

export const formatPercent = (share: number): string =>
  cached(
    'p',
    () => new Intl.NumberFormat(i18next.language, { style: 'percent', maximumFractionDigits: 1 }),
  ).format(share);

export const formatDecimal = (value: number, digits = 2): string =>
  cached(
    `d${digits}`,
    () => new Intl.NumberFormat(i18next.language, { maximumFractionDigits: digits }),
  ).format(value);

export const formatDateTime = (iso: string): string =>
  cached(
    'dt',
    () => new Intl.DateTimeFormat(i18next.language, { dateStyle: 'medium', timeStyle: 'short' }),
  ).format(new Date(iso));

/** Short date and time for dense tables: 11/28 14:05 / 28 Nov, 14:05. */
export const formatShortDateTime = (iso: string): string =>
  cached(
    'sdt',
    () =>
      new Intl.DateTimeFormat(i18next.language, {
        month: 'numeric',
        day: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hour12: false,
      }),
  ).format(new Date(iso));

export const formatTime = (iso: string | Date): string =>
  cached(
    't',
    () =>
      new Intl.DateTimeFormat(i18next.language, {
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hour12: false,
      }),
  ).format(typeof iso === 'string' ? new Date(iso) : iso);

export const formatHour = (iso: string): string =>
  cached(
    'h',
    () => new Intl.DateTimeFormat(i18next.language, { hour: '2-digit', minute: '2-digit', hour12: false }),
  ).format(new Date(iso));

export const formatClock = (date: Date): string =>
  cached(
    'clock',
    () =>
      new Intl.DateTimeFormat(i18next.language, {
        year: 'numeric',
        month: 'long',
        day: 'numeric',
        weekday: 'short',
        hour: '2-digit',
        minute: '2-digit',
        second: '2-digit',
        hour12: false,
      }),
  ).format(date);

export default i18next;
