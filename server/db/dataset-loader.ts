// Writes a generated reference dataset into an empty schema in ONE transaction, batch by batch.
import type pg from 'pg';
import type { Dataset, RegionRecord } from '../../data/generator/dataset.ts';
import { hashPassword } from '../auth/password.ts';
import { normalizeAddress } from '../domain/address-normalize.ts';
import { bulkInsert, type BulkColumn } from './bulk-insert.ts';
import { withTransaction } from './database.ts';
import { appendEvents } from './events.repo.ts';
import { recomputeGridStatus } from './grid-status.repo.ts';
import { demoUsers } from './demo-users.ts';

export type LoadProgress = (step: string, done: number, total: number) => void;

type IdByCode = Map<string, number>;
type CodeRow = { id: number; code: string };

function lookup(map: IdByCode, code: string | null, what: string): number {
  const id = code === null ? undefined : map.get(code);
  if (id === undefined) throw new Error(`dataset refers to unknown ${what} ${code}`);
  return id;
}

const geometryColumn = <Row>(value: (row: Row) => object): BulkColumn<Row> => ({
  name: 'geom',
  type: 'text',
  value: (row) => JSON.stringify(value(row)),
  expr: 'ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(u.geom), 4326))',
});

const pointColumns = <Row extends { lon: number; lat: number }>(): BulkColumn<Row>[] => [
  { name: 'lon', type: 'float8', value: (row) => row.lon, column: null },
  {
    name: 'lat',
    type: 'float8',
    value: (row) => row.lat,
    column: 'geom',
    expr: 'ST_SetSRID(ST_MakePoint(u.lon, u.lat), 4326)',
  },
];

export async function isDatasetLoaded(pool: pg.Pool): Promise<boolean> {
  const { rows } = await pool.query<{ n: number }>('SELECT count(*)::int AS n FROM regions');
  return (rows[0]?.n ?? 0) > 0;
}

export interface LoadOptions {
  demoPassword: string;
  onProgress?: LoadProgress;
}

export async function loadDataset(pool: pg.Pool, dataset: Dataset, options: LoadOptions): Promise<void> {
  const progress = options.onProgress ?? (() => undefined);
  const passwordHash = await hashPassword(options.demoPassword);

  await withTransaction(pool, async (client) => {
    const insertCoded = async <Row>(
      table: string,
      rows: readonly Row[],
      columns: BulkColumn<Row>[],
      batchSize = 10_000,
    ) =>
      new Map(
        (
          await bulkInsert<Row, CodeRow>(client, {
            table,
            rows,
            columns,
            batchSize,
            returning: 'id, code',
            onBatch: (done, total) => progress(table, done, total),
          })
        ).map((r) => [r.code, r.id]),
      );

    const regions = [
      { region: dataset.county, level: 'county' },
      ...dataset.townships.map((region) => ({ region, level: 'township' })),
      ...dataset.villages.map((region) => ({ region, level: 'village' })),
    ] satisfies { region: RegionRecord; level: string }[];
    await bulkInsert<(typeof regions)[number]>(client, {
      table: 'regions',
      rows: regions,
      batchSize: 100,
      columns: [
        { name: 'code', type: 'text', value: (r) => r.region.code },
        { name: 'name', type: 'text', value: (r) => r.region.name },
        { name: 'level', type: 'text', value: (r) => r.level },
        { name: 'kind', type: 'text', value: (r) => r.region.kind },
        { name: 'parent_code', type: 'text', value: (r) => r.region.parentCode },
        { name: 'population_planned', type: 'int', value: (r) => r.region.population },
        geometryColumn((r) => r.region.geometry),
      ],
      onBatch: (done, total) => progress('regions', done, total),
    });

    const gridRows = [
      ...dataset.territorialGrids.map((g) => ({ ...g, kind: 'territorial', sectorKind: null })),
      ...dataset.sectorGrids.map((g) => ({ ...g, kind: 'sector', villageCode: null })),
    ];
    const gridIds = await insertCoded(
      'grids',
      gridRows,
      [
        { name: 'code', type: 'text', value: (g) => g.code },
        { name: 'name', type: 'text', value: (g) => g.name },
        { name: 'kind', type: 'text', value: (g) => g.kind },
        { name: 'sector_kind', type: 'text', value: (g) => g.sectorKind },
        { name: 'village_code', type: 'text', value: (g) => g.villageCode },
        geometryColumn((g) => g.geometry),
      ],
      200,
    );

    await client.query(
      `INSERT INTO grid_revisions (grid_id, revision, kind, code, name, geom, reason, valid_from)
       SELECT id, revision, 'initial', code, name, geom, 'initial boundary (reference dataset)', '2020-01-01T00:00:00+08:00' FROM grids`,
    );

    const workerIds = await insertCoded('grid_workers', dataset.gridWorkers, [
      { name: 'code', type: 'text', value: (w) => w.code },
      { name: 'name', type: 'text', value: (w) => w.name },
      { name: 'phone', type: 'text', value: (w) => w.phone },
      { name: 'grid_id', type: 'int', value: (w) => lookup(gridIds, w.gridCode, 'grid') },
      { name: 'role', type: 'text', value: (w) => w.role },
    ]);
    const assignments = dataset.gridWorkers.flatMap((w) => [
      { worker: w.code, grid: w.gridCode, role: w.role },
      ...w.sectorGridCodes.map((grid) => ({ worker: w.code, grid, role: 'member' })),
    ]);
    await bulkInsert(client, {
      table: 'grid_worker_assignments',
      rows: assignments,
      columns: [
        { name: 'worker_id', type: 'int', value: (a) => lookup(workerIds, a.worker, 'grid worker') },
        { name: 'grid_id', type: 'int', value: (a) => lookup(gridIds, a.grid, 'grid') },
        { name: 'role', type: 'text', value: (a) => a.role },
      ],
    });

    const townshipOfVillage = new Map(dataset.villages.map((v) => [v.code, v.parentCode]));
    const villageOfGrid = new Map(dataset.territorialGrids.map((g) => [g.code, g.villageCode]));
    const addressIds = await insertCoded(
      'addresses',
      dataset.addresses,
      [
        { name: 'code', type: 'text', value: (a) => a.code },
        {
          name: 'township_code',
          type: 'text',
          value: (a) => townshipOfVillage.get(villageOfGrid.get(a.gridCode) ?? '') ?? null,
        },
        { name: 'village_code', type: 'text', value: (a) => villageOfGrid.get(a.gridCode) ?? null },
        { name: 'road', type: 'text', value: (a) => a.road },
        { name: 'number', type: 'text', value: (a) => a.number },
        { name: 'building', type: 'text', value: (a) => a.building },
        { name: 'unit', type: 'text', value: (a) => a.unit },
        { name: 'room', type: 'text', value: (a) => a.room },
        { name: 'text', type: 'text', value: (a) => a.text },
        { name: 'normalized', type: 'text', value: (a) => normalizeAddress(a.text) },
        { name: 'grid_id', type: 'int', value: (a) => lookup(gridIds, a.gridCode, 'grid') },
        ...pointColumns<Dataset['addresses'][number]>(),
      ],
      20_000,
    );

    const households = new Map<string, string>();
    for (const person of dataset.persons) households.set(person.householdCode, person.addressCode);
    await bulkInsert(client, {
      table: 'households',
      rows: [...households],
      batchSize: 20_000,
      columns: [
        { name: 'code', type: 'text', value: ([code]) => code },
        { name: 'address_id', type: 'int', value: ([, address]) => lookup(addressIds, address, 'address') },
      ],
      onBatch: (done, total) => progress('households', done, total),
    });

    const siteIds = await insertCoded('isolation_sites', dataset.isolationSites, [
      { name: 'code', type: 'text', value: (s) => s.code },
      { name: 'name', type: 'text', value: (s) => s.name },
      { name: 'grid_id', type: 'int', value: (s) => lookup(gridIds, s.gridCode, 'grid') },
      { name: 'capacity', type: 'int', value: (s) => s.capacity },
      { name: 'opened_on', type: 'date', value: (s) => s.openedOn },
      ...pointColumns<Dataset['isolationSites'][number]>(),
    ]);

    await bulkInsert(client, {
      table: 'occupants',
      rows: dataset.persons,
      batchSize: 20_000,
      columns: [
        { name: 'id_number', type: 'text', value: (p) => p.idNumber },
        { name: 'name', type: 'text', value: (p) => p.name },
        { name: 'phone', type: 'text', value: (p) => p.phone },
        { name: 'household_code', type: 'text', value: (p) => p.householdCode },
        { name: 'address_id', type: 'int', value: (p) => lookup(addressIds, p.addressCode, 'address') },
        { name: 'grid_id', type: 'int', value: (p) => lookup(gridIds, p.gridCode, 'grid') },
        { name: 'kind', type: 'text', value: (p) => p.kind },
        { name: 'arrived_at', type: 'timestamptz', value: (p) => p.arrivedAt },
        { name: 'origin', type: 'text', value: (p) => p.origin },
        { name: 'health_code', type: 'text', value: (p) => p.healthCode },
        { name: 'status', type: 'text', value: (p) => p.status },
        {
          name: 'isolation_site_id',
          type: 'int',
          value: (p) => (p.isolationSiteCode ? lookup(siteIds, p.isolationSiteCode, 'isolation site') : null),
        },
        { name: 'registered_at', type: 'timestamptz', value: (p) => p.registeredAt },
      ],
      onBatch: (done, total) => progress('occupants', done, total),
    });
    await client.query(`UPDATE isolation_sites s SET occupancy = o.n
      FROM (SELECT isolation_site_id, count(*)::int AS n FROM occupants
            WHERE status = 'isolated' GROUP BY isolation_site_id) o
      WHERE o.isolation_site_id = s.id`);

    await insertCoded('checkpoints', dataset.checkpoints, [
      { name: 'code', type: 'text', value: (c) => c.code },
      { name: 'name', type: 'text', value: (c) => c.name },
      { name: 'kind', type: 'text', value: (c) => c.kind },
      { name: 'grid_id', type: 'int', value: (c) => lookup(gridIds, c.gridCode, 'grid') },
      { name: 'staffing', type: 'int', value: (c) => c.staffing },
      ...pointColumns<Dataset['checkpoints'][number]>(),
    ]);

    const users = demoUsers(dataset);
    await bulkInsert(client, {
      table: 'users',
      rows: users,
      columns: [
        { name: 'username', type: 'text', value: (u) => u.username },
        { name: 'display_name', type: 'text', value: (u) => u.displayName },
        { name: 'role', type: 'text', value: (u) => u.role },
        { name: 'region_code', type: 'text', value: (u) => u.regionCode },
        {
          name: 'grid_worker_id',
          type: 'int',
          value: (u) => (u.gridWorkerCode ? lookup(workerIds, u.gridWorkerCode, 'grid worker') : null),
        },
        { name: 'password_hash', type: 'text', value: () => passwordHash },
      ],
    });

    const info = {
      seed: dataset.options.seed,
      scale: dataset.options.scale,
      epoch: dataset.options.epoch,
      synthetic: true,
      loadedAt: new Date().toISOString(),
    };
    await client.query(`INSERT INTO dataset_info (key, value) SELECT key, value FROM jsonb_each($1::jsonb)`, [
      JSON.stringify(info),
    ]);
    await recomputeGridStatus(client);
    await appendEvents(client, [
      {
        type: 'dataset:loaded',
        gridId: null,
        actorUserId: null,
        payload: { seed: info.seed, scale: info.scale },
      },
    ]);
  });
  await pool.query('ANALYZE');
}
