import { StatesError, StatesErrorName } from '../errors/states-error';
import { distinctJsonValues, jsonEquals } from '../jsonpath/deep-equal';
import { evaluateReference, isJsonPathNotFound, isObject, type PayloadScope } from '../jsonpath/evaluate-path';
import { toJsonText } from '../jsonpath/json-text';
import { toJavaText } from './java-text';
import {
  INTRINSIC_ARITY,
  IntrinsicParseError,
  parseIntrinsic,
  type IntrinsicArgument,
  type IntrinsicCall,
  type IntrinsicFunctionName,
} from './parse-intrinsic';
import { seededRandomInt } from './seeded-random';

export type HashAlgorithm = 'MD5' | 'SHA-1' | 'SHA-256' | 'SHA-384' | 'SHA-512';
const HASH_ALGORITHMS: ReadonlySet<string> = new Set<HashAlgorithm>(['MD5', 'SHA-1', 'SHA-256', 'SHA-384', 'SHA-512']);

/**
 * What intrinsics need from outside the pure core. The runner passes real randomness, UUIDs
 * and node:crypto's digests; tests pass fixed ones.
 */
export interface IntrinsicEnv {
  /** Uniform in [0, 1). */
  readonly random: () => number;
  readonly uuid: () => string;
  /** Lower-case hex digest of the UTF-8 bytes of `data`. */
  readonly hash: (algorithm: HashAlgorithm, data: string) => string;
}

export interface IntrinsicOptions {
  /** The definition field holding the call (`FunctionResult.$`, `ErrorPath`), for messages. */
  readonly field?: string;
}

/** Limits from AWS's intrinsic functions page. */
const MAX_ARRAY_RANGE_ITEMS = 1000;
const MAX_ENCODING_INPUT = 10_000;
const MAX_HASH_INPUT = 10_000;
const INT_MIN = -2147483648;
const INT_MAX = 2147483647;

/**
 * Evaluates an intrinsic function call. Failures of the function itself raise
 * States.IntrinsicFailure; a path argument that selects nothing raises States.Runtime with
 * the same message as a payload-template path. The cause is the part after AWS's
 * "An error occurred while executing the state '…' (entered at the event id #N). " prefix,
 * which the engine adds.
 */
export function evaluateIntrinsic(
  expression: string,
  scope: PayloadScope,
  env: IntrinsicEnv,
  options: IntrinsicOptions = {},
): unknown {
  let call: IntrinsicCall;
  try {
    call = parseIntrinsic(expression);
  } catch (error) {
    if (error instanceof IntrinsicParseError) {
      throw new StatesError(StatesErrorName.IntrinsicFailure, error.message);
    }
    throw error;
  }
  return new Evaluator(scope, env, options.field ?? expression).call(call);
}

class Evaluator {
  constructor(
    private readonly scope: PayloadScope,
    private readonly env: IntrinsicEnv,
    private readonly field: string,
  ) {}

  call(call: IntrinsicCall): unknown {
    const arity = INTRINSIC_ARITY[call.name];
    const count = call.args.length;
    if (count < arity.min || (arity.max !== undefined && count > arity.max)) {
      const expected =
        arity.max === undefined
          ? `at least ${arity.min}`
          : arity.min === arity.max
            ? `${arity.min}`
            : `${arity.min} to ${arity.max}`;
      fail(call.name, `expected ${expected} argument(s) but got ${count}`);
    }
    if (call.name === 'States.Format') return this.format(call);
    const args = call.args.map((arg) => this.argument(arg));
    return FUNCTIONS[call.name](args, this.env);
  }

  private argument(arg: IntrinsicArgument): unknown {
    switch (arg.kind) {
      case 'string':
      case 'number':
      case 'boolean':
        return arg.value;
      case 'null':
        return null;
      case 'call':
        return this.call(arg);
      case 'path':
        try {
          return evaluateReference(arg.path, this.scope);
        } catch (error) {
          if (isJsonPathNotFound(error)) {
            throw new StatesError(
              StatesErrorName.Runtime,
              `The JSONPath '${arg.path}' specified for the field '${this.field}' could not be found in the input '${toJsonText(this.scope.input)}'`,
            );
          }
          throw error;
        }
    }
  }

  /** `{}` is a placeholder; in a literal template `\{` and `\}` are plain braces. */
  private format(call: IntrinsicCall): string {
    const [templateArg, ...rest] = call.args;
    const values = rest.map((arg) => this.argument(arg));
    let pieces: string[];
    if (templateArg.kind === 'string') {
      pieces = splitLiteralTemplate(templateArg.raw);
    } else {
      const template = this.argument(templateArg);
      if (typeof template !== 'string') fail(call.name, 'the first argument must be a string');
      pieces = template.split('{}');
    }
    const placeholders = pieces.length - 1;
    if (placeholders !== values.length) {
      fail(call.name, `the template has ${placeholders} placeholder(s) but ${values.length} argument(s) were given`);
    }
    let out = pieces[0];
    for (let i = 0; i < values.length; i += 1) out += toJavaText(values[i]) + pieces[i + 1];
    return out;
  }
}

function splitLiteralTemplate(raw: string): string[] {
  const pieces: string[] = [];
  let current = '';
  for (let i = 0; i < raw.length; i += 1) {
    const ch = raw[i];
    if (ch === '\\') {
      current += raw[i + 1] ?? '';
      i += 1;
    } else if (ch === '{' && raw[i + 1] === '}') {
      pieces.push(current);
      current = '';
      i += 1;
    } else {
      current += ch;
    }
  }
  pieces.push(current);
  return pieces;
}

function fail(name: IntrinsicFunctionName, detail: string): never {
  throw new StatesError(StatesErrorName.IntrinsicFailure, `Invalid arguments in ${name}: ${detail}`);
}

type Implementation = (args: readonly unknown[], env: IntrinsicEnv) => unknown;

const FUNCTIONS: Readonly<Record<Exclude<IntrinsicFunctionName, 'States.Format'>, Implementation>> = {
  'States.StringToJson': ([text]) => {
    const name = 'States.StringToJson';
    const source = requireString(name, text, 'the argument');
    // Blank input gives null (corpus: test_string_to_json with "" and " ").
    if (source.trim() === '') return null;
    try {
      return normalizeNegativeZero(JSON.parse(source));
    } catch {
      return fail(name, `the argument is not valid JSON: ${source}`);
    }
  },

  'States.JsonToString': ([value]) => toJsonText(value),

  'States.Array': (args) => [...args],

  'States.ArrayPartition': ([array, size]) => {
    const name = 'States.ArrayPartition';
    const items = requireArray(name, array, 'the first argument');
    const chunk = roundedInteger(name, size, 'the chunk size');
    if (chunk <= 0) fail(name, 'the chunk size must be a positive integer');
    const out: unknown[][] = [];
    for (let i = 0; i < items.length; i += chunk) out.push(items.slice(i, i + chunk));
    return out;
  },

  'States.ArrayContains': ([array, value]) => {
    const items = requireArray('States.ArrayContains', array, 'the first argument');
    return items.some((item) => jsonEquals(item, value));
  },

  'States.ArrayRange': ([first, last, stepBy]) => {
    const name = 'States.ArrayRange';
    const start = roundedInteger(name, first, 'the start value');
    const end = roundedInteger(name, last, 'the end value');
    const step = roundedInteger(name, stepBy, 'the step value');
    if (step === 0) fail(name, 'the step value cannot be zero');
    const count = Math.floor((end - start) / step) + 1;
    if (count <= 0) return [];
    if (count > MAX_ARRAY_RANGE_ITEMS) {
      fail(name, `the array range cannot contain more than ${MAX_ARRAY_RANGE_ITEMS} items`);
    }
    return Array.from({ length: count }, (_, i) => start + i * step);
  },

  'States.ArrayGetItem': ([array, indexValue]) => {
    const name = 'States.ArrayGetItem';
    const items = requireArray(name, array, 'the first argument');
    if (typeof indexValue !== 'number' || !Number.isInteger(indexValue)) {
      fail(name, 'the index must be an integer');
    }
    if (indexValue < 0 || indexValue >= items.length) {
      fail(name, `the index ${indexValue} is out of bounds for an array of length ${items.length}`);
    }
    return items[indexValue];
  },

  'States.ArrayLength': ([array]) => requireArray('States.ArrayLength', array, 'the argument').length,

  'States.ArrayUnique': ([array]) => {
    return distinctJsonValues(requireArray('States.ArrayUnique', array, 'the argument'));
  },

  'States.Base64Encode': ([text]) => {
    const name = 'States.Base64Encode';
    const source = requireString(name, text, 'the argument');
    if (source.length > MAX_ENCODING_INPUT) {
      fail(name, `the input string cannot exceed ${MAX_ENCODING_INPUT} characters`);
    }
    return Buffer.from(source, 'utf8').toString('base64');
  },

  'States.Base64Decode': ([text]) => {
    const name = 'States.Base64Decode';
    const source = requireString(name, text, 'the argument');
    if (source.length > MAX_ENCODING_INPUT) {
      fail(name, `the input string cannot exceed ${MAX_ENCODING_INPUT} characters`);
    }
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(source)) {
      fail(name, 'the argument is not a valid base64 string');
    }
    return Buffer.from(source, 'base64').toString('utf8');
  },

  'States.Hash': ([data, algorithm], env) => {
    const name = 'States.Hash';
    const source = requireString(name, data, 'the data');
    if (source.length > MAX_HASH_INPUT) fail(name, `the data cannot exceed ${MAX_HASH_INPUT} characters`);
    if (typeof algorithm !== 'string' || !HASH_ALGORITHMS.has(algorithm)) {
      fail(name, `the hashing algorithm must be one of ${[...HASH_ALGORITHMS].join(', ')}`);
    }
    return env.hash(algorithm as HashAlgorithm, source);
  },

  'States.JsonMerge': ([left, right, deep]) => {
    const name = 'States.JsonMerge';
    if (!isObject(left)) fail(name, 'the first argument must be a JSON object');
    if (!isObject(right)) fail(name, 'the second argument must be a JSON object');
    if (typeof deep !== 'boolean') fail(name, 'the third argument must be a boolean');
    // AWS supports shallow merging only: the flag must be false.
    if (deep) fail(name, 'deep merging is not supported; the third argument must be false');
    return { ...left, ...right };
  },

  'States.MathRandom': ([first, last, seed], env) => {
    const name = 'States.MathRandom';
    const start = roundedInteger(name, first, 'the start value');
    const end = roundedInteger(name, last, 'the end value');
    if (end <= start) fail(name, 'the end value must be greater than the start value');
    const bound = end - start;
    if (seed !== undefined) {
      const seedValue = roundedInteger(name, seed, 'the seed value');
      return start + seededRandomInt(seedValue, bound);
    }
    return start + Math.floor(env.random() * bound);
  },

  'States.MathAdd': ([a, b]) => {
    const name = 'States.MathAdd';
    const left = roundedInteger(name, a, 'the first argument');
    const right = roundedInteger(name, b, 'the second argument');
    for (const value of [left, right]) {
      if (value < INT_MIN || value > INT_MAX) {
        fail(name, `the arguments must be integers between ${INT_MIN} and ${INT_MAX}`);
      }
    }
    return normalizeNegativeZero(left + right);
  },

  'States.StringSplit': ([text, delimiters]) => {
    const name = 'States.StringSplit';
    const source = requireString(name, text, 'the first argument');
    const separators = requireString(name, delimiters, 'the delimiter');
    // Every character of the delimiter splits, and empty pieces are dropped (AWS example:
    // "This.is+a,test=string" split on ".+,=" gives five words; corpus: ", , ," on ",").
    const out: string[] = [];
    let current = '';
    for (const ch of source) {
      if (separators.includes(ch)) {
        if (current !== '') out.push(current);
        current = '';
      } else {
        current += ch;
      }
    }
    if (current !== '') out.push(current);
    return out;
  },

  'States.UUID': (_args, env) => env.uuid(),
};

function requireString(name: IntrinsicFunctionName, value: unknown, what: string): string {
  if (typeof value !== 'string') fail(name, `${what} must be a string`);
  return value;
}

function requireArray(name: IntrinsicFunctionName, value: unknown, what: string): readonly unknown[] {
  if (!Array.isArray(value)) fail(name, `${what} must be an array`);
  return value;
}

/**
 * AWS rounds non-integer arguments where an integer is expected, half up like Java's
 * Math.round (corpus: test_math_add gives 1.5 + 0 = 2 and -1.5 + 0 = -1).
 */
function roundedInteger(name: IntrinsicFunctionName, value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) fail(name, `${what} must be a number`);
  return normalizeNegativeZero(Math.round(value));
}

function normalizeNegativeZero<T>(value: T): T {
  return (Object.is(value, -0) ? 0 : value) as T;
}
