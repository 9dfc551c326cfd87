import type { Arns } from './arns';

/**
 * The resource an action is authorised on, as IAM names it for Step Functions (Service
 * Authorization Reference, "Actions defined by AWS Step Functions"): the state machine,
 * execution, activity or Map Run (DescribeMapRun, UpdateMapRun, ListExecutions by mapRunArn) the request names; the ARN being created for Create*; `*` for actions
 * without a resource (List*, SendTask*, ValidateStateMachineDefinition).
 */
export function iamResourceOf(action: string, request: object, arns: Arns): string {
  const fields = request as Record<string, unknown>;
  const text = (name: string) => (typeof fields[name] === 'string' ? (fields[name] as string) : undefined);
  if (action === 'CreateStateMachine' && text('name') !== undefined) return arns.stateMachine(text('name') as string);
  if (action === 'CreateActivity' && text('name') !== undefined) return arns.activity(text('name') as string);
  if (action === 'ListStateMachines' || action === 'ListActivities') return '*';
  for (const name of ['stateMachineArn', 'executionArn', 'activityArn', 'resourceArn', 'mapRunArn']) {
    const arn = text(name);
    // Step Functions Local's `<arn>#<TestCase>` starts the state machine `<arn>`.
    if (arn !== undefined) return name === 'stateMachineArn' && arn.includes('#') ? arn.slice(0, arn.indexOf('#')) : arn;
  }
  return '*';
}
