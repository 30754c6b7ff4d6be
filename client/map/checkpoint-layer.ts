// Checkpoints (卡口) as a deck.gl IconLayer: a barrier icon, blue for traffic checkpoints and teal for
// village ones, sized by the staff on duty. Village checkpoints (one per village) appear from
// `villageCheckpointZoom` on, so the county view is not buried under 400 icons.
import { IconLayer } from '@deck.gl/layers';
import type { CheckpointFeatureCollection } from '../../shared/facilities.ts';
import { iconAtlas } from './icons.ts';

export type CheckpointFeature = CheckpointFeatureCollection['features'][number];

export const checkpointColors = {
  traffic: [77, 171, 247] as [number, number, number],
  village: [56, 217, 169] as [number, number, number],
};

export const villageCheckpointZoom = 11;

/** The checkpoints shown at a zoom: the same array object for the same answer (stable deck data). */
export function checkpointsAtZoom(all: CheckpointFeature[], zoom: number): CheckpointFeature[] {
  if (zoom >= villageCheckpointZoom) return all;
  let traffic = trafficOnly.get(all);
  if (!traffic) {
    traffic = all.filter((f) => f.properties.kind === 'traffic');
    trafficOnly.set(all, traffic);
  }
  return traffic;
}
const trafficOnly = new WeakMap<CheckpointFeature[], CheckpointFeature[]>();

export function checkpointLayer(
  data: CheckpointFeature[],
  visible: boolean,
  placement: { beforeId?: string },
  k = 1,
): IconLayer<CheckpointFeature> {
  const atlas = iconAtlas();
  return new IconLayer<CheckpointFeature>({
    ...placement,
    id: 'checkpoints',
    data,
    visible,
    pickable: true,
    iconAtlas: atlas.url,
    iconMapping: atlas.mapping,
    getIcon: () => 'checkpoint',
    getPosition: (f) => [f.geometry.coordinates[0], f.geometry.coordinates[1]],
    getSize: (f) => (f.properties.kind === 'traffic' ? 16 : 11) + Math.min(8, f.properties.staffing),
    getColor: (f) => [...checkpointColors[f.properties.kind], 235],
    sizeUnits: 'pixels',
    sizeScale: k,
    sizeMinPixels: 8,
    sizeMaxPixels: 30 * k,
  });
}
