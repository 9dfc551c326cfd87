import type { CompiledQuery } from 'kysely';
import type { RecordedEvent } from '@stepstone/event-store';
import { STATE_MACHINE_STREAM_PREFIX } from '../events/state-machine-events';
import { EXECUTION_STREAM_PREFIX } from '../read-models/apply-events';
import { queryBuilder, type ReadModelDialect } from '../read-models/read-model-statements';

/**
 * The audit read model: one row per change someone asked for through the API (or, for a few
 * actions such as an execution's stop, by the engine), from the `actor`/`sourceIp`/`requestId`
 * every event carries in its metadata. A request decides many events (StartExecution also
 * enters the first states); only the event that *is* the action is a row.
 */

export const AUDIT_TABLE = 'read_audit';

export const auditSchema = `
  CREATE TABLE IF NOT EXISTS ${AUDIT_TABLE} (
    position    INTEGER PRIMARY KEY,
    recorded_at TEXT    NOT NULL,
    actor       TEXT    NOT NULL,
    source_ip   TEXT,
    request_id  TEXT,
    action      TEXT    NOT NULL,
    resource    TEXT    NOT NULL,
    stream_id   TEXT    NOT NULL,
    revision    INTEGER NOT NULL,
    event_type  TEXT    NOT NULL,
    details     TEXT
  );
  CREATE INDEX IF NOT EXISTS read_audit_by_actor ON ${AUDIT_TABLE} (actor, position);
  CREATE INDEX IF NOT EXISTS read_audit_by_resource ON ${AUDIT_TABLE} (resource, position);
  CREATE INDEX IF NOT EXISTS read_audit_by_time ON ${AUDIT_TABLE} (recorded_at, position);
  CREATE INDEX IF NOT EXISTS read_audit_by_stream ON ${AUDIT_TABLE} (stream_id, position);
`;

export interface AuditEntry {
  /** Global position of the event: a stable, increasing id. */
  readonly position: number;
  /** ISO 8601: when the store committed the event. */
  readonly time: string;
  /** Access key id, 'anonymous', or 'engine'. */
  readonly actor: string;
  readonly sourceIp?: string;
  readonly requestId?: string;
  /** The API action, by AWS's name: CreateStateMachine, StartExecution, StopExecution... */
  readonly action: string;
  /** The ARN acted on. */
  readonly resource: string;
  readonly streamId: string;
  readonly revision: number;
  readonly eventType: string;
  readonly details?: Readonly<Record<string, unknown>>;
}

export interface AuditQuery {
  /** ISO 8601, inclusive. */
  readonly since?: string;
  /** ISO 8601, exclusive. */
  readonly until?: string;
  readonly actor?: string;
  /** An ARN; a trailing `*` matches every ARN with that prefix (a state machine and its executions). */
  readonly resource?: string;
  readonly action?: string;
  /** Only entries after this position: the `nextToken` of the previous page. */
  readonly afterPosition?: number;
  /** Default 100, at most 1000. */
  readonly limit?: number;
}

export const AUDIT_DEFAULT_LIMIT = 100;
export const AUDIT_MAX_LIMIT = 1000;

interface AuditRow {
  readonly position: number;
  readonly recorded_at: string;
  readonly actor: string;
  readonly source_ip: string | null;
  readonly request_id: string | null;
  readonly action: string;
  readonly resource: string;
  readonly stream_id: string;
  readonly revision: number;
  readonly event_type: string;
  readonly details: string | null;
}

/** An action found in an event: its AWS name, the ARN when the event names it, and a summary. */
interface AuditAction {
  readonly action: string;
  readonly resource?: string;
  readonly details?: Record<string, unknown>;
}

type Data = Readonly<Record<string, unknown>> & {
  readonly x?: { readonly start?: { readonly executionArn?: string; readonly stateMachineArn?: string } };
};

const stateMachineActions: Readonly<Record<string, string>> = {
  StateMachineCreated: 'CreateStateMachine',
  StateMachineUpdated: 'UpdateStateMachine',
  StateMachineDeleted: 'DeleteStateMachine',
  StateMachineTagged: 'TagResource',
  StateMachineUntagged: 'UntagResource',
  StateMachineDeletionRequested: 'DeleteStateMachine',
  StateMachineVersionPublished: 'PublishStateMachineVersion',
  StateMachineVersionDeleted: 'DeleteStateMachineVersion',
  StateMachineAliasCreated: 'CreateStateMachineAlias',
  StateMachineAliasUpdated: 'UpdateStateMachineAlias',
  StateMachineAliasDeleted: 'DeleteStateMachineAlias',
};

/** Task results an API caller sent (SendTaskSuccess/Failure); the same events from an integration are the engine's work. */
const taskResultActions: Readonly<Record<string, string>> = {
  TaskSucceeded: 'SendTaskSuccess',
  TaskFailed: 'SendTaskFailure',
  ActivitySucceeded: 'SendTaskSuccess',
  ActivityFailed: 'SendTaskFailure',
};

const otherActions: Readonly<Record<string, string>> = {
  ActivityCreated: 'CreateActivity',
  ActivityDeleted: 'DeleteActivity',
};

/** Every event type `actionOf` may turn into an entry. */
const auditedTypes: ReadonlySet<string> = new Set([
  ...Object.keys(stateMachineActions),
  ...Object.keys(taskResultActions),
  ...Object.keys(otherActions),
  'ExecutionStarted',
  'ExecutionAborted',
  'ExecutionRedriven',
]);

function actionOf(event: RecordedEvent, fromApi: boolean): AuditAction | undefined {
  const data = (event.data ?? {}) as Data;
  if (event.streamId.startsWith(STATE_MACHINE_STREAM_PREFIX)) {
    const action = stateMachineActions[event.type];
    if (!action) return undefined;
    return {
      action,
      ...(typeof data.stateMachineArn === 'string' ? { resource: data.stateMachineArn } : {}),
      details: summary(event.type, data),
    };
  }
  if (event.streamId.startsWith(EXECUTION_STREAM_PREFIX)) {
    switch (event.type) {
      case 'ExecutionStarted': {
        const start = data.x?.start;
        return { action: 'StartExecution', ...(start?.executionArn ? { resource: start.executionArn } : {}), details: { stateMachineArn: start?.stateMachineArn } };
      }
      case 'ExecutionAborted':
        return { action: 'StopExecution', details: pick(data.executionAbortedEventDetails, ['error', 'cause']) };
      case 'ExecutionRedriven':
        return { action: 'RedriveExecution', details: pick(data.executionRedrivenEventDetails, ['redriveCount']) };
      default: {
        const action = taskResultActions[event.type];
        if (!action || !fromApi) return undefined;
        const details = data[`${event.type.charAt(0).toLowerCase()}${event.type.slice(1)}EventDetails`];
        return { action, details: pick(details, ['resourceType', 'resource', 'error']) };
      }
    }
  }
  const action = otherActions[event.type];
  if (!action) return undefined;
  const arn = Object.entries(data).find(([key, value]) => key.endsWith('Arn') && typeof value === 'string')?.[1] as string | undefined;
  return { action, ...(arn ? { resource: arn } : {}) };
}

function summary(type: string, data: Data): Record<string, unknown> | undefined {
  switch (type) {
    case 'StateMachineUpdated':
      return { changed: Object.keys(data).filter((key) => !['v', 'updateDate', 'revisionId'].includes(key)).sort() };
    case 'StateMachineTagged':
      return { tagKeys: (Array.isArray(data.tags) ? data.tags : []).map((tag: { key?: unknown }) => tag.key) };
    case 'StateMachineUntagged':
      return { tagKeys: data.tagKeys };
    case 'StateMachineCreated':
      return { type: data.type, revisionId: data.revisionId };
    default:
      return undefined;
  }
}

function pick(value: unknown, keys: readonly string[]): Record<string, unknown> | undefined {
  if (value === null || typeof value !== 'object') return undefined;
  const record = value as Record<string, unknown>;
  const picked = Object.fromEntries(keys.filter((key) => record[key] !== undefined).map((key) => [key, record[key]]));
  return Object.keys(picked).length > 0 ? picked : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Whether `event` may be an audit row (checked before anything of it is parsed). */
export function isAudited(event: RecordedEvent): boolean {
  return auditedTypes.has(event.type);
}

/**
 * The audit row of one event, or undefined when the event is no action. Only a stream's first
 * event names its ARN (StateMachineCreated, ExecutionStarted); later actions on the stream take
 * it from the stream's latest row (`resourceOfStream`).
 */
export function auditRowOf(event: RecordedEvent, resourceOfStream: (streamId: string) => string | undefined): (Record<string, unknown> & { resource: string }) | undefined {
  // Most events are no action (states entered and exited): skip them before parsing anything.
  if (!auditedTypes.has(event.type)) return undefined;
  const metadata = event.metadata ?? {};
  const requestId = text(metadata.requestId);
  const found = actionOf(event, requestId !== undefined);
  if (!found) return undefined;
  return {
    position: event.position,
    recordedAt: event.recordedAt,
    actor: text(metadata.actor) ?? 'engine',
    sourceIp: text(metadata.sourceIp) ?? null,
    requestId: requestId ?? null,
    action: found.action,
    resource: found.resource ?? resourceOfStream(event.streamId) ?? event.streamId,
    streamId: event.streamId,
    revision: event.revision,
    eventType: event.type,
    details: found.details && Object.keys(found.details).length > 0 ? JSON.stringify(found.details) : null,
  };
}

export interface AuditPage {
  readonly entries: AuditEntry[];
  /** Present when more entries match: the position to pass as `afterPosition`. */
  readonly nextPosition?: number;
}

/**
 * An audit query, oldest first, filters ANDed, as a query built for `dialect` (the backend runs
 * it), and how to turn its rows into a page.
 */
export function buildAuditQuery(dialect: ReadModelDialect, query: AuditQuery): { compiled: CompiledQuery; toPage(rows: readonly unknown[]): AuditPage } {
  let select = queryBuilder(dialect).selectFrom('read_audit').selectAll();
  if (query.since !== undefined) select = select.where('recorded_at', '>=', query.since);
  if (query.until !== undefined) select = select.where('recorded_at', '<', query.until);
  if (query.actor !== undefined) select = select.where('actor', '=', query.actor);
  if (query.resource !== undefined) {
    if (query.resource.endsWith('*')) {
      // substr rather than LIKE: ARNs may contain '_' and '%', which LIKE would treat as wildcards.
      const prefix = query.resource.slice(0, -1);
      select = select.where((eb) => eb(eb.fn<string>('substr', [eb.ref('resource'), eb.lit(1), eb.lit(prefix.length)]), '=', prefix));
    } else {
      select = select.where('resource', '=', query.resource);
    }
  }
  if (query.action !== undefined) select = select.where('action', '=', query.action);
  if (query.afterPosition !== undefined) select = select.where('position', '>', query.afterPosition);
  const limit = Math.min(Math.max(1, query.limit ?? AUDIT_DEFAULT_LIMIT), AUDIT_MAX_LIMIT);
  // One row more than asked tells whether another page exists.
  const compiled = select.orderBy('position', 'asc').limit(limit + 1).compile();
  return {
    compiled,
    toPage(rows) {
      const entries = (rows as AuditRow[]).slice(0, limit).map(toEntry);
      return rows.length > limit ? { entries, nextPosition: entries[entries.length - 1].position } : { entries };
    },
  };
}

function toEntry(row: AuditRow): AuditEntry {
  return {
    position: row.position,
    time: row.recorded_at,
    actor: row.actor,
    ...(row.source_ip !== null ? { sourceIp: row.source_ip } : {}),
    ...(row.request_id !== null ? { requestId: row.request_id } : {}),
    action: row.action,
    resource: row.resource,
    streamId: row.stream_id,
    revision: row.revision,
    eventType: row.event_type,
    ...(row.details !== null ? { details: JSON.parse(row.details) as Record<string, unknown> } : {}),
  };
}
