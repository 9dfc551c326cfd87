/**
 * A small parser for the JSONPath dialect Step Functions accepts (AWS runs Jayway JsonPath).
 * It splits a path into segments so that the common definite paths (`$.a.b`, `$['a b'][0]`)
 * are walked directly, without handing the string to a general JSONPath library on every
 * state, and so error messages can print the path the way AWS does (`$['a']['b']`).
 */

export type PathSegment =
  | { readonly kind: 'name'; readonly name: string }
  | { readonly kind: 'index'; readonly index: number }
  | { readonly kind: 'names'; readonly names: readonly string[] }
  | { readonly kind: 'indexes'; readonly indexes: readonly number[] }
  | { readonly kind: 'wildcard' }
  | { readonly kind: 'slice'; readonly start?: number; readonly end?: number; readonly step?: number }
  | { readonly kind: 'length' }
  /** Filters and deep scan: evaluated by jsonpath-plus on the whole path. */
  | { readonly kind: 'filter'; readonly expression: string }
  | { readonly kind: 'deepScan' };

export interface ParsedPath {
  readonly source: string;
  readonly segments: readonly PathSegment[];
  /** True when the path can select at most one node: only names, indexes and `length()`. */
  readonly definite: boolean;
  /** True when the path needs the general library (filters, deep scan). */
  readonly needsLibrary: boolean;
}

export class JsonPathSyntaxError extends Error {
  constructor(
    readonly path: string,
    readonly position: number,
    detail: string,
  ) {
    super(`Invalid JSONPath '${path}' at position ${position}: ${detail}`);
    this.name = 'JsonPathSyntaxError';
  }
}

const cache = new Map<string, ParsedPath>();
const CACHE_LIMIT = 10_000;

/**
 * Parses a path that starts with `$` (the root of whatever document it is applied to; the
 * caller strips `$$` or `$varName` prefixes first). Results are memoised: definitions use the
 * same few paths over and over.
 */
export function parsePath(path: string): ParsedPath {
  const hit = cache.get(path);
  if (hit !== undefined) return hit;
  const parsed = parseUncached(path);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(path, parsed);
  return parsed;
}

function parseUncached(path: string): ParsedPath {
  if (!path.startsWith('$')) throw new JsonPathSyntaxError(path, 0, "a path must start with '$'");
  const segments: PathSegment[] = [];
  let i = 1;
  const n = path.length;
  while (i < n) {
    const ch = path[i];
    if (ch === '.') {
      if (path[i + 1] === '.') {
        segments.push({ kind: 'deepScan' });
        i += 2;
        if (path[i] === '[') continue;
        if (path[i] === '*') {
          segments.push({ kind: 'wildcard' });
          i += 1;
          continue;
        }
        const [name, next] = readDotName(path, i);
        segments.push({ kind: 'name', name });
        i = next;
        continue;
      }
      i += 1;
      // `$.abc.['def ghi']`: a dot before a bracket only separates (the Developer Guide's own
      // example for names that need brackets, "Using JSONPath paths").
      if (path[i] === '[') continue;
      if (path[i] === '*') {
        segments.push({ kind: 'wildcard' });
        i += 1;
        continue;
      }
      const [name, next] = readDotName(path, i);
      if (name === 'length()' && next === n) {
        segments.push({ kind: 'length' });
      } else {
        segments.push({ kind: 'name', name });
      }
      i = next;
      continue;
    }
    if (ch === '[') {
      const [segment, next] = readBracket(path, i);
      segments.push(segment);
      i = next;
      continue;
    }
    throw new JsonPathSyntaxError(path, i, `unexpected character '${ch}'`);
  }
  const definite = segments.every((s) => s.kind === 'name' || s.kind === 'index' || s.kind === 'length');
  const needsLibrary = segments.some((s) => s.kind === 'filter' || s.kind === 'deepScan');
  return { source: path, segments, definite, needsLibrary };
}

function readDotName(path: string, start: number): [string, number] {
  let i = start;
  while (i < path.length && path[i] !== '.' && path[i] !== '[') i += 1;
  if (i === start) throw new JsonPathSyntaxError(path, start, 'expected a property name');
  const name = path.slice(start, i);
  const bad = name.indexOf(']');
  if (bad >= 0) throw new JsonPathSyntaxError(path, start + bad, "unexpected ']'");
  return [name, i];
}

function readBracket(path: string, open: number): [PathSegment, number] {
  let i = open + 1;
  i = skipSpaces(path, i);
  const ch = path[i];
  if (ch === '?') {
    // Filter: find the matching ']' outside quotes and parentheses.
    const close = findFilterEnd(path, i);
    refuseCalls(path, i, close);
    return [{ kind: 'filter', expression: path.slice(i, close) }, close + 1];
  }
  if (ch === '*') {
    i = skipSpaces(path, i + 1);
    if (path[i] !== ']') throw new JsonPathSyntaxError(path, i, "expected ']'");
    return [{ kind: 'wildcard' }, i + 1];
  }
  if (ch === "'" || ch === '"') {
    const names: string[] = [];
    while (true) {
      const [name, next] = readQuoted(path, i);
      names.push(name);
      i = skipSpaces(path, next);
      if (path[i] === ',') {
        i = skipSpaces(path, i + 1);
        continue;
      }
      if (path[i] === ']') break;
      throw new JsonPathSyntaxError(path, i, "expected ',' or ']'");
    }
    const segment: PathSegment = names.length === 1 ? { kind: 'name', name: names[0] } : { kind: 'names', names };
    return [segment, i + 1];
  }
  const close = path.indexOf(']', i);
  if (close < 0) throw new JsonPathSyntaxError(path, open, "unclosed '['");
  const body = path.slice(i, close).trim();
  if (body.includes(':')) {
    const parts = body.split(':').map((p) => p.trim());
    if (parts.length > 3) throw new JsonPathSyntaxError(path, i, 'invalid slice');
    const [start, end, step] = parts.map((p) => (p === '' || p === undefined ? undefined : parseInteger(path, i, p)));
    return [{ kind: 'slice', start, end, step }, close + 1];
  }
  if (body.includes(',')) {
    const indexes = body.split(',').map((p) => parseInteger(path, i, p.trim()));
    return [{ kind: 'indexes', indexes }, close + 1];
  }
  return [{ kind: 'index', index: parseInteger(path, i, body) }, close + 1];
}

function parseInteger(path: string, position: number, text: string): number {
  if (!/^-?\d+$/.test(text)) throw new JsonPathSyntaxError(path, position, `expected an integer, got '${text}'`);
  return Number(text);
}

/**
 * Quoted property names in brackets. Only the quote character itself can be escaped; any other
 * backslash is kept as written (corpus: ESCAPE_SEQUENCES_JSONPATH selects the key `Test\""Name"`
 * with `$['Test\""Name"']`).
 */
function readQuoted(path: string, start: number): [string, number] {
  const quote = path[start];
  if (quote !== "'" && quote !== '"') throw new JsonPathSyntaxError(path, start, 'expected a quoted name');
  let out = '';
  let i = start + 1;
  while (i < path.length) {
    const ch = path[i];
    if (ch === '\\' && path[i + 1] === quote) {
      out += quote;
      i += 2;
      continue;
    }
    if (ch === quote) return [out, i + 1];
    out += ch;
    i += 1;
  }
  throw new JsonPathSyntaxError(path, start, 'unterminated quoted name');
}

function findFilterEnd(path: string, start: number): number {
  let depth = 0;
  let quote: string | null = null;
  for (let i = start; i < path.length; i += 1) {
    const ch = path[i];
    if (quote !== null) {
      if (ch === '\\') i += 1;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === '(') depth += 1;
    else if (ch === ')') depth -= 1;
    else if (ch === ']' && depth === 0) return i;
  }
  throw new JsonPathSyntaxError(path, start, 'unterminated filter');
}

/**
 * Jayway's path functions, which a filter may name with no arguments (`@.tags.length()`). Any
 * other call is refused: a filter is data to compare, and the library that evaluates filters
 * would run a method named there (`@.name.match(/(a+)+$/)` backtracks for minutes,
 * `@.name.repeat(1e8)` builds a string of 100 million characters) inside the execution's decision.
 */
const FILTER_FUNCTIONS = new Set(['length', 'size', 'min', 'max', 'avg', 'stddev', 'sum', 'keys', 'first', 'last', 'index', 'concat', 'append']);

function refuseCalls(path: string, start: number, end: number): void {
  let quote: string | null = null;
  for (let i = start; i < end; i += 1) {
    const ch = path[i];
    if (quote !== null) {
      if (ch === '\\') i += 1;
      else if (ch === quote) quote = null;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    if (ch !== '(') continue;
    let before = i - 1;
    while (before >= start && path[before] === ' ') before -= 1;
    const previous = path[before];
    if (previous === ']' || previous === ')') throw new JsonPathSyntaxError(path, i, 'function calls are not supported in filters');
    if (!/[A-Za-z0-9_$]/.test(previous ?? '')) continue;
    let nameStart = before;
    while (nameStart > start && /[A-Za-z0-9_$]/.test(path[nameStart - 1])) nameStart -= 1;
    const name = path.slice(nameStart, before + 1);
    const argumentsStart = skipSpaces(path, i + 1);
    if (!FILTER_FUNCTIONS.has(name) || path[argumentsStart] !== ')') {
      throw new JsonPathSyntaxError(path, nameStart, `function calls are not supported in filters: '${name}('`);
    }
  }
}

function skipSpaces(path: string, i: number): number {
  while (path[i] === ' ') i += 1;
  return i;
}

/**
 * Jayway's normalised form, which AWS prints in "No results for path: $['a']['b']".
 */
export function formatNormalizedPath(parsed: ParsedPath): string {
  let out = '$';
  for (const s of parsed.segments) {
    switch (s.kind) {
      case 'name':
        out += `['${s.name}']`;
        break;
      case 'index':
        out += `[${s.index}]`;
        break;
      case 'names':
        out += `[${s.names.map((name) => `'${name}'`).join(',')}]`;
        break;
      case 'indexes':
        out += `[${s.indexes.join(',')}]`;
        break;
      case 'wildcard':
        out += '[*]';
        break;
      case 'slice':
        out += `[${s.start ?? ''}:${s.end ?? ''}${s.step === undefined ? '' : `:${s.step}`}]`;
        break;
      case 'length':
        out += '.length()';
        break;
      case 'filter':
        out += `[${s.expression}]`;
        break;
      case 'deepScan':
        out += '..';
        break;
    }
  }
  return out;
}
