// English, behind the language switch.
import type { Messages } from './zh-CN.ts';

export const en: Messages = {
  app: {
    title: 'Grid Console',
    county: 'Tiantai County',
    synthetic:
      'Demo data is synthetic (grid and village boundaries and people are generated), for demonstration only',
  },
  language: { switch: '中文' },
  login: {
    title: 'Log in',
    username: 'Username',
    password: 'Password',
    submit: 'Log in',
    failed: 'Wrong username or password',
    demo: 'Demo accounts',
  },
  user: { logout: 'Log out' },
  role: {
    commander: 'Commander',
    dispatcher: 'Dispatcher',
    planner: 'Planner',
    grid_worker: 'Grid worker',
    screen: 'Big screen',
  },
  engine: { embedded: 'embedded PostGIS', postgres: 'PostgreSQL server' },
  health: {
    title: 'System status',
    engine: 'Database',
    versions: 'PostgreSQL {{postgres}} · PostGIS {{postgis}}',
    loadedAt: 'Data loaded {{date}}',
    unreachable: 'Cannot reach the server',
  },
  counts: {
    townships: 'Townships',
    villages: 'Villages / communities',
    territorialGrids: 'Village grids',
    sectorGrids: 'Sector grids',
    gridWorkers: 'Grid workers',
    addresses: 'Standard addresses',
    households: 'Households',
    occupants: 'Registered people',
    residents: 'Residents',
    arrivals: 'Arrivals',
    checkpoints: 'Checkpoints',
    isolationSites: 'Isolation sites',
    users: 'Users',
    events: 'Events',
  },
  regions: { title: 'Regions', grids: '{{count}} grids', people: '{{count}} people' },
};
