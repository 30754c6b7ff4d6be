// Address search, batch assignment and arrival registration (single, CSV, overdue) through the API.
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ApiError } from '../../shared/api-error.ts';
import {
  AddressSearchResponse,
  ArrivalResponse,
  AssignResponse,
  ImportReport,
  OverdueByGrid,
} from '../../shared/arrivals.ts';
import { hoursAgo, testIdNumber } from '../support/people.ts';
import { createTestDb, type TestDb } from '../support/test-db.ts';
import { startTestServer, type TestClient, type TestServer } from '../support/test-server.ts';

let db: TestDb;
let server: TestServer;
let commander: TestClient;
interface AddressRow {
  id: number;
  text: string;
  grid_id: number;
  lon: number;
  lat: number;
  township: string;
}
let chicheng: AddressRow;
let elsewhere: AddressRow;
beforeAll(async () => {
  db = await createTestDb();
  server = await startTestServer(db);
  commander = await server.as('commander');
  const pick = async (where: string) =>
    (
      await db.pool.query<AddressRow>(
        `SELECT a.id, a.text, a.grid_id, ST_X(a.geom) AS lon, ST_Y(a.geom) AS lat, t.name AS township
         FROM addresses a JOIN regions t ON t.code = a.township_code WHERE ${where} ORDER BY a.id LIMIT 1`,
      )
    ).rows[0]!;
  chicheng = await pick(`a.township_code = '331023001' AND a.room IS NOT NULL`);
  elsewhere = await pick(`a.township_code <> '331023001'`);
});
afterAll(async () => {
  await server?.close();
  await db?.drop();
});

const count = async (sql: string): Promise<number> => (await db.pool.query<{ n: number }>(sql)).rows[0]!.n;

let nextId = 1;
const arrival = (overrides: Record<string, unknown> = {}) => ({
  name: '李明',
  idNumber: testIdNumber(nextId++),
  phone: '13912345678',
  origin: '武汉',
  arrivedAt: hoursAgo(0.5),
  healthCode: 'green',
  location: { address: chicheng.text },
  ...overrides,
});

describe('GET /api/addresses/search', () => {
  it('ranks the exact address first and accepts variant spellings', async () => {
    const variant = chicheng.text
      .replace('天台县', '浙江省台州市天台县 ')
      .replace(/(\d)/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0));
    for (const q of [chicheng.text, variant]) {
      const res = await commander.get(`/api/addresses/search?q=${encodeURIComponent(q)}&limit=5`);
      expect(res.status).toBe(200);
      const body = AddressSearchResponse.parse(res.body);
      expect(body.items[0]).toMatchObject({
        id: chicheng.id,
        match: 'exact',
        score: 1,
        gridId: chicheng.grid_id,
      });
    }
  });

  it('autocompletes a prefix with ranked candidates', async () => {
    const prefix = chicheng.text.slice(0, chicheng.text.length - 6);
    const body = AddressSearchResponse.parse(
      (await commander.get(`/api/addresses/search?q=${encodeURIComponent(prefix)}`)).body,
    );
    const containing = body.items.filter((item) => item.match === 'prefix' || item.match === 'contains');
    expect(containing.length).toBeGreaterThan(1);
    expect(containing.every((item) => item.text.includes(prefix.replace('天台县', '')))).toBe(true);
    expect(body.items.slice(0, containing.length)).toEqual(containing);
    const scores = body.items.map((i) => i.score);
    expect([...scores].sort((a, b) => b - a)).toEqual(scores);
  });

  it('rejects an empty query and the screen role', async () => {
    expect((await commander.get('/api/addresses/search?q=')).status).toBe(400);
    expect((await (await server.as('screen')).get('/api/addresses/search?q=赤城')).status).toBe(403);
  });
});

describe('POST /api/assign', () => {
  it('assigns points and addresses with the rule that decided', async () => {
    const res = await commander.post('/api/assign', {
      items: [
        { point: [chicheng.lon, chicheng.lat] },
        { address: chicheng.text },
        { point: [120.0, 28.0] },
        { address: '天台县不存在镇不存在村幸福路999号' },
      ],
    });
    expect(res.status).toBe(200);
    const [point, address, outside, unknown] = AssignResponse.parse(res.body).results;
    expect(point).toMatchObject({ grid: { id: chicheng.grid_id }, rule: 'interior' });
    expect(address).toMatchObject({
      grid: { id: chicheng.grid_id },
      address: { id: chicheng.id, match: 'exact' },
    });
    expect(outside!.grid).toBeNull();
    expect(outside!.rule).toBe('outside-nearest');
    expect(outside!.nearest!.distanceMeters).toBeGreaterThan(50_000);
    expect(unknown).toMatchObject({ grid: null, rule: 'address-unresolved' });
  });

  it('refuses a malformed batch', async () => {
    const res = await commander.post('/api/assign', { items: [{ point: [200, 29] }] });
    expect(res.status).toBe(400);
    expect(ApiError.parse(res.body).error.issues?.[0]?.path).toEqual(['body', 'items', 0, 'point', 0]);
  });
});

describe('POST /api/arrivals', () => {
  it('registers an arrival at an address into its grid, with an event and its latency, in one go', async () => {
    const before = await count(`SELECT count(*)::int AS n FROM events WHERE type = 'arrival:registered'`);
    const body = arrival({ arrivedAt: hoursAgo(0.25) });
    const res = await commander.post('/api/arrivals', body);
    expect(res.status).toBe(201);
    const created = ArrivalResponse.parse(res.body);
    expect(created.duplicate).toBe(false);
    expect(created.arrival.grid.id).toBe(chicheng.grid_id);
    expect(created.arrival.address).toBe(chicheng.text);
    expect(created.arrival.registrationLatencySeconds).toBeGreaterThanOrEqual(15 * 60 - 5);
    expect(created.arrival.registrationLatencySeconds).toBeLessThan(16 * 60);
    expect(created.seq).toBeGreaterThan(0);
    expect(await count(`SELECT count(*)::int AS n FROM events WHERE type = 'arrival:registered'`)).toBe(
      before + 1,
    );
    const event = await db.pool.query(`SELECT grid_id, payload FROM events WHERE seq = $1`, [created.seq]);
    expect(event.rows[0]).toEqual({
      grid_id: chicheng.grid_id,
      payload: { occupantId: created.arrival.id, healthCode: 'green' },
    });
  });

  it('registers by point and answers a second registration of the same person with the existing record', async () => {
    const body = arrival({ location: { point: [chicheng.lon, chicheng.lat] }, healthCode: 'yellow' });
    const first = ArrivalResponse.parse((await commander.post('/api/arrivals', body)).body);
    const again = await commander.post('/api/arrivals', { ...body, healthCode: 'green', origin: '上海' });
    expect(again.status).toBe(200);
    const duplicate = ArrivalResponse.parse(again.body);
    expect(duplicate.duplicate).toBe(true);
    expect(duplicate.arrival).toEqual(first.arrival);
    expect(await count(`SELECT count(*)::int AS n FROM occupants WHERE id_number = '${body.idNumber}'`)).toBe(
      1,
    );
  });

  it('refuses bad input with a reason and writes nothing', async () => {
    const occupants = await count('SELECT count(*)::int AS n FROM occupants');
    const events = await count('SELECT count(*)::int AS n FROM events');
    const badCheck = testIdNumber(900).slice(0, 17) + (testIdNumber(900).endsWith('0') ? '1' : '0');
    const cases: [Record<string, unknown>, number, string][] = [
      [{ idNumber: badCheck }, 400, 'validation_failed'],
      [{ phone: '12345' }, 400, 'validation_failed'],
      [{ healthCode: 'purple' }, 400, 'validation_failed'],
      [{ location: { address: chicheng.text, point: [121, 29] } }, 400, 'validation_failed'],
      [{ arrivedAt: new Date(Date.now() + 3_600_000).toISOString() }, 422, 'invalid_arrival_time'],
      [{ location: { point: [120.0, 28.0] } }, 422, 'outside_county'],
      [{ location: { address: chicheng.text.replace(/\d+室$/, '9999室') } }, 422, 'address_unresolved'],
    ];
    for (const [overrides, status, code] of cases) {
      const res = await commander.post('/api/arrivals', arrival(overrides));
      expect({ overrides, status: res.status, code: ApiError.parse(res.body).error.code }).toEqual({
        overrides,
        status,
        code,
      });
    }
    const unresolved = ApiError.parse(
      (
        await commander.post(
          '/api/arrivals',
          arrival({ location: { address: chicheng.text.replace(/\d+室$/, '9999室') } }),
        )
      ).body,
    );
    expect((unresolved.error.details?.candidates as unknown[]).length).toBeGreaterThan(0);
    const outside = ApiError.parse(
      (await commander.post('/api/arrivals', arrival({ location: { point: [120.5, 29.1] } }))).body,
    );
    expect(outside.error.details?.nearest).toMatchObject({ distanceMeters: expect.any(Number) });
    expect(await count('SELECT count(*)::int AS n FROM occupants')).toBe(occupants);
    expect(await count('SELECT count(*)::int AS n FROM events')).toBe(events);
  });

  it('enforces role and scope', async () => {
    expect((await (await server.as('screen')).post('/api/arrivals', arrival())).status).toBe(403);
    expect((await (await server.as('planner')).post('/api/arrivals', arrival())).status).toBe(403);
    const dispatcher = await server.as('dispatcher');
    expect((await dispatcher.post('/api/arrivals', arrival())).status).toBe(201);
    expect(
      (await dispatcher.post('/api/arrivals', arrival({ location: { address: elsewhere.text } }))).status,
    ).toBe(403);
  });
});

describe('GET /api/arrivals/overdue', () => {
  it('lists arrivals registered more than an hour after arriving, by grid', async () => {
    const late = arrival({ arrivedAt: hoursAgo(3) });
    const onTime = arrival({ arrivedAt: hoursAgo(0.5) });
    await commander.post('/api/arrivals', late);
    await commander.post('/api/arrivals', onTime);
    const res = await commander.get('/api/arrivals/overdue?sinceHours=24');
    expect(res.status).toBe(200);
    const body = OverdueByGrid.parse(res.body);
    const entry = body.grids.find((g) => g.grid.id === chicheng.grid_id)!;
    expect(entry.arrivals.map((a) => a.idNumber)).toContain(late.idNumber);
    expect(entry.arrivals.map((a) => a.idNumber)).not.toContain(onTime.idNumber);
    expect(entry.arrivals.find((a) => a.idNumber === late.idNumber)!.latencyMinutes).toBeGreaterThanOrEqual(
      179,
    );
    expect(body.total).toBe(body.grids.reduce((n, g) => n + g.count, 0));
    const masked = OverdueByGrid.parse(
      (await (await server.as('planner')).get('/api/arrivals/overdue?sinceHours=24')).body,
    );
    expect(masked.grids.flatMap((g) => g.arrivals).every((a) => a.idNumber.includes('*'))).toBe(true);
  });
});

describe('POST /api/arrivals/import', () => {
  const header = '姓名,身份证号,手机号,来源地,到达时间,健康码,地址,经度,纬度';
  const when = (h: number) => {
    const d = new Date(Date.now() - h * 3_600_000 + 8 * 3_600_000);
    return d.toISOString().slice(0, 16).replace('T', ' ');
  };
  const csv = () => {
    const rows = [header];
    for (let i = 0; i < 200; i++)
      rows.push(`王${i},${testIdNumber(5000 + i)},13800000000,杭州,${when(2)},绿码,${chicheng.text},,`);
    rows.push(`赵一,${testIdNumber(6000)},13800000001,宁波,${when(1)},黄,,${chicheng.lon},${chicheng.lat}`);
    rows.push(`坏身份证,110101199001011230,13800000002,北京,${when(1)},绿,${chicheng.text},,`);
    rows.push(`坏时间,${testIdNumber(6001)},13800000003,北京,昨天,绿,${chicheng.text},,`);
    rows.push(`坏地址,${testIdNumber(6002)},13800000004,北京,${when(1)},红,天台县幸福路1号,,`);
    rows.push(`重复行,${testIdNumber(5000)},13800000005,杭州,${when(2)},绿,${chicheng.text},,`);
    return rows.join('\r\n');
  };

  it('imports all valid rows of a GBK file in one transaction and reports the rest; a re-run is idempotent', async () => {
    const occupants = await count('SELECT count(*)::int AS n FROM occupants');
    const bytes = iconv.encode(csv(), 'gbk');
    const first = await commander.post('/api/arrivals/import', undefined, {
      raw: bytes,
      contentType: 'text/csv',
    });
    expect(first.status).toBe(200);
    const report = ImportReport.parse(first.body);
    expect(report).toMatchObject({ encoding: 'gbk', rows: 205, imported: 201, duplicates: [] });
    // the header is row 1: the 200 good rows are 2–201, 赵一 is 202
    expect(report.rejected.map((r) => r.row)).toEqual([203, 204, 205, 206]);
    expect(report.rejected[0]!.reasons.join()).toMatch(/idNumber/);
    expect(report.rejected[1]!.reasons.join()).toMatch(/arrivedAt/);
    expect(report.rejected[2]!.reasons.join()).toMatch(/registry/);
    expect(report.rejected[3]!.reasons.join()).toMatch(/row 2/);
    expect(await count('SELECT count(*)::int AS n FROM occupants')).toBe(occupants + 201);

    const again = ImportReport.parse(
      (
        await commander.post('/api/arrivals/import', undefined, {
          raw: new TextEncoder().encode('\uFEFF' + csv()),
          contentType: 'text/csv',
        })
      ).body,
    );
    expect(again).toMatchObject({ encoding: 'utf-8', imported: 0 });
    expect(again.duplicates).toHaveLength(201);
    expect(await count('SELECT count(*)::int AS n FROM occupants')).toBe(occupants + 201);
  });

  it('accepts English headers and refuses a file without the needed columns', async () => {
    const english = `name,idNumber,phone,origin,arrivedAt,healthCode,address\n张英,${testIdNumber(7000)},13700000000,Shanghai,${hoursAgo(1)},green,${chicheng.text}\n`;
    const ok = ImportReport.parse(
      (await commander.post('/api/arrivals/import', undefined, { raw: english, contentType: 'text/csv' }))
        .body,
    );
    expect(ok.imported).toBe(1);
    const bad = await commander.post('/api/arrivals/import', undefined, {
      raw: '姓名,电话\n张三,138\n',
      contentType: 'text/csv',
    });
    expect(bad.status).toBe(400);
    expect(ApiError.parse(bad.body).error).toMatchObject({
      code: 'invalid_csv',
      message: expect.stringMatching(/身份证号/),
    });
  });
});
