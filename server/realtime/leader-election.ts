// Elects one of several server processes (sharing Redis) to tail the event log and broadcast, so
// consoles see one ordered stream. The lease expires if its holder dies; another process then takes
// over from the last sequence number the old leader recorded as pushed.
import { randomUUID } from 'node:crypto';
import type { createClient } from 'redis';

type Redis = ReturnType<typeof createClient>;

export interface LeaderElectionOptions {
  key?: string;
  leaseMs?: number;
  onElected: (lastPushedSeq: number | null) => Promise<void> | void;
  onDeposed: () => void;
}

const renewScript = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end`;
const releaseScript = `if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end`;

export class LeaderElection {
  private readonly id = randomUUID();
  private readonly key: string;
  private readonly seqKey: string;
  private readonly leaseMs: number;
  private timer: NodeJS.Timeout | null = null;
  private leader = false;
  private pendingSeq: number | null = null;

  constructor(
    private readonly redis: Redis,
    private readonly options: LeaderElectionOptions,
  ) {
    this.key = options.key ?? 'grid-console:broadcaster';
    this.seqKey = `${this.key}:seq`;
    this.leaseMs = options.leaseMs ?? 3000;
  }

  get isLeader(): boolean {
    return this.leader;
  }

  async start(): Promise<void> {
    await this.round();
  }

  /** Called before each push while leader: a successor resumes after the last push begun. Re-pushing
   *  what a dying leader may already have sent is harmless (consoles drop what they have by seq). */
  recordSeq(seq: number): void {
    if (!this.leader || seq === this.pendingSeq) return;
    this.pendingSeq = seq;
    this.redis.set(this.seqKey, String(seq)).catch(() => undefined);
  }

  private async round(): Promise<void> {
    try {
      if (this.leader) {
        const renewed = Number(
          await this.redis.eval(renewScript, {
            keys: [this.key],
            arguments: [this.id, String(this.leaseMs)],
          }),
        );
        if (this.pendingSeq !== null) await this.redis.set(this.seqKey, String(this.pendingSeq));
        if (!renewed) {
          this.leader = false;
          this.options.onDeposed();
        }
      } else {
        const won = await this.redis.set(this.key, this.id, { NX: true, PX: this.leaseMs });
        if (won === 'OK') {
          this.leader = true;
          const seq = await this.redis.get(this.seqKey);
          await this.options.onElected(seq === null ? null : Number(seq));
        }
      }
    } catch {
      // Redis unreachable: a leader that cannot renew must stop before another one starts.
      if (this.leader) {
        this.leader = false;
        this.options.onDeposed();
      }
    }
    this.timer = setTimeout(() => void this.round(), this.leaseMs / 3);
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.leader) {
      if (this.pendingSeq !== null)
        await this.redis.set(this.seqKey, String(this.pendingSeq)).catch(() => undefined);
      await this.redis.eval(releaseScript, { keys: [this.key], arguments: [this.id] }).catch(() => undefined);
      this.leader = false;
      this.options.onDeposed();
    }
  }
}
