import type { JsonataBindings, JsonataEnv } from './evaluate-jsonata';
import { evaluateRequiredJsonataExpression } from './evaluate-jsonata';

/**
 * JSONata templates: the values of Arguments, Output, Assign, Items, Condition... In a state
 * whose QueryLanguage is JSONata, a string that starts with `{%` and ends with `%}` (no
 * surrounding spaces) is an expression; objects and arrays are walked; everything else,
 * including strings that merely contain `{%`, is a literal.
 */

export function isJsonataTemplate(value: unknown): value is string {
  return typeof value === 'string' && value.length >= 4 && value.startsWith('{%') && value.endsWith('%}');
}

/** The expression inside `{% ... %}`, as AWS quotes it in causes (surrounding spaces trimmed). */
export function jsonataTemplateExpression(template: string): string {
  return template.slice(2, -2).trim();
}

/**
 * Evaluates a template value. `fieldName` is the field holding it ('Output', 'Arguments',
 * 'Items'...); nested members extend it with '/' ('Output/FunctionResult'), which is how AWS
 * names the failing spot. An expression that returns nothing is an error wherever it sits.
 */
export async function evaluateJsonataTemplate(
  value: unknown,
  bindings: JsonataBindings,
  env: JsonataEnv,
  fieldName = 'Output',
): Promise<unknown> {
  if (isJsonataTemplate(value)) {
    return evaluateRequiredJsonataExpression(jsonataTemplateExpression(value), bindings, env, fieldName);
  }
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (let i = 0; i < value.length; i++) {
      out.push(await evaluateJsonataTemplate(value[i], bindings, env, `${fieldName}/${i}`));
    }
    return out;
  }
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, member] of Object.entries(value)) {
      out[key] = await evaluateJsonataTemplate(member, bindings, env, `${fieldName}/${key}`);
    }
    return out;
  }
  return value;
}

/** Alias that reads better at call sites that evaluate one named field. */
export function evaluateJsonataField(
  fieldName: string,
  value: unknown,
  bindings: JsonataBindings,
  env: JsonataEnv,
): Promise<unknown> {
  return evaluateJsonataTemplate(value, bindings, env, fieldName);
}
