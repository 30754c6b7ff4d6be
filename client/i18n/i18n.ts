// i18next set up with zh-CN as the default and English as the switch; the choice is remembered.
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
});
document.documentElement.lang = initial;

export function setLanguage(language: Language): void {
  void i18next.changeLanguage(language);
  localStorage.setItem('gc-language', language);
  document.documentElement.lang = language;
}

export const formatNumber = (value: number): string => new Intl.NumberFormat(i18next.language).format(value);
export const formatDateTime = (iso: string): string =>
  new Intl.DateTimeFormat(i18next.language, { dateStyle: 'medium', timeStyle: 'short' }).format(
    new Date(iso),
  );

export default i18next;
