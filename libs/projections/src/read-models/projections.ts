import { type MapRunExecutionRecord, type MapRunExecutionRow, type MapRunRecord, type MapRunRow, mapRunPrefixOfChild, toMapRun, toMapRunExecution } from './map-runs';
import type pg from 'pg';
import type { EventStore, RecordedEvent, Subscription } from '@stepstone/event-store';
import { buildAuditQuery, type AuditPage, type AuditQuery } from '../audit/audit-log';
import { decodePageToken, encodePageToken } from './page-token';
import { openPostgresReadModels, openSqliteReadModels, type ReadModelBackend, type RecordedFailure, type SqliteBacked } from './read-model-backend';
import { nameSearchPattern, readModelStatements } from './read-model-statements';
import {
  toAlias,
  toVersion,
  type AliasRow,
  type StateMachineAliasRecord,
  type StateMachineVersionRecord,
  type VersionAliasPageRequest,
  type VersionRow,
} from './versions-and-aliases';
import { DEFAULT_ENCRYPTION, type EncryptionConfiguration, type LoggingConfiguration, type StateMachineType, type Tag, type TracingConfiguration } from '../events/state-machine-events';

export interface StateMachineRecord {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: StateMachineType;
  /** DELETING after DeleteStateMachine while executions still run. */
  readonly status: 'ACTIVE' | 'DELETING';
  readonly definition: string;
  readonly roleArn: string;
  readonly description?: string;
  readonly loggingConfiguration: LoggingConfiguration;
  readonly tracingConfiguration: TracingConfiguration;
  /** AWS's default (an AWS owned key) when none was given. */
  readonly encryptionConfiguration: EncryptionConfiguration;
  readonly tags: readonly Tag[];
  /** ISO 8601. */
  readonly creationDate: string;
  readonly updateDate?: string;
  readonly revisionId: string;
}

export const ExecutionStatus = {
  RUNNING: 'RUNNING',
  SUCCEEDED: 'SUCCEEDED',
  FAILED: 'FAILED',
  TIMED_OUT: 'TIMED_OUT',
  ABORTED: 'ABORTED',
  PENDING_REDRIVE: 'PENDING_REDRIVE',
} as const;
export type ExecutionStatus = (typeof ExecutionStatus)[keyof typeof ExecutionStatus];

export interface ExecutionRecord {
  readonly executionArn: string;
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: StateMachineType;
  readonly status: ExecutionStatus;
  readonly startDate: string;
  readonly stopDate?: string;
  readonly input?: string;
  readonly output?: string;
  readonly error?: string;
  readonly cause?: string;
  /** RedriveExecution: how many times, and when last (ISO). */
  readonly redriveCount: number;
  readonly redriveDate?: string;
  /** Started through a version ARN, or routed to it by an alias. */
  readonly stateMachineVersionArn?: string;
  readonly stateMachineAliasArn?: string;
}

export interface Page<T> {
  readonly items: T[];
  readonly nextToken?: string;
}

export interface PageRequest {
  /** 0 or absent: the default page size (100, as AWS). */
  readonly maxResults?: number;
  readonly nextToken?: string;
}

export interface ListExecutionsRequest extends PageRequest {
  readonly stateMachineArn: string;
  readonly statusFilter?: ExecutionStatus;
  /** Only executions that ran this version (ListExecutions on a version ARN). */
  readonly stateMachineVersionArn?: string;
  /** Only executions started through this alias (ListExecutions on an alias ARN). */
  readonly stateMachineAliasArn?: string;
  /** Only executions whose name contains this text (case-insensitive): the console's search. */
  readonly nameContains?: string;
  readonly redriveFilter?: RedriveFilter;
}

/** ListExecutions' `redriveFilter`: executions redriven at least once, or never; absent, both. */
export type RedriveFilter = 'REDRIVEN' | 'NOT_REDRIVEN';

/** The largest redrive count a column holds: PostgreSQL's INTEGER is 32 bits. */
const MAX_REDRIVES = 2_147_483_647;

/** The range of `redrive_count` a redrive filter keeps (every statement that lists executions takes one). */
function redriveRange(filter: RedriveFilter | undefined): { minRedrives: number; maxRedrives: number } {
  return filter === 'REDRIVEN' ? { minRedrives: 1, maxRedrives: MAX_REDRIVES }
    : filter === 'NOT_REDRIVEN' ? { minRedrives: 0, maxRedrives: 0 }
    : { minRedrives: 0, maxRedrives: MAX_REDRIVES };
}

/** How many executions of one state machine are in one status (the console's counts). */
export interface ExecutionCount {
  readonly stateMachineArn: string;
  readonly status: ExecutionStatus;
  readonly count: number;
}

/**
 * The read models' port: asynchronous, so it can sit on the SQLite file or on PostgreSQL.
 * `position()` is this process's view of the checkpoint, kept in memory.
 */
export interface Projections {
  /** Resolves true once every event up to `position` is applied; false on timeout. */
  waitForPosition(position: number, timeoutMs?: number): Promise<boolean>;
  /** The last applied position (the checkpoint). */
  position(): number;
  /**
   * Whether this process applies the read models (the default) or follows the checkpoint that
   * another process moves in the shared tables (PostgreSQL): several processes on one database
   * hand the work to one of them, the projector (issue 15). A follower's `waitForPosition`
   * resolves when the projector announces that checkpoint. Resolves once the change is in place.
   */
  setApplying(applying: boolean): Promise<void>;
  getStateMachine(stateMachineArn: string): Promise<StateMachineRecord | undefined>;
  listStateMachines(request?: PageRequest): Promise<Page<StateMachineRecord>>;
  describeExecution(executionArn: string): Promise<ExecutionRecord | undefined>;
  listExecutions(request: ListExecutionsRequest): Promise<Page<ExecutionRecord>>;
  /** DeleteStateMachine waits for these to end (the machine is DELETING meanwhile). */
  countRunningExecutions(stateMachineArn: string): Promise<number>;
  getStateMachineVersion(stateMachineVersionArn: string): Promise<StateMachineVersionRecord | undefined>;
  /** Newest first, as ListStateMachineVersions answers. */
  listStateMachineVersions(request: VersionAliasPageRequest): Promise<Page<StateMachineVersionRecord>>;
  getStateMachineAlias(stateMachineAliasArn: string): Promise<StateMachineAliasRecord | undefined>;
  /** In the order they were created. */
  listStateMachineAliases(request: VersionAliasPageRequest): Promise<Page<StateMachineAliasRecord>>;
  /** DescribeMapRun (undefined: no such Map Run). */
  getMapRun(mapRunArn: string): Promise<MapRunRecord | undefined>;
  /** ListMapRuns: the Map Runs an execution started, newest first. */
  listMapRuns(request: PageRequest & { readonly executionArn: string }): Promise<Page<MapRunRecord>>;
  /**
   * DescribeExecution of a Map Run's child, by the ARN ListExecutions gives it
   * (`…:execution:<machine>/<label>:<id>`); undefined when no Map Run has that child.
   */
  getMapRunExecution(executionArn: string): Promise<MapRunExecutionRecord | undefined>;
  /** ListExecutions by mapRunArn: the Map Run's child workflow executions, newest first. */
  listMapRunExecutions(request: PageRequest & { readonly mapRunArn: string; readonly statusFilter?: string; readonly redriveFilter?: RedriveFilter }): Promise<Page<MapRunExecutionRecord>>;
  /** Executions per state machine and status, for every machine that has any. */
  countExecutionsByStatus(): Promise<ExecutionCount[]>;
  /** Who did what, when (oldest first). */
  queryAudit(query: AuditQuery): Promise<AuditPage>;
  /** Empties the read models and replays the whole feed; resolves when caught up with the head. */
  rebuild(): Promise<void>;
  /** Every read-model row, ordered by key: what a rebuild must reproduce. */
  snapshot(): Promise<Record<string, unknown[]>>;
  /**
   * Events that could not be applied (skipped, so the rest goes on), oldest first: read from the
   * tables, so those another process skipped are listed too.
   */
  failures(): Promise<ProjectionFailure[]>;
  close(): Promise<void>;
}

/** An event the read models could not apply: skipped, recorded and reported. */
export type ProjectionFailure = RecordedFailure;

export interface CreateProjectionsOptions {
  readonly store: EventStore;
  /** Name of the checkpoint row. Default 'read-models'. */
  readonly name?: string;
  /** Called when an event is skipped, or when applying fails past that (the subscription stops). Default: log to stderr. */
  readonly onError?: (error: unknown) => void;
  /**
   * Once caught up, how long to let new events gather before the next batch, unless a reader
   * waits for them (`waitForPosition` applies at once). Default 10 ms; 0 applies every commit.
   */
  readonly batchPauseMs?: number;
  /**
   * false: start as a follower (see `Projections.setApplying`), which only a store whose read
   * models live in PostgreSQL supports. Default true.
   */
  readonly applying?: boolean;
}

/** A follower with readers waiting re-reads the checkpoint this often, should an announcement be lost. */
const FOLLOWER_RECHECK_MS = 1_000;

const DEFAULT_PAGE_SIZE = 100;

/**
 * Most events the feed hands over at once: a pause lets this many gather, and catching up a
 * backlog takes them in steps of this size (the subscription waits for the next turn of the
 * event loop between two full steps).
 */
const MAX_BATCH_EVENTS = 2_000;
/**
 * How long one transaction of the read models may take. It runs synchronously on SQLite, so
 * every request waits behind it: 2,000 events of a Distributed Map's iterations held the
 * process for 100-200 ms at a time (issue 18). A step is applied in transactions sized from
 * the cost per event the last one measured, with a turn of the event loop between them.
 */
const TRANSACTION_BUDGET_MS = 20;
const MIN_TRANSACTION_EVENTS = 50;
const DEFAULT_BATCH_PAUSE_MS = 10;

interface StateMachineRow {
  readonly name: string;
  readonly arn: string;
  readonly type: string;
  readonly status: string;
  readonly definition: string;
  readonly role_arn: string;
  readonly description: string | null;
  readonly logging_configuration: string;
  readonly tracing_configuration: string;
  readonly tags: string;
  readonly encryption_configuration: string | null;
  readonly creation_date: string;
  readonly update_date: string | null;
  readonly revision_id: string;
}

interface ExecutionRow {
  readonly execution_arn: string;
  readonly state_machine_arn: string;
  readonly name: string;
  readonly type: string;
  readonly status: string;
  readonly start_date: string;
  readonly stop_date: string | null;
  readonly input: string | null;
  readonly output: string | null;
  readonly error: string | null;
  readonly cause: string | null;
  readonly redrive_count: number;
  readonly redrive_date: string | null;
  readonly state_machine_version_arn: string | null;
  readonly state_machine_alias_arn: string | null;
}

function isSqliteBacked(store: EventStore): store is EventStore & SqliteBacked {
  return 'database' in store && typeof (store as Partial<SqliteBacked>).transaction === 'function';
}

/** A store that hands out a PostgreSQL pool (the PostgreSQL and KurrentDB adapters do). */
function isPostgresBacked(store: EventStore): store is EventStore & { readonly pool: pg.Pool } {
  return (store.kind === 'postgres' || store.kind === 'kurrentdb') && 'pool' in store;
}

/**
 * Checkpointed read models fed by `store.subscribe`. With the SQLite store they share its file
 * and connection, so each batch and its checkpoint commit in one transaction; with PostgreSQL
 * they live in its database (shared by every server process on it), as with KurrentDB (in
 * STEPSTONE_POSTGRES_URL's database); with any other store in an
 * in-memory SQLite database (rebuilt from the feed on every start).
 */
export async function createProjections(options: CreateProjectionsOptions): Promise<Projections> {
  const { store } = options;
  const checkpointName = options.name ?? 'read-models';
  const onError = options.onError ?? ((error: unknown) => console.error('projection stopped:', error));
  let backend: ReadModelBackend;
  if (isPostgresBacked(store)) {
    backend = await openPostgresReadModels(store.pool);
  } else {
    const sqlite = openSqliteReadModels(isSqliteBacked(store) ? store : undefined);
    if (sqlite.replayFromZero) await sqlite.reset(checkpointName);
    backend = sqlite;
  }
  const statements = readModelStatements[backend.dialect];
  /** ListExecutions of one machine: by status, by name (the console's search), both, or neither. */
  const executionsOfMachine = (request: ListExecutionsRequest) =>
    request.nameContains !== undefined
      ? request.statusFilter !== undefined
        ? statements.executionsByNameAndStatus
        : statements.executionsByName
      : request.statusFilter !== undefined
        ? statements.executionsByStatus
        : statements.executions;
  let applied = await backend.checkpoint(checkpointName);
  let subscription: Subscription | undefined;
  let closed = false;
  let applying = options.applying ?? true;
  let watching: { close(): Promise<void> } | undefined;
  let recheck: NodeJS.Timeout | undefined;
  const waiters = new Set<{ position: number; resolve: (reached: boolean) => void }>();
  const stopRecheckIfIdle = () => {
    if (waiters.size === 0 && recheck !== undefined) {
      clearInterval(recheck);
      recheck = undefined;
    }
  };
  const releaseWaiters = () => {
    for (const waiter of [...waiters]) {
      if (waiter.position <= applied) {
        waiters.delete(waiter);
        waiter.resolve(true);
      }
    }
    stopRecheckIfIdle();
  };
  /** A follower's checkpoint: what the projector announced (lower after a rebuild reset the tables). */
  const followCheckpoint = (position: number) => {
    if (applying || closed) return;
    applied = position;
    releaseWaiters();
  };
  const watch = async () => {
    if (!backend.watchCheckpoint) throw new Error(`read models on ${backend.dialect} are one process's: they cannot follow another's checkpoint`);
    watching ??= await backend.watchCheckpoint(checkpointName, followCheckpoint);
  };

  const batchPauseMs = options.batchPauseMs ?? DEFAULT_BATCH_PAUSE_MS;
  /** Ends the pause after a batch early: a reader waits, or the projections close. */
  let endPause: (() => void) | undefined;

  /**
   * One transaction per batch: its cost (commit, the pages of every index touched) is mostly
   * per transaction, so once caught up the next batch waits `batchPauseMs` for more events to
   * share it. Nobody waits on that path: commands answer once their events are committed, and
   * a query's `waitForPosition` ends the pause.
   */
  /**
   * The slow path, taken only when a batch fails: each event in its own savepoint, so one that
   * cannot be applied is rolled back, recorded and skipped instead of stopping the projection
   * for every stream (it would otherwise fail again on every restart).
   */
  const applyEachIsolated = async (events: RecordedEvent[]): Promise<number> => {
    let checkpoint = applied;
    for (const event of events) {
      try {
        checkpoint = await backend.applyBatch(checkpointName, [event]);
      } catch (error) {
        const failure: ProjectionFailure = {
          position: event.position,
          streamId: event.streamId,
          type: event.type,
          message: error instanceof Error ? error.message : String(error),
          recordedAt: new Date().toISOString(),
        };
        onError(new Error(`read models skipped event #${failure.position} (${failure.type} on ${failure.streamId}): ${failure.message}`));
        checkpoint = await backend.skipEvent(checkpointName, failure);
      }
    }
    return checkpoint;
  };
  /** Events per transaction, adapted after each one to take about TRANSACTION_BUDGET_MS. */
  let eventsPerTransaction = MIN_TRANSACTION_EVENTS;
  const applyBatch = async (batch: RecordedEvent[]) => {
    for (let from = 0; from < batch.length; ) {
      // Handed to another process meanwhile (setApplying(false)): its projector goes on from the checkpoint.
      if (!applying) return;
      if (from > 0) {
        await new Promise((resolve) => setImmediate(resolve));
        if (closed) return;
      }
      const events = from === 0 && batch.length <= eventsPerTransaction ? batch : batch.slice(from, from + eventsPerTransaction);
      const began = performance.now();
      let checkpoint: number;
      try {
        checkpoint = await backend.applyBatch(checkpointName, events);
      } catch {
        checkpoint = await applyEachIsolated(events);
      }
      const elapsed = Math.max(performance.now() - began, 1);
      eventsPerTransaction = Math.min(MAX_BATCH_EVENTS, Math.max(MIN_TRANSACTION_EVENTS, Math.round((events.length * TRANSACTION_BUDGET_MS) / elapsed)));
      const last = events[events.length - 1].position;
      applied = Math.max(applied, checkpoint);
      releaseWaiters();
      if (checkpoint < last) {
        // Another process reset the shared tables (a rebuild): follow the feed from their checkpoint.
        applied = checkpoint;
        queueMicrotask(() => {
          if (closed || !applying) return;
          subscription?.close();
          subscribe();
        });
        return;
      }
      from += events.length;
    }
    // A full batch means a backlog: take the next one at once.
    if (batchPauseMs <= 0 || batch.length >= MAX_BATCH_EVENTS || waiters.size > 0 || closed) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => end(), batchPauseMs);
      const end = () => {
        clearTimeout(timer);
        if (endPause === end) endPause = undefined;
        resolve();
      };
      endPause = end;
    });
  };

  const subscribe = () => {
    subscription = store.subscribe(applied, applyBatch, { onError, maxBatchSize: MAX_BATCH_EVENTS });
  };
  if (applying) subscribe();
  else await watch();

  const waitForPosition = (position: number, timeoutMs = 10_000): Promise<boolean> => {
    if (position <= applied) return Promise.resolve(true);
    if (closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter = {
        position,
        resolve: (reached: boolean) => {
          clearTimeout(timer);
          resolve(reached);
        },
      };
      const timer = setTimeout(() => {
        waiters.delete(waiter);
        stopRecheckIfIdle();
        resolve(false);
      }, timeoutMs);
      waiters.add(waiter);
      endPause?.();
      // A follower hears of the checkpoint from the projector; should that be lost (a reconnect,
      // a projector that died before announcing), it looks itself while someone waits.
      if (!applying && recheck === undefined) {
        recheck = setInterval(() => {
          if (applying || closed) return;
          void backend.checkpoint(checkpointName).then(
            (stored) => followCheckpoint(Math.max(applied, stored)),
            () => {},
          );
        }, FOLLOWER_RECHECK_MS);
        recheck.unref();
      }
    });
  };

  const setApplying = async (wanted: boolean) => {
    if (wanted === applying || closed) return;
    if (wanted) {
      // Take over from the stored checkpoint: the previous projector may have applied past ours.
      applying = true;
      applied = await backend.checkpoint(checkpointName);
      releaseWaiters();
      if (!closed && applying && subscription === undefined) subscribe();
    } else {
      applying = false;
      subscription?.close();
      subscription = undefined;
      endPause?.();
      await watch();
    }
  };

  /** A Map Run with its counts (and, batched, each child's status to weigh the item counts by). */
  const counted = async (row: MapRunRow): Promise<MapRunRecord> => {
    const mapRunArn = row.map_run_arn;
    const byStatus = await backend.query<{ status: string; pending_redrive: number; not_redrivable: number; count: number }>(statements.mapRunExecutionCounts, { mapRunArn });
    const children = row.batch_sizes !== null ? await backend.query<{ item_index: number; status: string; pending_redrive: number; not_redrivable: number }>(statements.mapRunExecutionStatuses, { mapRunArn }) : undefined;
    return toMapRun(row, byStatus, children);
  };

  const page = <R, T>(rows: R[], offset: number, limit: number, map: (row: R) => T): Page<T> => {
    // One row more than asked tells whether another page exists without a COUNT.
    const more = rows.length > limit;
    const items = rows.slice(0, limit).map(map);
    return more ? { items, nextToken: encodePageToken(offset + limit) } : { items };
  };

  return {
    waitForPosition,
    setApplying,
    position: () => applied,
    failures: () => backend.failures(checkpointName),

    async getStateMachine(stateMachineArn) {
      const [row] = await backend.query<StateMachineRow>(statements.stateMachineByArn, { arn: stateMachineArn });
      return row && toStateMachine(row);
    },

    async listStateMachines(request = {}) {
      const offset = decodePageToken(request.nextToken);
      const limit = pageSize(request.maxResults);
      return page(await backend.query<StateMachineRow>(statements.stateMachines, { limit: limit + 1, offset }), offset, limit, toStateMachine);
    },

    async describeExecution(executionArn) {
      const [row] = await backend.query<ExecutionRow>(statements.execution, { executionArn });
      return row && toExecution(row);
    },

    async listExecutions(request) {
      const offset = decodePageToken(request.nextToken);
      const limit = pageSize(request.maxResults);
      const status = request.statusFilter;
      const byArn = request.stateMachineVersionArn
        ? { arn: request.stateMachineVersionArn, all: statements.executionsOfVersion, byStatus: statements.executionsOfVersionByStatus }
        : request.stateMachineAliasArn
          ? { arn: request.stateMachineAliasArn, all: statements.executionsOfAlias, byStatus: statements.executionsOfAliasByStatus }
          : undefined;
      const redrives = redriveRange(request.redriveFilter);
      const rows = byArn
        ? status
          ? await backend.query<ExecutionRow>(byArn.byStatus, { arn: byArn.arn, status, ...redrives, limit: limit + 1, offset })
          : await backend.query<ExecutionRow>(byArn.all, { arn: byArn.arn, ...redrives, limit: limit + 1, offset })
        : await backend.query<ExecutionRow>(executionsOfMachine(request), {
            stateMachineArn: request.stateMachineArn,
            ...redrives,
            limit: limit + 1,
            offset,
            ...(status !== undefined ? { status } : {}),
            ...(request.nameContains !== undefined ? { pattern: nameSearchPattern(request.nameContains) } : {}),
          });
      return page(rows, offset, limit, toExecution);
    },

    countExecutionsByStatus: () => backend.query<ExecutionCount>(statements.executionCounts, {}),

    async countRunningExecutions(stateMachineArn) {
      const [row] = await backend.query<{ count: number }>(statements.runningExecutionCount, { stateMachineArn });
      return Number(row?.count ?? 0);
    },

    async getStateMachineVersion(stateMachineVersionArn) {
      const [row] = await backend.query<VersionRow>(statements.versionByArn, { arn: stateMachineVersionArn });
      return row && toVersion(row);
    },

    async listStateMachineVersions(request) {
      const offset = decodePageToken(request.nextToken);
      const limit = pageSize(request.maxResults);
      const rows = await backend.query<VersionRow>(statements.versionsOfMachine, { machine: request.machine, limit: limit + 1, offset });
      return page(rows, offset, limit, toVersion);
    },

    async getStateMachineAlias(stateMachineAliasArn) {
      const [row] = await backend.query<AliasRow>(statements.aliasByArn, { arn: stateMachineAliasArn });
      return row && toAlias(row);
    },

    async listStateMachineAliases(request) {
      const offset = decodePageToken(request.nextToken);
      const limit = pageSize(request.maxResults);
      const rows = await backend.query<AliasRow>(statements.aliasesOfMachine, { machine: request.machine, limit: limit + 1, offset });
      return page(rows, offset, limit, toAlias);
    },

    async getMapRun(mapRunArn) {
      const [row] = await backend.query<MapRunRow>(statements.mapRun, { mapRunArn });
      return row && counted(row);
    },

    async listMapRuns(request) {
      const offset = decodePageToken(request.nextToken);
      const limit = pageSize(request.maxResults);
      const rows = await backend.query<MapRunRow>(statements.mapRunsOfExecution, { executionArn: request.executionArn, limit: limit + 1, offset });
      const records: MapRunRecord[] = [];
      for (const row of rows) records.push(await counted(row));
      return page(records, offset, limit, (record) => record);
    },

    async getMapRunExecution(executionArn) {
      // The child's id is derived from its Map Run and index (map-runs.ts): look among the runs
      // of its Map state (ARN order: the runs whose ARN starts with the prefix) for the child
      // whose derived ARN is this one.
      const prefix = mapRunPrefixOfChild(executionArn);
      if (!prefix) return undefined;
      const runs = await backend.query<{ map_run_arn: string }>(statements.mapRunsOfLabel, { from: prefix, to: `${prefix}\uffff` });
      for (const run of runs) {
        const rows = await backend.query<MapRunExecutionRow>(statements.allMapRunExecutions, { mapRunArn: run.map_run_arn });
        for (const row of rows) {
          const child = toMapRunExecution(row);
          if (child.executionArn === executionArn) return child;
        }
      }
      return undefined;
    },

    async listMapRunExecutions(request) {
      const offset = decodePageToken(request.nextToken);
      const limit = pageSize(request.maxResults);
      const parameters = { mapRunArn: request.mapRunArn, ...redriveRange(request.redriveFilter), limit: limit + 1, offset };
      const rows =
        request.statusFilter === ExecutionStatus.PENDING_REDRIVE ? await backend.query<MapRunExecutionRow>(statements.mapRunExecutionsPendingRedrive, parameters)
        : request.statusFilter ? await backend.query<MapRunExecutionRow>(statements.mapRunExecutionsByStatus, { ...parameters, status: request.statusFilter })
        : await backend.query<MapRunExecutionRow>(statements.mapRunExecutions, parameters);
      return page(rows, offset, limit, toMapRunExecution);
    },

    async queryAudit(query) {
      const built = buildAuditQuery(backend.dialect, query);
      return built.toPage(await backend.run(built.compiled));
    },

    async rebuild() {
      subscription?.close();
      endPause?.();
      await backend.reset(checkpointName);
      applied = 0;
      subscribe();
      await waitForPosition(await store.headPosition(), 60_000);
    },

    snapshot: () => backend.snapshot(),

    async close() {
      if (closed) return;
      closed = true;
      subscription?.close();
      endPause?.();
      if (recheck !== undefined) clearInterval(recheck);
      for (const waiter of [...waiters]) waiter.resolve(false);
      waiters.clear();
      await watching?.close();
      await backend.close();
    },
  };
}

function pageSize(maxResults: number | undefined): number {
  return maxResults === undefined || maxResults <= 0 ? DEFAULT_PAGE_SIZE : Math.min(maxResults, 1000);
}

function toStateMachine(row: StateMachineRow): StateMachineRecord {
  return {
    stateMachineArn: row.arn,
    name: row.name,
    type: row.type as StateMachineType,
    status: row.status === 'DELETING' ? 'DELETING' : 'ACTIVE',
    definition: row.definition,
    roleArn: row.role_arn,
    ...(row.description !== null ? { description: row.description } : {}),
    loggingConfiguration: JSON.parse(row.logging_configuration) as LoggingConfiguration,
    tracingConfiguration: JSON.parse(row.tracing_configuration) as TracingConfiguration,
    encryptionConfiguration: row.encryption_configuration !== null ? (JSON.parse(row.encryption_configuration) as EncryptionConfiguration) : DEFAULT_ENCRYPTION,
    tags: JSON.parse(row.tags) as Tag[],
    creationDate: row.creation_date,
    ...(row.update_date !== null ? { updateDate: row.update_date } : {}),
    revisionId: row.revision_id,
  };
}

function toExecution(row: ExecutionRow): ExecutionRecord {
  return {
    executionArn: row.execution_arn,
    stateMachineArn: row.state_machine_arn,
    name: row.name,
    type: row.type as StateMachineType,
    status: row.status as ExecutionStatus,
    startDate: row.start_date,
    ...(row.stop_date !== null ? { stopDate: row.stop_date } : {}),
    ...(row.input !== null ? { input: row.input } : {}),
    ...(row.output !== null ? { output: row.output } : {}),
    ...(row.error !== null ? { error: row.error } : {}),
    ...(row.cause !== null ? { cause: row.cause } : {}),
    redriveCount: row.redrive_count,
    ...(row.redrive_date !== null ? { redriveDate: row.redrive_date } : {}),
    ...(row.state_machine_version_arn !== null ? { stateMachineVersionArn: row.state_machine_version_arn } : {}),
    ...(row.state_machine_alias_arn !== null ? { stateMachineAliasArn: row.state_machine_alias_arn } : {}),
  };
}
