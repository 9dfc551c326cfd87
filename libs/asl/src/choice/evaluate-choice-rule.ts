import { StatesError, StatesErrorName } from '../errors/states-error';
import { findComparisonOperator } from './comparison-operators';
import { resolveReferencePath, type ReferenceScope } from './resolve-variable';

/**
 * JSONPath-mode Choice evaluation (States Language spec, "Choice Rules"). A rule is either a
 * data-test (`Variable` plus one comparison operator) or a boolean combination (`And`, `Or`,
 * `Not`) of nested rules; only top-level rules carry `Next` (and, with variables, `Assign`).
 * Rules are parsed JSON validated elsewhere, so they are typed as plain records here.
 */

export type ChoiceRule = Readonly<Record<string, unknown>>;

export interface ChoiceStateLike {
  readonly Choices: readonly ChoiceRule[];
  readonly Default?: string;
}

export type ChoiceScope = ReferenceScope;

function lookupOrFail(path: string, input: unknown, scope: ChoiceScope): unknown {
  const lookup = resolveReferencePath(path, input, scope);
  if (!lookup.found) {
    // AWS fails the state rather than treating a missing Variable (or `…Path` operand) as a
    // mismatch ("Choice" page: "If the state input doesn't contain the $.type field, the
    // execution fails"), with its own words rather than the JSONPath library's, the same for
    // either side; the engine prefixes "An error occurred while executing the state '<name>'
    // (entered at the event id #<n>). " as for every runtime cause.
    throw new StatesError(StatesErrorName.Runtime, `Invalid path '${path}': The choice state's condition path references an invalid value.`);
  }
  return lookup.value;
}

function invalidRule(detail: string): StatesError {
  return new StatesError(StatesErrorName.Runtime, `Invalid Choice rule: ${detail}`);
}

export function evaluateChoiceRule(rule: ChoiceRule, input: unknown, scope: ChoiceScope): boolean {
  if (rule.And !== undefined) {
    if (!Array.isArray(rule.And)) throw invalidRule('And must be an array of rules');
    return (rule.And as ChoiceRule[]).every((r) => evaluateChoiceRule(r, input, scope));
  }
  if (rule.Or !== undefined) {
    if (!Array.isArray(rule.Or)) throw invalidRule('Or must be an array of rules');
    return (rule.Or as ChoiceRule[]).some((r) => evaluateChoiceRule(r, input, scope));
  }
  if (rule.Not !== undefined) {
    if (typeof rule.Not !== 'object' || rule.Not === null || Array.isArray(rule.Not)) {
      throw invalidRule('Not must be a rule');
    }
    return !evaluateChoiceRule(rule.Not as ChoiceRule, input, scope);
  }

  const operator = findComparisonOperator(rule);
  if (operator === undefined) throw invalidRule('no comparison operator');
  const variable = rule.Variable;
  if (typeof variable !== 'string') throw invalidRule('Variable must be a Reference Path');
  const operand = rule[operator.name];

  switch (operator.kind) {
    case 'is-present':
      // The one operator for which a Variable that matches nothing is an answer, not an error.
      return resolveReferencePath(variable, input, scope).found === (operand === true);
    case 'type-test':
      return operator.test(lookupOrFail(variable, input, scope)) === (operand === true);
    case 'literal':
      return operator.compare(lookupOrFail(variable, input, scope), operand);
    case 'path': {
      const value = lookupOrFail(variable, input, scope);
      if (typeof operand !== 'string') throw invalidRule(`${operator.name} must be a Reference Path`);
      return operator.compare(value, lookupOrFail(operand, input, scope));
    }
  }
}

/** The first top-level rule that holds, or undefined; the engine applies its Next and Assign. */
export function findMatchingChoiceRule(
  state: ChoiceStateLike,
  input: unknown,
  scope: ChoiceScope,
): ChoiceRule | undefined {
  for (const rule of state.Choices) {
    if (evaluateChoiceRule(rule, input, scope)) return rule;
  }
  return undefined;
}

/**
 * The state to go to: the first matching rule's Next, else Default. Undefined means no rule
 * matched and there is no Default: the caller raises States.NoChoiceMatched.
 */
export function selectChoice(state: ChoiceStateLike, input: unknown, scope: ChoiceScope): string | undefined {
  const rule = findMatchingChoiceRule(state, input, scope);
  if (rule !== undefined) return rule.Next as string;
  return state.Default;
}
