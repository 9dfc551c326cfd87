import type { TaskDispatcher, TaskOutcome, TaskRequest } from '@stepstone/engine';
import { arnField } from '@stepstone/asl';
import type { MockConfig } from './mock-config';

export interface MockedTaskSelector {
  readonly stateMachineName: string;
  readonly testCase: string;
  readonly stateName: string;
  /** 0-based count of earlier schedulings of this state in the execution. */
  readonly invocation: number;
}

/**
 * The mocked outcome of one task invocation, or undefined when the test case does not mock
 * it (Step Functions Local then calls the real integration). A thrown `States.Timeout` (or
 * `States.HeartbeatTimeout`) is a timeout, so history shows TaskTimedOut as it would on AWS.
 */
export function mockedOutcome(config: MockConfig, request: MockedTaskSelector): TaskOutcome | undefined {
  const responseName = config.stateMachines.get(request.stateMachineName)?.get(request.testCase)?.get(request.stateName);
  if (responseName === undefined) return undefined;
  const entry = config.mockedResponses.get(responseName)?.find((range) => range.from <= request.invocation && request.invocation <= range.to);
  if (!entry) return undefined;
  const response = entry.response;
  if (response.kind === 'return') return { kind: 'succeeded', output: JSON.stringify(response.value === undefined ? null : response.value) };
  if (response.error === 'States.Timeout' || response.error === 'States.HeartbeatTimeout') {
    return { kind: 'timed_out', error: response.error, ...(response.cause !== undefined ? { cause: response.cause } : {}) };
  }
  return { kind: 'failed', ...(response.error !== undefined ? { error: response.error } : {}), ...(response.cause !== undefined ? { cause: response.cause } : {}) };
}

/** `arn:aws:states:<region>:<account>:stateMachine:<name>[:<version|alias>]` → `<name>`. */
export function stateMachineNameOf(stateMachineArn: string): string {
  return arnField(stateMachineArn, 6);
}

/** The mocked outcome of a dispatched task, when its execution runs a test case that mocks it. */
export function mockedOutcomeOf(config: MockConfig, task: TaskRequest): TaskOutcome | undefined {
  if (task.testCase === undefined) return undefined;
  return mockedOutcome(config, {
    stateMachineName: stateMachineNameOf(task.stateMachineArn),
    testCase: task.testCase,
    stateName: task.stateName,
    invocation: task.invocation,
  });
}

/**
 * A dispatcher that answers mocked tasks and hands every other one to `next` (the real
 * integrations); without `next`, an unmocked task waits, as one with no integration does.
 */
export function createMockingDispatcher(config: MockConfig, next?: TaskDispatcher): TaskDispatcher {
  return {
    // A mocked outcome is returned as it is (not as a promise): the runner decides it at once.
    dispatch(task) {
      return mockedOutcomeOf(config, task) ?? next?.dispatch(task);
    },
  };
}
