import type { RecordedEvent } from '@stepstone/event-store';
import { auditRowOf, isAudited } from '../audit/audit-log';
import type { StatementName } from './read-model-statements';
import { isStateMachineEvent, mergeTags, removeTags, STATE_MACHINE_STREAM_PREFIX, type Tag } from '../events/state-machine-events';

/** Execution streams as the engine names them (`execution-<stateMachineName>:<executionName>`). */
export const EXECUTION_STREAM_PREFIX = 'execution-';

/**
 * The fields of an execution event the read model needs. Read structurally: this lib only sees
 * the event store (DESIGN.md's arrows), and the engine stores AWS's history shape, so the
 * field names are AWS's (`executionSucceededEventDetails.output`...).
 */
interface ExecutionEventData {
  readonly timestamp?: string;
  readonly x?: {
    readonly start?: {
      readonly executionArn: string;
      readonly stateMachineArn: string;
      readonly name: string;
      readonly type: string;
    };
  };
  readonly [field: string]: unknown;
}

const closingEvents: Readonly<Record<string, { status: string; details: string }>> = {
  ExecutionSucceeded: { status: 'SUCCEEDED', details: 'executionSucceededEventDetails' },
  ExecutionFailed: { status: 'FAILED', details: 'executionFailedEventDetails' },
  ExecutionAborted: { status: 'ABORTED', details: 'executionAbortedEventDetails' },
  ExecutionTimedOut: { status: 'TIMED_OUT', details: 'executionTimedOutEventDetails' },
};

/** One write a batch makes: a statement of read-model-statements.ts and its parameters. */
export interface WriteOp {
  readonly statement: StatementName;
  readonly params: Readonly<Record<string, unknown>>;
}

/**
 * What planning a batch reads from the tables as they were before it: asked at most once per
 * key, before any of the batch's writes (the planner follows its own writes after that).
 */
export interface BatchReads {
  /** The state machine's stored tags (JSON text), undefined when it has no row. */
  tagsOf(name: string): string | undefined;
  /** The resource of the stream's latest audit row, undefined when it has none. */
  resourceOfStream(streamId: string): string | undefined;
}

/** The keys a batch will ask `BatchReads` for: a backend that reads asynchronously reads them first. */
export function readsOfBatch(events: readonly RecordedEvent[]): { readonly machines: Set<string>; readonly streams: Set<string> } {
  const machines = new Set<string>();
  const streams = new Set<string>();
  for (const event of events) {
    if (isAudited(event)) streams.add(event.streamId);
    if ((event.type === 'StateMachineTagged' || event.type === 'StateMachineUntagged') && event.streamId.startsWith(STATE_MACHINE_STREAM_PREFIX)) {
      machines.add(event.streamId.slice(STATE_MACHINE_STREAM_PREFIX.length));
    }
  }
  return { machines, streams };
}

/**
 * The writes that apply `events` to the read models (state machines, their versions and aliases,
 * executions, audit), in order. Pure but for `reads`: the same planner serves the SQLite file and PostgreSQL.
 */
export function planWrites(events: readonly RecordedEvent[], reads: BatchReads): WriteOp[] {
  const ops: WriteOp[] = [];
  /** Tags as this batch left them (null: no row), once read or written. */
  const tags = new Map<string, string | null>();
  const resources = new Map<string, string | null>();
  const tagsOf = (name: string) => {
    if (!tags.has(name)) tags.set(name, reads.tagsOf(name) ?? null);
    return tags.get(name) ?? undefined;
  };
  const resourceOfStream = (streamId: string) => {
    if (!resources.has(streamId)) resources.set(streamId, reads.resourceOfStream(streamId) ?? null);
    return resources.get(streamId) ?? undefined;
  };

  const applyStateMachineEvent = (event: RecordedEvent) => {
    const name = event.streamId.slice(STATE_MACHINE_STREAM_PREFIX.length);
    const typed = { type: event.type, data: event.data } as { type: string; data: unknown };
    if (!isStateMachineEvent(typed)) return;
    switch (typed.type) {
      case 'StateMachineCreated': {
        const d = typed.data;
        const tagsJson = JSON.stringify(d.tags);
        tags.set(name, tagsJson);
        ops.push({
          statement: 'upsertStateMachine',
          params: {
            name,
            arn: d.stateMachineArn,
            type: d.type,
            definition: d.definition,
            roleArn: d.roleArn,
            description: d.description ?? null,
            logging: JSON.stringify(d.loggingConfiguration),
            tracing: JSON.stringify(d.tracingConfiguration),
            tags: tagsJson,
            encryption: d.encryptionConfiguration ? JSON.stringify(d.encryptionConfiguration) : null,
            creationDate: d.creationDate,
            revisionId: d.revisionId,
            position: event.position,
          },
        });
        return;
      }
      case 'StateMachineUpdated': {
        const d = typed.data;
        ops.push({
          statement: 'updateStateMachine',
          params: {
            name,
            definition: d.definition ?? null,
            roleArn: d.roleArn ?? null,
            logging: d.loggingConfiguration ? JSON.stringify(d.loggingConfiguration) : null,
            tracing: d.tracingConfiguration ? JSON.stringify(d.tracingConfiguration) : null,
            encryption: d.encryptionConfiguration ? JSON.stringify(d.encryptionConfiguration) : null,
            updateDate: d.updateDate,
            revisionId: d.revisionId,
            position: event.position,
          },
        });
        return;
      }
      case 'StateMachineDeleted':
        tags.set(name, null);
        // DeleteStateMachine deletes the machine's versions and aliases with it.
        ops.push(
          { statement: 'deleteStateMachine', params: { name } },
          { statement: 'deleteVersionsOfMachine', params: { machine: name } },
          { statement: 'deleteAliasesOfMachine', params: { machine: name } },
        );
        return;
      case 'StateMachineDeletionRequested':
        ops.push({ statement: 'setStateMachineStatus', params: { name, status: 'DELETING', position: event.position } });
        return;
      case 'StateMachineVersionPublished': {
        const d = typed.data;
        ops.push({
          statement: 'insertVersion',
          params: {
            arn: d.stateMachineVersionArn,
            machine: name,
            version: d.version,
            type: d.type,
            definition: d.definition,
            roleArn: d.roleArn,
            logging: JSON.stringify(d.loggingConfiguration),
            tracing: JSON.stringify(d.tracingConfiguration),
            revisionId: d.revisionId ?? null,
            description: d.description ?? null,
            creationDate: d.creationDate,
            encryption: d.encryptionConfiguration ? JSON.stringify(d.encryptionConfiguration) : null,
          },
        });
        return;
      }
      case 'StateMachineVersionDeleted':
        ops.push({ statement: 'deleteVersion', params: { machine: name, version: typed.data.version } });
        return;
      case 'StateMachineAliasCreated': {
        const d = typed.data;
        ops.push({
          statement: 'insertAlias',
          params: {
            arn: d.stateMachineAliasArn,
            machine: name,
            name: d.name,
            description: d.description ?? null,
            routing: JSON.stringify(d.routingConfiguration),
            creationDate: d.creationDate,
            position: event.position,
          },
        });
        return;
      }
      case 'StateMachineAliasUpdated': {
        const d = typed.data;
        ops.push({
          statement: 'updateAlias',
          params: {
            machine: name,
            name: d.name,
            description: d.description ?? null,
            routing: d.routingConfiguration ? JSON.stringify(d.routingConfiguration) : null,
            updateDate: d.updateDate,
          },
        });
        return;
      }
      case 'StateMachineAliasDeleted':
        ops.push({ statement: 'deleteAlias', params: { machine: name, name: typed.data.name } });
        return;
      case 'StateMachineTagged':
      case 'StateMachineUntagged': {
        const stored = tagsOf(name);
        if (stored === undefined) return;
        const current = JSON.parse(stored) as Tag[];
        const next = JSON.stringify(typed.type === 'StateMachineTagged' ? mergeTags(current, typed.data.tags) : removeTags(current, typed.data.tagKeys));
        tags.set(name, next);
        ops.push({ statement: 'setStateMachineTags', params: { name, tags: next, position: event.position } });
        return;
      }
      default: {
        const unreachable: never = typed;
        return unreachable;
      }
    }
  };

  const applyExecutionEvent = (event: RecordedEvent) => {
    if (MAP_RUN_EVENTS.has(event.type)) {
      const op = mapRunWrite(event);
      if (op) ops.push(...op);
      return;
    }
    // Decided by type first: most of an execution's events (states entered and exited) change
    // no read model, and reading `data` would parse their stored JSON for nothing.
    if (event.type !== 'ExecutionStarted' && event.type !== 'ExecutionRedriven' && closingEvents[event.type] === undefined) return;
    const data = event.data as ExecutionEventData;
    if (event.type === 'ExecutionStarted') {
      const start = data.x?.start;
      if (!start) return;
      const details = (data.executionStartedEventDetails ?? {}) as { input?: string; stateMachineVersionArn?: string; stateMachineAliasArn?: string };
      ops.push({
        statement: 'startExecution',
        params: {
          streamId: event.streamId,
          executionArn: start.executionArn,
          stateMachineArn: start.stateMachineArn,
          name: start.name,
          type: start.type,
          startDate: data.timestamp ?? event.recordedAt,
          input: details.input ?? null,
          position: event.position,
          versionArn: details.stateMachineVersionArn ?? null,
          aliasArn: details.stateMachineAliasArn ?? null,
        },
      });
      return;
    }
    if (event.type === 'ExecutionRedriven') {
      const details = (data.executionRedrivenEventDetails ?? {}) as { redriveCount?: number };
      ops.push({
        statement: 'redriveExecution',
        params: { streamId: event.streamId, redriveCount: details.redriveCount ?? 1, redriveDate: data.timestamp ?? event.recordedAt, position: event.position },
      });
      return;
    }
    const closing = closingEvents[event.type];
    if (!closing) return;
    const details = (data[closing.details] ?? {}) as { output?: string; error?: string; cause?: string };
    ops.push({
      statement: 'closeExecution',
      params: {
        streamId: event.streamId,
        status: closing.status,
        stopDate: data.timestamp ?? event.recordedAt,
        output: details.output ?? null,
        error: details.error ?? null,
        cause: details.cause ?? null,
        position: event.position,
      },
    });
  };

  for (const event of events) {
    if (event.streamId.startsWith(STATE_MACHINE_STREAM_PREFIX)) applyStateMachineEvent(event);
    else if (event.streamId.startsWith(EXECUTION_STREAM_PREFIX)) applyExecutionEvent(event);
    const audit = auditRowOf(event, resourceOfStream);
    if (audit) {
      resources.set(event.streamId, audit.resource);
      ops.push({ statement: 'insertAudit', params: audit });
    }
  }
  return ops;
}

/** The execution events the Map Run read model follows (read-model-statements.ts, read_map_runs). */
const MAP_RUN_EVENTS: ReadonlySet<string> = new Set([
  'MapStateStarted',
  'MapRunStarted',
  'MapRunSucceeded',
  'MapRunFailed',
  'MapRunAborted',
  'MapRunRedriven',
  'MapRunUpdated',
  'MapItemsRecorded',
  'MapIterationStarted',
  'MapIterationSucceeded',
  'MapIterationFailed',
  'MapIterationAborted',
]);

/** The fields of a Map event the Map Run read model reads (the engine's event shape, read structurally). */
interface MapEventData {
  readonly timestamp?: string;
  readonly x?: {
    readonly th?: string;
    readonly hidden?: boolean;
    readonly distributed?: boolean;
    readonly items?: string;
    readonly batchedItems?: boolean;
    readonly maxConcurrency?: number;
    readonly toleratedFailureCount?: number;
    readonly toleratedFailurePercentage?: number;
    readonly mapRunArn?: string;
    readonly redriveIndices?: readonly number[];
    readonly notRedrivable?: boolean;
    readonly mapRun?: { readonly reader?: unknown; readonly batcher?: unknown; readonly writer?: { readonly destination?: unknown } };
  };
  readonly [field: string]: unknown;
}

/** The key a Distributed Map's row has between its MapStateStarted and its MapRunStarted. */
function stageKey(streamId: string, thread: string): string {
  return `staged:${streamId}|${thread}`;
}

/** How many items each child of a batched Map Run processes (ItemBatcher's `{ Items: [...] }`). */
function batchSizes(batches: readonly unknown[]): number[] {
  return batches.map((batch) => (Array.isArray((batch as { Items?: unknown })?.Items) ? (batch as { Items: unknown[] }).Items.length : 1));
}

/** How many items a Map Run's children process: the batches' items, or one each. */
function countItems(children: readonly unknown[], batched: boolean): number {
  return batched ? batchSizes(children).reduce((sum, size) => sum + size, 0) : children.length;
}

const iterationStatus: Readonly<Record<string, string>> = {
  MapIterationSucceeded: 'SUCCEEDED',
  MapIterationFailed: 'FAILED',
  MapIterationAborted: 'ABORTED',
};

const mapRunStatus: Readonly<Record<string, string>> = {
  MapRunSucceeded: 'SUCCEEDED',
  MapRunFailed: 'FAILED',
  MapRunAborted: 'ABORTED',
};

/**
 * The writes of one Map event. A Distributed Map's events name their thread (`x.th`), and a
 * thread runs one state at a time: its running Map Run is the one an iteration event counts in.
 * Iterations of a Distributed Map are hidden events; an inline Map's (visible, or in a thread
 * with no running Map Run) change nothing.
 */
function mapRunWrite(event: RecordedEvent): WriteOp[] | undefined {
  const data = event.data as MapEventData;
  const x = data.x ?? {};
  const thread = x.th ?? '0';
  const streamId = event.streamId;
  const at = data.timestamp ?? event.recordedAt;
  const position = event.position;
  switch (event.type) {
    case 'MapStateStarted': {
      if (!x.distributed) return undefined;
      // With an ItemReader, or items recorded in MapItemsRecorded events, the counts come later.
      const later = x.mapRun?.reader !== undefined || x.batchedItems === true;
      const batched = x.mapRun?.batcher !== undefined;
      const length = (data.mapStateStartedEventDetails as { length?: number } | undefined)?.length ?? 0;
      // Batches are formed before MapStateStarted when the items are the input: count them.
      const batches = !later && batched ? (JSON.parse(x.items ?? '[]') as unknown[]) : undefined;
      const executions = later ? 0 : batches ? batches.length : length;
      return [
        { statement: 'endMapRun', params: { streamId, thread, status: 'FAILED', stopDate: at, position } },
        {
          statement: 'stageMapRun',
          params: {
            stageKey: stageKey(streamId, thread),
            streamId,
            thread,
            startDate: at,
            maxConcurrency: x.maxConcurrency ?? 0,
            toleratedFailurePercentage: x.toleratedFailurePercentage ?? 0,
            toleratedFailureCount: x.toleratedFailureCount ?? 0,
            itemTotal: later ? 0 : length,
            executionTotal: executions,
            batchSizes: batches ? JSON.stringify(batchSizes(batches)) : null,
            position,
          },
        },
      ];
    }
    case 'MapRunStarted': {
      const mapRunArn = (data.mapRunStartedEventDetails as { mapRunArn?: string } | undefined)?.mapRunArn;
      if (!mapRunArn) return undefined;
      // With an ItemReader the items (or batches) arrive here.
      const children = x.items !== undefined ? (JSON.parse(x.items) as unknown[]) : undefined;
      const batched = children !== undefined && children.length > 0 && Array.isArray((children[0] as { Items?: unknown })?.Items);
      return [
        {
          statement: 'startMapRun',
          params: {
            stageKey: stageKey(streamId, thread),
            mapRunArn,
            startDate: at,
            itemTotal: children ? countItems(children, batched) : null,
            executionTotal: children ? children.length : null,
            batchSizes: children && batched ? JSON.stringify(batchSizes(children)) : null,
            position,
          },
        },
      ];
    }
    case 'MapItemsRecorded': {
      // One batch of a Map Run's children (items, or ItemBatcher's batches): its counts add up
      // on the Map's row, staged or started (the batches come before MapRunStarted with an
      // ItemReader, after it with items from the input).
      const children = JSON.parse(x.items ?? '[]') as unknown[];
      if (children.length === 0) return undefined;
      const batched = Array.isArray((children[0] as { Items?: unknown })?.Items);
      return [
        {
          statement: 'addMapRunChildren',
          params: {
            stageKey: stageKey(streamId, thread),
            streamId,
            thread,
            itemCount: countItems(children, batched),
            executionCount: children.length,
            batchSizes: batched ? batchSizes(children).join(',') : null,
            position,
          },
        },
      ];
    }
    case 'MapRunSucceeded':
    case 'MapRunFailed':
    case 'MapRunAborted':
      return [
        { statement: 'endMapRunRedrive', params: { streamId, thread } },
        { statement: 'endMapRun', params: { streamId, thread, status: mapRunStatus[event.type], stopDate: at, position } },
      ];
    case 'MapRunRedriven': {
      const details = (data.mapRunRedrivenEventDetails ?? {}) as { mapRunArn?: string; redriveCount?: number };
      if (!details.mapRunArn) return undefined;
      return [
        { statement: 'redriveMapRun', params: { mapRunArn: details.mapRunArn, redriveCount: details.redriveCount ?? 1, redriveDate: at, position } },
        // A paced redrive (x.redriveIndices) lets the unsuccessful children wait until each
        // starts (MapIterationStarted); before it, a redrive restarted them all at once.
        x.redriveIndices !== undefined
          ? { statement: 'awaitMapRunRedrive', params: { mapRunArn: details.mapRunArn } }
          : { statement: 'redriveMapRunExecutions', params: { mapRunArn: details.mapRunArn, redriveDate: at } },
      ];
    }
    case 'MapRunUpdated':
      if (!x.mapRunArn) return undefined;
      return [
        {
          statement: 'updateMapRun',
          params: {
            mapRunArn: x.mapRunArn,
            maxConcurrency: x.maxConcurrency ?? null,
            toleratedFailurePercentage: x.toleratedFailurePercentage ?? null,
            toleratedFailureCount: x.toleratedFailureCount ?? null,
            position,
          },
        },
      ];
    default: {
      if (!x.hidden) return undefined;
      const details = (data.mapIterationStartedEventDetails ??
        data.mapIterationSucceededEventDetails ??
        data.mapIterationFailedEventDetails ??
        data.mapIterationAbortedEventDetails) as { index?: number } | undefined;
      if (typeof details?.index !== 'number') return undefined;
      if (event.type === 'MapIterationStarted') {
        return [{ statement: 'startMapRunExecution', params: { streamId, thread, index: details.index, startDate: at, position } }];
      }
      const status = iterationStatus[event.type];
      if (!status) return undefined;
      // A child that failed on its own history quota is failed for good (engine behaviour QuotaFailuresKept).
      const notRedrivable = event.type === 'MapIterationFailed' && x.notRedrivable === true ? 1 : 0;
      return [{ statement: 'endMapRunExecution', params: { streamId, thread, index: details.index, status, stopDate: at, notRedrivable } }];
    }
  }
}
