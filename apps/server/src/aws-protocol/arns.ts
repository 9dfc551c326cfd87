import { splitStatesArn as parseStatesArn } from '@stepstone/asl';
import { InvalidArn, InvalidName, ValidationException } from './api-errors';

/**
 * What a `stateMachine:` ARN names: the machine, one of its versions (`name:1`) or one of its
 * aliases (`name:PROD`). Alias names always hold a letter, `_`, `-` or `.`, so a qualifier of
 * digits only is a version (API_CreateStateMachineAlias, "name").
 */
export type StateMachineTarget =
  | { readonly kind: 'machine'; readonly name: string }
  | { readonly kind: 'version'; readonly name: string; readonly version: number }
  | { readonly kind: 'alias'; readonly name: string; readonly alias: string };

/** ARNs of this region and account: built here, parsed once at the edge. */
export interface Arns {
  stateMachine(name: string): string;
  stateMachineVersion(name: string, version: number): string;
  stateMachineAlias(name: string, alias: string): string;
  /** A state machine, version or alias ARN, or InvalidArn. */
  parseStateMachineTarget(arn: string): StateMachineTarget;
  execution(stateMachineName: string, executionName: string): string;
  /** EXPRESS executions run by StartSyncExecution have their own ARN form on AWS. */
  expressExecution(stateMachineName: string, executionName: string, id: string): string;
  /** The state machine's name, or InvalidArn. */
  parseStateMachine(arn: string): string;
  parseExecution(arn: string): { stateMachineName: string; executionName: string };
  /**
   * parseExecution for the actions AWS refuses on EXPRESS executions (Describe, Stop, history):
   * an `express:` ARN is InvalidArn there, with AWS's reason.
   */
  parseStandardExecution(arn: string): { stateMachineName: string; executionName: string };
  /** `mapRun:<stateMachine>/<label>:<id>`: its parts, or InvalidArn. */
  parseMapRun(arn: string): { stateMachineName: string; label: string; id: string };
  activity(name: string): string;
  /** The activity's name, or InvalidArn. */
  parseActivity(arn: string): string;
}

export function createArns(region: string, account: string): Arns {
  const prefix = `arn:aws:states:${region}:${account}:`;
  return {
    stateMachine: (name) => `${prefix}stateMachine:${name}`,
    stateMachineVersion: (name, version) => `${prefix}stateMachine:${name}:${version}`,
    stateMachineAlias: (name, alias) => `${prefix}stateMachine:${name}:${alias}`,
    parseStateMachineTarget(arn) {
      const parts = splitStatesArn(arn);
      if ((parts.length !== 7 && parts.length !== 8) || parts[5] !== 'stateMachine' || parts[6] === '') throw new InvalidArn(arn);
      const name = parts[6];
      if (parts.length === 7) return { kind: 'machine', name };
      const qualifier = parts[7];
      if (/^[1-9]\d{0,8}$/.test(qualifier)) return { kind: 'version', name, version: Number(qualifier) };
      if (ALIAS_NAME.test(qualifier) && qualifier.length <= 80) return { kind: 'alias', name, alias: qualifier };
      throw new InvalidArn(arn);
    },
    execution: (stateMachineName, executionName) => `${prefix}execution:${stateMachineName}:${executionName}`,
    expressExecution: (stateMachineName, executionName, id) => `${prefix}express:${stateMachineName}:${executionName}:${id}`,
    parseStateMachine(arn) {
      const parts = splitStatesArn(arn);
      if (parts.length !== 7 || parts[5] !== 'stateMachine' || parts[6] === '') throw new InvalidArn(arn);
      return parts[6];
    },
    parseExecution(arn) {
      const parts = splitStatesArn(arn);
      if (parts.length !== 8 || (parts[5] !== 'execution' && parts[5] !== 'express') || parts[6] === '' || parts[7] === '') throw new InvalidArn(arn);
      return { stateMachineName: parts[6], executionName: parts[7] };
    },
    parseStandardExecution(arn) {
      if (splitStatesArn(arn)[5] === 'express') throw new InvalidArn('Resource type not valid in this context: express');
      return this.parseExecution(arn);
    },
    parseMapRun(arn) {
      const parts = splitStatesArn(arn);
      const slash = parts[6]?.indexOf('/') ?? -1;
      if (parts.length !== 8 || parts[5] !== 'mapRun' || slash <= 0 || slash === parts[6].length - 1 || parts[7] === '') throw new InvalidArn(arn);
      return { stateMachineName: parts[6].slice(0, slash), label: parts[6].slice(slash + 1), id: parts[7] };
    },
    activity: (name) => `${prefix}activity:${name}`,
    parseActivity(arn) {
      const parts = splitStatesArn(arn);
      if (parts.length !== 7 || parts[5] !== 'activity' || parts[6] === '') throw new InvalidArn(arn);
      return parts[6];
    },
  };
}

/** An alias name (the Smithy model's CharacterRestrictedName pattern). */
export const ALIAS_NAME = /^(?=.*[a-zA-Z_\-.])[a-zA-Z0-9_\-.]+$/;

/**
 * `arn:<partition>:states:<region>:<account>:<resource...>` split on ':'; InvalidArn otherwise.
 * A string that is no ARN at all gets AWS's reason, `Invalid Arn: 'Invalid ARN prefix: <value>'`
 * (LocalStack's snapshot tests test_describe_invalid_arn_sm, test_list_execution_invalid_arn,
 * test_describe_activity_invalid_arn…, recorded against AWS).
 */
function splitStatesArn(arn: string): string[] {
  if (!arn.startsWith('arn:')) throw new InvalidArn(`Invalid ARN prefix: ${arn}`);
  const parts = parseStatesArn(arn);
  if (!parts) throw new InvalidArn(arn);
  return parts;
}

/**
 * Names of state machines and executions (API_StartExecution, "name"): 1–80 characters, none of
 * whitespace, brackets `< > { } [ ]`, wildcards `? *`, the specials `" # % \ ^ | ~ ` $ & , ; : /`,
 * control characters (U+0000–001F, U+007F–009F), or unpaired UTF-16 surrogates (not Unicode,
 * so not storable as UTF-8). The length is a ValidationException (a
 * model constraint), the characters an InvalidName, as AWS reports them.
 */
// eslint-disable-next-line no-control-regex
const forbiddenNameCharacters = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f\ud800-\udfff]/u;

export function assertValidName(name: string, field = 'name'): void {
  if (name.length < 1) throw oneValidationError(`Value '${name}' at '${field}' failed to satisfy constraint: Member must have length greater than or equal to 1`);
  if (name.length > 80) throw oneValidationError(`Value '${name}' at '${field}' failed to satisfy constraint: Member must have length less than or equal to 80`);
  if (forbiddenNameCharacters.test(name)) throw new InvalidName(name);
}

/** AWS's model-validation message for one violated constraint. */
export function oneValidationError(detail: string): ValidationException {
  return new ValidationException(`1 validation error detected: ${detail}`);
}
