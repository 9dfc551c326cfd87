import { StatesError, StatesErrorName } from '../errors/states-error';
import { evaluateRequiredJsonataExpression, type JsonataBindings, type JsonataEnv } from '../jsonata/evaluate-jsonata';
import { jsonataUnexpectedTypeError } from '../jsonata/jsonata-errors';
import { isJsonataTemplate, jsonataTemplateExpression } from '../jsonata/template';

/**
 * JSONata-mode Choice: each rule has a `Condition`, either a `{% ... %}` expression or a
 * literal boolean (jsonata/ test_choice_condition_constant_jsonata uses `"Condition": true`),
 * plus `Next` and optionally its own `Assign` and `Output`, which replace the state's when the
 * rule is taken (jsonata/ test_output_in_choice).
 */

export interface JsonataChoiceRule {
  readonly Condition: unknown;
  readonly Next: string;
  readonly Assign?: unknown;
  readonly Output?: unknown;
}

export interface JsonataChoiceStateLike {
  readonly Choices: readonly JsonataChoiceRule[];
  readonly Default?: string;
}

/**
 * The branch taken. `rule` is the matched rule, whose Assign/Output the engine applies; it is
 * absent when the Default was taken, in which case the state's own Assign/Output apply.
 */
export interface JsonataChoiceSelection {
  readonly next: string;
  readonly rule?: JsonataChoiceRule;
}

/**
 * Evaluates one Condition. A non-boolean result is States.QueryEvaluationError, worded like
 * AWS's other type mismatches ("Expected 'boolean', but was 'string' for value: ...").
 */
export async function evaluateJsonataCondition(
  condition: unknown,
  bindings: JsonataBindings,
  env: JsonataEnv,
): Promise<boolean> {
  if (typeof condition === 'boolean') return condition;
  if (!isJsonataTemplate(condition)) {
    throw new StatesError(StatesErrorName.QueryEvaluationError, `The field 'Condition' must be a boolean or a JSONata expression.`);
  }
  const expression = jsonataTemplateExpression(condition);
  const result = await evaluateRequiredJsonataExpression(expression, bindings, env, 'Condition');
  if (typeof result !== 'boolean') throw jsonataUnexpectedTypeError(expression, 'Condition', 'boolean', result);
  return result;
}

/**
 * The first rule whose Condition holds, else the Default. Undefined means neither: the caller
 * raises States.NoChoiceMatched.
 */
export async function selectChoiceJsonata(
  state: JsonataChoiceStateLike,
  bindings: JsonataBindings,
  env: JsonataEnv,
): Promise<JsonataChoiceSelection | undefined> {
  for (const rule of state.Choices) {
    if (await evaluateJsonataCondition(rule.Condition, bindings, env)) return { next: rule.Next, rule };
  }
  return state.Default === undefined ? undefined : { next: state.Default };
}
