/**
 * What a Task's `Resource` names, parsed once (Step Functions guide, "Integrating services"):
 * an activity, a Lambda function ARN, an optimized integration `arn:<p>:states:::<service>:<action>`
 * or an SDK integration `arn:<p>:states:::aws-sdk:<service>:<action>`, each with its pattern
 * suffix (request-response, `.sync`, `.sync:2`, `.waitForTaskToken`).
 */
export const IntegrationPattern = {
  RequestResponse: 'request-response',
  Sync: 'sync',
  Sync2: 'sync:2',
  WaitForTaskToken: 'waitForTaskToken',
} as const;
export type IntegrationPattern = (typeof IntegrationPattern)[keyof typeof IntegrationPattern];

export type TaskResource =
  | { readonly kind: 'activity'; readonly activityArn: string }
  | { readonly kind: 'lambda-function'; readonly functionArn: string }
  | { readonly kind: 'integration'; readonly service: string; readonly action: string; readonly pattern: IntegrationPattern }
  | { readonly kind: 'aws-sdk'; readonly service: string; readonly action: string; readonly pattern: IntegrationPattern }
  | { readonly kind: 'unknown'; readonly resource: string };

const ACTIVITY = /^arn:[^:]+:states:[^:]*:[^:]*:activity:[^:]+$/;
const LAMBDA_FUNCTION = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/;
const INTEGRATION = /^arn:[^:]+:states:::(.+)$/;
const SUFFIX = /\.(sync:2|sync|waitForTaskToken)$/;

export function parseTaskResource(resource: string): TaskResource {
  if (ACTIVITY.test(resource)) return { kind: 'activity', activityArn: resource };
  if (LAMBDA_FUNCTION.test(resource)) return { kind: 'lambda-function', functionArn: resource };
  const match = INTEGRATION.exec(resource);
  if (!match) return { kind: 'unknown', resource };
  const suffix = SUFFIX.exec(match[1]);
  const pattern: IntegrationPattern = suffix ? (suffix[1] as IntegrationPattern) : IntegrationPattern.RequestResponse;
  const target = suffix ? match[1].slice(0, suffix.index) : match[1];
  const parts = target.split(':');
  if (parts[0] === 'aws-sdk' && parts.length === 3 && parts[1] && parts[2]) {
    return { kind: 'aws-sdk', service: parts[1], action: parts[2], pattern };
  }
  if (parts.length === 2 && parts[0] && parts[1]) return { kind: 'integration', service: parts[0], action: parts[1], pattern };
  return { kind: 'unknown', resource };
}
