import { splitStatesArn as parseStatesArn } from '@stepstone/asl';
import { InvalidArn, InvalidName, ValidationException } from './api-errors';

/** ARNs of this region and account: built here, parsed once at the edge. */
export interface Arns {
  stateMachine(name: string): string;
  execution(stateMachineName: string, executionName: string): string;
  /** EXPRESS executions run by StartSyncExecution have their own ARN form on AWS. */
  expressExecution(stateMachineName: string, executionName: string, id: string): string;
  /** The state machine's name, or InvalidArn. */
  parseStateMachine(arn: string): string;
  parseExecution(arn: string): { stateMachineName: string; executionName: string };
  activity(name: string): string;
  /** The activity's name, or InvalidArn. */
  parseActivity(arn: string): string;
}

export function createArns(region: string, account: string): Arns {
  const prefix = `arn:aws:states:${region}:${account}:`;
  return {
    stateMachine: (name) => `${prefix}stateMachine:${name}`,
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
    activity: (name) => `${prefix}activity:${name}`,
    parseActivity(arn) {
      const parts = splitStatesArn(arn);
      if (parts.length !== 7 || parts[5] !== 'activity' || parts[6] === '') throw new InvalidArn(arn);
      return parts[6];
    },
  };
}

/** `arn:<partition>:states:<region>:<account>:<resource...>` split on ':'; InvalidArn otherwise. */
function splitStatesArn(arn: string): string[] {
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
