// Isolation observation sites (隔离观察点) as a deck.gl ScatterplotLayer: the circle's area is the
// site's capacity, its colour the share occupied (green → amber → red), with a white rim.
import { ScatterplotLayer } from '@deck.gl/layers';
import type { IsolationSiteFeatureCollection } from '../../shared/facilities.ts';
import { occupancyColor } from '../../shared/metrics.ts';

export type IsolationSiteFeature = IsolationSiteFeatureCollection['features'][number];

export function isolationSiteLayer(
  data: IsolationSiteFeature[],
  visible: boolean,
  placement: { beforeId?: string },
  k = 1,
): ScatterplotLayer<IsolationSiteFeature> {
  return new ScatterplotLayer<IsolationSiteFeature>({
    ...placement,
    id: 'isolation-sites',
    data,
    visible,
    pickable: true,
    stroked: true,
    filled: true,
    radiusUnits: 'pixels',
    getPosition: (f) => [f.geometry.coordinates[0], f.geometry.coordinates[1]],
    getRadius: (f) => 4 + Math.sqrt(Math.max(0, f.properties.capacity)) * 0.9,
    radiusScale: k,
    radiusMaxPixels: 24 * k,
    getFillColor: (f) => [...occupancyColor(f.properties.occupancy, f.properties.capacity), 215],
    getLineColor: [255, 255, 255, 230],
    lineWidthUnits: 'pixels',
    getLineWidth: 1.5 * k,
  });
}
