/**
 * Why a text is not JSON, in the words AWS's JSON parser (Jackson) uses: the definitions given to
 * CreateStateMachine / ValidateStateMachineDefinition and the inputs given to StartExecution are
 * read by it, and AWS passes its message on. Recorded from AWS (localstack's
 * test_sfn_api_validation and test_sfn_api snapshots):
 * - `not a definition` → "Unrecognized token 'not': was expecting (JSON String, Number, Array,
 *   Object or token 'null', 'true' or 'false')", at "[Source: (String)\"not a definition\"; line: 1, column: 4]";
 * - `{'not': 'json'` → "Unexpected character (''' (code 39)): was expecting double-quote to start field name".
 * Only these two shapes, the commonest, are described this way; for any other syntax error the
 * message is the JavaScript parser's, with Jackson's location.
 */
export interface JsonSyntaxError {
  readonly message: string;
  /** `[Source: (String)"<text>"; line: L, column: C]`, as Jackson names a position. */
  readonly location: string;
}

const MAX_SOURCE_SHOWN = 500;
const EXPECTED_VALUE = "(JSON String, Number, Array, Object or token 'null', 'true' or 'false')";

/** What is wrong with `text` as JSON, or undefined when it parses. */
export function jsonSyntaxError(text: string): JsonSyntaxError | undefined {
  let jsError: string;
  try {
    JSON.parse(text);
    return undefined;
  } catch (error) {
    jsError = error instanceof Error ? error.message : String(error);
  }
  const found = firstJacksonError(text);
  if (found) return { message: found.message, location: sourceLocation(text, found.offset) };
  return { message: jsError, location: sourceLocation(text, text.length) };
}

/** The message with its location appended, as ValidateStateMachineDefinition shows it. */
export function jsonSyntaxMessageWithLocation(error: JsonSyntaxError): string {
  return `${error.message}\n at ${error.location}`;
}

/**
 * A small scan for the first error Jackson would report at a value or a field-name position:
 * an unquoted word where a value starts, or a character other than `"` where a field name starts.
 * Gives up (undefined) on anything else, or when it reaches a structure it does not follow.
 */
function firstJacksonError(text: string): { message: string; offset: number } | undefined {
  let i = skipSpace(text, 0);
  // Expecting a value at the top level, or after `[`, `,` in arrays, `:` in objects.
  const stack: ('array' | 'object')[] = [];
  for (let guard = 0; guard < text.length + 2; guard++) {
    if (i >= text.length) return undefined;
    const c = text[i];
    if (c === '{') {
      stack.push('object');
      i = skipSpace(text, i + 1);
      if (text[i] === '}') {
        stack.pop();
        const next = nextValueStart(text, i + 1, stack);
        if (!next || 'message' in next) return next;
        i = next.index;
        continue;
      }
      const key = fieldName(text, i);
      if ('message' in key) return key;
      i = key.next;
      continue;
    }
    if (c === '[') {
      stack.push('array');
      i = skipSpace(text, i + 1);
      if (text[i] === ']') {
        stack.pop();
        const next = nextValueStart(text, i + 1, stack);
        if (!next || 'message' in next) return next;
        i = next.index;
      }
      continue;
    }
    const end = scalarEnd(text, i);
    if (end === undefined) {
      if (/[A-Za-z_]/.test(c)) {
        const word = /^[A-Za-z0-9_$]+/.exec(text.slice(i))![0];
        return { message: `Unrecognized token '${word}': was expecting ${EXPECTED_VALUE}`, offset: i + word.length };
      }
      return { message: `Unexpected character (${describeChar(c)}): expected a valid value ${EXPECTED_VALUE}`, offset: i + 1 };
    }
    const next = nextValueStart(text, end, stack);
    if (!next || 'message' in next) return next;
    i = next.index;
  }
  return undefined;
}

/** After a value: where the next value starts (past its field name in an object), Jackson's error, or undefined when the scan ends. */
function nextValueStart(text: string, from: number, stack: ('array' | 'object')[]): { index: number } | { message: string; offset: number } | undefined {
  const next = afterValue(text, from, stack);
  if (!next) return undefined;
  if (!next.key) return { index: next.index };
  const key = fieldName(text, next.index);
  return 'message' in key ? key : { index: key.next };
}

/**
 * After a value: `,` or the closing bracket(s). Where the next value starts, and whether a field
 * name comes first; undefined when the scan is lost (or the top-level value ended).
 */
function afterValue(text: string, from: number, stack: ('array' | 'object')[]): { index: number; key: boolean } | undefined {
  let i = skipSpace(text, from);
  for (;;) {
    const top = stack.at(-1);
    if (top === undefined) return undefined;
    const c = text[i];
    if (c === ',') return { index: skipSpace(text, i + 1), key: top === 'object' };
    if ((top === 'array' && c === ']') || (top === 'object' && c === '}')) {
      stack.pop();
      i = skipSpace(text, i + 1);
      continue;
    }
    return undefined;
  }
}

/** A field name then `:`; the index of its value, or Jackson's error for a missing quote. */
function fieldName(text: string, at: number): { next: number } | { message: string; offset: number } {
  if (text[at] !== '"') {
    if (at >= text.length) return { next: text.length };
    return { message: `Unexpected character (${describeChar(text[at])}): was expecting double-quote to start field name`, offset: at + 1 };
  }
  const end = stringEnd(text, at);
  if (end === undefined) return { next: text.length };
  const colon = skipSpace(text, end);
  if (text[colon] !== ':') return { next: text.length };
  return { next: skipSpace(text, colon + 1) };
}

/** The end of a string, number or literal starting at `at`; undefined when none starts there. */
function scalarEnd(text: string, at: number): number | undefined {
  const c = text[at];
  if (c === '"') return stringEnd(text, at);
  const literal = /^(true|false|null)(?![A-Za-z0-9_$])/.exec(text.slice(at, at + 6));
  if (literal) return at + literal[0].length;
  const number = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(at));
  if (number && number[0] !== '-' && number[0] !== '') return at + number[0].length;
  return undefined;
}

function stringEnd(text: string, at: number): number | undefined {
  for (let i = at + 1; i < text.length; i++) {
    if (text[i] === '\\') i++;
    else if (text[i] === '"') return i + 1;
  }
  return undefined;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && ' \t\r\n'.includes(text[i])) i++;
  return i;
}

/** Jackson names a character with its quote and code: `''' (code 39)`. */
function describeChar(c: string): string {
  return `'${c}' (code ${c.codePointAt(0)})`;
}

/** Jackson's position: 1-based line, and the column after what it consumed. */
function sourceLocation(text: string, offset: number): string {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  const column = offset - (before.lastIndexOf('\n') + 1) + 1;
  // Jackson quotes the text as it is, cut after 500 characters.
  const shown = text.length > MAX_SOURCE_SHOWN ? `"${text.slice(0, MAX_SOURCE_SHOWN)}"[truncated ${text.length - MAX_SOURCE_SHOWN} chars]` : `"${text}"`;
  return `[Source: (String)${shown}; line: ${line}, column: ${column}]`;
}
