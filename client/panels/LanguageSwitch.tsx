// zh-CN ⇄ English.
import { useTranslation } from 'react-i18next';
import { setLanguage } from '../i18n/i18n.ts';

export function LanguageSwitch() {
  const { t, i18n } = useTranslation();
  return (
    <button
      type="button"
      className="link language-switch"
      onClick={() => setLanguage(i18n.language === 'en' ? 'zh-CN' : 'en')}
    >
      {t('language.switch')}
    </button>
  );
}
