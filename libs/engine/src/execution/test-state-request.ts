import { integrationPatternOfResource, parseTaskResource } from '@stepstone/asl';
import type { TestStateHooks } from './commands';
import { mockResultViolation } from './mock-result-validation';
import { innerStateNames } from './test-state-definition';

/** A TestState request, as the API takes it (the enhanced API of November 2025). */
export interface TestStateRequest {
  readonly definition: string;
  readonly stateName?: string;
  readonly input?: string;
  readonly context?: string;
  readonly variables?: string;
  readonly inspectionLevel?: 'INFO' | 'DEBUG' | 'TRACE';
  readonly revealSecrets?: boolean;
  readonly roleArn?: string;
  readonly mock?: {
    readonly result?: string;
    readonly errorOutput?: { readonly error?: string; readonly cause?: string };
    readonly fieldValidationMode?: 'STRICT' | 'PRESENT' | 'NONE';
  };
  readonly stateConfiguration?: {
    readonly retrierRetryCount?: number;
    readonly errorCausedByState?: string;
    readonly mapIterationFailureCount?: number;
    readonly mapItemReaderData?: string;
  };
}

/** A request AWS refuses before running anything: the API error's name and AWS's message. */
export class TestStateRejected extends Error {
  constructor(
    readonly errorName: 'InvalidDefinition' | 'InvalidExecutionInput' | 'ValidationException',
    message: string,
  ) {
    super(message);
  }
}

const MOCKABLE = new Set(['Task', 'Parallel', 'Map']);

/** The mock's checks, with AWS's messages (LocalStack's recordings of AWS, test_state_mock_validation). */
export function checkMock(request: TestStateRequest, state: Record<string, any>, kind: string): TestStateHooks['children'] {
  const mock = request.mock;
  if (!mock) {
    // Checked before the Map's need of a mock (test_map_iteration_failure_count_without_mock, AWS-validated 2026-03-01).
    if (request.stateConfiguration?.mapIterationFailureCount !== undefined && kind === 'Map') {
      throw new TestStateRejected('ValidationException', 'TestState does not support MapIterationFailureCount when a mock is not specified.');
    }
    if (kind === 'Map' || kind === 'Parallel') {
      throw new TestStateRejected('InvalidDefinition', 'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]');
    }
    if (kind === 'Task') {
      const resource = String(state.Resource ?? '');
      if (parseTaskResource(resource).kind === 'activity' || integrationPatternOfResource(resource) !== 'request-response') {
        throw new TestStateRejected('ValidationException', 'TestState only supports Activity tasks and the .sync or .waitForTaskToken integration patterns when a mock is specified.');
      }
      // A Task that really runs needs a role to run as (test_base_lambda_service_task_state_no_role_arn_validation, AWS-validated 2025-12-03).
      if (request.roleArn === undefined) throw new TestStateRejected('ValidationException', 'RoleArn must be specified when testing a Task state');
    }
    return undefined;
  }
  if (!MOCKABLE.has(kind)) throw new TestStateRejected('ValidationException', `State type '${kind}' is not supported when a mock is specified`);
  if ((mock.result === undefined) === (mock.errorOutput === undefined)) {
    throw new TestStateRejected('ValidationException', 'A test mock should have only one of the following fields: [result, errorOutput].');
  }
  if (request.revealSecrets === true) throw new TestStateRejected('ValidationException', 'TestState does not support RevealSecrets when a mock is specified.');
  if (mock.errorOutput !== undefined) {
    return kind === 'Task' ? undefined : { error: mock.errorOutput.error ?? 'States.TaskFailed', cause: mock.errorOutput.cause ?? '' };
  }
  let result: unknown;
  try {
    result = JSON.parse(mock.result!);
  } catch {
    // AWS's message, recorded without the parser's detail (test_base_lambda_service_task_mock_is_not_json_string, 2026-02-27).
    throw new TestStateRejected('ValidationException', 'Mocked result must be valid JSON');
  }
  if (kind === 'Parallel') {
    if (!Array.isArray(result)) throw new TestStateRejected('ValidationException', 'Mocked result must be an array.');
    const branches = Array.isArray(state.Branches) ? state.Branches.length : 0;
    if (result.length !== branches) {
      throw new TestStateRejected('ValidationException', 'Mocked result must contain the same number of items as number of Parallel branches.');
    }
  }
  if (kind === 'Map') {
    if (state.ResultWriter !== undefined) {
      if (typeof result !== 'object' || result === null || Array.isArray(result)) throw new TestStateRejected('ValidationException', 'Mocked result must be a JSON object.');
    } else if (!Array.isArray(result)) {
      throw new TestStateRejected('ValidationException', 'Mocked result must be an array.');
    } else if ((request.stateConfiguration?.mapIterationFailureCount ?? 0) > result.length) {
      // The mocked result holds one entry per iteration (test_map_iteration_failure_count_exceeds_mock_result_items, 2026-03-02).
      throw new TestStateRejected('ValidationException', 'Map iteration failure count must be less than or equal to the number of Map iterations');
    }
  }
  if (kind === 'Task') {
    const violation = mockResultViolation(String(state.Resource ?? ''), result, mock.fieldValidationMode);
    if (violation !== undefined) throw new TestStateRejected('ValidationException', violation);
    return undefined;
  }
  const failedIterations = request.stateConfiguration?.mapIterationFailureCount;
  return { result, ...(failedIterations !== undefined ? { failedIterations } : {}) };
}

export function checkStateConfiguration(request: TestStateRequest, state: Record<string, any>, kind: string): void {
  const configuration = request.stateConfiguration;
  if (!configuration) return;
  if (configuration.mapIterationFailureCount !== undefined && kind !== 'Map') {
    throw new TestStateRejected('ValidationException', 'mapIterationFailureCount can only be specified for a Map state.');
  }
  // mapItemReaderData is the source's own text (CSV and JSON Lines are not JSON): the Map's
  // ItemReader reads it as it would read the object (states/map.ts).
  if (configuration.mapItemReaderData !== undefined && kind !== 'Map') {
    throw new TestStateRejected('ValidationException', 'mapItemReaderData can only be specified for a Map state.');
  }
  if (configuration.errorCausedByState !== undefined) {
    if (kind !== 'Map' && kind !== 'Parallel') throw new TestStateRejected('ValidationException', 'errorCausedByState can only be specified for a Map or Parallel state.');
    // It names the state inside the branches or the item processor the error came from.
    if (!innerStateNames(state).has(configuration.errorCausedByState)) {
      throw new TestStateRejected('ValidationException', `errorCausedByState '${configuration.errorCausedByState}' is not a state of this ${kind} state's ${kind === 'Map' ? 'item processor' : 'branches'}.`);
    }
  }
}

/**
 * The fields a given context object may have, and which of them are strings (the context object
 * of AWS's "Accessing execution data from the Context object"). Map is refused apart.
 */
const CONTEXT_FIELDS: Readonly<Record<string, Readonly<Record<string, 'string' | 'any'>>>> = {
  Execution: { Id: 'string', Input: 'any', Name: 'string', RoleArn: 'string', StartTime: 'string', RedriveCount: 'any', RedriveTime: 'string' },
  State: { EnteredTime: 'string', Name: 'string', RetryCount: 'any' },
  StateMachine: { Id: 'string', Name: 'string' },
  Task: { Token: 'string' },
};

/**
 * The given context checked as AWS checks it, with AWS's messages (LocalStack's AWS-validated
 * test_state_context_object_validation_failures and test_state_context_object_invalid_states,
 * 2025-12-03): no Map, no field the context object does not have, strings where it has strings,
 * and a Task only for a Task that waits (.sync or .waitForTaskToken).
 */
export function checkContext(context: Readonly<Record<string, unknown>>, state: Record<string, any>, kind: string): void {
  const invalid = (message: string) => new TestStateRejected('ValidationException', `Invalid Context object provided: ${message}`);
  for (const [section, value] of Object.entries(context)) {
    if (section === 'Map') throw invalid("'Map' field is not supported when mocking a Context object");
    const fields = Object.hasOwn(CONTEXT_FIELDS, section) ? CONTEXT_FIELDS[section] : undefined;
    if (!fields) throw invalid(`Field '${section}' is not allowed`);
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    for (const [field, inner] of Object.entries(value)) {
      if (!Object.hasOwn(fields, field)) throw invalid(`Field '${field}' is not allowed`);
      if (fields[field] === 'string' && typeof inner !== 'string') throw invalid(`${section}.${field} must be a string`);
    }
  }
  if (context.Task !== undefined && (kind !== 'Task' || integrationPatternOfResource(String(state.Resource ?? '')) === 'request-response')) {
    throw invalid("Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern");
  }
}
