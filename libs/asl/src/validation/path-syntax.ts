import { splitReference } from '../jsonpath/evaluate-path';
import { parsePath } from '../jsonpath/path-parser';
/**
 * Syntactic checks for JSONPath-mode strings: paths (`$.a[0]`, `$$.Execution.Id`, `$var.x`)
 * and intrinsic function calls (`States.Format('{}', $.a)`). This only decides whether AWS
 * would accept the text at definition time; evaluation lives elsewhere.
 *
 * It is deliberately lenient where AWS's JSONPath engine (Jayway) is lenient: member names
 * may contain any character but `.` and `[`, and bracketed names may hold anything quoted.
 */

/**
 * "You can nest up to 10 intrinsic functions within a field in your workflows" (Developer
 * Guide, "Intrinsic functions for JSONPath states"; its example field holds nine calls, five
 * deep). A call nested deeper is past the limit however the page counts. Checked here, at
 * definition time only: the run-time parser keeps its own wider guard (MAX_INTRINSIC_NESTING),
 * so a state machine accepted before this check still runs as it did.
 */
const MAX_DOCUMENTED_NESTING = 10;

/** Intrinsic functions AWS documents ("Intrinsic functions for JSONPath states"). */
const INTRINSIC_FUNCTIONS: ReadonlySet<string> = new Set([
  'States.Format',
  'States.StringToJson',
  'States.JsonToString',
  'States.Array',
  'States.ArrayPartition',
  'States.ArrayContains',
  'States.ArrayRange',
  'States.ArrayGetItem',
  'States.ArrayLength',
  'States.ArrayUnique',
  'States.Base64Encode',
  'States.Base64Decode',
  'States.Hash',
  'States.JsonMerge',
  'States.MathRandom',
  'States.MathAdd',
  'States.StringSplit',
  'States.UUID',
]);

/**
 * True when `text` is a JSONPath AWS accepts: `$`, `$$`, `$var` roots, then segments, in the
 * dialect the engine evaluates (jsonpath/path-parser.ts, Jayway's operators): a script
 * expression such as `$[(@.length-1)]`, which Jayway does not have, passes the scan here but
 * not the parser, and would otherwise be accepted only to fail every run.
 */
export function isValidJsonPath(text: string): boolean {
  if (scanPath(text, 0) !== text.length) return false;
  const reference = splitReference(text);
  if (reference === undefined) return false;
  try {
    parsePath(reference.path);
    return true;
  } catch {
    return false;
  }
}

/**
 * True when a valid path names one node (a Reference Path): no `*` wildcard, `..` deep scan,
 * `?(…)` filter, `@`, slice or union outside quoted names.
 */
export function isReferencePath(text: string): boolean {
  const unquoted = text.replace(/'(?:[^'\\]|\\.)*'|"(?:[^"\\]|\\.)*"/g, "''");
  return !/[*?@,:]|\.\./.test(unquoted);
}

/**
 * True when `text` is a whole intrinsic function call, e.g. `States.Array(1, $.a)`. The call
 * must open the text: AWS's own linter rejects `" States.Array('Foo', $.xyz)"` as "not a
 * JSONPath or intrinsic function expression" (awslabs/statelint, spec
 * states-array-invocation-leftpad.json), and the engine would not run it as a call either.
 */
export function isValidIntrinsicCall(text: string): boolean {
  const end = scanIntrinsic(text, 0);
  return end !== -1 && skipSpaces(text, end) === text.length;
}

/** A `.$` payload value, or ErrorPath/CausePath: a path or an intrinsic call. */
export function isValidPathOrIntrinsic(text: string): boolean {
  return isValidJsonPath(text) || isValidIntrinsicCall(text);
}

function skipSpaces(text: string, at: number): number {
  let i = at;
  while (i < text.length && /\s/.test(text[i] ?? '')) i++;
  return i;
}

/** Returns the index after the path starting at `at`, or -1 when it is not a path. */
function scanPath(text: string, at: number, stopAtArgumentEnd = false): number {
  if (text[at] !== '$') return -1;
  let i = at + 1;
  if (text[i] === '$') {
    i++;
  } else {
    // `$name`: a variable reference (JSONPath Assign variables).
    while (i < text.length && isNameChar(text[i] ?? '', stopAtArgumentEnd)) i++;
  }
  while (i < text.length) {
    const c = text[i];
    if (stopAtArgumentEnd && (c === ',' || c === ')' || /\s/.test(c ?? ''))) return i;
    if (c === '.') {
      i++;
      if (text[i] === '.') i++;
      if (text[i] === '*') {
        i++;
        continue;
      }
      if (text[i] === '[') continue;
      const start = i;
      while (i < text.length && isNameChar(text[i] ?? '', stopAtArgumentEnd)) i++;
      if (i === start) return -1;
      // Jayway's trailing functions: `$.a.length()`.
      if (text[i] === '(' && text[i + 1] === ')') i += 2;
      continue;
    }
    if (c === '[') {
      const close = scanBracket(text, i + 1);
      if (close === -1) return -1;
      i = close + 1;
      continue;
    }
    return stopAtArgumentEnd ? i : -1;
  }
  return i;
}

function isNameChar(c: string, stopAtArgumentEnd: boolean): boolean {
  if (c === '' || c === '.' || c === '[' || c === ']') return false;
  if (stopAtArgumentEnd && (c === ',' || c === ')' || c === '(' || /\s/.test(c))) return false;
  if (c === '(' || c === ')') return false;
  return true;
}

/** `at` is just after `[`; returns the index of the matching `]` or -1. */
function scanBracket(text: string, at: number): number {
  const i = skipSpaces(text, at);
  const c = text[i];
  if (c === '?' || c === '(') {
    // Filter or script expression: balanced parentheses, quotes respected.
    let depth = 0;
    let j = c === '?' ? i + 1 : i;
    if (text[j] !== '(') return -1;
    for (; j < text.length; j++) {
      const d = text[j];
      if (d === "'" || d === '"') {
        j = skipQuoted(text, j);
        if (j === -1) return -1;
        continue;
      }
      if (d === '(') depth++;
      if (d === ')') {
        depth--;
        if (depth === 0) break;
      }
    }
    if (depth !== 0) return -1;
    const close = skipSpaces(text, j + 1);
    return text[close] === ']' ? close : -1;
  }
  if (c === "'" || c === '"') {
    // One or more quoted names, comma separated.
    let j = i;
    while (true) {
      if (text[j] !== "'" && text[j] !== '"') return -1;
      j = skipQuoted(text, j);
      if (j === -1) return -1;
      j = skipSpaces(text, j + 1);
      if (text[j] === ']') return j;
      if (text[j] !== ',') return -1;
      j = skipSpaces(text, j + 1);
    }
  }
  if (c === '*') {
    const close = skipSpaces(text, i + 1);
    return text[close] === ']' ? close : -1;
  }
  // Indexes `[0]`, `[1,2]`, `[-1]` and slices `[1:]`, `[:2]`, `[0:10:2]`.
  const close = text.indexOf(']', i);
  if (close === -1) return -1;
  const inner = text.slice(i, close).replace(/\s+/g, '');
  const index = /^-?\d+(,-?\d+)*$/;
  const slice = /^(-?\d+)?:(-?\d+)?(:(-?\d+)?)?$/;
  return index.test(inner) || slice.test(inner) ? close : -1;
}

/** `at` is an opening quote; returns the index of its closing quote or -1. */
function skipQuoted(text: string, at: number): number {
  const quote = text[at];
  for (let j = at + 1; j < text.length; j++) {
    if (text[j] === '\\') {
      j++;
      continue;
    }
    if (text[j] === quote) return j;
  }
  return -1;
}

/** Returns the index after the call starting at `at`, or -1 (also when calls nest too deep). */
function scanIntrinsic(text: string, at: number, depth = 1): number {
  if (depth > MAX_DOCUMENTED_NESTING) return -1;
  const match = /^States\.[A-Za-z0-9]+/.exec(text.slice(at));
  if (match === null || !INTRINSIC_FUNCTIONS.has(match[0])) return -1;
  let i = skipSpaces(text, at + match[0].length);
  if (text[i] !== '(') return -1;
  i = skipSpaces(text, i + 1);
  if (text[i] === ')') return i + 1;
  while (true) {
    i = scanArgument(text, i, depth);
    if (i === -1) return -1;
    i = skipSpaces(text, i);
    if (text[i] === ')') return i + 1;
    if (text[i] !== ',') return -1;
    i = skipSpaces(text, i + 1);
  }
}

function scanArgument(text: string, at: number, depth: number): number {
  const c = text[at];
  if (c === "'") return scanStringLiteral(text, at);
  if (c === '$') return scanPath(text, at, true);
  if (text.startsWith('States.', at)) return scanIntrinsic(text, at, depth + 1);
  const literal = /^(-?\d+(\.\d+)?([eE][+-]?\d+)?|true|false|null)/.exec(text.slice(at));
  return literal === null ? -1 : at + literal[0].length;
}

/**
 * A single-quoted intrinsic string. Only `\'`, `\{`, `\}` and `\\` are escapes; AWS rejects
 * any other backslash sequence, such as `\"` (corpus: test_illegal_escapes
 * ESCAPE_SEQUENCES_ILLEGAL_INTRINSIC_FUNCTION).
 */
function scanStringLiteral(text: string, at: number): number {
  for (let j = at + 1; j < text.length; j++) {
    const c = text[j];
    if (c === '\\') {
      const next = text[j + 1];
      if (next !== "'" && next !== '{' && next !== '}' && next !== '\\') return -1;
      j++;
      continue;
    }
    if (c === "'") return j + 1;
  }
  return -1;
}
