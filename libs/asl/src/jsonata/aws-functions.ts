import type jsonata from 'jsonata';
import { seededRandom } from './java-random';
import { JSONATA_LIMITS, JsonataLimitExceeded } from './jsonata-limits';

/**
 * The functions Step Functions adds to JSONata ("JSONata functions provided by Step
 * Functions": $partition, $range, $hash, $random, $uuid, $parse), plus replacements for the
 * JSONata built-ins that would read the wall clock or Math.random ($now, $millis, $shuffle).
 * They are registered once per compiled expression and read the execution's clock and
 * entropy from a hidden binding, so one compiled expression serves concurrent executions.
 */

export interface JsonataEnv {
  /** The execution-supplied time that $now() and $millis() report. */
  readonly now: Date;
  /** Uniform in [0, 1), for $random() and $shuffle(). */
  readonly random: () => number;
  /** A version 4 UUID, for $uuid(). */
  readonly uuid: () => string;
  /** Hex digest of `data` (UTF-8) with one of MD5, SHA-1, SHA-256, SHA-384, SHA-512. */
  readonly hash: (algorithm: string, data: string) => string;
  /**
   * Whether an infinite number in a result is kept as the text "Infinity" / "-Infinity", as AWS
   * answers (measured in floci-io/floci#2783: `[1/0]` gives `["Infinity"]`), instead of the null
   * JSON's serialisation makes of it. The engine sets it by behaviour version.
   */
  readonly infinityAsText?: boolean;
  /**
   * Whether $range reads its arguments as AWS was measured to (floci-io/floci#2676:
   * `$range(-1.7, 2, 1)` is `[-1,0,1,2]`, non-integers cut toward zero, and
   * `$count($range(1, 200000, 1))` is 200000), bounded by the evaluation's sequence bound
   * (JSONATA_LIMITS), instead of taking fractions as given and stopping at 1000 items,
   * States.ArrayRange's documented ceiling. The engine sets it by behaviour version.
   */
  readonly rangeAsAws?: boolean;
}

/** Not a valid JSONata name, so no expression can read or shadow it. */
export const ENV_BINDING = 'stepstone env';

export const HASH_ALGORITHMS: readonly string[] = ['MD5', 'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512'];

/** States.ArrayRange's documented ceiling, which $range kept for executions before behaviour 15. */
const MAX_RANGE_ITEMS = 1000;

/** A failure raised by one of these functions; reported like a JSONata error. */
export class JsonataFunctionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JsonataFunctionError';
  }
}

type Focus = jsonata.Focus & { readonly createSequence?: () => unknown[] };

function envOf(focus: Focus): JsonataEnv {
  return focus.environment.lookup(ENV_BINDING) as JsonataEnv;
}

function isInteger(value: number): boolean {
  return Number.isInteger(value);
}

function partition(this: Focus, array: unknown[], size: number): unknown[] {
  if (!isInteger(size) || size <= 0) {
    throw new JsonataFunctionError(`The size argument of the partition function must be a positive integer. Given ${size}`);
  }
  const chunks: unknown[][] = [];
  for (let i = 0; i < array.length; i += size) chunks.push(array.slice(i, i + size));
  return chunks;
}

function range(this: Focus, start: number, end: number, step: number): unknown[] {
  const asAws = envOf(this).rangeAsAws === true;
  if (asAws) {
    // AWS cuts a non-integer argument toward zero (floci-io/floci#2676, measured); the step is
    // read the same way, so a step between -1 and 1 is a zero step.
    start = Math.trunc(start);
    end = Math.trunc(end);
    step = Math.trunc(step);
  }
  if (step === 0) {
    throw new JsonataFunctionError('The step argument of the range function must not be zero');
  }
  // A JSONata sequence, not an array: AWS returns 1, not [1], for $range(1, 9, 9)
  // (intrinsic_functions test_array_range exec_hist_resp_2).
  const values = this.createSequence ? this.createSequence() : [];
  for (let value = start; step > 0 ? value <= end : value >= end; value += step) {
    if (asAws && values.length === JSONATA_LIMITS.sequence) {
      throw new JsonataLimitExceeded(`$range would build more than ${JSONATA_LIMITS.sequence} items`);
    }
    if (!asAws && values.length === MAX_RANGE_ITEMS) {
      throw new JsonataFunctionError(`The range function cannot generate more than ${MAX_RANGE_ITEMS} items`);
    }
    values.push(value);
  }
  return values;
}

function hash(this: Focus, data: string, algorithm: string): string {
  if (!HASH_ALGORITHMS.includes(algorithm)) {
    throw new JsonataFunctionError(`The hash algorithm '${algorithm}' is not supported. Supported algorithms: ${HASH_ALGORITHMS.join(', ')}`,
    );
  }
  return envOf(this).hash(algorithm, data);
}

function random(this: Focus, seed?: number): number {
  return seed === undefined ? envOf(this).random() : seededRandom(seed);
}

function uuid(this: Focus): string {
  return envOf(this).uuid();
}

function parse(this: Focus, text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (failure) {
    throw new JsonataFunctionError(`The parse function could not parse the string as JSON: ${(failure as Error).message}`);
  }
}

function now(this: Focus, picture?: string, timezone?: string): string {
  const millis = envOf(this).now.getTime();
  if (picture === undefined && timezone === undefined) return new Date(millis).toISOString();
  // Delegate formatting to JSONata's own $fromMillis so pictures behave exactly as upstream.
  const fromMillis = this.environment.lookup('fromMillis') as { implementation: (...args: unknown[]) => string };
  return fromMillis.implementation.call(this, millis, picture, timezone);
}

function millis(this: Focus): number {
  return envOf(this).now.getTime();
}

function shuffle(this: Focus, array: unknown[] | undefined): unknown[] | undefined {
  if (array === undefined || array.length <= 1) return array;
  const next = envOf(this).random;
  const result = [...array];
  for (let i = result.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [result[i], result[j]] = [result[j], result[i]];
  }
  return result;
}

export function registerAwsFunctions(expression: jsonata.Expression): void {
  expression.registerFunction('partition', partition, '<an:a>');
  expression.registerFunction('range', range, '<nnn:a>');
  expression.registerFunction('hash', hash, '<ss:s>');
  expression.registerFunction('random', random, '<n?:n>');
  expression.registerFunction('uuid', uuid, '<:s>');
  expression.registerFunction('parse', parse, '<s:j>');
  expression.registerFunction('now', now, '<s?s?:s>');
  expression.registerFunction('millis', millis, '<:n>');
  expression.registerFunction('shuffle', shuffle, '<a:a>');
}

/** Bindings that hide JSONata built-ins AWS does not offer: `$eval` (use `$parse`). */
export const UNSUPPORTED_BUILTINS: Readonly<Record<string, undefined>> = { eval: undefined };
