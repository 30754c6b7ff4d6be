// Writes of field operations. Each runs in the caller's transaction: the row change, the grid_status
// counters it moves, and its event in the log.
import type pg from 'pg';
import { ErrorCode } from '../../shared/api-error.ts';
import type { HealthCode, OccupantStatus } from '../../shared/domain.ts';
import type { OccupantChange } from '../../shared/operations.ts';
import { HttpError, notFound } from '../http/http-error.ts';
import { appendEvents, type NewEvent } from './events.repo.ts';
import { bumpGridStatus } from './grid-status.repo.ts';
import { applyOccupantContribution } from './occupant-counts.repo.ts';

const rule = (message: string, code: string = ErrorCode.validation): HttpError =>
  new HttpError(422, code, message);

interface OccupantRow {
  id: number;
  grid_id: number;
  health_code: HealthCode;
  status: OccupantStatus;
  isolation_site_id: number | null;
}

export async function lockOccupant(client: pg.ClientBase, id: number): Promise<OccupantRow> {
  const { rows } = await client.query<OccupantRow>(
    'SELECT id::int AS id, grid_id, health_code, status, isolation_site_id FROM occupants WHERE id = $1 FOR UPDATE',
    [id],
  );
  if (!rows[0]) throw notFound(`occupant ${id}`);
  return rows[0];
}

/** Health code and/or status (at home, isolated at a site, left); site occupancy follows. */
export async function changeOccupant(
  client: pg.ClientBase,
  before: OccupantRow,
  change: OccupantChange,
  actorUserId: number,
): Promise<{ seq: number; gridId: number }> {
  const healthCode = change.healthCode ?? before.health_code;
  const status = change.status ?? before.status;
  const siteId = status === 'isolated' ? (change.isolationSiteId ?? before.isolation_site_id) : null;
  if (healthCode === before.health_code && status === before.status && siteId === before.isolation_site_id) {
    throw rule('nothing to change: the occupant already has this health code and status');
  }
  if (siteId !== null && siteId !== before.isolation_site_id) {
    const site = await client.query<{ free: number }>(
      'SELECT capacity - occupancy AS free FROM isolation_sites WHERE id = $1 FOR UPDATE',
      [siteId],
    );
    if (!site.rows[0]) throw rule(`isolation site ${siteId} does not exist`);
    if (site.rows[0].free <= 0) throw rule(`isolation site ${siteId} is full`, ErrorCode.conflict);
  }

  await applyOccupantContribution(client, [before.id], -1);
  await client.query(
    'UPDATE occupants SET health_code = $2, status = $3, isolation_site_id = $4, updated_at = now() WHERE id = $1',
    [before.id, healthCode, status, siteId],
  );
  await applyOccupantContribution(client, [before.id], 1);
  if (before.isolation_site_id !== siteId) {
    if (before.isolation_site_id !== null) {
      await client.query('UPDATE isolation_sites SET occupancy = occupancy - 1 WHERE id = $1', [
        before.isolation_site_id,
      ]);
    }
    if (siteId !== null)
      await client.query('UPDATE isolation_sites SET occupancy = occupancy + 1 WHERE id = $1', [siteId]);
  }

  const events: NewEvent[] = [];
  const base = { gridId: before.grid_id, actorUserId };
  if (healthCode !== before.health_code) {
    events.push({
      ...base,
      type: 'occupant:health-changed',
      payload: { occupantId: before.id, from: before.health_code, to: healthCode },
    });
  }
  if (before.isolation_site_id !== null && before.isolation_site_id !== siteId) {
    events.push({
      ...base,
      type: 'isolation:released',
      payload: { occupantId: before.id, siteId: before.isolation_site_id },
    });
  }
  if (siteId !== null && siteId !== before.isolation_site_id) {
    events.push({ ...base, type: 'isolation:admitted', payload: { occupantId: before.id, siteId } });
  }
  if (status !== before.status && status !== 'isolated' && before.status !== 'isolated') {
    events.push({
      ...base,
      type: 'occupant:status-changed',
      payload: { occupantId: before.id, from: before.status, to: status },
    });
  }
  const seqs = await appendEvents(client, events);
  return { seq: seqs[seqs.length - 1]!, gridId: before.grid_id };
}

export async function reportArrival(
  client: pg.ClientBase,
  report: { idNumber: string; gridId: number; checkpointId: number | null },
  actorUserId: number,
): Promise<{ id: number; seq: number }> {
  const registered = await client.query('SELECT 1 FROM occupants WHERE id_number = $1', [report.idNumber]);
  if (registered.rowCount)
    throw new HttpError(409, ErrorCode.conflict, 'this person is already registered in a grid');
  const { rows } = await client.query<{ id: number }>(
    `INSERT INTO arrival_reports (id_number, grid_id, checkpoint_id) VALUES ($1, $2, $3)
     ON CONFLICT (id_number) WHERE registered_at IS NULL DO NOTHING RETURNING id::int AS id`,
    [report.idNumber, report.gridId, report.checkpointId],
  );
  if (!rows[0])
    throw new HttpError(
      409,
      ErrorCode.conflict,
      'this person is already reported and waiting to be registered',
    );
  await bumpGridStatus(client, report.gridId, { pendingRegistration: 1 });
  const [seq] = await appendEvents(client, [
    {
      type: 'arrival:reported',
      gridId: report.gridId,
      actorUserId,
      payload: { reportId: rows[0].id, checkpointId: report.checkpointId },
    },
  ]);
  return { id: rows[0].id, seq: seq! };
}

export async function fileReport(
  client: pg.ClientBase,
  report: { gridId: number; kind: string; summary: string },
  actorUserId: number,
): Promise<{ id: number; seq: number }> {
  const { rows } = await client.query<{ id: number }>(
    'INSERT INTO field_reports (grid_id, kind, summary, reported_by) VALUES ($1, $2, $3, $4) RETURNING id::int AS id',
    [report.gridId, report.kind, report.summary, actorUserId],
  );
  await bumpGridStatus(client, report.gridId, { openReports: 1 });
  const [seq] = await appendEvents(client, [
    {
      type: 'report:filed',
      gridId: report.gridId,
      actorUserId,
      payload: { reportId: rows[0]!.id, kind: report.kind },
    },
  ]);
  return { id: rows[0]!.id, seq: seq! };
}

export async function closeReport(
  client: pg.ClientBase,
  id: number,
  actorUserId: number,
): Promise<{ seq: number; gridId: number }> {
  const { rows } = await client.query<{ grid_id: number }>(
    'UPDATE field_reports SET closed_at = now() WHERE id = $1 AND closed_at IS NULL RETURNING grid_id',
    [id],
  );
  if (!rows[0]) throw notFound(`open field report ${id}`);
  await bumpGridStatus(client, rows[0].grid_id, { openReports: -1 });
  const [seq] = await appendEvents(client, [
    { type: 'report:closed', gridId: rows[0].grid_id, actorUserId, payload: { reportId: id } },
  ]);
  return { seq: seq!, gridId: rows[0].grid_id };
}

/** Pushes a task to every grid worker whose own grid is among `gridIds`. */
export async function sendTask(
  client: pg.ClientBase,
  task: { title: string; body: string; gridIds: readonly number[] },
  actorUserId: number,
): Promise<{ id: number; workers: number; seq: number }> {
  const { rows } = await client.query<{ id: number }>(
    'INSERT INTO tasks (title, body, created_by) VALUES ($1, $2, $3) RETURNING id::int AS id',
    [task.title, task.body, actorUserId],
  );
  const taskId = rows[0]!.id;
  const perGrid = await client.query<{ grid_id: number; n: number }>(
    `WITH a AS (
       INSERT INTO task_assignments (task_id, worker_id, grid_id)
       SELECT $1, w.id, w.grid_id FROM grid_workers w WHERE w.grid_id = ANY($2::int[])
       RETURNING grid_id)
     SELECT grid_id, count(*)::int AS n FROM a GROUP BY grid_id ORDER BY grid_id`,
    [taskId, task.gridIds],
  );
  if (perGrid.rows.length === 0) throw rule('no grid worker in the chosen region');
  await client.query(
    `UPDATE grid_status s SET tasks_sent = s.tasks_sent + d.n
     FROM unnest($1::int[], $2::int[]) AS d(grid_id, n) WHERE s.grid_id = d.grid_id`,
    [perGrid.rows.map((r) => r.grid_id), perGrid.rows.map((r) => r.n)],
  );
  const seqs = await appendEvents(
    client,
    perGrid.rows.map((r) => ({
      type: 'task:sent',
      gridId: r.grid_id,
      actorUserId,
      payload: { taskId, workers: r.n },
    })),
  );
  return { id: taskId, workers: perGrid.rows.reduce((n, r) => n + r.n, 0), seq: seqs[seqs.length - 1]! };
}

/** sent → acked, or sent/acked → done. */
export async function answerTask(
  client: pg.ClientBase,
  taskId: number,
  workerId: number,
  to: 'acked' | 'done',
  actorUserId: number,
): Promise<{ seq: number; gridId: number }> {
  const { rows } = await client.query<{ grid_id: number; state: 'sent' | 'acked' | 'done' }>(
    'SELECT grid_id, state FROM task_assignments WHERE task_id = $1 AND worker_id = $2 FOR UPDATE',
    [taskId, workerId],
  );
  const current = rows[0];
  if (!current) throw notFound(`task ${taskId} for grid worker ${workerId}`);
  if (current.state === to || current.state === 'done') {
    throw new HttpError(409, ErrorCode.conflict, `task is already ${current.state}`);
  }
  await client.query(
    `UPDATE task_assignments SET state = $3, acked_at = coalesce(acked_at, now()),
       done_at = CASE WHEN $3 = 'done' THEN now() ELSE done_at END
     WHERE task_id = $1 AND worker_id = $2`,
    [taskId, workerId, to],
  );
  const from = current.state === 'sent' ? 'tasksSent' : 'tasksAcked';
  await bumpGridStatus(client, current.grid_id, {
    [from]: -1,
    [to === 'acked' ? 'tasksAcked' : 'tasksDone']: 1,
  });
  const [seq] = await appendEvents(client, [
    {
      type: to === 'acked' ? 'task:acked' : 'task:done',
      gridId: current.grid_id,
      actorUserId,
      payload: { taskId, workerId },
    },
  ]);
  return { seq: seq!, gridId: current.grid_id };
}

export async function changeCheckpoint(
  client: pg.ClientBase,
  id: number,
  change: { staffing?: number | undefined; checked?: number | undefined },
  actorUserId: number,
): Promise<{ seq: number; gridId: number }> {
  const { rows } = await client.query<{ grid_id: number; staffing: number }>(
    'UPDATE checkpoints SET staffing = coalesce($2, staffing) WHERE id = $1 RETURNING grid_id, staffing',
    [id, change.staffing ?? null],
  );
  if (!rows[0]) throw notFound(`checkpoint ${id}`);
  const [seq] = await appendEvents(client, [
    {
      type: 'checkpoint:updated',
      gridId: rows[0].grid_id,
      actorUserId,
      payload: { checkpointId: id, staffing: rows[0].staffing, checked: change.checked ?? 0 },
    },
  ]);
  return { seq: seq!, gridId: rows[0].grid_id };
}
