import { randomUUID } from 'node:crypto';
import { lambdaFunctionNameOf } from '@stepstone/asl';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { TaskFailure } from '../task-failure';
import { awsServiceFailure, sdkHttpMetadata } from '../aws-services/service-errors';
import { createLocalFunctions, functionErrorPayload, runLocalHandler } from './local-functions';

export interface LambdaConfig {
  /** `STEPSTONE_LAMBDA_ENDPOINT`: any Lambda-compatible endpoint (AWS itself when unset and credentials are set). */
  readonly endpoint?: string;
  /** Whether functions the local module lacks are called through the SDK at all. */
  readonly remote: boolean;
  /** `STEPSTONE_LOCAL_FUNCTIONS`. */
  readonly localFunctionsFile?: string;
  readonly region: string;
  readonly account: string;
}

export interface LambdaInvocation {
  readonly functionName: string;
  readonly payload: unknown;
  readonly invocationType?: string;
  readonly qualifier?: string;
  readonly clientContext?: string;
}

/** What Invoke answered: the payload text, the function error (if any), and the response metadata. */
export interface LambdaResult {
  readonly statusCode: number;
  readonly executedVersion: string;
  readonly payloadText: string;
  readonly functionError?: string;
  readonly requestId: string;
  readonly headers: Record<string, string>;
}

export interface LambdaInvoker {
  invoke(invocation: LambdaInvocation): Promise<LambdaResult>;
}

/** `name`, `name:alias`, `account:function:name` or a full ARN → the bare function name. */
export const functionNameOf = lambdaFunctionNameOf;

/**
 * Invokes functions: a local handler when the local module exports one by that name, otherwise
 * Lambda's Invoke API through @aws-sdk/client-lambda at the configured endpoint. A function
 * that exists nowhere is Lambda.ResourceNotFoundException, with AWS's message.
 */
export function createLambdaInvoker(config: LambdaConfig): LambdaInvoker {
  const local = createLocalFunctions(config.localFunctionsFile);
  let client: LambdaClient | undefined;
  const sdk = () =>
    (client ??= new LambdaClient({
      region: config.region,
      maxAttempts: 1,
      ...(config.endpoint ? { endpoint: config.endpoint } : {}),
    }));

  function notFound(name: string): TaskFailure {
    const requestId = randomUUID();
    return new TaskFailure(
      'Lambda.ResourceNotFoundException',
      `Function not found: arn:aws:lambda:${config.region}:${config.account}:function:${name}:$LATEST (Service: AWSLambda; Status Code: 404; Error Code: ResourceNotFoundException; Request ID: ${requestId}; Proxy: null)`,
    );
  }

  return {
    async invoke(invocation) {
      const name = functionNameOf(invocation.functionName);
      const handler = await local.find(name);
      if (handler) {
        const requestId = randomUUID();
        const base = { statusCode: 200, executedVersion: '$LATEST', requestId, headers: { 'x-amz-executed-version': '$LATEST' } };
        const run = () =>
          runLocalHandler(handler, invocation.payload, {
            functionName: name,
            requestId,
            region: config.region,
            account: config.account,
            ...(invocation.clientContext ? { clientContext: invocation.clientContext } : {}),
          });
        if (invocation.invocationType === 'Event') {
          // Asynchronous invocation: Lambda answers 202 with an empty payload and runs the function on its own.
          void Promise.resolve()
            .then(run)
            .catch(() => undefined);
          return { ...base, statusCode: 202, payloadText: '' };
        }
        try {
          const result = await run();
          return { ...base, payloadText: JSON.stringify(result ?? null) };
        } catch (error) {
          return { ...base, payloadText: functionErrorPayload(error), functionError: 'Unhandled' };
        }
      }
      if (!config.remote) throw notFound(name);
      try {
        const response = await sdk().send(
          new InvokeCommand({
            FunctionName: invocation.functionName,
            Payload: Buffer.from(JSON.stringify(invocation.payload ?? null), 'utf8'),
            ...(invocation.invocationType ? { InvocationType: invocation.invocationType as 'RequestResponse' } : {}),
            ...(invocation.qualifier ? { Qualifier: invocation.qualifier } : {}),
            ...(invocation.clientContext ? { ClientContext: invocation.clientContext } : {}),
          }),
        );
        const metadata = response.$metadata;
        return {
          statusCode: response.StatusCode ?? metadata.httpStatusCode ?? 200,
          executedVersion: response.ExecutedVersion ?? '$LATEST',
          payloadText: response.Payload && response.Payload.length > 0 ? Buffer.from(response.Payload).toString('utf8') : '',
          ...(response.FunctionError ? { functionError: response.FunctionError } : {}),
          requestId: metadata.requestId ?? randomUUID(),
          headers: {},
        };
      } catch (error) {
        throw awsServiceFailure('lambda', error, 'optimized');
      }
    },
  };
}

/** `arn:aws:states:::lambda:invoke`'s result, shaped as AWS returns it (Payload parsed). */
export function lambdaInvokeOutput(result: LambdaResult): Record<string, unknown> {
  return {
    ExecutedVersion: result.executedVersion,
    // An asynchronous (Event) invocation has no result: AWS shows an empty Payload.
    Payload: result.statusCode === 202 && result.payloadText === '' ? '' : parsePayload(result.payloadText),
    SdkHttpMetadata: sdkHttpMetadata(result.requestId, result.statusCode, { 'X-Amz-Executed-Version': result.executedVersion, ...result.headers }),
    SdkResponseMetadata: { RequestId: result.requestId },
    StatusCode: result.statusCode,
  };
}

/** A function's result as JSON; a payload that is not JSON is kept as a string. */
export function parsePayload(text: string): unknown {
  if (text === '') return null;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A function error: its `errorType` is the error a Catch matches, the payload its cause. */
export function functionFailure(result: LambdaResult): TaskFailure {
  const payload = parsePayload(result.payloadText) as { errorType?: unknown } | null;
  const errorType = payload && typeof payload === 'object' && typeof payload.errorType === 'string' ? payload.errorType : 'Lambda.Unknown';
  return new TaskFailure(errorType, result.payloadText);
}
