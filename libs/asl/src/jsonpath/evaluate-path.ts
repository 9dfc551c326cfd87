import { JSONPath } from 'jsonpath-plus';
import { StatesError, StatesErrorName } from '../errors/states-error';
import { formatNormalizedPath, JsonPathSyntaxError, parsePath, type ParsedPath, type PathSegment } from './path-parser';

/**
 * What a JSONPath field can read in JSONPath mode: the state's (effective) input through `$`,
 * the context object through `$$`, and Step Functions variables through `$name`.
 */
export interface PayloadScope {
  readonly input: unknown;
  readonly context: unknown;
  readonly variables: Readonly<Record<string, unknown>>;
}

/**
 * Internal signal: a definite path selected nothing. It is not a StatesError because the
 * error AWS reports depends on the field (InputPath: "Invalid path ...", Parameters: "The
 * JSONPath ... specified for the field ... could not be found ..."), so callers translate it.
 */
export class JsonPathNotFoundError extends Error {
  constructor(
    /** The path as written in the definition (`$.a`, `$$.Execution.x`, `$var.a`). */
    readonly path: string,
    /** The `$`-rooted path that was applied to the selected document. */
    readonly parsed: ParsedPath,
    /** How many segments were walked when a property missing from an object stopped the walk before the last segment. */
    readonly missingPropertyAt?: number,
  ) {
    super(`No results for path: ${path}`);
    this.name = 'JsonPathNotFoundError';
  }
}

/**
 * What AWS (Jayway JsonPath) says of a definite path that selected nothing: a property missing
 * from an object on the way is "Missing property in path $['a']" (the path up to it), the rest
 * "No results for path: $['a']['b']". LocalStack's snapshot test_catch_states_runtime (AWS,
 * 2023-11-23): OutputPath '$.no.such.result.path' on {} is "Missing property in path $['no']".
 */
export function notFoundText(error: JsonPathNotFoundError): string {
  const at = error.missingPropertyAt;
  if (at === undefined) return `No results for path: ${formatNormalizedPath(error.parsed)}`;
  return `Missing property in path ${formatNormalizedPath({ ...error.parsed, segments: error.parsed.segments.slice(0, at + 1) })}`;
}

/** States.Runtime "Invalid path '<path>' : <detail>": a path that cannot be applied, the detail in Jayway's words where AWS's are known. */
export function invalidPathError(path: string, detail: string): StatesError {
  return new StatesError(StatesErrorName.Runtime, `Invalid path '${path}' : ${detail}`);
}

export function isJsonPathNotFound(value: unknown): value is JsonPathNotFoundError {
  return value instanceof JsonPathNotFoundError;
}

/**
 * Applies a `$`-rooted JSONPath to `data`.
 *
 * - A definite path (only names and indexes) returns the single selected value, and throws
 *   JsonPathNotFoundError when nothing is there.
 * - An indefinite path (`*`, `..`, filters, slices, unions) returns the array of matches,
 *   possibly empty: AWS returns `[]` for `$.items[*]` on `{}` (corpus:
 *   test_json_path_array_wildcard_or_slice_with_no_input).
 */
export function evaluatePath(path: string, data: unknown): unknown {
  return evaluateParsed(parsedForEvaluation(path, path), data, path);
}

/**
 * A path parsed for evaluation. The validator refuses what the parser cannot read, but a
 * definition stored before a rule tightened still runs: such a path fails its state
 * (States.Runtime), never the engine.
 */
function parsedForEvaluation(path: string, original: string): ParsedPath {
  try {
    return parsePath(path);
  } catch (error) {
    if (!(error instanceof JsonPathSyntaxError)) throw error;
    throw invalidPathError(original, error.message);
  }
}

function evaluateParsed(parsed: ParsedPath, data: unknown, original: string): unknown {
  if (parsed.definite) return walkDefinite(parsed, data, original);
  if (parsed.needsLibrary) {
    // jsonpath-plus answers undefined rather than [] when the document is null.
    if (data === null || typeof data !== 'object') return [];
    try {
      return (JSONPath({ path: parsed.source, json: data as object, wrap: true }) as unknown[] | undefined) ?? [];
    } catch (error) {
      // A filter the library cannot run (`[?(@.key == Bare)]`: "Bare is not defined") fails the
      // state like any path that cannot be applied, never the engine.
      throw invalidPathError(original, error instanceof Error ? error.message : String(error));
    }
  }
  return walkIndefinite(parsed.segments, data);
}

function walkDefinite(parsed: ParsedPath, data: unknown, original: string): unknown {
  let current = data;
  const last = parsed.segments.length - 1;
  for (let i = 0; i <= last; i++) {
    const segment = parsed.segments[i];
    const next = step(segment, current);
    if (next === NOTHING) throw new JsonPathNotFoundError(original, parsed, i < last && segment.kind === 'name' && isObject(current) ? i : undefined);
    current = next;
  }
  return current;
}

const NOTHING: unique symbol = Symbol('nothing');

function step(segment: PathSegment, current: unknown): unknown {
  switch (segment.kind) {
    case 'name':
      if (isObject(current) && Object.prototype.hasOwnProperty.call(current, segment.name)) {
        return current[segment.name];
      }
      return NOTHING;
    case 'index': {
      if (!Array.isArray(current)) return NOTHING;
      const index = segment.index < 0 ? current.length + segment.index : segment.index;
      return index >= 0 && index < current.length ? current[index] : NOTHING;
    }
    case 'length':
      return Array.isArray(current) ? current.length : NOTHING;
    default:
      return NOTHING;
  }
}

function walkIndefinite(segments: readonly PathSegment[], data: unknown): unknown[] {
  let nodes: unknown[] = [data];
  for (const segment of segments) {
    const next: unknown[] = [];
    for (const node of nodes) collect(segment, node, next);
    nodes = next;
  }
  return nodes;
}

function collect(segment: PathSegment, node: unknown, out: unknown[]): void {
  switch (segment.kind) {
    case 'name':
    case 'index':
    case 'length': {
      const value = step(segment, node);
      if (value !== NOTHING) out.push(value);
      return;
    }
    case 'names':
      if (!isObject(node)) return;
      for (const name of segment.names) {
        if (Object.prototype.hasOwnProperty.call(node, name)) out.push(node[name]);
      }
      return;
    case 'indexes':
      if (!Array.isArray(node)) return;
      for (const raw of segment.indexes) {
        const index = raw < 0 ? node.length + raw : raw;
        if (index >= 0 && index < node.length) out.push(node[index]);
      }
      return;
    case 'wildcard':
      if (Array.isArray(node)) out.push(...node);
      else if (isObject(node)) out.push(...Object.values(node));
      return;
    case 'slice':
      if (Array.isArray(node)) out.push(...slice(node, segment.start, segment.end, segment.step));
      return;
    case 'filter':
    case 'deepScan':
      // Unreachable: such paths go to jsonpath-plus whole.
      return;
  }
}

function slice(items: readonly unknown[], start?: number, end?: number, stepBy?: number): unknown[] {
  const len = items.length;
  const by = stepBy ?? 1;
  if (by === 0) return [];
  const clamp = (value: number, low: number, high: number) => Math.min(Math.max(value, low), high);
  const out: unknown[] = [];
  if (by > 0) {
    const from = start === undefined ? 0 : clamp(start < 0 ? len + start : start, 0, len);
    const to = end === undefined ? len : clamp(end < 0 ? len + end : end, 0, len);
    for (let i = from; i < to; i += by) out.push(items[i]);
  } else {
    const from = start === undefined ? len - 1 : clamp(start < 0 ? len + start : start, -1, len - 1);
    const to = end === undefined ? -1 : clamp(end < 0 ? len + end : end, -1, len - 1);
    for (let i = from; i > to; i += by) out.push(items[i]);
  }
  return out;
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Which document a path expression reads, and the `$`-rooted path to apply to it. */
export type PathReference =
  | { readonly root: 'input'; readonly path: string }
  | { readonly root: 'context'; readonly path: string }
  | { readonly root: 'variable'; readonly name: string; readonly path: string };

/**
 * Splits `$.a`, `$$.a` and `$name.a` (Step Functions variables, JSONPath mode). Returns
 * undefined when the text is not a path at all.
 */
export function splitReference(expression: string): PathReference | undefined {
  if (!expression.startsWith('$')) return undefined;
  if (expression.startsWith('$$')) return { root: 'context', path: `$${expression.slice(2)}` };
  const second = expression[1];
  if (second === undefined || second === '.' || second === '[') return { root: 'input', path: expression };
  let end = 1;
  while (end < expression.length && expression[end] !== '.' && expression[end] !== '[') end += 1;
  return { root: 'variable', name: expression.slice(1, end), path: `$${expression.slice(end)}` };
}

/** References already split and parsed, by expression: a definition uses the same few on every state it runs. */
const parsedReferences = new Map<string, { readonly reference: PathReference; readonly parsed: ParsedPath }>();
const REFERENCES_KEPT = 10_000;

function parsedReference(expression: string): { readonly reference: PathReference; readonly parsed: ParsedPath } {
  const hit = parsedReferences.get(expression);
  if (hit !== undefined) return hit;
  const reference = splitReference(expression);
  if (reference === undefined) throw new JsonPathNotFoundError(expression, parsePath('$'));
  const entry = { reference, parsed: parsedForEvaluation(reference.path, expression) };
  if (parsedReferences.size >= REFERENCES_KEPT) parsedReferences.clear();
  parsedReferences.set(expression, entry);
  return entry;
}

/**
 * Evaluates a path expression against the scope, choosing the document by its prefix. Throws
 * JsonPathNotFoundError (carrying the expression as written) when a definite path, or an
 * undefined variable, selects nothing.
 */
export function evaluateReference(expression: string, scope: PayloadScope): unknown {
  const { reference, parsed } = parsedReference(expression);
  switch (reference.root) {
    case 'input':
      return evaluateParsed(parsed, scope.input, expression);
    case 'context':
      return evaluateParsed(parsed, scope.context, expression);
    case 'variable':
      if (!Object.prototype.hasOwnProperty.call(scope.variables, reference.name)) {
        throw new JsonPathNotFoundError(expression, parsed);
      }
      return evaluateParsed(parsed, scope.variables[reference.name], expression);
  }
}

/**
 * evaluateReference for a field that must select something (InputPath, OutputPath, a Task's
 * …SecondsPath): a miss is invalidPathError, "Invalid path '$.a' : No results for path: $['a']".
 */
export function selectReference(expression: string, scope: PayloadScope): unknown {
  try {
    return evaluateReference(expression, scope);
  } catch (error) {
    if (isJsonPathNotFound(error)) throw invalidPathError(expression, notFoundText(error));
    throw error;
  }
}
