import { StatesError, StatesErrorName } from '../errors/states-error';
import { evaluateIntrinsic, type IntrinsicEnv } from '../intrinsics/evaluate-intrinsic';
import { isIntrinsicCall } from '../intrinsics/parse-intrinsic';
import { evaluateReference, isJsonPathNotFound, isObject, splitReference, type PayloadScope } from './evaluate-path';
import { toJsonText } from './json-text';

/**
 * Parameters, ResultSelector, ItemSelector and Assign in JSONPath mode: a JSON template whose
 * keys ending in `.$` take their value from a path (`$.x`, `$$.x`, `$var.x`) or an intrinsic
 * call, the `.$` dropped from the key. Nested objects and arrays are templates too; other
 * values are copied as they are. The template itself is never mutated.
 */
export function evaluatePayloadTemplate(template: unknown, scope: PayloadScope, env: IntrinsicEnv): unknown {
  if (Array.isArray(template)) return template.map((item) => evaluatePayloadTemplate(item, scope, env));
  if (!isObject(template)) return template;
  const out: Record<string, unknown> = {};
  for (const field of templateFields(template)) {
    out[field.key] = field.expression !== undefined ? evaluateFieldExpression(field.expression, scope, env, field.name) : evaluatePayloadTemplate(field.value, scope, env);
  }
  return out;
}

/** One member of a template object: `key` as it is written out, `expression` for a `.$` member. */
interface TemplateField {
  readonly name: string;
  readonly key: string;
  readonly expression?: string;
  readonly value: unknown;
}

/**
 * A frozen template (every definition is interned frozen) is split into its fields once:
 * Parameters run at every state, and the entries, `.$` tests and key slices were most of it.
 */
const splitTemplates = new WeakMap<object, readonly TemplateField[]>();

function templateFields(template: Record<string, unknown>): readonly TemplateField[] {
  const known = splitTemplates.get(template);
  if (known) return known;
  const fields = Object.entries(template).map(([name, value]): TemplateField =>
    name.endsWith('.$') && typeof value === 'string' ? { name, key: name.slice(0, -2), expression: value, value } : { name, key: name, value },
  );
  if (Object.isFrozen(template)) splitTemplates.set(template, fields);
  return fields;
}

/**
 * One `.$` value, or any other field that takes "a path or an intrinsic function" (Fail's
 * ErrorPath/CausePath, Map's ItemsPath, …). `field` names the field in messages, as AWS does
 * (corpus: "The JSONPath '$.no_such_jsonpath' specified for the field 'value.$' could not be
 * found in the input '{…}'"; for Fail: "… for the field 'ErrorPath' …").
 */
export function evaluateFieldExpression(
  expression: string,
  scope: PayloadScope,
  env: IntrinsicEnv,
  field: string,
): unknown {
  if (isIntrinsicCall(expression)) return evaluateIntrinsic(expression, scope, env, { field });
  if (splitReference(expression) === undefined) {
    throw new StatesError(
      StatesErrorName.Runtime,
      `The value for the field '${field}' must be a valid JSONPath or a valid intrinsic function call`,
    );
  }
  try {
    return evaluateReference(expression, scope);
  } catch (error) {
    if (isJsonPathNotFound(error)) {
      throw new StatesError(
        StatesErrorName.Runtime,
        `The JSONPath '${expression}' specified for the field '${field}' could not be found in the input '${toJsonText(scope.input)}'`,
      );
    }
    throw error;
  }
}
