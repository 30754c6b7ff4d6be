// A maplibre style that needs no network: a plain background; the county is drawn from our own data.
import type { StyleSpecification } from 'maplibre-gl';

export const offlineStyle: StyleSpecification = {
  version: 8,
  sources: {},
  layers: [{ id: 'background', type: 'background', paint: { 'background-color': '#0e1a24' } }],
};
