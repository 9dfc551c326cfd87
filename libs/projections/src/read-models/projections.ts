import Database from 'better-sqlite3';
import type { EventStore, RecordedEvent, Subscription } from '@stepstone/event-store';
import { createAuditApplier, queryAudit, type AuditPage, type AuditQuery } from '../audit/audit-log';
import { createEventApplier } from './apply-events';
import { decodePageToken, encodePageToken } from './page-token';
import { CHECKPOINT_TABLE, migrateReadModels, READ_MODEL_TABLES } from './read-model-schema';
import type { LoggingConfiguration, StateMachineType, Tag, TracingConfiguration } from '../events/state-machine-events';

export interface StateMachineRecord {
  readonly stateMachineArn: string;
  readonly name: string;
  readonly type: StateMachineType;
  readonly status: 'ACTIVE';
  readonly definition: string;
  readonly roleArn: string;
  readonly description?: string;
  readonly loggingConfiguration: LoggingConfiguration;
  readonly tracingConfiguration: TracingConfiguration;
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
  /** Only executions whose name contains this text (case-insensitive): the console's search. */
  readonly nameContains?: string;
}

/** How many executions of one state machine are in one status (the console's counts). */
export interface ExecutionCount {
  readonly stateMachineArn: string;
  readonly status: ExecutionStatus;
  readonly count: number;
}

export interface Projections {
  /** Resolves true once every event up to `position` is applied; false on timeout. */
  waitForPosition(position: number, timeoutMs?: number): Promise<boolean>;
  /** The last applied position (the checkpoint). */
  position(): number;
  getStateMachine(stateMachineArn: string): StateMachineRecord | undefined;
  listStateMachines(request?: PageRequest): Page<StateMachineRecord>;
  describeExecution(executionArn: string): ExecutionRecord | undefined;
  listExecutions(request: ListExecutionsRequest): Page<ExecutionRecord>;
  /** Executions per state machine and status, for every machine that has any. */
  countExecutionsByStatus(): ExecutionCount[];
  /** Who did what, when (oldest first). */
  queryAudit(query: AuditQuery): AuditPage;
  /** Empties the read models and replays the whole feed; resolves when caught up with the head. */
  rebuild(): Promise<void>;
  /** Every read-model row, ordered by key: what a rebuild must reproduce. */
  snapshot(): Record<string, unknown[]>;
  close(): void;
}

export interface CreateProjectionsOptions {
  readonly store: EventStore;
  /** Name of the checkpoint row. Default 'read-models'. */
  readonly name?: string;
  /** Called when applying a batch fails (the subscription stops). Default: log to stderr. */
  readonly onError?: (error: unknown) => void;
  /**
   * Once caught up, how long to let new events gather before the next batch, unless a reader
   * waits for them (`waitForPosition` applies at once). Default 10 ms; 0 applies every commit.
   */
  readonly batchPauseMs?: number;
}

const DEFAULT_PAGE_SIZE = 100;

/**
 * Most events applied in one transaction: a pause lets this many gather, and catching up a
 * backlog takes them in steps of this size.
 */
const MAX_BATCH_EVENTS = 2_000;
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
}

/** A store that hands out its SQLite connection (the SQLite adapter does). */
interface SqliteBacked {
  readonly database: Database.Database;
  transaction<T>(fn: () => T): T;
}

function isSqliteBacked(store: EventStore): store is EventStore & SqliteBacked {
  return 'database' in store && typeof (store as Partial<SqliteBacked>).transaction === 'function';
}

/**
 * Checkpointed read models fed by `store.subscribe`. With the SQLite store they share its file
 * and connection, so each batch and its checkpoint commit in one transaction; with any other
 * store they live in an in-memory SQLite database (rebuilt from the feed on every start).
 */
export function createProjections(options: CreateProjectionsOptions): Projections {
  const { store } = options;
  const checkpointName = options.name ?? 'read-models';
  const onError = options.onError ?? ((error: unknown) => console.error('projection stopped:', error));
  const db = isSqliteBacked(store) ? store.database : new Database(':memory:');
  const ownsDatabase = !isSqliteBacked(store);
  const transaction = isSqliteBacked(store)
    ? <T>(fn: () => T): T => store.transaction(fn)
    : <T>(fn: () => T): T => db.transaction(fn).immediate();

  const replayFromZero = migrateReadModels(db);
  const applyReadModels = createEventApplier(db);
  const applyAudit = createAuditApplier(db);
  const apply = (event: RecordedEvent) => {
    applyReadModels(event);
    applyAudit(event);
  };
  const statements = {
    checkpoint: db.prepare<[string], number>(`SELECT position FROM ${CHECKPOINT_TABLE} WHERE name = ?`).pluck(),
    saveCheckpoint: db.prepare<[string, number]>(
      `INSERT INTO ${CHECKPOINT_TABLE} (name, position) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET position = excluded.position`,
    ),
    stateMachineByArn: db.prepare<[string], StateMachineRow>('SELECT * FROM read_state_machines WHERE arn = ?'),
    stateMachines: db.prepare<[number, number], StateMachineRow>('SELECT * FROM read_state_machines ORDER BY name ASC LIMIT ? OFFSET ?'),
    execution: db.prepare<[string], ExecutionRow>('SELECT * FROM read_executions WHERE execution_arn = ?'),
    executions: db.prepare<[string, number, number], ExecutionRow>(
      'SELECT * FROM read_executions WHERE state_machine_arn = ? ORDER BY start_date DESC, start_position DESC LIMIT ? OFFSET ?',
    ),
    // `instr(lower(..))` rather than LIKE: the search text needs no escaping of % and _.
    executionsByName: db.prepare<[string, string | null, string | null, string, number, number], ExecutionRow>(
      'SELECT * FROM read_executions WHERE state_machine_arn = ? AND (? IS NULL OR status = ?) AND instr(lower(name), ?) > 0 ORDER BY start_date DESC, start_position DESC LIMIT ? OFFSET ?',
    ),
    executionCounts: db.prepare<[], ExecutionCount>(
      'SELECT state_machine_arn AS stateMachineArn, status, count(*) AS count FROM read_executions GROUP BY state_machine_arn, status ORDER BY 1, 2',
    ),
    executionsByStatus: db.prepare<[string, string, number, number], ExecutionRow>(
      'SELECT * FROM read_executions WHERE state_machine_arn = ? AND status = ? ORDER BY start_date DESC, start_position DESC LIMIT ? OFFSET ?',
    ),
  };

  if (replayFromZero) {
    transaction(() => {
      for (const table of READ_MODEL_TABLES) db.prepare(`DELETE FROM ${table}`).run();
      statements.saveCheckpoint.run(checkpointName, 0);
    });
  }
  let applied = statements.checkpoint.get(checkpointName) ?? 0;
  let subscription: Subscription | undefined;
  let closed = false;
  const waiters = new Set<{ position: number; resolve: (reached: boolean) => void }>();

  const batchPauseMs = options.batchPauseMs ?? DEFAULT_BATCH_PAUSE_MS;
  /** Ends the pause after a batch early: a reader waits, or the projections close. */
  let endPause: (() => void) | undefined;

  /**
   * One transaction per batch: its cost (commit, the pages of every index touched) is mostly
   * per transaction, so once caught up the next batch waits `batchPauseMs` for more events to
   * share it. Nobody waits on that path: commands answer once their events are committed, and
   * a query's `waitForPosition` ends the pause.
   */
  const applyBatch = async (events: RecordedEvent[]) => {
    transaction(() => {
      for (const event of events) apply(event);
      statements.saveCheckpoint.run(checkpointName, events[events.length - 1].position);
    });
    applied = events[events.length - 1].position;
    for (const waiter of [...waiters]) {
      if (waiter.position <= applied) {
        waiters.delete(waiter);
        waiter.resolve(true);
      }
    }
    // A full batch means a backlog: take the next one at once.
    if (batchPauseMs <= 0 || events.length >= MAX_BATCH_EVENTS || waiters.size > 0 || closed) return;
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
  subscribe();

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
        resolve(false);
      }, timeoutMs);
      waiters.add(waiter);
      endPause?.();
    });
  };

  const page = <R, T>(rows: R[], offset: number, limit: number, map: (row: R) => T): Page<T> => {
    // One row more than asked tells whether another page exists without a COUNT.
    const more = rows.length > limit;
    const items = rows.slice(0, limit).map(map);
    return more ? { items, nextToken: encodePageToken(offset + limit) } : { items };
  };

  return {
    waitForPosition,
    position: () => applied,

    getStateMachine(stateMachineArn) {
      const row = statements.stateMachineByArn.get(stateMachineArn);
      return row && toStateMachine(row);
    },

    listStateMachines(request = {}) {
      const offset = decodePageToken(request.nextToken);
      const limit = pageSize(request.maxResults);
      return page(statements.stateMachines.all(limit + 1, offset), offset, limit, toStateMachine);
    },

    describeExecution(executionArn) {
      const row = statements.execution.get(executionArn);
      return row && toExecution(row);
    },

    listExecutions(request) {
      const offset = decodePageToken(request.nextToken);
      const limit = pageSize(request.maxResults);
      const rows = request.nameContains
        ? statements.executionsByName.all(request.stateMachineArn, request.statusFilter ?? null, request.statusFilter ?? null, request.nameContains.toLowerCase(), limit + 1, offset)
        : request.statusFilter
        ? statements.executionsByStatus.all(request.stateMachineArn, request.statusFilter, limit + 1, offset)
        : statements.executions.all(request.stateMachineArn, limit + 1, offset);
      return page(rows, offset, limit, toExecution);
    },

    countExecutionsByStatus: () => statements.executionCounts.all(),

    queryAudit: (query) => queryAudit(db, query),

    async rebuild() {
      subscription?.close();
      endPause?.();
      transaction(() => {
        for (const table of READ_MODEL_TABLES) db.prepare(`DELETE FROM ${table}`).run();
        statements.saveCheckpoint.run(checkpointName, 0);
      });
      applied = 0;
      subscribe();
      await waitForPosition(await store.headPosition(), 60_000);
    },

    snapshot() {
      const tables: Record<string, unknown[]> = {};
      for (const table of READ_MODEL_TABLES) tables[table] = db.prepare(`SELECT * FROM ${table} ORDER BY 1`).all();
      return tables;
    },

    close() {
      if (closed) return;
      closed = true;
      subscription?.close();
      endPause?.();
      for (const waiter of [...waiters]) waiter.resolve(false);
      waiters.clear();
      if (ownsDatabase) db.close();
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
    status: 'ACTIVE',
    definition: row.definition,
    roleArn: row.role_arn,
    ...(row.description !== null ? { description: row.description } : {}),
    loggingConfiguration: JSON.parse(row.logging_configuration) as LoggingConfiguration,
    tracingConfiguration: JSON.parse(row.tracing_configuration) as TracingConfiguration,
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
  };
}
