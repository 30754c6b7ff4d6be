// The Socket.IO connection to the status stream: subscribe (with lastSeq to resume, without for a
// snapshot), apply pushes through the store, resubscribe on a gap, a new protocol version, a
// `sync:reset` or a reconnect. Pushes that arrive while a subscription is in flight are held and
// applied after its answer, so nothing is applied on top of a state the snapshot then replaces.
import { io, type Socket } from 'socket.io-client';
import {
  protocolVersion,
  type ClientToServerEvents,
  type EnvelopeOf,
  type ServerToClientEvents,
  type SubscribeRequest,
} from '../../shared/realtime.ts';
import { readDeltaEnvelope, type WireStatusDelta } from '../../shared/status-wire.ts';
import {
  receiveDelta,
  receiveEvents,
  receiveGridShapes,
  receiveSubscribe,
  refreshSession,
  setConnection,
  useConsole,
} from '../state/store.ts';

type ConsoleSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface RealtimeHandle {
  stop(): void;
  /** Test hooks: drop the connection (it reconnects by itself), or hold it down and bring it back. */
  drop(): void;
  pause(): void;
  resume(): void;
}

let current: RealtimeHandle | null = null;
export const realtime = (): RealtimeHandle | null => current;

export function startRealtime(): RealtimeHandle {
  current?.stop();
  const socket: ConsoleSocket = io({
    path: '/socket.io',
    withCredentials: true,
    // WebSocket first, HTTP long-polling only where it cannot connect. Starting on polling and upgrading
    // leaves a window in which a page busy drawing (a wall display on a large grid set) misses the
    // server's heartbeat; the server then drops the session and the page, once free, polls with its id
    // and gets "400 Session ID unknown" before it reconnects.
    transports: ['websocket', 'polling'],
    tryAllTransports: true,
    autoConnect: false,
    reconnectionDelay: 500,
    reconnectionDelayMax: 5000,
  });
  let stopped = false;
  let inFlight = false;
  let again: 'resume' | 'snapshot' | null = null;
  let held: (() => void)[] = [];
  let retryTimer = 0;
  /** Answers to an older subscription (before a disconnect) are ignored. */
  let attempt = 0;

  const subscribe = (resume: boolean): void => {
    if (stopped || !socket.connected) return;
    if (inFlight) {
      again = again === 'snapshot' || !resume ? 'snapshot' : 'resume';
      return;
    }
    inFlight = true;
    const id = ++attempt;
    setConnection('subscribing');
    const lastSeq = resume ? useConsole.getState().live.lastSeq : null;
    const request: SubscribeRequest =
      lastSeq === null ? { v: protocolVersion } : { v: protocolVersion, lastSeq };
    socket.timeout(20_000).emit('status:subscribe', request, (error, result) => {
      if (stopped || id !== attempt) return;
      inFlight = false;
      if (error) {
        setConnection('reconnecting', 'subscribe timed out');
        retryTimer = window.setTimeout(() => subscribe(resume), 1000);
        return;
      }
      if (!result.ok) {
        setConnection('offline', `${result.error.code}: ${result.error.message}`);
        held = [];
        if (result.error.code === 'unauthenticated') void refreshSession();
        return;
      }
      receiveSubscribe(result.data);
      setConnection('live');
      const queued = held;
      held = [];
      if (again) {
        const next = again;
        again = null;
        subscribe(next === 'resume');
        held = queued.concat(held);
        return;
      }
      for (const apply of queued) apply();
    });
  };

  /** Runs a push now, or after the subscription in flight has been answered. */
  const whenSubscribed = (apply: () => void): void => {
    if (inFlight) held.push(apply);
    else apply();
  };

  socket.on('connect', () => {
    subscribe(useConsole.getState().live.lastSeq !== null);
  });
  socket.on('disconnect', (reason) => {
    attempt++;
    inFlight = false;
    again = null;
    held = [];
    if (stopped) return;
    setConnection('reconnecting', reason);
    // A disconnect by the server is not retried by socket.io itself.
    if (reason === 'io server disconnect') retryTimer = window.setTimeout(() => socket.connect(), 2000);
  });
  socket.on('connect_error', (error) => {
    if (stopped) return;
    setConnection(socket.active ? 'reconnecting' : 'offline', error.message);
    if (!socket.active) void refreshSession();
  });
  socket.on('status:delta', (envelope: EnvelopeOf<WireStatusDelta>) =>
    whenSubscribed(() => {
      // Another protocol's push need not even parse: the version alone says resubscribe.
      if (envelope?.v !== protocolVersion) return subscribe(false);
      const delta = readDeltaEnvelope(envelope);
      if (!delta) return subscribe(false);
      const { payload } = delta;
      // The window's entity events first (as they happened), then the statuses they led to.
      const { gridShapes } = payload;
      if (gridShapes) receiveGridShapes(delta.seq, gridShapes);
      const events = { ...delta, payload: { events: payload.events } };
      if (receiveEvents(events) === 'resync' || receiveDelta(delta) === 'resync') subscribe(false);
    }),
  );
  socket.on('sync:reset', () => subscribe(false));

  setConnection('connecting');
  socket.connect();

  const handle: RealtimeHandle = {
    stop() {
      stopped = true;
      window.clearTimeout(retryTimer);
      socket.removeAllListeners();
      socket.disconnect();
      setConnection('idle');
      if (current === handle) current = null;
    },
    drop() {
      socket.io.engine?.close();
    },
    pause() {
      socket.disconnect();
      setConnection('offline', 'paused');
    },
    resume() {
      setConnection('connecting');
      socket.connect();
    },
  };
  current = handle;
  return handle;
}
