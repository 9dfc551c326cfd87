import { randomUUID } from 'node:crypto';
import { TaskFailure } from '../task-failure';

/**
 * How an AWS SDK error surfaces in a Task, as AWS names it (Step Functions guide, "Handling
 * errors in service integrations", and the corpus under ../shared/conformance/integration):
 *
 * - optimized integrations: `<Prefix>.<Exception>` with the Java SDK v1 wording of the cause,
 *   e.g. `SNS.NotFoundException`, `DynamoDB.ResourceNotFoundException`; an error code the SDK
 *   does not model becomes the service's base exception (`DynamoDB.AmazonDynamoDBException`);
 *   a request that never got an answer is `<Prefix>.SdkClientException`.
 * - `aws-sdk:` integrations: `<Service>.<Exception>` with the service in PascalCase as the Java
 *   SDK v2 spells it (`DynamoDb`, `S3`, `Sfn`, `SecretsManager`); unmodeled codes become
 *   `<Service>.<Service>Exception`.
 */
const OPTIMIZED: Readonly<Record<string, { prefix: string; serviceName: string; baseException: string }>> = {
  lambda: { prefix: 'Lambda', serviceName: 'AWSLambda', baseException: 'AWSLambdaException' },
  sns: { prefix: 'SNS', serviceName: 'AmazonSNS', baseException: 'AmazonSNSException' },
  sqs: { prefix: 'SQS', serviceName: 'AmazonSQS', baseException: 'AmazonSQSException' },
  dynamodb: { prefix: 'DynamoDB', serviceName: 'AmazonDynamoDBv2', baseException: 'AmazonDynamoDBException' },
  events: { prefix: 'EventBridge', serviceName: 'AmazonEventBridge', baseException: 'AmazonEventBridgeException' },
  states: { prefix: 'StepFunctions', serviceName: 'AWSStepFunctions', baseException: 'AWSStepFunctionsException' },
  batch: { prefix: 'Batch', serviceName: 'AWSBatch', baseException: 'AWSBatchException' },
  ecs: { prefix: 'ECS', serviceName: 'AmazonECS', baseException: 'AmazonECSException' },
  glue: { prefix: 'Glue', serviceName: 'AWSGlue', baseException: 'AWSGlueException' },
  sagemaker: { prefix: 'SageMaker', serviceName: 'AmazonSageMaker', baseException: 'AmazonSageMakerException' },
};

interface SdkError {
  readonly name?: string;
  /** The wire error code (query protocols and awsQueryCompatible services), e.g. `NotFound`. */
  readonly Code?: string;
  readonly message?: string;
  readonly $fault?: string;
  readonly $metadata?: { readonly httpStatusCode?: number; readonly requestId?: string };
  readonly constructor?: { readonly name?: string };
}

/** The SDK's error class is its service's base class when the error code is not modeled. */
function isUnmodeled(error: SdkError): boolean {
  const className = error.constructor?.name ?? '';
  return className.endsWith('ServiceException');
}

function exceptionName(code: string): string {
  return code.endsWith('Exception') ? code : `${code}Exception`;
}

/** `DynamoDB` → `DynamoDb`, `SFN` → `Sfn`, `S3` → `S3`: the Java SDK v2's service names. */
export function javaV2ServiceName(clientName: string): string {
  return clientName.replace(/([A-Z])([A-Z0-9]+)(?=[A-Z][a-z]|$)/g, (_all, first: string, rest: string) => first + rest.toLowerCase());
}

export function awsServiceFailure(service: string, thrown: unknown, flavour: 'optimized' | 'aws-sdk', clientName?: string): TaskFailure {
  if (thrown instanceof TaskFailure) return thrown;
  const error = (thrown ?? {}) as SdkError;
  const status = error.$metadata?.httpStatusCode;
  const requestId = error.$metadata?.requestId ?? randomUUID();
  const message = error.message ?? String(thrown);
  if (flavour === 'optimized') {
    const known = OPTIMIZED[service] ?? { prefix: service, serviceName: service, baseException: `${service}Exception` };
    if (status === undefined) return new TaskFailure(`${known.prefix}.SdkClientException`, `Unable to execute HTTP request: ${message}`);
    const name = isUnmodeled(error) ? known.baseException : exceptionName(error.name ?? 'Unknown');
    const code = error.Code ?? error.name ?? 'Unknown';
    return new TaskFailure(
      `${known.prefix}.${name}`,
      `${message} (Service: ${known.serviceName}; Status Code: ${status}; Error Code: ${code}; Request ID: ${requestId}; Proxy: null)`,
    );
  }
  const serviceName = javaV2ServiceName(clientName ?? service);
  if (status === undefined) return new TaskFailure(`${serviceName}.SdkClientException`, `Unable to execute HTTP request: ${message}`);
  const name = isUnmodeled(error) ? `${serviceName}Exception` : exceptionName(error.name ?? 'Unknown');
  return new TaskFailure(`${serviceName}.${name}`, `${message} (Service: ${serviceName}, Status Code: ${status}, Request ID: ${requestId})`);
}

/** The `SdkHttpMetadata` block optimized integrations add to a result (the Java SDK's response metadata). */
export function sdkHttpMetadata(requestId: string, statusCode: number, headers: Record<string, string> = {}): Record<string, unknown> {
  const all: Record<string, string> = { 'Content-Type': 'application/x-amz-json-1.0', 'x-amzn-RequestId': requestId, ...headers };
  return {
    AllHttpHeaders: Object.fromEntries(Object.entries(all).map(([key, value]) => [key, [value]])),
    HttpHeaders: all,
    HttpStatusCode: statusCode,
  };
}
