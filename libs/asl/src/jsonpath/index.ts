// JSONPath data flow for JSONPath-mode states. Callers import from here only.
export { evaluatePath, evaluateReference, splitReference, JsonPathNotFoundError, isJsonPathNotFound, selectReference } from './evaluate-path';
export type { PayloadScope, PathReference } from './evaluate-path';
export { parsePath, formatNormalizedPath, JsonPathSyntaxError } from './path-parser';
export type { ParsedPath, PathSegment } from './path-parser';
export { applyInputPath, applyOutputPath } from './input-output';
export type { PathContext } from './input-output';
export { applyResultPath } from './result-path';
export { evaluatePayloadTemplate, evaluateFieldExpression } from './payload-template';
export { toJsonText } from './json-text';
export { jsonEquals } from './deep-equal';
