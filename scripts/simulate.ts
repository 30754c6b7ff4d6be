// `npm run simulate -- --speed N`: plays an epidemic return-peak scenario against a running console
// through its public HTTP API, logged in like its users: arrivals reported at checkpoints and registered
// into grids (a few late), health-code changes, isolation admissions and releases, checkpoint traffic,
// field reports and tasks pushed to grid workers and answered. The demo driver and the load generator.
import { parseArgs } from 'node:util';
import { booleanPointInPolygon, pointOnFeature } from '@turf/turf';
import type { MultiPolygon, Polygon } from 'geojson';
import { idNumberCheckChar } from '../shared/id-number.ts';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string', default: process.env.CONSOLE_URL ?? 'http://127.0.0.1:8080' },
    speed: { type: 'string', default: '5' },
    duration: { type: 'string', default: '0' },
    concurrency: { type: 'string', default: '8' },
    user: { type: 'string', default: 'commander' },
    password: { type: 'string', default: process.env.DEMO_PASSWORD ?? 'tiantai2020' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
  },
});
const speed = Number(args.speed);
const durationS = Number(args.duration);
const concurrency = Math.max(1, Number(args.concurrency));

let state = Number(args.seed) >>> 0 || 1;
const random = (): number => {
  state ^= state << 13;
  state ^= state >>> 17;
  state ^= state << 5;
  return (state >>> 0) / 2 ** 32;
};
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)]!;

const origins: [string, string][] = [
  ['420100', '武汉'],
  ['330100', '杭州'],
  ['310100', '上海'],
  ['440300', '深圳'],
  ['330200', '宁波'],
  ['320500', '苏州'],
  ['330300', '温州'],
  ['110100', '北京'],
  ['440100', '广州'],
  ['331000', '台州'],
];
let serial = Math.floor(random() * 900);
function newIdNumber(prefix: string): string {
  serial++;
  const birth = `19${String(50 + Math.floor(random() * 50))}${String(1 + Math.floor(random() * 12)).padStart(2, '0')}${String(1 + Math.floor(random() * 28)).padStart(2, '0')}`;
  const first17 = `${prefix}${birth}${String(serial % 1000).padStart(3, '0')}`;
  return first17 + idNumberCheckChar(first17);
}
const surnames = '王李张刘陈杨黄赵吴周徐孙朱胡林郭何高罗郑';
const given = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华';
const newName = (): string =>
  pick([...surnames]) + pick([...given]) + (random() < 0.6 ? pick([...given]) : '');

let cookie = '';
async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(args.url + path, {
    method,
    headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : null) as T };
}

/** The API error's machine-readable code, for the failure tally. */
const errorCode = (body: unknown): string =>
  (body as { error?: { code?: string } } | null)?.error?.code ?? '';

interface Feature<P> {
  properties: P;
  geometry: { type: string; coordinates: number[][][] | number[][][][] | number[] };
}

async function main(): Promise<void> {
  const login = await fetch(args.url + '/api/auth/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: args.user, password: args.password }),
  });
  if (!login.ok) throw new Error(`login as ${args.user} failed: HTTP ${login.status}`);
  cookie = login.headers.get('set-cookie')!.split(';')[0]!;

  const grids = (
    await call<{ features: Feature<{ id: number; kind: string; townshipCode: string | null }>[] }>(
      'GET',
      '/api/grids?kind=territorial',
    )
  ).body.features;
  const checkpoints = (
    await call<{ features: Feature<{ id: number; gridId: number; kind: string }>[] }>(
      'GET',
      '/api/checkpoints',
    )
  ).body.features;
  const sites = (
    await call<{ features: Feature<{ id: number; capacity: number }>[] }>('GET', '/api/isolation-sites')
  ).body.features;
  // The return peak lands mostly in the county seat and the towns.
  const weighted = grids.flatMap((g) => (g.properties.townshipCode === '331023001' ? [g, g, g] : [g]));
  /** A point inside a grid: a vertex pulled towards the ring's mean (grids are near-convex Voronoi cells). */
  /** A point inside the grid: between its vertex centroid and a vertex (inside for convex grids), checked,
   *  else turf's point on the surface — a concave grid's centroid can lie in its neighbour or outside. */
  const pointIn = (grid: (typeof grids)[number]): [number, number] => {
    const coords = grid.geometry.coordinates as number[][][] | number[][][][];
    const ring = (
      grid.geometry.type === 'Polygon' ? (coords as number[][][])[0] : (coords as number[][][][])[0]![0]
    )!;
    const cx = ring.reduce((s, p) => s + p[0]!, 0) / ring.length;
    const cy = ring.reduce((s, p) => s + p[1]!, 0) / ring.length;
    const area = grid.geometry as Polygon | MultiPolygon;
    for (let attempt = 0; attempt < 5; attempt++) {
      const v = pick(ring);
      const t = random() * 0.5;
      const point: [number, number] = [cx + (v[0]! - cx) * t, cy + (v[1]! - cy) * t];
      if (booleanPointInPolygon(point, area)) return point;
    }
    return pointOnFeature(area).geometry.coordinates as [number, number];
  };

  const registered: number[] = [];
  const isolated: number[] = [];
  const openReports: number[] = [];
  const taskWorkers: { task: number; worker: number }[] = [];
  const counts = new Map<string, number>();
  const failures = new Map<string, number>();
  const count = (map: Map<string, number>, key: string) => map.set(key, (map.get(key) ?? 0) + 1);

  const actions: [number, () => Promise<string>][] = [
    [
      40,
      async () => {
        const [prefix, origin] = pick(origins);
        const grid = pick(weighted);
        const point = pointIn(grid);
        const idNumber = newIdNumber(prefix);
        if (random() < 0.4) {
          const checkpoint = pick(checkpoints.filter((c) => c.properties.kind === 'traffic'));
          await call('POST', '/api/arrival-reports', {
            idNumber,
            location: { point },
            checkpointId: checkpoint?.properties.id,
          });
        }
        const late = random() < 0.05;
        const arrivedAt = new Date(
          Date.now() - (late ? 60 + random() * 120 : random() * 50) * 60_000,
        ).toISOString();
        const healthCode = random() < 0.9 ? 'green' : random() < 0.85 ? 'yellow' : 'red';
        const res = await call<{ arrival: { id: number } }>('POST', '/api/arrivals', {
          name: newName(),
          idNumber,
          phone: `13${String(Math.floor(random() * 1e9)).padStart(9, '0')}`,
          origin,
          arrivedAt,
          healthCode,
          location: { point },
        });
        if (res.status !== 201) throw new Error(`arrival ${res.status} ${errorCode(res.body)}`);
        registered.push(res.body.arrival.id);
        return 'arrival';
      },
    ],
    [
      20,
      async () => {
        if (registered.length === 0) return 'skip';
        const id = pick(registered);
        const res = await call('PATCH', `/api/occupants/${id}`, {
          healthCode: pick(['green', 'yellow', 'red']),
        });
        if (res.status !== 200 && res.status !== 422) throw new Error(`health ${res.status}`);
        return 'health-change';
      },
    ],
    [
      10,
      async () => {
        if (isolated.length > 0 && random() < 0.5) {
          const id = isolated.splice(Math.floor(random() * isolated.length), 1)[0]!;
          await call('PATCH', `/api/occupants/${id}`, { status: 'at_home' });
          return 'release';
        }
        if (registered.length === 0) return 'skip';
        const id = pick(registered);
        const res = await call('PATCH', `/api/occupants/${id}`, {
          status: 'isolated',
          isolationSiteId: pick(sites).properties.id,
        });
        if (res.status === 200) isolated.push(id);
        return 'isolate';
      },
    ],
    [
      15,
      async () => {
        const checkpoint = pick(checkpoints);
        await call('PATCH', `/api/checkpoints/${checkpoint.properties.id}`, {
          checked: 1 + Math.floor(random() * 40),
        });
        return 'checkpoint';
      },
    ],
    [
      10,
      async () => {
        if (openReports.length > 3 && random() < 0.5) {
          const id = openReports.splice(Math.floor(random() * openReports.length), 1)[0]!;
          await call('POST', `/api/field-reports/${id}/close`);
          return 'report-closed';
        }
        const res = await call<{ id: number }>('POST', '/api/field-reports', {
          gridId: pick(grids).properties.id,
          kind: pick(['health', 'gathering', 'supplies', 'enterprise', 'housing']),
          summary: pick([
            '发现聚集性活动',
            '居家隔离人员需生活物资',
            '企业复工登记',
            '返乡人员住房核查',
            '发热人员上报',
          ]),
        });
        if (res.status === 201) openReports.push(res.body.id);
        return 'report';
      },
    ],
    [
      5,
      async () => {
        if (taskWorkers.length > 0) {
          const { task, worker } = taskWorkers.splice(Math.floor(random() * taskWorkers.length), 1)[0]!;
          await call('POST', `/api/tasks/${task}/${random() < 0.5 ? 'ack' : 'done'}`, { workerId: worker });
          return 'task-answer';
        }
        const grid = pick(grids);
        const res = await call<{ id: number }>('POST', '/api/tasks', {
          title: pick(['排查返乡人员', '核查隔离人员健康状况', '复工企业防疫检查']),
          region: (grid.properties as { villageCode?: string }).villageCode ?? undefined,
        });
        if (res.status === 201) {
          const detail = await call<{ workers: { id: number }[] }>('GET', `/api/grids/${grid.properties.id}`);
          for (const w of detail.body.workers ?? []) taskWorkers.push({ task: res.body.id, worker: w.id });
        }
        return 'task';
      },
    ],
  ];
  const totalWeight = actions.reduce((n, [w]) => n + w, 0);
  const chooseAction = () => {
    let r = random() * totalWeight;
    for (const [weight, action] of actions) if ((r -= weight) < 0) return action;
    return actions[0]![1];
  };

  const started = Date.now();
  let issued = 0;
  let inFlight = 0;
  const report = setInterval(() => {
    const s = (Date.now() - started) / 1000;
    const done = [...counts.values()].reduce((a, b) => a + b, 0);
    console.log(
      `[simulate] ${s.toFixed(0)} s · ${done} changes (${(done / s).toFixed(1)}/s) · ${[...counts].map(([k, v]) => `${k} ${v}`).join(', ')}${failures.size ? ` · failures ${[...failures].map(([k, v]) => `${k} ${v}`).join(', ')}` : ''}`,
    );
  }, 5000);
  console.log(
    `[simulate] ${args.url} as ${args.user}: ${speed} changes/s${durationS ? ` for ${durationS} s` : ' until stopped'} (Ctrl-C)`,
  );

  await new Promise<void>((resolve) => {
    const tick = setInterval(() => {
      const elapsed = (Date.now() - started) / 1000;
      if (durationS && elapsed >= durationS) {
        clearInterval(tick);
        const wait = setInterval(() => inFlight === 0 && (clearInterval(wait), resolve()), 20);
        return;
      }
      while (issued < elapsed * speed && inFlight < concurrency) {
        issued++;
        inFlight++;
        chooseAction()()
          .then((kind) => kind !== 'skip' && count(counts, kind))
          .catch((error: Error) => count(failures, error.message))
          .finally(() => inFlight--);
      }
    }, 10);
    process.on('SIGINT', () => {
      clearInterval(tick);
      resolve();
    });
  });
  clearInterval(report);
  const s = (Date.now() - started) / 1000;
  const done = [...counts.values()].reduce((a, b) => a + b, 0);
  console.log(
    `[simulate] done: ${done} changes in ${s.toFixed(1)} s (${(done / s).toFixed(1)}/s); failures: ${[...failures.values()].reduce((a, b) => a + b, 0)}`,
  );
}

main().catch((error: unknown) => {
  console.error('[simulate]', error instanceof Error ? error.message : error);
  process.exit(1);
});
