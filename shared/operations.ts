// Field operations on the wire: occupant changes, arrival reports, field reports, tasks, checkpoints.
import { z } from 'zod';
import { HealthCode, OccupantStatus } from './domain.ts';
import { ArrivalLocation, IdNumber } from './arrivals.ts';

export const IdParams = z.object({ id: z.coerce.number().int().positive() });

export const OccupantChange = z
  .object({
    healthCode: HealthCode.optional(),
    status: OccupantStatus.optional(),
    /** Required when status becomes 'isolated'. */
    isolationSiteId: z.number().int().positive().optional(),
  })
  .refine((c) => c.healthCode !== undefined || c.status !== undefined, 'change healthCode and/or status')
  .refine(
    (c) => (c.status === 'isolated') === (c.isolationSiteId !== undefined),
    'isolationSiteId goes with status isolated',
  );
export type OccupantChange = z.infer<typeof OccupantChange>;

export const ChangeResult = z.object({ seq: z.number().int(), gridId: z.number().int() });

export const ArrivalReportRequest = z.object({
  idNumber: IdNumber,
  location: ArrivalLocation,
  checkpointId: z.number().int().positive().optional(),
});
export const ArrivalReportResult = z.object({
  id: z.number().int(),
  gridId: z.number().int(),
  seq: z.number().int(),
});

export const fieldReportKinds = [
  'health',
  'gathering',
  'supplies',
  'checkpoint',
  'enterprise',
  'housing',
  'other',
] as const;
export const FieldReportRequest = z.object({
  gridId: z.number().int().positive(),
  kind: z.enum(fieldReportKinds),
  summary: z.string().trim().min(1).max(500),
});
export const FieldReportResult = z.object({
  id: z.number().int(),
  gridId: z.number().int(),
  seq: z.number().int(),
});

export const TaskRequest = z.object({
  title: z.string().trim().min(1).max(200),
  body: z.string().max(4000).default(''),
  /** Send to every grid worker of this region (default: the sender's whole scope). */
  region: z
    .string()
    .regex(/^[0-9]{6}([0-9]{3}([0-9]{3})?)?$/)
    .optional(),
});
export const TaskProgress = z.object({
  id: z.number().int(),
  title: z.string(),
  createdAt: z.string(),
  sent: z.number().int(),
  acked: z.number().int(),
  done: z.number().int(),
});
export type TaskProgress = z.infer<typeof TaskProgress>;
export const TaskList = z.object({ tasks: z.array(TaskProgress) });

/** A grid worker answers for themself; a commander or dispatcher records an answer phoned in. */
export const TaskAnswer = z.object({ workerId: z.number().int().positive().optional() });
export const TaskAnswerResult = z.object({ state: z.enum(['acked', 'done']), seq: z.number().int() });

export const CheckpointChange = z.object({
  staffing: z.number().int().min(0).max(200).optional(),
  /** People and vehicles checked since the last report (traffic). */
  checked: z.number().int().min(0).max(100_000).optional(),
});
