// One demo user per role, created with the dataset and printed at start.
import type { Dataset } from '../../data/generator/dataset.ts';
import type { UserRole } from '../../shared/domain.ts';

export interface DemoUser {
  username: string;
  displayName: string;
  role: UserRole;
  regionCode: string | null;
  gridWorkerCode: string | null;
}

/** The dispatcher's township: 赤城街道, the county seat. */
export const demoDispatcherRegion = '331023001';

export function demoUsers(dataset: Dataset): DemoUser[] {
  const countyCode = dataset.county.code;
  const worker =
    dataset.gridWorkers.find((w) => w.gridCode.startsWith(demoDispatcherRegion)) ?? dataset.gridWorkers[0];
  if (!worker) throw new Error('dataset has no grid workers');
  return [
    {
      username: 'commander',
      displayName: '县指挥长',
      role: 'commander',
      regionCode: countyCode,
      gridWorkerCode: null,
    },
    {
      username: 'dispatcher',
      displayName: '赤城街道调度员',
      role: 'dispatcher',
      regionCode: demoDispatcherRegion,
      gridWorkerCode: null,
    },
    {
      username: 'planner',
      displayName: '网格规划员',
      role: 'planner',
      regionCode: countyCode,
      gridWorkerCode: null,
    },
    {
      username: 'gridworker',
      displayName: `网格员${worker.name}`,
      role: 'grid_worker',
      regionCode: null,
      gridWorkerCode: worker.code,
    },
    {
      username: 'screen',
      displayName: '指挥中心大屏',
      role: 'screen',
      regionCode: countyCode,
      gridWorkerCode: null,
    },
  ];
}
