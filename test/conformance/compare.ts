/**
 * Comparison of what the engine produced with what AWS recorded, reading the corpus the way
 * its README says: normalised tokens ("date", "<uuid:1>", "<ExecArnPart_0idx>", names listed
 * in expected.placeholders) match any value of the same kind; JSON strings that began with
 * `{` were parsed by the recording tooling, so a string on our side is parsed before comparing.
 *
 * Normalisation tokens, and what they match:
 * - a whole recorded value that is an angle-bracket token (`<uuid:1>`, `<ExecArnPart_0idx>`,
 *   `<<task_token>:1>`) or a name in expected.placeholders: any value that is present;
 * - a whole recorded value that is one of the tooling's replacement words for time values
 *   (TIME_VALUE_TOKENS): any string — the tooling replaced ISO datetimes with "date", the
 *   values of timestamp fields (valid or not, e.g. an input's `"TimestampValue"`) with
 *   "timestamp", and context-object times with "start-time"/"entered-time" (API dates with
 *   "start-date"/"stop-date"), while causes and messages kept the real text;
 * - an angle-bracket token, a placeholder name or "date" inside a longer string: any text at
 *   that position, the rest of the string literally.
 * Everything else is literal: a number, a missing key, a different key set or different text
 * around a token is a mismatch (compare.spec.ts holds both sides).
 */
// An angle-bracket token; the tooling also numbers a token it found inside another value as
// `<<task_token>:1>`, one token nested in another, which is still one token. A whole value may
// hold spaces (`<role name>`); inside a longer string a token ends at the first space.
const ANGLE_TOKEN = /<(?:[^<>\s]|<[^<>\s]+>)+>/;
const WHOLE_ANGLE_TOKEN = /^<(?:[^<>]|<[^<>]+>)+>$/;
const TOKEN = new RegExp(`${ANGLE_TOKEN.source}|\\bdate\\b`);
export const TIME_VALUE_TOKENS: readonly string[] = ['date', 'timestamp', 'start-date', 'stop-date', 'start-time', 'entered-time'];

export function tokensOf(placeholders: unknown): string[] {
  if (!Array.isArray(placeholders)) return [];
  return placeholders.map((p) => (typeof p === 'object' && p && 'token' in p ? String((p as any).token) : String(p)));
}

export function matches(expected: unknown, actual: unknown, tokens: readonly string[]): boolean {
  if (typeof expected === 'string') {
    if (actual === expected) return true;
    if (TIME_VALUE_TOKENS.includes(expected)) return typeof actual === 'string';
    if (tokens.includes(expected) || WHOLE_ANGLE_TOKEN.test(expected)) return actual !== undefined;
    if (typeof actual !== 'string') return false;
    if (!TOKEN.test(expected) && !tokens.some((token) => expected.includes(token))) return false;
    return tokenPattern(expected, tokens).test(actual);
  }
  if (typeof actual === 'string' && expected !== null && typeof expected === 'object') {
    try {
      return matches(expected, JSON.parse(actual), tokens);
    } catch {
      return false;
    }
  }
  if (Array.isArray(expected)) {
    return Array.isArray(actual) && actual.length === expected.length && expected.every((item, i) => matches(item, actual[i], tokens));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object' || Array.isArray(actual)) return false;
    const expectedKeys = Object.keys(expected);
    const actualKeys = Object.keys(actual as object);
    if (expectedKeys.length !== actualKeys.length) return false;
    return expectedKeys.every((key) => key in (actual as object) && matches((expected as any)[key], (actual as any)[key], tokens));
  }
  return expected === actual;
}

function tokenPattern(expected: string, tokens: readonly string[]): RegExp {
  const all = [...tokens, 'date'].filter((t) => t.length > 0).sort((a, b) => b.length - a.length);
  let pattern = '';
  let rest = expected;
  while (rest.length > 0) {
    const generic = ANGLE_TOKEN.exec(rest);
    let bestIndex = generic ? generic.index : -1;
    let bestLength = generic ? generic[0].length : 0;
    for (const token of all) {
      const index = rest.indexOf(token);
      if (index >= 0 && (bestIndex < 0 || index < bestIndex)) {
        bestIndex = index;
        bestLength = token.length;
      }
    }
    if (bestIndex < 0) {
      pattern += escapeRegex(rest);
      break;
    }
    pattern += escapeRegex(rest.slice(0, bestIndex)) + '[\\s\\S]*?';
    rest = rest.slice(bestIndex + bestLength);
  }
  return new RegExp(`^${pattern}$`);
}

function escapeRegex(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/**
 * AWS's history rules changed over time, and a case shows the rule of the day it was recorded
 * (`source.aws_validated_date`). The engine writes today's rule; for a recording older than a
 * change the comparator accepts the rule of its day in place of today's, for that one link.
 */
export interface AwsHistoryRuleChange {
  /** Earliest recording that shows the current rule. */
  readonly since: string;
  readonly event: string;
  /** The event type previousEventId pointed at before the change, and points at now. */
  readonly before: string;
  readonly now: string;
}

export const AWS_HISTORY_RULE_CHANGES: readonly AwsHistoryRuleChange[] = [
  // A Map Run's MapStateExited: linked at MapRunSucceeded in every recording up to 2024-06-19
  // (13 cases), at MapRunStarted in every recording from 2024-11-14 on (6 cases).
  { since: '2024-11-14', event: 'MapStateExited', before: 'MapRunSucceeded', now: 'MapRunStarted' },
];

type HistoryEvent = Readonly<Record<string, unknown>>;

/**
 * True when `want` (recorded at `recordedAt`) and `got` differ only in a previousEventId that a
 * later AWS rule change explains: the recording links the event type the old rule named, and
 * the engine links the one the current rule names.
 */
export function explainedByAwsRuleChange(
  recordedAt: string | undefined,
  want: HistoryEvent,
  got: HistoryEvent,
  recorded: readonly HistoryEvent[],
  produced: readonly HistoryEvent[],
): boolean {
  if (!recordedAt || want.id !== got.id || want.type !== got.type) return false;
  const typeOf = (events: readonly HistoryEvent[], id: unknown) => events.find((event) => event.id === id)?.type;
  return AWS_HISTORY_RULE_CHANGES.some(
    (change) =>
      recordedAt < change.since &&
      want.type === change.event &&
      typeOf(recorded, want.previousEventId) === change.before &&
      typeOf(produced, got.previousEventId) === change.now,
  );
}

/**
 * Context object fields AWS added after some recordings were made: the `$$.Execution` object of
 * a recording older than `since` lacks `field`. The engine writes today's object; the
 * comparator takes it without that field for such a recording. An Execution object is told by
 * its keys (EXECUTION_CONTEXT_KEYS), wherever it shows (a Payload built from `$$`, a state's output).
 */
export interface AwsContextFieldAdded {
  readonly since: string;
  readonly field: string;
}

export const AWS_CONTEXT_FIELDS_ADDED: readonly AwsContextFieldAdded[] = [
  // Redrive (RedriveExecution, 2023-11-15) added $$.Execution.RedriveCount.
  { since: '2023-11-15', field: 'RedriveCount' },
];

const EXECUTION_CONTEXT_KEYS = ['Id', 'Input', 'Name', 'RoleArn', 'StartTime'];

/** `value` with the context fields a recording made at `recordedAt` could not show left out. */
export function asOfRecording(recordedAt: string | undefined, value: unknown): unknown {
  const absent = AWS_CONTEXT_FIELDS_ADDED.filter((change) => recordedAt !== undefined && recordedAt < change.since).map((change) => change.field);
  if (absent.length === 0) return value;
  // Returns the very node when nothing in it is left out, so untouched text keeps its bytes.
  const strip = (node: unknown): unknown => {
    if (typeof node === 'string') {
      if (!node.startsWith('{')) return node;
      let parsed: unknown;
      try {
        parsed = JSON.parse(node);
      } catch {
        return node;
      }
      const stripped = strip(parsed);
      return stripped === parsed ? node : JSON.stringify(stripped);
    }
    if (node === null || typeof node !== 'object') return node;
    if (Array.isArray(node)) {
      const items = node.map(strip);
      return items.some((item, i) => item !== node[i]) ? items : node;
    }
    const isExecution = EXECUTION_CONTEXT_KEYS.every((key) => key in node);
    const entries = Object.entries(node);
    const kept = entries.filter(([key]) => !(isExecution && absent.includes(key))).map(([key, child]) => [key, strip(child)] as const);
    const changed = kept.length !== entries.length || kept.some(([key, child]) => child !== (node as Record<string, unknown>)[key]);
    return changed ? Object.fromEntries(kept) : node;
  };
  return strip(value);
}

/**
 * Fields the recording did not verify against AWS: the tooling wrote the field's own path in
 * place of the value (`"stateExitedEventDetails": {"output": "stateExitedEventDetails.output"}`),
 * as it does for paths a snapshot skips. Within those details, that path matches any value.
 */
export function unverifiedFieldTokens(detailsKey: string, details: unknown): string[] {
  if (details === null || typeof details !== 'object' || Array.isArray(details)) return [];
  return Object.entries(details)
    .filter(([field, value]) => value === `${detailsKey}.${field}`)
    .map(([field]) => `${detailsKey}.${field}`);
}
