// The only door into @stepstone/asl: the pure language core (no I/O, no clock, no randomness
// except what callers pass in). Named exports only, so the public surface stays reviewable.
export { StatesError, StatesErrorName, isStatesError } from './errors/states-error';

// Definitions: types, parsing, validation.
export { parseDefinition } from './definition/parse-definition';
export type { ParseDefinitionResult } from './definition/parse-definition';
export { queryLanguageOf } from './definition/effective-query-language';
export { variableReferencesOf } from './definition/variable-references';
export type * as DefinitionTypes from './definition/types';
export { validateDefinition, WAIT_SECONDS_RANGE } from './validation/validate-definition';
export type { ValidateDefinitionOptions, ValidationResult } from './validation/validate-definition';
export { formatInvalidDefinitionMessage, hasErrors } from './validation/diagnostic';
export { integrationOffersPattern } from './validation/resource-arn';
export type { Diagnostic } from './validation/diagnostic';

// ARNs: the one parser (Task resources, Step Functions ARNs).
export {
  parseArn,
  arnField,
  splitStatesArn,
  isExecutionArn,
  parseTaskResource,
  integrationPatternOfResource,
  describeTaskResource,
  lambdaFunctionNameOf,
  stripPatternSuffix,
  IntegrationPattern,
} from './arn/arn';
export type { Arn, TaskResource } from './arn/arn';

// JSONPath data flow.
export {
  evaluatePath,
  evaluateReference,
  isJsonPathNotFound,
  JsonPathNotFoundError,
  selectReference,
  formatNormalizedPath,
  applyInputPath,
  applyOutputPath,
  applyResultPath,
  evaluatePayloadTemplate,
  evaluateFieldExpression,
  toJsonText,
  jsonEquals,
} from './jsonpath';
export type { PayloadScope, PathContext } from './jsonpath';

// Intrinsic functions.
export { evaluateIntrinsic, parseIntrinsic, isIntrinsicCall, IntrinsicParseError, INTRINSIC_ARITY } from './intrinsics';
export type { IntrinsicEnv, HashAlgorithm } from './intrinsics';

// Choice rules.
export { selectChoice, findMatchingChoiceRule, evaluateChoiceRule } from './choice/evaluate-choice-rule';
export { ANY_ONE, ANY_RUN, matchesWildcard } from './choice/string-matches';
export type { WildcardToken } from './choice/string-matches';
export type { ChoiceScope, ChoiceStateLike } from './choice/evaluate-choice-rule';
export { selectChoiceJsonata } from './choice/select-choice-jsonata';
export type { JsonataChoiceSelection } from './choice/select-choice-jsonata';
export { isTimestamp, parseTimestamp } from './choice/timestamp';

// JSONata.
export { evaluateJsonataExpression } from './jsonata/evaluate-jsonata';
export type { JsonataBindings, JsonataEnv } from './jsonata/evaluate-jsonata';
export { evaluateJsonataTemplate, isJsonataTemplate } from './jsonata/template';

// Distributed Map: ItemReader, ItemBatcher, ResultWriter (the engine does the object I/O).
export { itemSourceAction, toItemSource, readerSettings, itemsFromObject, itemsFromListing, MAX_ITEMS_LIMIT } from './map/item-reader';
export type { ItemSource, ObjectSummary, ReaderSettings } from './map/item-reader';
export { createItemScanner, NON_ARRAY_PARSE_LIMIT } from './map/item-scanner';
export type { ItemScanner, ScannedItem, ScanStart } from './map/item-scanner';
export { batchItems, batchLimit, MAX_BATCH_BYTES } from './map/item-batcher';
export type { BatchSettings } from './map/item-batcher';
export { writerSettings, toResultDestination, shapeResults, planResultWrite } from './map/result-writer';
export type { ChildResult, WriterSettings, ResultDestination, WrittenObject } from './map/result-writer';

// The state graph, for drawing a definition (CLI, console).
export { buildStateGraph, describeChoiceRule, ROOT_GROUP_ID, GraphEdgeKind, GraphGroupKind } from './graph/state-graph';
export type { StateGraph, StateGraphNode, StateGraphEdge, StateGraphGroup } from './graph/state-graph';
