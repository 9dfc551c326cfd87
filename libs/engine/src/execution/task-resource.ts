import { integrationPatternOfResource, parseTaskResource } from '@stepstone/asl';

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

/**
 * Each task event type's family and details field, made once: a regular expression and two
 * string concatenations per task event were a few per cent of the Retry loop.
 */
const TASK_EVENT_FAMILY = new Map<string, TaskEventFamily>();
const TASK_DETAILS_FIELD = new Map<string, string>();
for (const family of Object.values(TaskEventFamily)) {
  for (const phase of TASK_PHASES) {
    const type = `${family}${phase}`;
    TASK_EVENT_FAMILY.set(type, family);
    TASK_DETAILS_FIELD.set(type, detailsFieldName(type));
  }
}

function detailsFieldName(type: string): string {
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}

/** The family of a *Scheduled/*Started/... event type, undefined for other events. */
export function taskEventFamilyOfEvent(type: string): TaskEventFamily | undefined {
  return TASK_EVENT_FAMILY.get(type);
}

/** `LambdaFunctionTimedOut` → `lambdaFunctionTimedOutEventDetails`. */
export function taskDetailsField(family: TaskEventFamily, phase: string): string {
  const type = `${family}${phase}`;
  return TASK_DETAILS_FIELD.get(type) ?? detailsFieldName(type);
}

/**
 * AWS's default TimeoutSeconds for a Task state: 99999999 s ("Task workflow state": "If not
 * provided, the default value is 99999999").
 */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;
