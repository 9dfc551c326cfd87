/**
 * The engine's view of the language core: every evaluation the decider needs, in one place,
 * for both query languages. The semantics live in @stepstone/asl; this file only picks the
 * right function for a state and names the field in AWS's error messages.
 */
import {
  StatesError,
  applyInputPath,
  applyOutputPath,
  applyResultPath,
  evaluatePath,
  evaluateReference,
  evaluateFieldExpression,
  formatNormalizedPath,
  parseTimestamp,
  isJsonPathNotFound,
  selectReference,
  evaluatePayloadTemplate,
  evaluateJsonataTemplate,
  evaluateJsonataExpression,
  selectChoice,
  findMatchingChoiceRule,
  selectChoiceJsonata,
  type IntrinsicEnv,
  type JsonataEnv,
  batchItems,
  batchLimit,
  itemsFromListing,
  itemsFromObject,
  planResultWrite,
  readerSettings,
  shapeResults,
  toItemSource,
  toResultDestination,
  writerSettings,
} from '@stepstone/asl';
import type { DecisionEnv } from './commands';

export type QueryLanguage = 'JSONPath' | 'JSONata';

export interface EvaluationScope {
  readonly input: unknown;
  readonly context: unknown;
  readonly variables: Readonly<Record<string, unknown>>;
}

export function languageEnv(env: DecisionEnv): IntrinsicEnv & JsonataEnv {
  return {
    now: env.now,
    random: env.random,
    uuid: env.uuid,
    hash: env.hash as IntrinsicEnv['hash'] & JsonataEnv['hash'],
  };
}

export { StatesError, formatNormalizedPath, evaluateReference, evaluateFieldExpression, parseTimestamp, applyInputPath, applyOutputPath, applyResultPath, evaluatePath, isJsonPathNotFound, selectReference, evaluatePayloadTemplate, selectChoice, findMatchingChoiceRule };

export interface JsonataStates {
  readonly input: unknown;
  readonly context: unknown;
  readonly result?: unknown;
  readonly errorOutput?: unknown;
}

/** Evaluates a JSONata-mode field (`{% %}` templates inside any JSON value). */
export function evaluateJsonataField(
  value: unknown,
  states: JsonataStates,
  variables: Readonly<Record<string, unknown>>,
  env: JsonataEnv,
  fieldName: string,
): Promise<unknown> {
  return evaluateJsonataTemplate(value, { states, variables }, env, fieldName);
}

export { evaluateJsonataExpression, selectChoiceJsonata };

export { batchItems, batchLimit, itemsFromListing, itemsFromObject, planResultWrite, readerSettings, shapeResults, toItemSource, toResultDestination, writerSettings };
export type { ChildResult, WrittenObject, ItemSource, ObjectSummary, ReaderSettings } from '@stepstone/asl';
