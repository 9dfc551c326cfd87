import { evaluateReference, isJsonPathNotFound, notFoundText } from '../jsonpath/evaluate-path';
import { StatesError } from '../errors/states-error';

/**
 * The reference paths a Choice rule holds (`Variable` and the `…Path` operands): `$`, `$.a.b`,
 * `$.a[0]`, `$['x']`, `$$.x` (context object) and `$name.x` (workflow variables), looked up
 * by the one JSONPath evaluator (jsonpath/evaluate-path.ts). The validator accepts only
 * Reference Paths here, so a lookup yields one value or nothing; `message` then carries the
 * text AWS puts after "Invalid path '<path>' : " (Jayway's wording, notFoundText).
 */

export interface ReferenceScope {
  readonly context: unknown;
  readonly variables: Readonly<Record<string, unknown>>;
}

export type ReferenceLookup =
  | { readonly found: true; readonly value: unknown }
  | { readonly found: false; readonly message: string };

export function resolveReferencePath(path: string, input: unknown, scope: ReferenceScope): ReferenceLookup {
  try {
    return { found: true, value: evaluateReference(path, { input, context: scope.context, variables: scope.variables }) };
  } catch (error) {
    if (isJsonPathNotFound(error)) return { found: false, message: notFoundText(error) };
    // A path the parser cannot read (only in a definition stored before the validator refused it).
    if (error instanceof StatesError) return { found: false, message: error.cause };
    throw error;
  }
}
