/**
 * A deliberately small resolver for the reference paths a Choice rule may hold (`Variable` and
 * the `...Path` operands): `$`, `$.a.b`, `$.a[0]`, `$['x']`, `$$.x` (context object) and
 * `$name.x` (workflow variables). It stands in for the shared JSONPath evaluator until that
 * lands; swapping it means replacing `resolveReferencePath` and nothing else.
 *
 * Reference Paths are definite (no wildcards, filters or slices), so a lookup yields one value
 * or nothing. When nothing matches, `message` carries the text AWS puts after
 * "Invalid path '<path>' : " (Jayway's wording, as recorded for InputPath in jsonpath_io).
 */

export interface ReferenceScope {
  readonly context: unknown;
  readonly variables: Readonly<Record<string, unknown>>;
}

export type ReferenceLookup =
  | { readonly found: true; readonly value: unknown }
  | { readonly found: false; readonly message: string };

type Segment = { readonly kind: 'property'; readonly name: string } | { readonly kind: 'index'; readonly index: number };

interface ParsedPath {
  readonly root: { readonly kind: 'input' } | { readonly kind: 'context' } | { readonly kind: 'variable'; readonly name: string };
  readonly segments: readonly Segment[];
}

const parsedPaths = new Map<string, ParsedPath | null>();

const ROOT_VARIABLE = /^\$([A-Za-z_][A-Za-z0-9_]*)/;
const DOT_NAME = /^\.([^.[\]\s]+)/;
const BRACKET_INDEX = /^\[\s*(-?\d+)\s*\]/;
const BRACKET_QUOTED = /^\[\s*(?:'((?:[^'\\]|\\.)*)'|"((?:[^"\\]|\\.)*)")\s*\]/;

function parsePath(path: string): ParsedPath | null {
  let rest: string;
  let root: ParsedPath['root'];
  if (path.startsWith('$$')) {
    root = { kind: 'context' };
    rest = path.slice(2);
  } else {
    const variable = ROOT_VARIABLE.exec(path);
    if (variable) {
      root = { kind: 'variable', name: variable[1] };
      rest = path.slice(variable[0].length);
    } else if (path.startsWith('$')) {
      root = { kind: 'input' };
      rest = path.slice(1);
    } else {
      return null;
    }
  }
  const segments: Segment[] = [];
  while (rest.length > 0) {
    let match = DOT_NAME.exec(rest);
    if (match) {
      segments.push({ kind: 'property', name: match[1] });
    } else if ((match = BRACKET_INDEX.exec(rest))) {
      segments.push({ kind: 'index', index: Number(match[1]) });
    } else if ((match = BRACKET_QUOTED.exec(rest))) {
      const raw = match[1] ?? match[2];
      segments.push({ kind: 'property', name: raw.replace(/\\(.)/g, '$1') });
    } else {
      return null;
    }
    rest = rest.slice(match[0].length);
  }
  return { root, segments };
}

function cachedParse(path: string): ParsedPath | null {
  let parsed = parsedPaths.get(path);
  if (parsed === undefined) {
    parsed = parsePath(path);
    parsedPaths.set(path, parsed);
  }
  return parsed;
}

function renderSegments(segments: readonly Segment[]): string {
  return '$' + segments.map((s) => (s.kind === 'property' ? `['${s.name}']` : `[${s.index}]`)).join('');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function resolveReferencePath(path: string, input: unknown, scope: ReferenceScope): ReferenceLookup {
  const parsed = cachedParse(path);
  if (parsed === null) {
    return { found: false, message: `Could not parse path: ${path}` };
  }
  let current: unknown;
  switch (parsed.root.kind) {
    case 'input':
      current = input;
      break;
    case 'context':
      current = scope.context;
      break;
    case 'variable':
      if (!Object.prototype.hasOwnProperty.call(scope.variables, parsed.root.name)) {
        return { found: false, message: `No results for path: ${renderSegments(parsed.segments)}` };
      }
      current = scope.variables[parsed.root.name];
      break;
  }
  const { segments } = parsed;
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    const isLeaf = i === segments.length - 1;
    if (segment.kind === 'property') {
      if (!isObject(current) || !Object.prototype.hasOwnProperty.call(current, segment.name)) {
        // Jayway reports a missing intermediate property by the prefix that failed.
        const message =
          !isLeaf && isObject(current)
            ? `Missing property in path ${renderSegments(segments.slice(0, i + 1))}`
            : `No results for path: ${renderSegments(segments)}`;
        return { found: false, message };
      }
      current = current[segment.name];
    } else {
      const index = segment.index < 0 && Array.isArray(current) ? current.length + segment.index : segment.index;
      if (!Array.isArray(current) || index < 0 || index >= current.length) {
        return { found: false, message: `No results for path: ${renderSegments(segments)}` };
      }
      current = current[index];
    }
  }
  return { found: true, value: current };
}
