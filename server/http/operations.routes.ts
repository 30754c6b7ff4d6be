// Field operations: occupant changes, arrival reports, field reports, tasks to grid workers, checkpoints.
import { z } from 'zod';
import { ErrorCode } from '../../shared/api-error.ts';
import {
  ArrivalReportRequest,
  ArrivalReportResult,
  ChangeResult,
  CheckpointChange,
  FieldReportRequest,
  FieldReportResult,
  IdParams,
  OccupantChange,
  TaskAnswer,
  TaskAnswerResult,
  TaskList,
  TaskRequest,
} from '../../shared/operations.ts';
import { withTransaction } from '../db/database.ts';
import { gridIdsInScope } from '../db/grids.repo.ts';
import {
  answerTask,
  changeCheckpoint,
  changeOccupant,
  closeReport,
  fileReport,
  lockOccupant,
  reportArrival,
  sendTask,
} from '../db/operations.repo.ts';
import { isViolation, placeArrival } from '../domain/arrivals.ts';
import { gridInRegionSql, gridInScopeSql, scopeOf } from '../domain/scope.ts';
import { SqlParams } from '../db/sql-params.ts';
import type { AppDeps } from '../app.ts';
import type { ApiRegistry } from './api-registry.ts';
import { forbidden, HttpError, notFound } from './http-error.ts';
import type { SessionUser } from '../../shared/auth.ts';
import type pg from 'pg';

const fieldRoles = ['commander', 'dispatcher', 'grid_worker'] as const;
const commandRoles = ['commander', 'dispatcher'] as const;

export function operationRoutes(api: ApiRegistry, deps: AppDeps): void {
  // Inside a transaction pass its client: the embedded engine's pool has one connection, which the
  // transaction holds.
  const requireInScope = async (
    user: SessionUser,
    gridId: number,
    db: pg.ClientBase | pg.Pool = deps.pool,
  ): Promise<void> => {
    if (!(await gridIdsInScope(db, scopeOf(user))).has(gridId))
      throw forbidden(`grid ${gridId} is outside your scope`);
  };

  api.add(
    {
      method: 'patch',
      path: '/api/occupants/:id',
      summary: 'Change an occupant’s health code and/or status (isolate at a site, release, left)',
      tag: 'occupants',
      roles: fieldRoles,
      params: IdParams,
      body: OccupantChange,
      response: ChangeResult,
    },
    async ({ params, body, user }) =>
      withTransaction(deps.pool, async (client) => {
        const before = await lockOccupant(client, params.id);
        await requireInScope(user, before.grid_id, client);
        return changeOccupant(client, before, body, user.id);
      }),
  );

  api.add(
    {
      method: 'post',
      path: '/api/arrival-reports',
      summary: 'Report an arrival (e.g. at a checkpoint) that must be registered into its grid within 1 hour',
      tag: 'arrivals',
      roles: fieldRoles,
      body: ArrivalReportRequest,
      response: ArrivalReportResult,
      status: 201,
    },
    async ({ body, user }) => {
      const placed = placeArrival(deps.assigner, body.location);
      if (isViolation(placed))
        throw new HttpError(422, placed.code, placed.message, undefined, placed.details);
      const result = await withTransaction(deps.pool, (client) =>
        reportArrival(
          client,
          { idNumber: body.idNumber, gridId: placed.gridId, checkpointId: body.checkpointId ?? null },
          user.id,
        ),
      );
      return { ...result, gridId: placed.gridId };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/field-reports',
      summary: 'File a field report for a grid (即知即报)',
      tag: 'reports',
      roles: fieldRoles,
      body: FieldReportRequest,
      response: FieldReportResult,
      status: 201,
    },
    async ({ body, user }) => {
      await requireInScope(user, body.gridId);
      const result = await withTransaction(deps.pool, (client) => fileReport(client, body, user.id));
      return { ...result, gridId: body.gridId };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/field-reports/:id/close',
      summary: 'Close a field report',
      tag: 'reports',
      roles: fieldRoles,
      params: IdParams,
      response: ChangeResult,
    },
    async ({ params, user }) =>
      withTransaction(deps.pool, async (client) => {
        const { rows } = await client.query<{ grid_id: number }>(
          'SELECT grid_id FROM field_reports WHERE id = $1',
          [params.id],
        );
        if (!rows[0]) throw notFound(`field report ${params.id}`);
        await requireInScope(user, rows[0].grid_id, client);
        return closeReport(client, params.id, user.id);
      }),
  );

  api.add(
    {
      method: 'post',
      path: '/api/tasks',
      summary: 'Push a task to every grid worker of a region (default: your whole scope) at once',
      tag: 'tasks',
      roles: commandRoles,
      body: TaskRequest,
      response: z.object({ id: z.number().int(), workers: z.number().int(), seq: z.number().int() }),
      status: 201,
    },
    async ({ body, user }) => {
      const params = new SqlParams();
      const where = [`g.kind = 'territorial'`, gridInScopeSql('g', scopeOf(user), params)];
      if (body.region) where.push(gridInRegionSql('g', body.region, params));
      const { rows } = await deps.pool.query<{ id: number }>(
        `SELECT g.id FROM grids g WHERE ${where.join(' AND ')}`,
        params.values,
      );
      if (rows.length === 0)
        throw new HttpError(422, ErrorCode.validation, 'no grid of yours in that region');
      return withTransaction(deps.pool, (client) =>
        sendTask(client, { title: body.title, body: body.body, gridIds: rows.map((r) => r.id) }, user.id),
      );
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/tasks',
      summary: 'Recent tasks with how many grid workers have them sent, acknowledged and done',
      tag: 'tasks',
      roles: ['commander', 'dispatcher', 'grid_worker', 'planner'],
      response: TaskList,
    },
    async ({ user }) => {
      const params = new SqlParams();
      const scope = gridInScopeSql('g', scopeOf(user), params);
      const { rows } = await deps.pool.query<z.infer<typeof TaskList>['tasks'][number]>(
        `SELECT t.id::int AS id, t.title, to_json(t.created_at)#>>'{}' AS "createdAt",
                count(*) FILTER (WHERE a.state = 'sent')::int AS sent,
                count(*) FILTER (WHERE a.state = 'acked')::int AS acked,
                count(*) FILTER (WHERE a.state = 'done')::int AS done
         FROM tasks t JOIN task_assignments a ON a.task_id = t.id JOIN grids g ON g.id = a.grid_id
         WHERE ${scope} GROUP BY t.id ORDER BY t.id DESC LIMIT 50`,
        params.values,
      );
      return { tasks: rows };
    },
  );

  for (const to of ['acked', 'done'] as const) {
    api.add(
      {
        method: 'post',
        path: `/api/tasks/:id/${to === 'acked' ? 'ack' : 'done'}`,
        summary: to === 'acked' ? 'Acknowledge a task' : 'Mark a task done',
        tag: 'tasks',
        roles: fieldRoles,
        params: IdParams,
        body: TaskAnswer,
        response: TaskAnswerResult,
      },
      async ({ params, body, user }) => {
        const workerId = user.role === 'grid_worker' ? user.gridWorkerId : (body.workerId ?? null);
        if (workerId === null)
          throw new HttpError(
            400,
            ErrorCode.validation,
            'workerId is required when answering for a grid worker',
          );
        if (user.role === 'grid_worker' && body.workerId !== undefined && body.workerId !== workerId) {
          throw forbidden('a grid worker answers only for themself');
        }
        const result = await withTransaction(deps.pool, async (client) => {
          const { rows } = await client.query<{ grid_id: number }>(
            'SELECT grid_id FROM grid_workers WHERE id = $1',
            [workerId],
          );
          if (!rows[0]) throw notFound(`grid worker ${workerId}`);
          await requireInScope(user, rows[0].grid_id, client);
          return answerTask(client, params.id, workerId, to, user.id);
        });
        return { state: to, seq: result.seq };
      },
    );
  }

  api.add(
    {
      method: 'patch',
      path: '/api/checkpoints/:id',
      summary: 'Update a checkpoint’s staffing and report traffic checked',
      tag: 'facilities',
      roles: fieldRoles,
      params: IdParams,
      body: CheckpointChange,
      response: ChangeResult,
    },
    async ({ params, body, user }) =>
      withTransaction(deps.pool, async (client) => {
        const { rows } = await client.query<{ grid_id: number }>(
          'SELECT grid_id FROM checkpoints WHERE id = $1',
          [params.id],
        );
        if (!rows[0]) throw notFound(`checkpoint ${params.id}`);
        await requireInScope(user, rows[0].grid_id, client);
        return changeCheckpoint(client, params.id, body, user.id);
      }),
  );
}
