import { detailsFieldOf, EVENT_SCHEMA_VERSION, ExecutionEventType } from './history-event';

/**
 * Defence in depth on the append path: a cheap structural check of an execution event before it
 * is stored. The decider builds events from typed code, so this should never fire; if a bug (or
 * a value that slipped past the edge's checks) ever makes one malformed, the append is refused
 * instead of storing an event that replay, history and the read models cannot read — a stored
 * event can never be taken back. It checks the fields every reader relies on, not every field.
 */

const STATE_KINDS = ['Pass', 'Task', 'Choice', 'Wait', 'Succeed', 'Fail', 'Parallel', 'Map'] as const;

/**
 * What the check needs to know of each known type, looked up once per event: its details
 * field, and which payload a state's Entered or Exited event must carry.
 */
interface TypeShape {
  readonly detailsField: string | undefined;
  readonly statePayload: 'input' | 'output' | undefined;
}

const TYPE_SHAPES: ReadonlyMap<string, TypeShape> = new Map(
  [...Object.values(ExecutionEventType), ...STATE_KINDS.flatMap((kind) => [`${kind}StateEntered`, `${kind}StateExited`, `${kind}StateAborted`])].map((type) => [
    type,
    {
      detailsField: detailsFieldOf(type),
      statePayload: type.endsWith('StateEntered') ? ('input' as const) : type.endsWith('StateExited') ? ('output' as const) : undefined,
    },
  ]),
);

/** Detail fields that hold text whenever present (payloads are JSON strings, as AWS returns them). */
const TEXT_DETAILS = ['input', 'output', 'error', 'cause', 'name', 'resource', 'resourceType', 'parameters'] as const;

/** An event refused on the append path. Internal: it means a bug, and the API answers InternalFailure. */
export class MalformedEventError extends Error {
  readonly type = 'malformed-event';

  constructor(
    readonly eventType: string,
    readonly problem: string,
  ) {
    super(`refused to append a malformed ${eventType} event: ${problem}`);
    this.name = 'MalformedEventError';
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

const TEXT_INTERNALS = ['next', 'error', 'cause', 'token', 'wakeAt', 'items', 'input', 'actor'] as const;
const START_TEXTS = ['executionArn', 'stateMachineArn', 'name', 'definition'] as const;

function isHiddenId(value: unknown): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value < 0;
}

function isCount(value: unknown, min: number): boolean {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= min;
}

const ISO_TIMESTAMP = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/;

/** The events of one decision share their timestamp: the last one found sound is not tested again. */
let soundTimestamp: string | undefined;

function isTimestamp(value: unknown): boolean {
  if (typeof value !== 'string') return false;
  if (value === soundTimestamp) return true;
  if (!ISO_TIMESTAMP.test(value)) return false;
  soundTimestamp = value;
  return true;
}

/**
 * The first of `keys` whose value in `record` is present but not text. The usual answer is
 * none: a scan of the record's own keys (two to five) then replaces a lookup per listed key,
 * which on the many shapes of details and internals was most of this check's time.
 */
function textFieldProblem(record: Record<string, unknown>, keys: readonly string[]): string | undefined {
  let sound = true;
  for (const key in record) {
    const value = record[key];
    if (value !== undefined && typeof value !== 'string' && keys.includes(key)) {
      sound = false;
      break;
    }
  }
  if (sound) return undefined;
  // Reported in the order of `keys`, as before.
  return keys.find((key) => record[key] !== undefined && typeof record[key] !== 'string');
}

/** What is wrong with `event` as an execution event, or undefined when its shape is sound. */
export function executionEventProblem(type: string, event: unknown): string | undefined {
  if (!isRecord(event)) return 'data is not an object';
  const shape = TYPE_SHAPES.get(type);
  if (shape === undefined) return `unknown event type '${type}'`;
  if (event.type !== type) return `data.type ${JSON.stringify(event.type)} differs from the event type`;
  // Events hidden from history (Distributed Map iterations, heartbeats) are numbered -1, -2, ...
  const hidden = isRecord(event.x) && event.x.hidden === true;
  if (!isCount(event.id, 1) && !(hidden && isHiddenId(event.id))) return 'id is not a positive integer';
  if (!isCount(event.previousEventId, 0) && !(hidden && isHiddenId(event.previousEventId))) return 'previousEventId is not a non-negative integer';
  if (!isTimestamp(event.timestamp)) return 'timestamp is not an ISO 8601 time';
  const x = event.x;
  if (!isRecord(x)) return 'x is not an object';
  if (x.v !== EVENT_SCHEMA_VERSION) return `x.v is not ${EVENT_SCHEMA_VERSION}`;
  if (typeof x.th !== 'string' || x.th.length === 0) return 'x.th is not a thread id';
  const internalsProblem = textFieldProblem(x, TEXT_INTERNALS);
  if (internalsProblem !== undefined) return `x.${internalsProblem} is not a string`;
  const field = shape.detailsField;
  const details = field === undefined ? undefined : event[field];
  if (details !== undefined) {
    if (!isRecord(details)) return `${String(field)} is not an object`;
    const detailsProblem = textFieldProblem(details, TEXT_DETAILS);
    if (detailsProblem !== undefined) return `${String(field)}.${detailsProblem} is not a string`;
  }
  const payload = shape.statePayload;
  if (payload !== undefined) {
    if (!isRecord(details) || typeof details.name !== 'string') return `${String(field)}.name is missing`;
    if (typeof details[payload] !== 'string') return `${String(field)}.${payload} is missing`;
  }
  if (type === ExecutionEventType.ExecutionStarted) {
    if (!isRecord(details) || typeof details.input !== 'string') return 'executionStartedEventDetails.input is missing';
    const start = x.start;
    if (!isRecord(start)) return 'x.start is not an object';
    for (const key of START_TEXTS) {
      if (typeof start[key] !== 'string' || start[key] === '') return `x.start.${key} is not a non-empty string`;
    }
    if (start.type !== 'STANDARD' && start.type !== 'EXPRESS') return 'x.start.type is neither STANDARD nor EXPRESS';
  }
  if (type === ExecutionEventType.ExecutionRedriven && isRecord(details) && details.redriveCount !== undefined && !isCount(details.redriveCount, 1)) {
    return 'executionRedrivenEventDetails.redriveCount is not a positive integer';
  }
  return undefined;
}

/** Throws MalformedEventError for the first event of `events` whose shape is not sound. */
export function assertExecutionEvents(events: ReadonlyArray<{ readonly type: string }>): void {
  for (const event of events) {
    const problem = executionEventProblem(event.type, event);
    if (problem !== undefined) throw new MalformedEventError(event.type, problem);
  }
}
