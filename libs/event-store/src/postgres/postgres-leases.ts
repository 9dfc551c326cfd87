import type pg from 'pg';
import { StaleLeaseError, type LeaseFence } from '../event-store';
import { LEASES_TABLE, MEMBERS_TABLE } from './postgres-schema';

export interface ShardLeasesOptions {
  /** A pool on the store's database (PostgresEventStore.pool): the lease tables live beside the events. */
  readonly pool: pg.Pool;
  /**
   * What the leases table records as the owner: unique among the live processes. A process
   * restarted under the same id (same host and port) takes its leases back at once instead of
   * waiting out the TTL; its first round bumps their epochs, so nothing its previous life might
   * still append (a stalled twin) gets through.
   */
  readonly processId: string;
  /** The fixed number of shards executions hash to. */
  readonly shardCount: number;
  /** How long a lease (and a membership) lasts unless renewed: STEPSTONE_LEASE_TTL_SECONDS. */
  readonly ttlMs: number;
  /** Time between renewal rounds; default a third of the TTL, so two rounds may fail before a lease lapses. */
  readonly renewEveryMs?: number;
  /**
   * Shards this process now holds that it did not hold before (or holds under a new epoch):
   * the caller replays their open executions. Not awaited by the rounds (a long replay must not
   * delay the renewals and let the leases lapse); `start` awaits the first one.
   */
  readonly onAcquired?: (shards: ReadonlyMap<number, number>) => void | Promise<void>;
  /** Shards this process no longer holds (handed to a joining process, or taken while it stalled). */
  readonly onLost?: (shards: readonly number[]) => void;
  /** A round that failed (the database is unreachable): the next round tries again. */
  readonly onError?: (error: unknown) => void;
  /**
   * This process became (true) or stopped being (false) the projector: the one process that
   * applies the read models (PROJECTOR_LEASE). Called from the rounds, in order.
   */
  readonly onProjector?: (holds: boolean) => void;
}

/**
 * The row of the leases table that is not a shard: the projector's. Whoever holds it applies the
 * read models; the other processes read the shared tables and wait for its checkpoint. Same TTL,
 * renewal and takeover as a shard's lease; assigned to the last member in id order (with 64
 * shards over n members, the last ones hold the fewest shards).
 */
export const PROJECTOR_LEASE = -1;

export interface ShardLeases {
  readonly processId: string;
  readonly shardCount: number;
  /** The fence to append under when this process holds the shard (as of its last round), else undefined. */
  fenceOf(shard: number): LeaseFence | undefined;
  /** Shard → epoch of every lease this process holds. */
  held(): ReadonlyMap<number, number>;
  /** Drops a shard here at once (an append under it was refused); a later round may give it back. */
  forget(shard: number): void;
  /** One renewal round now (tests, and the first round at start). */
  renew(): Promise<void>;
  /** The first round, then one every `renewEveryMs`. */
  start(): Promise<void>;
  /** Stops renewing and hands every lease back (epoch bumped), so the others take over at once. */
  close(): Promise<void>;
  /** Whether this process holds the projector's lease (as of its last round). */
  isProjector(): boolean;
}

/**
 * Shard leases in PostgreSQL: the store is the coordination point, no protocol between processes.
 *
 * Each round a process (1) renews its membership row (TTL) and drops lapsed ones, (2) computes
 * the assignment from the live members alone — shard s belongs to the (s mod n)-th member in id
 * order, so shards spread evenly and every process computes the same answer — (3) gives back the
 * shards assigned elsewhere, and (4) renews or takes the shards assigned to it, taking one only
 * when it is free or its lease lapsed. Each change of hands bumps the shard's epoch; appends carry
 * the epoch (AppendRequest.fence) and the store refuses a stale one in the append's transaction,
 * which is what makes a process that stalled past its TTL harmless (fencing), whatever it believes.
 * Times are the database's (`now()`), so the processes' clocks need not agree.
 */
export function createShardLeases(options: ShardLeasesOptions): ShardLeases {
  const { pool, processId, shardCount } = options;
  const ttlSeconds = options.ttlMs / 1000;
  const renewEveryMs = options.renewEveryMs ?? Math.max(100, Math.floor(options.ttlMs / 3));
  let held = new Map<number, number>();
  let projector = false;
  const setProjector = (holds: boolean) => {
    if (holds === projector) return;
    projector = holds;
    options.onProjector?.(holds);
  };
  let timer: NodeJS.Timeout | undefined;
  let round: Promise<void> | undefined;
  let closed = false;
  let firstRound = true;
  /** The replay of the shards taken by the latest round that took any. */
  let adopting: Promise<void> = Promise.resolve();

  const runRound = async (): Promise<void> => {
    const client = await pool.connect();
    try {
      await client.query(
        `INSERT INTO ${MEMBERS_TABLE} (process_id, expires_at) VALUES ($1, now() + make_interval(secs => $2))
         ON CONFLICT (process_id) DO UPDATE SET expires_at = excluded.expires_at`,
        [processId, ttlSeconds],
      );
      const members = await client.query<{ process_id: string }>(
        `WITH lapsed AS (DELETE FROM ${MEMBERS_TABLE} WHERE expires_at < now() RETURNING process_id)
         SELECT process_id FROM ${MEMBERS_TABLE} WHERE process_id NOT IN (SELECT process_id FROM lapsed) ORDER BY process_id COLLATE "C"`,
      );
      const ids = members.rows.map((row) => row.process_id);
      const index = ids.indexOf(processId);
      const target: number[] = [];
      for (let shard = 0; shard < shardCount; shard += 1) if (index >= 0 && shard % ids.length === index) target.push(shard);
      const targetSet = new Set(target);
      // The projector's lease goes with the last member: one row more in the same statements.
      const wanted = index >= 0 && index === ids.length - 1 ? [...target, PROJECTOR_LEASE] : target;
      if (!wanted.includes(PROJECTOR_LEASE)) setProjector(false);

      // Stop acting on shards assigned elsewhere before handing them back.
      const leaving = [...held.keys()].filter((shard) => !targetSet.has(shard));
      if (leaving.length > 0) {
        for (const shard of leaving) held.delete(shard);
        options.onLost?.(leaving);
      }
      await client.query(
        `UPDATE ${LEASES_TABLE} SET owner = NULL, epoch = epoch + 1, expires_at = now()
         WHERE owner = $1 AND NOT (shard = ANY($2::int[]))`,
        [processId, wanted],
      );
      const taken = await client.query<{ shard: number; epoch: string }>(
        `INSERT INTO ${LEASES_TABLE} AS lease (shard, owner, epoch, expires_at)
         SELECT shard, $1, 1, now() + make_interval(secs => $3) FROM unnest($2::int[]) AS shard
         ON CONFLICT (shard) DO UPDATE
           SET owner = $1,
               epoch = CASE WHEN lease.owner = $1 AND NOT $4 THEN lease.epoch ELSE lease.epoch + 1 END,
               expires_at = excluded.expires_at
           WHERE lease.owner = $1 OR lease.owner IS NULL OR lease.expires_at < now()
         RETURNING shard, epoch`,
        [processId, wanted, ttlSeconds, firstRound],
      );
      firstRound = false;
      if (closed) return;
      setProjector(taken.rows.some((row) => row.shard === PROJECTOR_LEASE));
      const now = new Map(taken.rows.filter((row) => row.shard !== PROJECTOR_LEASE).map((row) => [row.shard, Number(row.epoch)] as const));
      const lost = [...held.keys()].filter((shard) => now.get(shard) !== held.get(shard));
      const acquired = new Map([...now].filter(([shard, epoch]) => held.get(shard) !== epoch));
      held = now;
      if (lost.length > 0) options.onLost?.(lost);
      if (acquired.size > 0 && options.onAcquired) {
        const onAcquired = options.onAcquired;
        adopting = adopting.then(() => onAcquired(acquired)).catch((error: unknown) => options.onError?.(error));
      }
    } finally {
      client.release();
    }
  };

  const renew = (): Promise<void> => {
    round ??= runRound().finally(() => {
      round = undefined;
    });
    return round;
  };

  const schedule = () => {
    if (closed) return;
    timer = setTimeout(() => {
      renew()
        .catch((error: unknown) => options.onError?.(error))
        .finally(schedule);
    }, renewEveryMs);
  };

  return {
    processId,
    shardCount,
    fenceOf(shard) {
      const epoch = held.get(shard);
      return epoch === undefined ? undefined : { shard, epoch };
    },
    held: () => held,
    isProjector: () => projector,
    forget(shard) {
      if (held.delete(shard)) options.onLost?.([shard]);
    },
    renew,
    async start() {
      await renew();
      await adopting;
      schedule();
    },
    async close() {
      if (closed) return;
      closed = true;
      if (timer) clearTimeout(timer);
      await round?.catch(() => {});
      await adopting;
      held = new Map();
      setProjector(false);
      await pool.query(`UPDATE ${LEASES_TABLE} SET owner = NULL, epoch = epoch + 1, expires_at = now() WHERE owner = $1`, [processId]);
      await pool.query(`DELETE FROM ${MEMBERS_TABLE} WHERE process_id = $1`, [processId]);
    },
  };
}

/**
 * The shard of a stream: FNV-1a over its id, modulo the shard count. Fixed for the life of a
 * store (changing the count would move executions between shards).
 */
export function shardOfStream(streamId: string, shardCount: number): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < streamId.length; index += 1) {
    hash ^= streamId.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % shardCount;
}

/**
 * Runs `append` holding the fence's lease row FOR SHARE in a transaction of its own, or returns
 * StaleLeaseError when the shard's epoch is no longer the fence's; without a fence, just runs it.
 * For a store whose appends happen outside PostgreSQL (KurrentDB): a takeover's epoch bump (an
 * UPDATE of the row) waits until the append is done. The PostgreSQL store checks the fence inside
 * its own commit (stepstone_append).
 */
export async function underLeaseFence(pool: pg.Pool, streamId: string, fence: LeaseFence | undefined, append: () => Promise<void>): Promise<StaleLeaseError | undefined> {
  if (!fence) {
    await append();
    return undefined;
  }
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    const lease = await db.query<{ epoch: string }>(`SELECT epoch FROM ${LEASES_TABLE} WHERE shard = $1 FOR SHARE`, [fence.shard]);
    const current = lease.rows[0] ? Number(lease.rows[0].epoch) : undefined;
    if (current !== fence.epoch) {
      await db.query('ROLLBACK');
      return new StaleLeaseError(streamId, fence.shard, fence.epoch, current);
    }
    await append();
    await db.query('COMMIT');
    return undefined;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    db.release();
  }
}
