import { parsePath, JsonPathSyntaxError } from '../jsonpath/path-parser';
import { splitReference } from '../jsonpath/evaluate-path';

/**
 * The intrinsic functions AWS documents for JSONPath states ("Intrinsic functions for
 * JSONPath states in Step Functions"), with how many arguments each takes.
 */
export const IntrinsicFunctionName = {
  Format: 'States.Format',
  StringToJson: 'States.StringToJson',
  JsonToString: 'States.JsonToString',
  Array: 'States.Array',
  ArrayPartition: 'States.ArrayPartition',
  ArrayContains: 'States.ArrayContains',
  ArrayRange: 'States.ArrayRange',
  ArrayGetItem: 'States.ArrayGetItem',
  ArrayLength: 'States.ArrayLength',
  ArrayUnique: 'States.ArrayUnique',
  Base64Encode: 'States.Base64Encode',
  Base64Decode: 'States.Base64Decode',
  Hash: 'States.Hash',
  JsonMerge: 'States.JsonMerge',
  MathRandom: 'States.MathRandom',
  MathAdd: 'States.MathAdd',
  StringSplit: 'States.StringSplit',
  UUID: 'States.UUID',
} as const;
export type IntrinsicFunctionName = (typeof IntrinsicFunctionName)[keyof typeof IntrinsicFunctionName];

/** Minimum and maximum argument counts (max undefined: variadic). */
export const INTRINSIC_ARITY: Readonly<Record<IntrinsicFunctionName, { readonly min: number; readonly max?: number }>> = {
  'States.Format': { min: 1 },
  'States.StringToJson': { min: 1, max: 1 },
  'States.JsonToString': { min: 1, max: 1 },
  'States.Array': { min: 0 },
  'States.ArrayPartition': { min: 2, max: 2 },
  'States.ArrayContains': { min: 2, max: 2 },
  'States.ArrayRange': { min: 3, max: 3 },
  'States.ArrayGetItem': { min: 2, max: 2 },
  'States.ArrayLength': { min: 1, max: 1 },
  'States.ArrayUnique': { min: 1, max: 1 },
  'States.Base64Encode': { min: 1, max: 1 },
  'States.Base64Decode': { min: 1, max: 1 },
  'States.Hash': { min: 2, max: 2 },
  'States.JsonMerge': { min: 3, max: 3 },
  'States.MathRandom': { min: 2, max: 3 },
  'States.MathAdd': { min: 2, max: 2 },
  'States.StringSplit': { min: 2, max: 2 },
  'States.UUID': { min: 0, max: 0 },
};

/**
 * The intrinsics a Fail state's ErrorPath and CausePath may call: AWS's Fail state page lists
 * them ("You can also specify ErrorPath using an intrinsic function that returns a string. These
 * intrinsics are: States.Format, States.JsonToString, States.ArrayGetItem, States.Base64Encode,
 * States.Base64Decode, States.Hash, and States.UUID"), and AWS's ASL language service flags any
 * other (aws/amazon-states-language-service, validation test "Fail state ErrorPath and CausePath
 * Intrinsic functions invalid": States.StringToJson and States.MathAdd).
 */
export const STRING_RESULT_INTRINSICS: ReadonlySet<IntrinsicFunctionName> = new Set([
  IntrinsicFunctionName.Format,
  IntrinsicFunctionName.JsonToString,
  IntrinsicFunctionName.ArrayGetItem,
  IntrinsicFunctionName.Base64Encode,
  IntrinsicFunctionName.Base64Decode,
  IntrinsicFunctionName.Hash,
  IntrinsicFunctionName.UUID,
]);

const KNOWN = new Set<string>(Object.values(IntrinsicFunctionName));

export type IntrinsicArgument =
  | {
      readonly kind: 'string';
      readonly value: string;
      /** Text between the quotes as written: States.Format needs `\{` apart from `{`. */
      readonly raw: string;
    }
  | { readonly kind: 'number'; readonly value: number }
  | { readonly kind: 'boolean'; readonly value: boolean }
  | { readonly kind: 'null' }
  | { readonly kind: 'path'; readonly path: string }
  | IntrinsicCall;

export interface IntrinsicCall {
  readonly kind: 'call';
  readonly name: IntrinsicFunctionName;
  readonly args: readonly IntrinsicArgument[];
  /** Offset of the call in the expression. */
  readonly position: number;
}

export class IntrinsicParseError extends Error {
  constructor(
    readonly expression: string,
    readonly position: number,
    readonly detail: string,
  ) {
    super(`Invalid intrinsic function call '${expression}' at position ${position}: ${detail}`);
    this.name = 'IntrinsicParseError';
  }
}

const CALL_START = /^States\.[A-Za-z0-9]+\s*\(/;

/** True when the text has the shape of an intrinsic call (`States.Name(`…); it may still be malformed. */
export function isIntrinsicCall(text: string): boolean {
  return CALL_START.test(text);
}

const cache = new Map<string, IntrinsicCall>();
const CACHE_LIMIT = 5_000;

/**
 * Parses `States.Name(arg, …)`. Arguments: single-quoted strings (escapes `\'`, `\{`, `\}`,
 * `\\` only: AWS rejects `\"` at definition time, corpus ESCAPE_SEQUENCES_ILLEGAL_INTRINSIC_FUNCTION),
 * numbers, `true`/`false`/`null`, paths (`$.x`, `$$.x`, `$var.x`) and nested calls.
 * Throws IntrinsicParseError with the offset of the problem.
 */
export function parseIntrinsic(expression: string): IntrinsicCall {
  const hit = cache.get(expression);
  if (hit !== undefined) return hit;
  const parser = new Parser(expression);
  const call = parser.parseTop();
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(expression, call);
  return call;
}

/**
 * How deep calls may nest (`States.Array(States.Array(…))`). AWS documents no figure; the
 * parser and the evaluator recurse per level, so a bound keeps a hostile definition from
 * overflowing the stack. No real expression comes near it.
 */
export const MAX_INTRINSIC_NESTING = 64;

class Parser {
  private i = 0;
  private depth = 0;

  constructor(private readonly text: string) {}

  parseTop(): IntrinsicCall {
    this.skipSpaces();
    const call = this.parseCall();
    this.skipSpaces();
    if (this.i !== this.text.length) this.fail('unexpected text after the closing parenthesis');
    return call;
  }

  private parseCall(): IntrinsicCall {
    if (++this.depth > MAX_INTRINSIC_NESTING) this.fail(`intrinsic functions nest deeper than ${MAX_INTRINSIC_NESTING} levels`);
    try {
      return this.parseCallBody();
    } finally {
      this.depth--;
    }
  }

  private parseCallBody(): IntrinsicCall {
    const start = this.i;
    const match = /^States\.[A-Za-z0-9]+/.exec(this.text.slice(this.i));
    if (match === null) this.fail("expected an intrinsic function name such as 'States.Format'");
    const name = match[0];
    if (!KNOWN.has(name)) this.fail(`unknown intrinsic function '${name}'`);
    this.i += name.length;
    this.skipSpaces();
    this.expect('(');
    const args: IntrinsicArgument[] = [];
    this.skipSpaces();
    if (this.peek() === ')') {
      this.i += 1;
      return { kind: 'call', name: name as IntrinsicFunctionName, args, position: start };
    }
    while (true) {
      this.skipSpaces();
      args.push(this.parseArgument());
      this.skipSpaces();
      const ch = this.peek();
      if (ch === ',') {
        this.i += 1;
        continue;
      }
      if (ch === ')') {
        this.i += 1;
        break;
      }
      this.fail("expected ',' or ')'");
    }
    return { kind: 'call', name: name as IntrinsicFunctionName, args, position: start };
  }

  private parseArgument(): IntrinsicArgument {
    const ch = this.peek();
    if (ch === "'") return this.parseString();
    if (ch === '$') return this.parsePathArgument();
    if (ch === '-' || (ch !== undefined && ch >= '0' && ch <= '9')) return this.parseNumber();
    if (this.text.startsWith('States.', this.i)) return this.parseCall();
    for (const [word, arg] of KEYWORDS) {
      if (this.text.startsWith(word, this.i) && !/[A-Za-z0-9_]/.test(this.text[this.i + word.length] ?? '')) {
        this.i += word.length;
        return arg;
      }
    }
    return this.fail('expected an argument: a quoted string, a number, a path or an intrinsic function call');
  }

  private parseString(): IntrinsicArgument {
    const open = this.i;
    this.i += 1;
    let value = '';
    while (this.i < this.text.length) {
      const ch = this.text[this.i];
      if (ch === '\\') {
        const next = this.text[this.i + 1];
        if (next === "'" || next === '{' || next === '}' || next === '\\') {
          value += next;
          this.i += 2;
          continue;
        }
        this.fail(`invalid escape sequence '\\${next ?? ''}' in a string literal`);
      }
      if (ch === "'") {
        const raw = this.text.slice(open + 1, this.i);
        this.i += 1;
        return { kind: 'string', value, raw };
      }
      value += ch;
      this.i += 1;
    }
    this.i = open;
    return this.fail('unterminated string literal');
  }

  private parseNumber(): IntrinsicArgument {
    const match = /^-?\d+(\.\d+)?([eE][+-]?\d+)?/.exec(this.text.slice(this.i));
    if (match === null) this.fail('invalid number');
    this.i += match[0].length;
    return { kind: 'number', value: Number(match[0]) };
  }

  /** A path runs to the next `,` or `)` outside brackets, quotes and filter parentheses. */
  private parsePathArgument(): IntrinsicArgument {
    const start = this.i;
    let depth = 0;
    let quote: string | null = null;
    while (this.i < this.text.length) {
      const ch = this.text[this.i];
      if (quote !== null) {
        if (ch === '\\') this.i += 1;
        else if (ch === quote) quote = null;
      } else if (depth > 0 && (ch === "'" || ch === '"')) {
        quote = ch;
      } else if (ch === '[' || (depth > 0 && ch === '(')) {
        depth += 1;
      } else if (ch === ']' || (depth > 0 && ch === ')')) {
        depth -= 1;
      } else if (depth === 0 && (ch === ',' || ch === ')')) {
        break;
      }
      this.i += 1;
    }
    const path = this.text.slice(start, this.i).trimEnd();
    const reference = splitReference(path);
    try {
      if (reference === undefined) throw new JsonPathSyntaxError(path, 0, 'not a path');
      if (reference.root === 'variable' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(reference.name)) {
        throw new JsonPathSyntaxError(path, 1, `invalid variable name '${reference.name}'`);
      }
      parsePath(reference.path);
    } catch (error) {
      if (error instanceof JsonPathSyntaxError) {
        this.i = start;
        this.fail(`invalid path '${path}': ${error.message}`);
      }
      throw error;
    }
    return { kind: 'path', path };
  }

  private expect(ch: string): void {
    if (this.peek() !== ch) this.fail(`expected '${ch}'`);
    this.i += 1;
  }

  private peek(): string | undefined {
    return this.text[this.i];
  }

  private skipSpaces(): void {
    while (this.i < this.text.length && /\s/.test(this.text[this.i])) this.i += 1;
  }

  private fail(detail: string): never {
    throw new IntrinsicParseError(this.text, this.i, detail);
  }
}

const KEYWORDS: ReadonlyArray<readonly [string, IntrinsicArgument]> = [
  ['true', { kind: 'boolean', value: true }],
  ['false', { kind: 'boolean', value: false }],
  ['null', { kind: 'null' }],
];
