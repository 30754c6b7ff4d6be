// Socket.IO on the HTTP server: session-cookie authentication, validated subscriptions narrowed to the
// session's scope, catch-up (replay or snapshot), and the broadcaster. With REDIS_URL several processes
// share rooms through the Redis streams adapter and elect one of them to tail the event log.
import type http from 'node:http';
import { createAdapter } from '@socket.io/redis-streams-adapter';
import type pg from 'pg';
import { createClient } from 'redis';
import { Server } from 'socket.io';
import { ErrorCode } from '../../shared/api-error.ts';
import type { SessionUser } from '../../shared/auth.ts';
import { sessionCookieName } from '../../shared/auth.ts';
import {
  protocolVersion,
  SubscribeRequest,
  type ClientToServerEvents,
  type ServerToClientEvents,
  type SubscribeResult,
} from '../../shared/realtime.ts';
import { encodeStatusDelta } from '../../shared/status-wire.ts';
import { readMaxSeq } from '../db/events.repo.ts';
import { findSessionUser } from '../db/users.repo.ts';
import { readCookie } from '../http/session.ts';
import { Broadcaster, type BroadcasterOptions } from './broadcaster.ts';
import { catchUp } from './catch-up.ts';
import { LeaderElection } from './leader-election.ts';
import { grantSubscription, type GridPlace } from './rooms.ts';
import { readGridPlaces } from './status-model.ts';

interface SocketData {
  user: SessionUser;
  rooms: string[];
}

export type Io = Server<ClientToServerEvents, ServerToClientEvents, Record<string, never>, SocketData>;

export interface RealtimeOptions {
  pool: pg.Pool;
  redisUrl?: string | undefined;
  redisPrefix?: string;
  broadcaster?: BroadcasterOptions;
  /** Engine.IO heartbeat: a connection that answers no ping within interval + timeout is closed. */
  heartbeat?: Heartbeat;
  log?: (line: string) => void;
}

export interface Heartbeat {
  pingIntervalMs: number;
  pingTimeoutMs: number;
}
const defaultHeartbeat: Heartbeat = { pingIntervalMs: 10_000, pingTimeoutMs: 8_000 };

export interface Realtime {
  io: Io;
  /** This process's broadcaster while it is the one tailing the event log. */
  broadcaster(): Broadcaster | null;
  /** Grid workers with at least one connected console (across all processes). */
  onlineGridWorkers(): Promise<number>;
  close(): Promise<void>;
}

export async function attachRealtime(httpServer: http.Server, options: RealtimeOptions): Promise<Realtime> {
  const { pool } = options;
  const log = options.log ?? (() => undefined);
  const heartbeat = options.heartbeat ?? defaultHeartbeat;
  const io: Io = new Server(httpServer, {
    serveClient: false,
    pingInterval: heartbeat.pingIntervalMs,
    pingTimeout: heartbeat.pingTimeoutMs,
  });

  let redis: ReturnType<typeof createClient> | null = null;
  if (options.redisUrl) {
    redis = createClient({ url: options.redisUrl });
    redis.on('error', (error) => log(`redis: ${(error as Error).message}`));
    await redis.connect();
    io.adapter(createAdapter(redis, { streamName: `${options.redisPrefix ?? 'grid-console'}:socket.io` }));
  }

  let places: Map<number, GridPlace> = (await readGridPlaces(pool)).places;
  const placeOf = (gridId: number) => places.get(gridId);

  io.use(async (socket, next) => {
    try {
      const token = readCookie(socket.handshake.headers.cookie, sessionCookieName);
      const user = token ? await findSessionUser(pool, token) : null;
      if (!user) return next(new Error(ErrorCode.unauthenticated));
      socket.data.user = user;
      socket.data.rooms = [];
      next();
    } catch (error) {
      next(error as Error);
    }
  });

  io.on('connection', (socket) => {
    socket.on('status:subscribe', async (raw, ack) => {
      const reply = typeof ack === 'function' ? ack : () => undefined;
      try {
        const parsed = SubscribeRequest.safeParse(raw);
        if (!parsed.success) {
          reply({
            ok: false,
            error: {
              code: ErrorCode.validation,
              message: parsed.error.issues.map((i) => i.message).join('; '),
            },
          });
          return;
        }
        const request = parsed.data;
        const user = socket.data.user;
        const workerGrids =
          user.gridWorkerId === null
            ? []
            : (
                await pool.query<{ grid_id: number }>(
                  'SELECT grid_id FROM grid_worker_assignments WHERE worker_id = $1',
                  [user.gridWorkerId],
                )
              ).rows.map((r) => r.grid_id);
        if (request.gridId !== undefined && !places.has(request.gridId))
          places = (await readGridPlaces(pool)).places;
        const grant = grantSubscription(user, request, workerGrids, placeOf);
        if ('error' in grant) {
          reply({ ok: false, error: { code: ErrorCode.forbidden, message: grant.error } });
          return;
        }
        // Join first, then read: anything committed from here on reaches this socket by a push or the
        // catch-up (duplicates are dropped by seq on the client; a gap makes it resubscribe).
        for (const room of socket.data.rooms) await socket.leave(room);
        await socket.join(grant.rooms);
        socket.data.rooms = grant.rooms;
        const atSeq = await readMaxSeq(pool);
        const lastSeq =
          request.v === undefined || request.v === protocolVersion ? request.lastSeq : undefined;
        const result = await catchUp(pool, grant, lastSeq, atSeq);
        const at = new Date().toISOString();
        const base = { mode: result.mode, seq: atSeq, region: grant.region, gridIds: grant.gridIds };
        if (result.mode === 'replay') {
          socket.emit('status:delta', {
            v: protocolVersion,
            seq: atSeq,
            at,
            type: 'status:delta',
            payload: encodeStatusDelta({
              grids: result.grids,
              regions: result.regions,
              fromSeq: (lastSeq ?? 0) + 1,
              events: result.events,
            }),
          });
          reply({ ok: true, data: base satisfies SubscribeResult });
        } else {
          reply({ ok: true, data: { ...base, snapshot: result.snapshot } satisfies SubscribeResult });
        }
      } catch (error) {
        log(`subscribe failed: ${(error as Error).message}`);
        reply({ ok: false, error: { code: ErrorCode.internal, message: 'subscription failed; try again' } });
      }
    });
  });

  // One process tails the event log: this one alone, or the elected leader among several.
  let broadcaster: Broadcaster | null = null;
  const becomeBroadcaster = async (fromSeq?: number): Promise<void> => {
    broadcaster = new Broadcaster(pool, io, {
      skipEmptyRooms: redis === null,
      ...options.broadcaster,
      onError: (error) => log(`broadcaster: ${(error as Error).message}`),
      onPushing: (seq) => election?.recordSeq(seq),
    });
    await broadcaster.start(fromSeq);
    log(`broadcasting from event ${broadcaster.seq}`);
  };
  const election = redis
    ? new LeaderElection(redis, {
        key: `${options.redisPrefix ?? 'grid-console'}:broadcaster`,
        onElected: (lastSeq) => becomeBroadcaster(lastSeq ?? undefined),
        onDeposed: () => {
          broadcaster?.stop();
          broadcaster = null;
        },
      })
    : null;
  if (election) await election.start();
  else await becomeBroadcaster();

  return {
    io,
    broadcaster: () => broadcaster,
    async onlineGridWorkers() {
      const sockets = await io.fetchSockets();
      return new Set(
        sockets.map((s) => s.data.user?.gridWorkerId).filter((id) => id !== null && id !== undefined),
      ).size;
    },
    async close() {
      broadcaster?.stop();
      await election?.stop();
      io.disconnectSockets(true);
      await new Promise<void>((resolve) => io.close(() => resolve()));
      if (redis?.isOpen) await redis.quit().catch(() => undefined);
    },
  };
}
