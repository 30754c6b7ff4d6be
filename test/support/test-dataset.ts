import type { GenerateOptions } from '../../data/generator/dataset.ts';

/** The dataset integration tests load: full geometry, 1% of the population, a fixed clock. */
export const testDatasetOptions: GenerateOptions = {
  seed: 20200128,
  scale: 0.01,
  epoch: '2026-11-28T08:00:00.000Z',
};
