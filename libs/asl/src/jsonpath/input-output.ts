import { selectReference, type PayloadScope } from './evaluate-path';

/** What InputPath/OutputPath can read besides the state's own data: `$$` and `$var`. */
export interface PathContext {
  readonly context?: unknown;
  readonly variables?: Readonly<Record<string, unknown>>;
}

/**
 * InputPath: absent means `$`; null means an empty object (AWS "InputPath, Parameters and
 * ResultSelector": "If the value of InputPath is null, the input is {}"); a path that
 * selects nothing fails with States.Runtime, worded as AWS does (corpus:
 * INVALID_JSONPATH_IN_INPUTPATH: "Invalid path '$.NoSuchInputPath' : No results for path:
 * $['NoSuchInputPath']").
 */
export function applyInputPath(inputPath: string | null | undefined, input: unknown, ctx: PathContext = {}): unknown {
  return selectPath(inputPath, input, ctx);
}

/** OutputPath: same rules as InputPath, applied to the state's output. */
export function applyOutputPath(outputPath: string | null | undefined, output: unknown, ctx: PathContext = {}): unknown {
  return selectPath(outputPath, output, ctx);
}

function selectPath(path: string | null | undefined, data: unknown, ctx: PathContext): unknown {
  if (path === undefined || path === '$') return data;
  if (path === null) return {};
  const scope: PayloadScope = { input: data, context: ctx.context, variables: ctx.variables ?? {} };
  return selectReference(path, scope);
}
