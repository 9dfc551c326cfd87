import { compareInstants, isTimestamp, parseTimestamp } from './timestamp';
import { stringMatches } from './string-matches';

/**
 * The data-test comparison operators of a JSONPath-mode Choice rule, by AWS's names.
 *
 * Each compares the value found at `Variable` with an operand (a literal, or the value at the
 * `...Path` operand). AWS never coerces: when either side is not of the operator's type the
 * comparison is simply false, never an error (choice_operators corpus: StringEquals on a
 * number, NumericEquals on "0" or true, BooleanEquals on 0, TimestampEquals on a non-RFC3339
 * string all take the Default branch). Ints and floats are one JSON number type: 0 equals 0.0.
 */

type Compare = (value: unknown, operand: unknown) => boolean;

function isNumber(value: unknown): value is number {
  return typeof value === 'number';
}

function stringCompare(test: (a: string, b: string) => boolean): Compare {
  return (value, operand) => typeof value === 'string' && typeof operand === 'string' && test(value, operand);
}

function numericCompare(test: (a: number, b: number) => boolean): Compare {
  return (value, operand) => isNumber(value) && isNumber(operand) && test(value, operand);
}

function timestampCompare(test: (order: number) => boolean): Compare {
  return (value, operand) => {
    if (typeof value !== 'string' || typeof operand !== 'string') return false;
    const a = parseTimestamp(value);
    const b = parseTimestamp(operand);
    return a !== undefined && b !== undefined && test(compareInstants(a, b));
  };
}

const booleanEquals: Compare = (value, operand) =>
  typeof value === 'boolean' && typeof operand === 'boolean' && value === operand;

/** Comparisons between Variable and an operand; each also exists as `<name>Path`. */
const BINARY: Readonly<Record<string, Compare>> = {
  StringEquals: stringCompare((a, b) => a === b),
  StringLessThan: stringCompare((a, b) => a < b),
  StringGreaterThan: stringCompare((a, b) => a > b),
  StringLessThanEquals: stringCompare((a, b) => a <= b),
  StringGreaterThanEquals: stringCompare((a, b) => a >= b),
  NumericEquals: numericCompare((a, b) => a === b),
  NumericLessThan: numericCompare((a, b) => a < b),
  NumericGreaterThan: numericCompare((a, b) => a > b),
  NumericLessThanEquals: numericCompare((a, b) => a <= b),
  NumericGreaterThanEquals: numericCompare((a, b) => a >= b),
  BooleanEquals: booleanEquals,
  TimestampEquals: timestampCompare((o) => o === 0),
  TimestampLessThan: timestampCompare((o) => o < 0),
  TimestampGreaterThan: timestampCompare((o) => o > 0),
  TimestampLessThanEquals: timestampCompare((o) => o <= 0),
  TimestampGreaterThanEquals: timestampCompare((o) => o >= 0),
};

/** StringMatches has no Path variant in the States Language. */
const MATCHES: Compare = (value, operand) =>
  typeof value === 'string' && typeof operand === 'string' && stringMatches(value, operand);

/** Type tests: `"IsNumeric": false` holds when the value is NOT a number. */
const TYPE_TESTS: Readonly<Record<string, (value: unknown) => boolean>> = {
  IsNull: (value) => value === null,
  IsNumeric: isNumber,
  IsString: (value) => typeof value === 'string',
  IsBoolean: (value) => typeof value === 'boolean',
  IsTimestamp: isTimestamp,
};

export type ComparisonOperator =
  | { readonly kind: 'literal'; readonly name: string; readonly compare: Compare }
  | { readonly kind: 'path'; readonly name: string; readonly compare: Compare }
  | { readonly kind: 'type-test'; readonly name: string; readonly test: (value: unknown) => boolean }
  | { readonly kind: 'is-present'; readonly name: 'IsPresent' };

const OPERATORS = new Map<string, ComparisonOperator>();
for (const [name, compare] of Object.entries(BINARY)) {
  OPERATORS.set(name, { kind: 'literal', name, compare });
  OPERATORS.set(`${name}Path`, { kind: 'path', name: `${name}Path`, compare });
}
OPERATORS.set('StringMatches', { kind: 'literal', name: 'StringMatches', compare: MATCHES });
for (const [name, test] of Object.entries(TYPE_TESTS)) {
  OPERATORS.set(name, { kind: 'type-test', name, test });
}
OPERATORS.set('IsPresent', { kind: 'is-present', name: 'IsPresent' });

/** Every comparison operator name AWS documents, for validators and tests. */
export const COMPARISON_OPERATOR_NAMES: readonly string[] = [...OPERATORS.keys()];

export function findComparisonOperator(rule: Readonly<Record<string, unknown>>): ComparisonOperator | undefined {
  for (const key of Object.keys(rule)) {
    const operator = OPERATORS.get(key);
    if (operator !== undefined) return operator;
  }
  return undefined;
}
