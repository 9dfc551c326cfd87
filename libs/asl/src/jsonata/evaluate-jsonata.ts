import jsonata from 'jsonata';
import { distinctJsonValues } from '../jsonpath/deep-equal';
import { LinearRegExp } from './linear-regex';
import { ENV_BINDING, registerAwsFunctions, UNSUPPORTED_BUILTINS, type JsonataEnv } from './aws-functions';
import { JSONATA_LIMITS, JsonataLimitExceeded } from './jsonata-limits';
import {
  jsonataEvaluationError,
  jsonataLimitError,
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


/** Node evaluations between two yields to the event loop, so other requests are answered meanwhile. */
const STEPS_PER_YIELD = 5_000;

type EvaluationFrame = { base: { stepstoneSteps?: number; stepstoneItems?: number } };

const yieldToEventLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Called by JSONata before each node: counts steps (per evaluation, on its base frame) and yields. */
async function countStep(_node: unknown, _input: unknown, environment: EvaluationFrame): Promise<void> {
  const steps = (environment.base.stepstoneSteps ?? 0) + 1;
  environment.base.stepstoneSteps = steps;
  if (steps > JSONATA_LIMITS.steps) throw new JsonataLimitExceeded(`the expression took more than ${JSONATA_LIMITS.steps} evaluation steps`);
  if (steps % STEPS_PER_YIELD === 0) await yieldToEventLoop();
}

/** Called by JSONata after each node: counts the array items it produced, measures strings. */
function checkValue(node: { type?: string }, _input: unknown, environment: EvaluationFrame, result: unknown): void {
  if (Array.isArray(result)) {
    if (node.type === 'variable') return;
    const items = (environment.base.stepstoneItems ?? 0) + result.length;
    environment.base.stepstoneItems = items;
    if (items > JSONATA_LIMITS.items) throw new JsonataLimitExceeded(`the expression built more than ${JSONATA_LIMITS.items} array items`);
  } else if (typeof result === 'string' && result.length > JSONATA_LIMITS.textLength) {
    throw new JsonataLimitExceeded(`the expression built a string longer than ${JSONATA_LIMITS.textLength} characters`);
  }
}

/**
 * `$distinct` in one pass over a Set of values' texts: JSONata's own compares every pair
 * (40,000 numbers: 1.4 s with the event loop held). A sequence stays a sequence, as there.
 */
function distinctInOnePass(this: jsonata.Focus, values: unknown): unknown {
  if (!Array.isArray(values) || values.length <= 1) return values;
  const isSequence = (values as { sequence?: boolean }).sequence === true;
  const createSequence = (this as { createSequence?: () => unknown[] } | undefined)?.createSequence;
  return distinctJsonValues(values, isSequence && createSequence ? createSequence() : []);
}

/** Bounded stand-in for `$pad`, whose width would otherwise allocate any size in one call. */
function boundedPad(text: string, width: number, char?: string): string | undefined {
  if (text === undefined) return undefined;
  if (Math.abs(width) > JSONATA_LIMITS.textLength) {
    throw new JsonataLimitExceeded(`$pad to ${width} characters exceeds the limit of ${JSONATA_LIMITS.textLength}`);
  }
  const fill = char === undefined || char.length === 0 ? ' ' : char;
  const missing = Math.abs(width) - [...text].length;
  if (missing <= 0) return text;
  const padding = fill.repeat(Math.ceil(missing / fill.length)).slice(0, missing);
  return width > 0 ? text + padding : padding + text;
}


function compile(source: string): Compiled {
  let compiled = compiledExpressions.get(source);
  if (compiled !== undefined) return compiled;
  try {
    const expression = jsonata(source, { stack: JSONATA_LIMITS.depth, sequence: JSONATA_LIMITS.sequence, RegexEngine: LinearRegExp as unknown as RegExpConstructor });
    expression.assign(Symbol.for('jsonata.__evaluate_entry') as unknown as string, countStep);
    expression.assign(Symbol.for('jsonata.__evaluate_exit') as unknown as string, checkValue);
    expression.registerFunction('pad', boundedPad, '<s-ns?:s>');
    expression.registerFunction('distinct', distinctInOnePass, '<x:x>');
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
 * An infinite number becomes the text AWS gives it when `infinityAsText` (JsonataEnv) is set,
 * else null, as JSON's serialisation makes it.
 */
function toJson(value: unknown, infinityAsText: boolean): unknown {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'function') return NOT_JSON;
    if (infinityAsText && (value === Infinity || value === -Infinity)) return value > 0 ? 'Infinity' : '-Infinity';
    // JSON has no negative zero: `$parse('-0')` is 0 on AWS (intrinsic_functions test_parse).
    return Object.is(value, -0) ? 0 : value;
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const item of value) {
      if (item === undefined) continue;
      const converted = toJson(item, infinityAsText);
      if (converted === NOT_JSON) return NOT_JSON;
      out.push(converted);
    }
    return out;
  }
  if (isJsonataFunction(value)) return NOT_JSON;
  const out: Record<string, unknown> = {};
  for (const [key, member] of Object.entries(value)) {
    if (member === undefined) continue;
    const converted = toJson(member, infinityAsText);
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
    if (failure instanceof JsonataLimitExceeded) throw jsonataLimitError(expression, fieldName, failure.message);
    throw jsonataEvaluationError(expression, fieldName, failure);
  }
  if (result === undefined) return undefined;
  const json = toJson(result, env.infinityAsText === true);
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
