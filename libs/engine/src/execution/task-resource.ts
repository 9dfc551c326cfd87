import { integrationPatternOfResource, parseTaskResource } from '@stepstone/asl';
import type { ExecutionEventTypeName } from './history-event';

/**
 * What a Task state's Resource names decides which history events AWS writes for it:
 * a Lambda function ARN gets LambdaFunction* events, an activity ARN gets Activity* events,
 * every `arn:aws:states:::<service>:<action>` integration gets Task* events (with
 * TaskSubmitted for `.sync` and `.waitForTaskToken`). AWS "Step Functions history events".
 */
export const TaskEventFamily = {
  Task: 'Task',
  LambdaFunction: 'LambdaFunction',
  Activity: 'Activity',
} as const;
export type TaskEventFamily = (typeof TaskEventFamily)[keyof typeof TaskEventFamily];

/** How the state waits for its result (AWS "Discover service integration patterns"). */
export type IntegrationPattern = 'request-response' | 'sync' | 'callback';

/** Resources are parsed by the one ARN parser (libs/asl/src/arn). */
export function taskEventFamilyOf(resource: string): TaskEventFamily {
  const kind = parseTaskResource(resource).kind;
  if (kind === 'lambda-function') return 'LambdaFunction';
  if (kind === 'activity') return 'Activity';
  return 'Task';
}

export function integrationPatternOf(resource: string): IntegrationPattern {
  const pattern = integrationPatternOfResource(resource);
  if (pattern === 'waitForTaskToken') return 'callback';
  if (pattern === 'sync' || pattern === 'sync:2') return 'sync';
  return 'request-response';
}

const TASK_PHASES = ['Scheduled', 'Started', 'Submitted', 'Succeeded', 'Failed', 'TimedOut'] as const;
export type TaskEventPhase = (typeof TASK_PHASES)[number];

/**
 * Each task event's type and details field by family and phase, and its family by type, made
 * once. Types built per event (`${family}Failed`) were new strings that every Set and Map
 * lookup on the append path hashed again, and a regular expression per event found the family.
 */
const TASK_EVENT_TYPE = {} as Record<TaskEventFamily, Record<TaskEventPhase, ExecutionEventTypeName>>;
const TASK_DETAILS_FIELD = {} as Record<TaskEventFamily, Record<TaskEventPhase, string>>;
const TASK_EVENT_FAMILY = new Map<string, TaskEventFamily>();
for (const family of Object.values(TaskEventFamily)) {
  TASK_EVENT_TYPE[family] = {} as Record<TaskEventPhase, ExecutionEventTypeName>;
  TASK_DETAILS_FIELD[family] = {} as Record<TaskEventPhase, string>;
  for (const phase of TASK_PHASES) {
    const type = `${family}${phase}`;
    TASK_EVENT_TYPE[family][phase] = type as ExecutionEventTypeName;
    TASK_DETAILS_FIELD[family][phase] = `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
    TASK_EVENT_FAMILY.set(type, family);
  }
}

/** `LambdaFunction`, `TimedOut` → `LambdaFunctionTimedOut`. */
export function taskEventType(family: TaskEventFamily, phase: TaskEventPhase): ExecutionEventTypeName {
  return TASK_EVENT_TYPE[family][phase];
}

/** The family of a *Scheduled/*Started/... event type, undefined for other events. */
export function taskEventFamilyOfEvent(type: string): TaskEventFamily | undefined {
  return TASK_EVENT_FAMILY.get(type);
}

/** `LambdaFunctionTimedOut` → `lambdaFunctionTimedOutEventDetails`. */
export function taskDetailsField(family: TaskEventFamily, phase: TaskEventPhase): string {
  return TASK_DETAILS_FIELD[family][phase];
}

/**
 * AWS's default TimeoutSeconds for a Task state: 99999999 s ("Task workflow state": "If not
 * provided, the default value is 99999999").
 */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;
