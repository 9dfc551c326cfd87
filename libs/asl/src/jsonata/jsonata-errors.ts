import { StatesError, StatesErrorName } from '../errors/states-error';

/**
 * AWS's causes for JSONata failures, letter for letter as the corpus records them (the engine
 * prefixes "An error occurred while executing the state '<name>' (entered at the event id
 * #<n>). "). `fieldName` is the field's path inside the state, '/'-separated:
 * 'Output', 'Items', 'Arguments/FunctionName', 'Output/FunctionResult'.
 */

export type JsonataTypeName = 'array' | 'object' | 'string' | 'number' | 'boolean' | 'null';

export function jsonataTypeName(value: unknown): JsonataTypeName {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  switch (typeof value) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'boolean';
    default:
      return 'object';
  }
}

function subject(expression: string, fieldName: string | undefined): string {
  return fieldName === undefined
    ? `The JSONata expression '${expression}'`
    : `The JSONata expression '${expression}' specified for the field '${fieldName}'`;
}

/** Code and message as AWS prints them: "T1006: Attempted to invoke a non-function". */
export function describeJsonataFailure(failure: unknown): string {
  if (typeof failure === 'object' && failure !== null) {
    const { code, message } = failure as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && typeof message === 'string') return `${code}: ${message}`;
    if (typeof message === 'string') return message;
  }
  return String(failure);
}

/** intrinsic_functions test_math_random_seeded: "... threw an error during evaluation. T1006: ..." */
export function jsonataEvaluationError(expression: string, fieldName: string | undefined, failure: unknown): StatesError {
  return new StatesError(
    StatesErrorName.QueryEvaluationError,
    `${subject(expression, fieldName)} threw an error during evaluation. ${describeJsonataFailure(failure)}`,
  );
}

/** variables_assign test_undefined_reference: "... returned nothing (undefined)." */
export function jsonataReturnedNothingError(expression: string, fieldName: string | undefined): StatesError {
  return new StatesError(StatesErrorName.QueryEvaluationError, `${subject(expression, fieldName)} returned nothing (undefined).`);
}

/** map test_map_state_items_eval_jsonata_fail_function: a function is not JSON. */
export function jsonataUnsupportedResultError(expression: string, fieldName: string | undefined): StatesError {
  return new StatesError(StatesErrorName.QueryEvaluationError, `${subject(expression, fieldName)} returned an unsupported result type.`);
}

/**
 * map test_map_state_items_eval_jsonata_fail_*: "... returned an unexpected result type.
 * Expected 'array', but was 'object' for value: {"foo":"bar"}".
 */
export function jsonataUnexpectedTypeError(
  expression: string,
  fieldName: string | undefined,
  expected: JsonataTypeName,
  value: unknown,
): StatesError {
  return new StatesError(
    StatesErrorName.QueryEvaluationError,
    `${subject(expression, fieldName)} returned an unexpected result type. Expected '${expected}', but was '${jsonataTypeName(value)}' for value: ${JSON.stringify(value)}`,
  );
}

/** One of Stepstone's evaluation bounds (JSONATA_LIMITS) was crossed; AWS's own bounds are undocumented. */
export function jsonataLimitError(expression: string, fieldName: string | undefined, bound: string): StatesError {
  return new StatesError(StatesErrorName.QueryEvaluationError, `${subject(expression, fieldName)} was stopped: ${bound}.`);
}
