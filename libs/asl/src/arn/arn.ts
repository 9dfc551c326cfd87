/**
 * The one ARN parser. Every ARN the engine, the integrations, the validator and the server read
 * goes through here: `arn:<partition>:<service>:<region>:<account>:<resource>` (AWS General
 * Reference, "Amazon Resource Names"), and a Task `Resource`'s meaning (Step Functions guide,
 * "Integrating services").
 */

export interface Arn {
  readonly partition: string;
  readonly service: string;
  readonly region: string;
  readonly account: string;
  /** Everything after the fifth `:`, itself `:`-separated (`stateMachine:name`, `function:f:alias`). */
  readonly resource: string;
}

/** Splits an ARN into its fields; undefined when it has fewer than six or no `arn` prefix. */
export function parseArn(arn: string): Arn | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn') return undefined;
  return { partition: parts[1], service: parts[2], region: parts[3], account: parts[4], resource: parts.slice(5).join(':') };
}

/**
 * The `index`-th `:`-separated field of `arn` (0 is `arn`, 6 a state machine's name) without
 * splitting the whole text: `$$.StateMachine.Name` reads it for every context object. The
 * last field runs to the end; `fallback` when the ARN has too few fields.
 */
export function arnField(arn: string, index: number, fallback = arn): string {
  let start = 0;
  for (let field = 0; field < index; field++) {
    const colon = arn.indexOf(':', start);
    if (colon < 0) return fallback;
    start = colon + 1;
  }
  const end = arn.indexOf(':', start);
  return end < 0 ? arn.slice(start) : arn.slice(start, end);
}

/**
 * A Step Functions ARN (`arn:<p>:states:<region>:<account>:<type>:<name>[:<more>]`) as its
 * `:`-separated fields, or undefined when it is not one: a partition, a region and a 12-digit
 * account are required.
 */
export function splitStatesArn(arn: string): string[] | undefined {
  const parts = arn.split(':');
  if (parts.length < 6 || parts[0] !== 'arn' || parts[1] === '' || parts[2] !== 'states' || parts[3] === '' || !/^\d{12}$/.test(parts[4])) return undefined;
  return parts;
}

/** An execution ARN (`execution:` or EXPRESS's `express:`) with its machine and execution names. */
export function isExecutionArn(arn: string): boolean {
  return /^arn:[^:]+:states:[^:]*:[^:]*:(execution|express):[^:]+:[^:]+$/.test(arn);
}

/** How a Task waits for its result (AWS "Discover service integration patterns"). */
export const IntegrationPattern = {
  RequestResponse: 'request-response',
  Sync: 'sync',
  Sync2: 'sync:2',
  WaitForTaskToken: 'waitForTaskToken',
} as const;
export type IntegrationPattern = (typeof IntegrationPattern)[keyof typeof IntegrationPattern];

/**
 * What a Task's `Resource` names: an activity, a Lambda function ARN (with its optional
 * qualifier), an optimized integration `arn:<p>:states:::<service>:<action>` or an SDK
 * integration `arn:<p>:states:::aws-sdk:<service>:<action>`, each with its pattern suffix.
 */
export type TaskResource =
  | { readonly kind: 'activity'; readonly activityArn: string }
  | { readonly kind: 'lambda-function'; readonly functionArn: string; readonly functionName: string }
  | { readonly kind: 'integration'; readonly service: string; readonly action: string; readonly pattern: IntegrationPattern }
  | { readonly kind: 'aws-sdk'; readonly service: string; readonly action: string; readonly pattern: IntegrationPattern }
  | { readonly kind: 'unknown'; readonly resource: string };

const ACTIVITY = /^arn:[^:]+:states:[^:]*:[^:]*:activity:[^:]+$/;
const LAMBDA_FUNCTION = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)(:[^:]+)?$/;
const INTEGRATION = /^arn:[^:]+:states:::(.+)$/;
const SUFFIX = /\.(sync:2|sync|waitForTaskToken)$/;

/** Resources come from definitions, parsed once per text (bounded: a full cache starts over). */
const parsedResources = new Map<string, TaskResource>();
const MAX_PARSED_RESOURCES = 4_096;

export function parseTaskResource(resource: string): TaskResource {
  let parsed = parsedResources.get(resource);
  if (parsed) return parsed;
  parsed = Object.freeze(parseUncached(resource));
  if (parsedResources.size >= MAX_PARSED_RESOURCES) parsedResources.clear();
  parsedResources.set(resource, parsed);
  return parsed;
}

function parseUncached(resource: string): TaskResource {
  if (ACTIVITY.test(resource)) return { kind: 'activity', activityArn: resource };
  const lambda = LAMBDA_FUNCTION.exec(resource);
  if (lambda) return { kind: 'lambda-function', functionArn: resource, functionName: lambda[1] };
  const match = INTEGRATION.exec(resource);
  if (!match) return { kind: 'unknown', resource };
  const suffix = SUFFIX.exec(match[1]);
  const pattern: IntegrationPattern = suffix ? (suffix[1] as IntegrationPattern) : IntegrationPattern.RequestResponse;
  const target = suffix ? match[1].slice(0, suffix.index) : match[1];
  const parts = target.split(':');
  if (parts[0] === 'aws-sdk' && parts.length === 3 && parts[1] && parts[2]) return { kind: 'aws-sdk', service: parts[1], action: parts[2], pattern };
  if (parts.length === 2 && parts[0] && parts[1]) return { kind: 'integration', service: parts[0], action: parts[1], pattern };
  return { kind: 'unknown', resource };
}

/** An integration target without its pattern suffix: `sqs:sendMessage.waitForTaskToken` → `sqs:sendMessage`. */
export function stripPatternSuffix(target: string): string {
  return target.replace(SUFFIX, '');
}

/** The pattern of a resource given as text: `.waitForTaskToken`, `.sync`/`.sync:2`, or request-response. */
export function integrationPatternOfResource(resource: string): IntegrationPattern {
  const parsed = parseTaskResource(resource);
  if (parsed.kind === 'integration' || parsed.kind === 'aws-sdk') return parsed.pattern;
  // An unparsable integration still waits as its suffix says (AWS validates the rest at creation).
  return (SUFFIX.exec(resource)?.[1] as IntegrationPattern | undefined) ?? IntegrationPattern.RequestResponse;
}

/**
 * `resourceType` and `resource` as TaskScheduled and every later Task* event report an
 * integration: `arn:aws:states:::lambda:invoke` → lambda / invoke,
 * `arn:aws:states:::aws-sdk:s3:getObject` → aws-sdk:s3 / getObject.
 */
export function describeTaskResource(resource: string): { readonly resourceType: string; readonly resource: string } {
  const fields = parseArn(resource);
  const rest = fields?.resource ?? '';
  const colon = rest.indexOf(':');
  if (!fields || fields.partition === '' || fields.service !== 'states' || colon <= 0 || colon === rest.length - 1) return { resourceType: 'unknown', resource };
  const type = rest.slice(0, colon);
  const name = rest.slice(colon + 1);
  if (type === 'aws-sdk') {
    const service = name.split(':', 1)[0];
    return { resourceType: `aws-sdk:${service}`, resource: name.slice(service.length + 1) };
  }
  return { resourceType: type, resource: name };
}

/** The Lambda function a reference names: `name`, `name:alias`, `account:function:name` or a full ARN. */
export function lambdaFunctionNameOf(reference: string): string {
  const arn = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(reference);
  if (arn) return arn[1];
  const partial = /^\d{12}:function:([^:]+)/.exec(reference);
  if (partial) return partial[1];
  return reference.split(':')[0];
}
