// The one error shape every HTTP route and socket ack uses, and the codes it may carry.
import { z } from 'zod';

export const ErrorCode = {
  validation: 'validation_failed',
  invalidGeometry: 'invalid_geometry',
  notFound: 'not_found',
  unauthenticated: 'unauthenticated',
  forbidden: 'forbidden',
  badCredentials: 'bad_credentials',
  conflict: 'conflict',
  payloadTooLarge: 'payload_too_large',
  internal: 'internal_error',
  unavailable: 'unavailable',
  addressUnresolved: 'address_unresolved',
  outsideCounty: 'outside_county',
  invalidArrivalTime: 'invalid_arrival_time',
  invalidCsv: 'invalid_csv',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

export const ValidationIssue = z.object({
  path: z.array(z.union([z.string(), z.number()])),
  message: z.string(),
  code: z.string().optional(),
});
export type ValidationIssue = z.infer<typeof ValidationIssue>;

export const ApiError = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    issues: z.array(ValidationIssue).optional(),
    /** Machine-readable context, e.g. address candidates or the nearest grid. */
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;
