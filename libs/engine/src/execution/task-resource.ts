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

/** The family of a *Scheduled/*Started/... event type, undefined for other events. */
export function taskEventFamilyOfEvent(type: string): TaskEventFamily | undefined {
  const match = /^(Task|LambdaFunction|Activity)(Scheduled|Started|Submitted|Succeeded|Failed|TimedOut)$/.exec(type);
  return match ? (match[1] as TaskEventFamily) : undefined;
}

/** `LambdaFunctionTimedOut` → `lambdaFunctionTimedOutEventDetails`. */
export function taskDetailsField(family: TaskEventFamily, phase: string): string {
  const type = `${family}${phase}`;
  return `${type.charAt(0).toLowerCase()}${type.slice(1)}EventDetails`;
}

/**
 * AWS's default TimeoutSeconds for a Task state: 99999999 s ("Task workflow state": "If not
 * provided, the default value is 99999999").
 */
export const DEFAULT_TASK_TIMEOUT_SECONDS = 99_999_999;
