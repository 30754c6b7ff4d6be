// Simplified Chinese: the default language of every screen.
export const zhCN = {
  app: {
    title: '网格指挥台',
    county: '天台县',
    synthetic: '演示数据为合成数据（网格、村社边界与人员均为生成），仅供演示',
  },
  language: { switch: 'English' },
  login: {
    title: '登录',
    username: '用户名',
    password: '密码',
    submit: '登录',
    failed: '用户名或密码错误',
    demo: '演示账号',
  },
  user: { logout: '退出登录' },
  role: {
    commander: '指挥长',
    dispatcher: '调度员',
    planner: '规划员',
    grid_worker: '网格员',
    screen: '大屏',
  },
  engine: { embedded: '内置 PostGIS', postgres: 'PostgreSQL 服务器' },
  health: {
    title: '系统状态',
    engine: '数据库',
    versions: 'PostgreSQL {{postgres}} · PostGIS {{postgis}}',
    loadedAt: '数据载入于 {{date}}',
    unreachable: '无法连接服务器',
  },
  counts: {
    townships: '乡镇（街道）',
    villages: '村（社区）',
    territorialGrids: '村社网格',
    sectorGrids: '行业网格',
    gridWorkers: '网格员',
    addresses: '标准地址',
    households: '户',
    occupants: '登记人员',
    residents: '常住人口',
    arrivals: '外来返回人员',
    checkpoints: '卡口',
    isolationSites: '隔离观察点',
    users: '用户',
    events: '事件',
  },
  regions: { title: '行政区划', grids: '{{count}} 个网格', people: '{{count}} 人' },
} as const;

type Widen<T> = { [K in keyof T]: T[K] extends string ? string : Widen<T[K]> };
export type Messages = Widen<typeof zhCN>;
