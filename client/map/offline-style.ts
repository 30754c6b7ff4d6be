// A maplibre style that needs no network: a plain background, our own GeoJSON sources (added by the
// layer modules), and Chinese labels drawn from the bundled Noto Sans SC through the style's
// `font-faces` (maplibre fetches a file only when a codepoint it covers is first drawn; no glyph PBFs).
import type { StyleSpecification } from 'maplibre-gl';
import cjkFont from '@fontsource/noto-sans-sc/files/noto-sans-sc-chinese-simplified-400-normal.woff2?url';
import latinFont from '@fontsource/noto-sans-sc/files/noto-sans-sc-latin-400-normal.woff2?url';
import cjkBoldFont from '@fontsource/noto-sans-sc/files/noto-sans-sc-chinese-simplified-700-normal.woff2?url';
import latinBoldFont from '@fontsource/noto-sans-sc/files/noto-sans-sc-latin-700-normal.woff2?url';

/** The `text-font` stacks the label layers use. */
export const labelFont = ['Noto Sans SC Regular'];
export const labelFontBold = ['Noto Sans SC Bold'];

export const backgroundColor = '#0b1620';

const absolute = (url: string): string => new URL(url, window.location.href).href;
const latinRange = ['U+0000-00FF', 'U+0131', 'U+0152-0153', 'U+02BB-02BC', 'U+2000-206F', 'U+20AC', 'U+2212'];

export function offlineStyle(): StyleSpecification {
  return {
    version: 8,
    'font-faces': {
      [labelFont[0]!]: [
        { url: absolute(latinFont), 'unicode-range': latinRange },
        { url: absolute(cjkFont) },
      ],
      [labelFontBold[0]!]: [
        { url: absolute(latinBoldFont), 'unicode-range': latinRange },
        { url: absolute(cjkBoldFont) },
      ],
    },
    sources: {},
    layers: [{ id: 'background', type: 'background', paint: { 'background-color': backgroundColor } }],
  };
}
