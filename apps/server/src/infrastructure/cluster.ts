import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { EXECUTION_CLOSING_TYPES, type ExecutionEvent, type ExecutionOwnership, type WaitingActivityTask } from '@stepstone/engine';
import {
  createShardLeases,
  shardOfStream,
  type KurrentDbEventStore,
  type PostgresAnnouncements,
  type PostgresEventStore,
  type RecordedEvent,
  type ShardLeases,
  type Subscription,
} from '@stepstone/event-store';
import type { ActivityTaskQueue, ExecutionEndWatcher } from '@stepstone/integrations';
import type { Projections } from '@stepstone/projections';
import type { Arns } from '../aws-protocol/arns';
import type { TaskCompletionRunner } from './tokens';

/**
 * The fixed number of shards executions hash to (by stream id). Fixed for the life of a store:
 * changing it would move running executions between shards. 64 spreads evenly over a handful of
 * processes and keeps a takeover's replay per shard small.
 */
export const SHARD_COUNT = 64;

const EXECUTION_PREFIX = 'execution-';
const CLOSING_EVENTS: ReadonlySet<string> = new Set(EXECUTION_CLOSING_TYPES);
/** The events the feed handler reads the payload of. */
const PAYLOAD_TYPES = ['ActivityScheduled'];

/**
 * What each commit on PostgreSQL announces in its NOTIFY (migration 4): what the feed handler
 * below acts on, so that it follows the appends of other processes without reading the feed.
 * Every process of one build passes the same to its store (main.ts).
 */
export const CLUSTER_FEED_ANNOUNCEMENTS: PostgresAnnouncements = { types: EXECUTION_CLOSING_TYPES, payloadTypes: PAYLOAD_TYPES };
/** Most events of the feed handled at once. */
const FEED_BATCH_EVENTS = 1_000;
/**
 * After a batch that was not a backlog, how long the feed handler lets other commits gather
 * before it reads again: what a timer, a task dispatch or an end waits at most, added, for an
 * append by another process.
 */
const FEED_PAUSE_MS = 5;

/**
 * A process's id in the leases table: host and port, unique among live processes (two cannot
 * listen on one port), and the same after a restart, which then takes its shards back at once.
 */
export function clusterProcessId(port: number): string {
  // Port 0 (any free port) is no identity: that process gets one of its own.
  return port > 0 ? `${hostname()}:${port}` : `${hostname()}:pid-${process.pid}-${randomUUID().slice(0, 8)}`;
}

/** What the server needs of the runner here: the runner's ownership hooks. */
type ClusterRunner = TaskCompletionRunner & {
  adopt(inShards: (streamId: string) => boolean): Promise<{ executions: number }>;
  release(inShards: (streamId: string) => boolean): void;
  notice(executionArn: string, revision: number, closed?: boolean): Promise<void>;
  waitingActivityTasks(): Promise<WaitingActivityTask[]>;
};

export interface Cluster {
  readonly processId: string;
  readonly ttlSeconds: number;
  /** Handed to the runner: which executions this process runs, and their fences. */
  readonly ownership: ExecutionOwnership;
  /**
   * Follows the store's feed, then takes the first leases (and replays their executions). The
   * read models are applied by the holder of the projector's lease alone (`projections` follow
   * its checkpoint elsewhere).
   */
  start(deps: { runner: ClusterRunner; activities: ActivityTaskQueue; watcher: ExecutionEndWatcher; arns: Arns; projections: Projections }): Promise<void>;
  /** Stops following the feed and hands every lease back. Call after the runner has closed. */
  close(): Promise<void>;
}

/**
 * Several server processes on one PostgreSQL or KurrentDB store. Each holds shard leases (createShardLeases, in PostgreSQL)
 * and runs the background work of its shards' executions; any process serves any API call.
 *
 * How work crosses processes — all through the store, no messages between processes:
 * - An API command on an execution held elsewhere (StartExecution, StopExecution, Redrive,
 *   SendTask*) is decided and appended where it arrives, under optimistic concurrency. The
 *   holder sees the append in the store's feed (LISTEN/NOTIFY wakes it), reloads the execution
 *   and performs the effects (timers, task dispatch). The API's answer does not wait for the
 *   holder, and the holder cannot miss the append: it is in the feed, and a shard taken later
 *   is replayed from the store.
 * - Activity tasks: every process queues the ActivityScheduled events it sees in the feed, so
 *   a GetActivityTask long poll on any process receives tasks scheduled by any other. A worker
 *   takes a task by appending ActivityStarted with the stream's expected revision: of two
 *   processes handing out one task, one append wins and the other poller is given nothing.
 * - Ends of executions (for `.sync` parents and long polls) are read from the feed too.
 * - Read models: one process, the holder of the projector's lease (PROJECTOR_LEASE, in the same
 *   table, TTL and rounds as the shards'), applies them to the shared PostgreSQL tables and
 *   announces each checkpoint by NOTIFY; the others answer queries from those tables once the
 *   announced checkpoint covers what the query must see (read-your-writes). A projector that
 *   dies is replaced within the TTL; one that stalled and still applies is harmless, since each
 *   batch runs under the checkpoint's advisory lock and skips what the checkpoint covers.
 */
/** The stores several processes can share: both keep the leases in PostgreSQL (their `pool`) and refuse stale fences. */
export type ClusterStore = PostgresEventStore | KurrentDbEventStore;

export function createCluster(options: { store: ClusterStore; ttlSeconds: number; processId: string; log?: (line: string) => void }): Cluster {
  const processId = options.processId;
  const log = options.log ?? ((line: string) => console.log(line));
  const shardOf = (streamId: string) => shardOfStream(streamId, SHARD_COUNT);
  const started: { runner?: ClusterRunner; projections?: Projections } = {};
  let subscription: Subscription | undefined;
  /** Changes of the projector's role, applied in the order the rounds decided them. */
  let projecting: Promise<void> = Promise.resolve();

  const leases: ShardLeases = createShardLeases({
    pool: options.store.pool,
    processId,
    shardCount: SHARD_COUNT,
    ttlMs: options.ttlSeconds * 1000,
    onAcquired: async (shards) => {
      const runner = started.runner;
      if (!runner) return;
      const { executions } = await runner.adopt((streamId) => shards.has(shardOf(streamId)));
      log(`stepstone cluster: took ${shards.size} shards (${leases.held().size} held), resumed ${executions} executions`);
    },
    onLost: (shards) => {
      const lost = new Set(shards);
      started.runner?.release((streamId) => lost.has(shardOf(streamId)));
      log(`stepstone cluster: gave up ${shards.length} shards (${leases.held().size} held)`);
    },
    onError: (error) => console.error('stepstone cluster: lease renewal failed:', error instanceof Error ? error.message : error),
    onProjector: (holds) => {
      const projections = started.projections;
      if (!projections) return;
      projecting = projecting
        .then(() => projections.setApplying(holds))
        .then(
          () => log(`stepstone cluster: ${holds ? 'applies the read models (projector)' : 'follows the projector'}`),
          (error: unknown) => console.error('stepstone cluster: could not change the read models role:', error instanceof Error ? error.message : error),
        );
    },
  });

  const ownership: ExecutionOwnership = {
    fenceOf: (streamId) => leases.fenceOf(shardOf(streamId)),
    lost: (fence) => {
      if (leases.fenceOf(fence.shard)?.epoch === fence.epoch) leases.forget(fence.shard);
    },
  };

  return {
    processId,
    ttlSeconds: options.ttlSeconds,
    ownership,

    async start({ runner, activities, watcher, arns, projections }) {
      started.runner = runner;
      started.projections = projections;
      const arnOf = (streamId: string): string => {
        const key = streamId.slice(EXECUTION_PREFIX.length);
        const colon = key.indexOf(':');
        return arns.execution(key.slice(0, colon), key.slice(colon + 1));
      };
      const onEvents = async (batch: RecordedEvent[]) => {
        /** Per execution stream: its last revision in the batch, and whether that event closed it. */
        const latest = new Map<string, { revision: number; closed: boolean }>();
        for (const recorded of batch) {
          if (!recorded.streamId.startsWith(EXECUTION_PREFIX)) continue;
          const closing = CLOSING_EVENTS.has(recorded.type);
          latest.set(recorded.streamId, { revision: recorded.revision, closed: closing });
          // The type is a column: the payload is read only for the events that need it (payloadTypes).
          if (recorded.type === 'ActivityScheduled') {
            const event = recorded.data as Extract<ExecutionEvent, { type: 'ActivityScheduled' }>;
            const details = event.activityScheduledEventDetails as { resource: string; input?: string };
            const executionArn = arnOf(recorded.streamId);
            const token = event.x.token!;
            activities.enqueue(details.resource, {
              executionArn,
              token,
              input: details.input ?? '{}',
              report: (progress) => runner.reportTask(executionArn, token, progress),
            });
          } else if (closing) {
            const executionArn = arnOf(recorded.streamId);
            watcher.notify(executionArn, true);
            activities.forgetExecution(executionArn);
          }
        }
        for (const [streamId, { revision, closed }] of latest) void runner.notice(arnOf(streamId), revision, closed);
        // Every commit of every process wakes this handler: a short pause lets a few commits share
        // the next read of the feed (the batch of a backlog is taken at once).
        if (batch.length < FEED_BATCH_EVENTS) await new Promise((resolve) => setTimeout(resolve, FEED_PAUSE_MS));
      };
      subscription = options.store.subscribe(await options.store.headPosition(), onEvents, {
        maxBatchSize: FEED_BATCH_EVENTS,
        payloadTypes: PAYLOAD_TYPES,
        // Of the other events, the handler looks at each stream's last (its revision, whether it
        // closed the execution): on PostgreSQL the commits' announcements carry just that.
        latestPerStream: { types: EXECUTION_CLOSING_TYPES },
        onError: (error) => console.error('stepstone cluster: feed handler failed:', error),
      });
      // Tasks scheduled before this process joined are not in the feed it follows: queue those
      // still waiting for a worker, read after the subscription started so none falls between
      // (one seen twice is queued once: the queue knows its tokens).
      for (const task of await runner.waitingActivityTasks()) {
        activities.enqueue(task.activityArn, {
          executionArn: task.executionArn,
          token: task.token,
          input: task.input,
          report: (progress) => runner.reportTask(task.executionArn, task.token, progress),
        });
      }
      await leases.start();
      await projecting;
      log(`stepstone cluster: process ${processId}, ${leases.held().size} of ${SHARD_COUNT} shards, lease TTL ${options.ttlSeconds}s`);
    },

    async close() {
      subscription?.close();
      await projecting;
      await leases.close().catch((error: unknown) => console.error('stepstone cluster: could not hand the leases back:', error instanceof Error ? error.message : error));
    },
  };
}
