import jsonata from 'jsonata';
import { ENV_BINDING, registerAwsFunctions, UNSUPPORTED_BUILTINS, type JsonataEnv } from './aws-functions';
import {
  jsonataEvaluationError,
  jsonataReturnedNothingError,
  jsonataUnsupportedResultError,
} from './jsonata-errors';

export type { JsonataEnv } from './aws-functions';

/** What `$states` and `$<variable>` mean inside one evaluation. */
export interface JsonataBindings {
  readonly states: {
    readonly input: unknown;
    readonly context: unknown;
    readonly result?: unknown;
    readonly errorOutput?: unknown;
  };
  readonly variables: Readonly<Record<string, unknown>>;
}

type Compiled = { readonly ok: true; readonly expression: jsonata.Expression } | { readonly ok: false; readonly failure: unknown };

/**
 * Compiled expressions by source text. Definitions hold a bounded set of expressions, so the
 * cache only guards against pathological growth by starting over past a generous size.
 */
const compiledExpressions = new Map<string, Compiled>();
const MAX_CACHED_EXPRESSIONS = 10_000;

function compile(source: string): Compiled {
  let compiled = compiledExpressions.get(source);
  if (compiled !== undefined) return compiled;
  try {
    const expression = jsonata(source);
    registerAwsFunctions(expression);
    compiled = { ok: true, expression };
  } catch (failure) {
    compiled = { ok: false, failure };
  }
  if (compiledExpressions.size >= MAX_CACHED_EXPRESSIONS) compiledExpressions.clear();
  compiledExpressions.set(source, compiled);
  return compiled;
}

const NOT_JSON = Symbol('not JSON');

function isJsonataFunction(value: object): boolean {
  const marker = value as { _jsonata_lambda?: unknown; _jsonata_function?: unknown };
  return marker._jsonata_lambda === true || marker._jsonata_function === true;
}

/**
 * Plain JSON from a JSONata result: sequences become arrays, undefined members are dropped,
 * -0 becomes 0, and any function (a JSONata lambda or a native one) makes the result NOT_JSON.
 */
function toJson(value: unknown): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') return NOT_JSON;
    // JSON has no negative zero: `$parse('-0')` is 0 on AWS (intrinsic_functions test_parse).
    return Object.is(value, -0) ? 0 : value;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      if (item === undefined) continue;
      const converted = toJson(item);
      if (converted === NOT_JSON) return NOT_JSON;
      out.push(converted);
    }
    return out;
  }
  if (isJsonataFunction(value)) return NOT_JSON;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    const converted = toJson(member);
    if (converted === NOT_JSON) return NOT_JSON;
    out[key] = converted;
  }
  return out;
}

function toBindings(bindings: JsonataBindings, env: JsonataEnv): Record<string, unknown> {
  return {
    ...UNSUPPORTED_BUILTINS,
    ...bindings.variables,
    // `$states` is reserved: a variable can never shadow it.
    states: bindings.states,
    [ENV_BINDING]: env,
  };
}

/**
 * Evaluates one JSONata expression (the text between `{%` and `%}`). Resolves to the JSON
 * result, or undefined when the expression matched nothing; the caller decides whether that
 * is an error (see `evaluateJsonataField`). Any JSONata failure, and a function-valued
 * result, rejects with States.QueryEvaluationError; `fieldName` names the field in the cause.
 */
export async function evaluateJsonataExpression(
  expression: string,
  bindings: JsonataBindings,
  env: JsonataEnv,
  fieldName?: string,
): Promise<unknown> {
  const compiled = compile(expression);
  if (!compiled.ok) throw jsonataEvaluationError(expression, fieldName, compiled.failure);
  let result: unknown;
  try {
    // No input document: AWS expressions reach data only through $states and variables.
    result = await compiled.expression.evaluate(undefined, toBindings(bindings, env));
  } catch (failure) {
    throw jsonataEvaluationError(expression, fieldName, failure);
  }
  if (result === undefined) return undefined;
  const json = toJson(result);
  if (json === NOT_JSON) throw jsonataUnsupportedResultError(expression, fieldName);
  return json;
}

/** Like `evaluateJsonataExpression`, but a result is required (undefined is AWS's error). */
export async function evaluateRequiredJsonataExpression(
  expression: string,
  bindings: JsonataBindings,
  env: JsonataEnv,
  fieldName: string,
): Promise<unknown> {
  const result = await evaluateJsonataExpression(expression, bindings, env, fieldName);
  if (result === undefined) throw jsonataReturnedNothingError(expression, fieldName);
  return result;
}
