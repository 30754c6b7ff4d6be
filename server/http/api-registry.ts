// Declares every API route once: method, path, roles, zod schemas for input and output. The same
// declaration validates requests, enforces roles, and generates /api/openapi.json.
import type { Request, Response, Router } from 'express';
import { z } from 'zod';
import { ApiError, ErrorCode } from '../../shared/api-error.ts';
import type { SessionUser } from '../../shared/auth.ts';
import type { UserRole } from '../../shared/domain.ts';
import { forbidden, HttpError, unauthenticated } from './http-error.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

export interface RouteSpec<
  Q extends z.ZodType = z.ZodType,
  P extends z.ZodType = z.ZodType,
  B extends z.ZodType = z.ZodType,
  R extends z.ZodType = z.ZodType,
> {
  method: Method;
  /** Express-style path, e.g. `/api/grids/:id`. */
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed; 'public' needs no session. */
  roles: readonly UserRole[] | 'public';
  query?: Q;
  params?: P;
  body?: B;
  /** A non-JSON body (e.g. text/csv) the handler reads from `req.body` itself. */
  bodyContentType?: string;
  response: R;
  /** Other media types the route may answer with (files the handler writes itself, see `answered`). */
  alsoReturns?: readonly string[];
  status?: number;
}

/** Returned by a handler that wrote the response itself (a binary file). */
export const answered: unique symbol = Symbol('answered');

export interface RouteInput<Q, P, B> {
  query: Q;
  params: P;
  body: B;
  /** Present on every route that is not public. */
  user: SessionUser;
  req: Request;
  /** To answer with another success status than the route's, set `res.locals.status`. */
  res: Response;
}

type Out<T extends z.ZodType | undefined> = T extends z.ZodType ? z.output<T> : undefined;

export const allRoles: readonly UserRole[] = ['commander', 'dispatcher', 'planner', 'grid_worker', 'screen'];

function parseOrThrow<T extends z.ZodType>(schema: T, value: unknown, where: string): z.output<T> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw new HttpError(
    400,
    ErrorCode.validation,
    `invalid ${where}`,
    parsed.error.issues.map((issue) => ({
      path: [where, ...issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))],
      message: issue.message,
      code: issue.code,
    })),
  );
}

export class ApiRegistry {
  readonly routes: RouteSpec[] = [];

  constructor(private readonly router: Router) {}

  add<Q extends z.ZodType, P extends z.ZodType, B extends z.ZodType, R extends z.ZodType>(
    spec: RouteSpec<Q, P, B, R>,
    handler: (input: RouteInput<Out<Q>, Out<P>, Out<B>>) => Promise<z.input<R> | typeof answered>,
  ): void {
    this.routes.push(spec as unknown as RouteSpec);
    this.router[spec.method](spec.path, async (req: Request, res: Response) => {
      const user = req.user;
      if (spec.roles !== 'public') {
        if (!user) throw unauthenticated();
        if (!spec.roles.includes(user.role))
          throw forbidden(`role ${user.role} may not ${spec.method.toUpperCase()} ${spec.path}`);
      }
      const input = {
        query: spec.query ? parseOrThrow(spec.query, req.query, 'query') : undefined,
        params: spec.params ? parseOrThrow(spec.params, req.params, 'params') : undefined,
        body: spec.body ? parseOrThrow(spec.body, req.body, 'body') : undefined,
        user: user as SessionUser,
        req,
        res,
      } as RouteInput<Out<Q>, Out<P>, Out<B>>;
      const result = await handler(input);
      if (result === answered || res.headersSent) return;
      res.status((res.locals.status as number | undefined) ?? spec.status ?? 200).json(result);
    });
  }

  openApi(info: { title: string; version: string }): object {
    const paths: Record<string, Record<string, object>> = {};
    const schema = (s: z.ZodType, io: 'input' | 'output'): object => {
      try {
        return z.toJSONSchema(s, { io, unrepresentable: 'any' }) as object;
      } catch {
        return {};
      }
    };
    for (const route of this.routes) {
      const path = route.path.replace(/:([A-Za-z_]+)/g, '{$1}');
      const parameters: object[] = [];
      for (const [location, s] of [
        ['query', route.query],
        ['path', route.params],
      ] as const) {
        if (!s) continue;
        const json = schema(s, 'input') as { properties?: Record<string, object>; required?: string[] };
        for (const [name, property] of Object.entries(json.properties ?? {})) {
          parameters.push({
            name,
            in: location,
            required: location === 'path' || (json.required ?? []).includes(name),
            schema: property,
          });
        }
      }
      const errorResponse = {
        description: 'error',
        content: { 'application/json': { schema: schema(ApiError, 'output') } },
      };
      paths[path] ??= {};
      paths[path][route.method] = {
        summary: route.summary,
        tags: [route.tag],
        'x-roles': route.roles,
        ...(parameters.length ? { parameters } : {}),
        ...(route.bodyContentType
          ? {
              requestBody: {
                required: true,
                content: { [route.bodyContentType]: { schema: { type: 'string' } } },
              },
            }
          : {}),
        ...(route.body
          ? {
              requestBody: {
                required: true,
                content: { 'application/json': { schema: schema(route.body, 'input') } },
              },
            }
          : {}),
        ...(route.roles === 'public' ? { security: [] } : {}),
        responses: {
          [String(route.status ?? 200)]: {
            description: 'success',
            content: {
              'application/json': { schema: schema(route.response, 'output') },
              ...Object.fromEntries(
                (route.alsoReturns ?? []).map((type) => [
                  type,
                  { schema: { type: 'string', contentMediaType: type } },
                ]),
              ),
            },
          },
          '400': errorResponse,
          ...(route.roles === 'public' ? {} : { '401': errorResponse, '403': errorResponse }),
        },
      };
    }
    return {
      openapi: '3.1.0',
      info,
      components: {
        securitySchemes: { session: { type: 'apiKey', in: 'cookie', name: 'gc_session' } },
      },
      security: [{ session: [] }],
      paths,
    };
  }
}
