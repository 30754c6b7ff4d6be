// Arrival registration (入格): one person, a CSV file of many, and the overdue list.
import express from 'express';
import { ErrorCode } from '../../shared/api-error.ts';
import {
  ArrivalRequest,
  ArrivalResponse,
  ImportReport,
  OverdueByGrid,
  OverdueQuery,
  type ArrivalRecord,
} from '../../shared/arrivals.ts';
import { maskIdNumber, maskName } from '../../shared/id-number.ts';
import {
  findArrivalById,
  findArrivalByIdNumber,
  findExistingIdNumbers,
  insertArrivals,
  listOverdueArrivals,
  type NewArrival,
} from '../db/arrivals.repo.ts';
import { withTransaction } from '../db/database.ts';
import { gridIdsInScope } from '../db/grids.repo.ts';
import { decodeCsv, parseArrivalTime, parseHealthCode, readArrivalCsv } from '../domain/arrival-csv.ts';
import { checkArrivalTime, isViolation, placeArrival } from '../domain/arrivals.ts';
import { scopeOf, seesPersonalData } from '../domain/scope.ts';
import type { AppDeps } from '../app.ts';
import type { ApiRegistry } from './api-registry.ts';
import { forbidden, HttpError } from './http-error.ts';

const registrars = ['commander', 'dispatcher', 'grid_worker'] as const;

export function arrivalRoutes(api: ApiRegistry, deps: AppDeps): void {
  api.add(
    {
      method: 'post',
      path: '/api/arrivals',
      summary:
        'Register an arrival into its grid (入格): validated, assigned by address or point, stored with an event in one transaction. ' +
        '201 when registered; 200 with duplicate=true and the existing record when the ID number is already registered.',
      tag: 'arrivals',
      roles: registrars,
      body: ArrivalRequest,
      response: ArrivalResponse,
      status: 201,
    },
    async ({ body, user, res }) => {
      const duplicate = (record: ArrivalRecord) => {
        res.locals.status = 200;
        return { arrival: record, duplicate: true, assignment: null, seq: null };
      };
      const existing = await findArrivalByIdNumber(deps.pool, body.idNumber);
      if (existing) return duplicate(existing);

      const timeViolation = checkArrivalTime(body.arrivedAt, new Date());
      const placed = placeArrival(deps.assigner, body.location);
      const violation = timeViolation ?? (isViolation(placed) ? placed : null);
      if (violation || isViolation(placed)) {
        throw new HttpError(
          422,
          violation?.code ?? ErrorCode.validation,
          violation?.message ?? 'not placed',
          undefined,
          violation?.details,
        );
      }
      const allowed = await gridIdsInScope(deps.pool, scopeOf(user));
      if (!allowed.has(placed.gridId))
        throw forbidden(`grid ${placed.assignment.grid?.code} is outside your scope`);

      const arrival: NewArrival = {
        name: body.name,
        idNumber: body.idNumber,
        phone: body.phone,
        origin: body.origin,
        arrivedAt: body.arrivedAt,
        healthCode: body.healthCode,
        gridId: placed.gridId,
        addressId: placed.addressId,
        point: placed.point,
      };
      try {
        const { record, seq } = await withTransaction(deps.pool, async (client) => {
          const [row] = await insertArrivals(client, [arrival], user.id);
          return { record: (await findArrivalById(client, row!.id))!, seq: row!.seq };
        });
        const { rule } = placed.assignment;
        return {
          arrival: record,
          duplicate: false,
          assignment: {
            rule: rule === 'address-unresolved' ? 'interior' : rule,
            gridRevision: deps.assigner.revision,
            address: placed.address,
            sectorGrids: placed.assignment.sectorGrids,
          },
          seq,
        };
      } catch (error) {
        // Two registrations of one person raced: the loser answers with the winner's record.
        const winner =
          (error as { code?: string }).code === '23505'
            ? await findArrivalByIdNumber(deps.pool, body.idNumber)
            : null;
        if (winner) return duplicate(winner);
        throw error;
      }
    },
  );

  api.add(
    {
      method: 'get',
      path: '/api/arrivals/overdue',
      summary: 'Arrivals registered more than 1 hour after arriving, by grid, within your scope',
      tag: 'arrivals',
      roles: ['commander', 'dispatcher', 'planner', 'grid_worker'],
      query: OverdueQuery,
      response: OverdueByGrid,
    },
    async ({ query, user }) => {
      const rows = await listOverdueArrivals(deps.pool, scopeOf(user), query);
      const masked = !seesPersonalData(user);
      const byGrid = new Map<number, OverdueByGrid['grids'][number]>();
      for (const row of rows) {
        let entry = byGrid.get(row.gridId);
        if (!entry) {
          entry = {
            grid: { id: row.gridId, code: row.gridCode, name: row.gridName, villageCode: row.villageCode },
            count: 0,
            arrivals: [],
          };
          byGrid.set(row.gridId, entry);
        }
        entry.count++;
        entry.arrivals.push({
          id: row.id,
          name: masked ? maskName(row.name) : row.name,
          idNumber: masked ? maskIdNumber(row.idNumber) : row.idNumber,
          arrivedAt: row.arrivedAt,
          registeredAt: row.registeredAt,
          latencyMinutes: row.latencyMinutes,
        });
      }
      const grids = [...byGrid.values()].sort(
        (a, b) => b.count - a.count || a.grid.code.localeCompare(b.grid.code),
      );
      return { grids, total: rows.length };
    },
  );

  api.add(
    {
      method: 'post',
      path: '/api/arrivals/import',
      summary:
        'Import arrivals from a CSV file (UTF-8 or GBK; Chinese or English headers). Every row is validated; all valid rows ' +
        'are imported in one transaction; rejected rows and already-registered ID numbers are reported. Re-running a file is idempotent.',
      tag: 'arrivals',
      roles: ['commander', 'dispatcher'],
      bodyContentType: 'text/csv',
      response: ImportReport,
    },
    async ({ req, user }) => {
      if (!Buffer.isBuffer(req.body)) {
        throw new HttpError(
          415,
          ErrorCode.invalidCsv,
          'send the file as the request body with Content-Type: text/csv',
        );
      }
      const { text, encoding } = decodeCsv(req.body);
      const table = readArrivalCsv(text);
      if ('error' in table) throw new HttpError(400, ErrorCode.invalidCsv, table.error);

      const allowed = await gridIdsInScope(deps.pool, scopeOf(user));
      const now = new Date();
      const valid: { line: number; arrival: NewArrival }[] = [];
      const rejected: { row: number; reasons: string[] }[] = [];
      const firstLineOfId = new Map<string, number>();
      for (const row of table.rows) {
        const reasons: string[] = [];
        const arrivedAt = parseArrivalTime(row.get('arrivedAt'));
        if (!arrivedAt)
          reasons.push('arrivedAt: not a date and time (2026-11-27 14:30, China time, or ISO 8601)');
        const healthCode = parseHealthCode(row.get('healthCode'));
        if (!healthCode) reasons.push('healthCode: must be 绿/黄/红 (green/yellow/red)');
        const address = row.get('address');
        const location = address
          ? { address }
          : { point: [Number(row.get('lon') || NaN), Number(row.get('lat') || NaN)] as [number, number] };
        const parsed = ArrivalRequest.safeParse({
          name: row.get('name'),
          idNumber: row.get('idNumber'),
          phone: row.get('phone'),
          origin: row.get('origin'),
          arrivedAt: arrivedAt ?? '',
          healthCode: healthCode ?? '',
          location,
        });
        if (!parsed.success) {
          for (const issue of parsed.error.issues) {
            const field = String(issue.path[0] ?? '');
            if ((field === 'arrivedAt' && !arrivedAt) || (field === 'healthCode' && !healthCode)) continue;
            reasons.push(`${issue.path.join('.')}: ${issue.message}`);
          }
        }
        if (reasons.length || !parsed.success) {
          rejected.push({ row: row.line, reasons });
          continue;
        }
        const request = parsed.data;
        const earlier = firstLineOfId.get(request.idNumber);
        if (earlier !== undefined) {
          rejected.push({ row: row.line, reasons: [`idNumber: same person as row ${earlier}`] });
          continue;
        }
        firstLineOfId.set(request.idNumber, row.line);
        const placed = placeArrival(deps.assigner, request.location);
        const violation = checkArrivalTime(request.arrivedAt, now) ?? (isViolation(placed) ? placed : null);
        if (violation || isViolation(placed)) {
          const candidates = (violation?.details?.candidates as { text: string }[] | undefined) ?? [];
          const hint = candidates.length
            ? ` (closest: ${candidates
                .slice(0, 3)
                .map((c) => c.text)
                .join(' / ')})`
            : '';
          rejected.push({ row: row.line, reasons: [`${violation?.message ?? 'not placed'}${hint}`] });
          continue;
        }
        if (!allowed.has(placed.gridId)) {
          rejected.push({
            row: row.line,
            reasons: [`grid ${placed.assignment.grid?.code} is outside your scope`],
          });
          continue;
        }
        valid.push({
          line: row.line,
          arrival: {
            name: request.name,
            idNumber: request.idNumber,
            phone: request.phone,
            origin: request.origin,
            arrivedAt: request.arrivedAt,
            healthCode: request.healthCode,
            gridId: placed.gridId,
            addressId: placed.addressId,
            point: placed.point,
          },
        });
      }

      const report = await withTransaction(deps.pool, async (client) => {
        const existing = await findExistingIdNumbers(
          client,
          valid.map((v) => v.arrival.idNumber),
        );
        const fresh = valid.filter((v) => !existing.has(v.arrival.idNumber));
        if (fresh.length)
          await insertArrivals(
            client,
            fresh.map((v) => v.arrival),
            user.id,
          );
        return {
          imported: fresh.length,
          duplicates: valid
            .filter((v) => existing.has(v.arrival.idNumber))
            .map((v) => ({
              row: v.line,
              idNumber: v.arrival.idNumber,
              existingId: existing.get(v.arrival.idNumber)!,
            })),
        };
      });
      return {
        encoding,
        rows: table.rows.length,
        imported: report.imported,
        duplicates: report.duplicates,
        rejected,
      };
    },
  );
}

/** CSV uploads arrive as raw bytes (the encoding is detected, not declared). */
export const csvBodyParser = express.raw({
  type: ['text/csv', 'application/csv', 'application/octet-stream'],
  limit: '20mb',
});
