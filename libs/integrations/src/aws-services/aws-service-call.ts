import { TaskFailure } from '../task-failure';
import { awsServiceFailure, sdkHttpMetadata } from './service-errors';

/**
 * Where SDK clients point: `STEPSTONE_ENDPOINT_<SERVICE>` (the ASL service name, e.g. SQS,
 * DYNAMODB, EVENTS, or the SDK package's, e.g. EVENTBRIDGE), else `STEPSTONE_AWS_ENDPOINT`, else AWS.
 */
export interface AwsEndpoints {
  readonly region: string;
  endpointFor(service: string, packageSuffix?: string): string | undefined;
  /** Fixed credentials for a service (Stepstone's own API needs none, but the SDK signs). */
  credentialsFor?(service: string): { accessKeyId: string; secretAccessKey: string } | undefined;
}

export function awsEndpointsFromEnv(env: NodeJS.ProcessEnv, region: string): AwsEndpoints {
  const variable = (name: string) => env[`STEPSTONE_ENDPOINT_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`];
  return {
    region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION ?? region,
    endpointFor: (service, packageSuffix) => variable(service) ?? (packageSuffix ? variable(packageSuffix) : undefined) ?? env.STEPSTONE_AWS_ENDPOINT,
  };
}

/** npm package names that differ from the ASL service name. */
const PACKAGE_NAMES: Readonly<Record<string, string>> = {
  secretsmanager: 'secrets-manager',
  apigateway: 'api-gateway',
  stepfunctions: 'sfn',
  cloudwatchlogs: 'cloudwatch-logs',
};

/**
 * Services whose API members are lowerCamel (`stateMachineArn`): ASL writes every aws-sdk
 * parameter in PascalCase and shows results in PascalCase, so keys are renamed both ways.
 */
const CAMEL_CASE_MEMBERS = new Set(['sfn']);

const lowerFirst = (key: string) => key.charAt(0).toLowerCase() + key.slice(1);
const upperFirst = (key: string) => key.charAt(0).toUpperCase() + key.slice(1);

function renameKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, rename));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [rename(key), renameKeys(item, rename)]));
  }
  return value;
}

/**
 * What an `aws-sdk:<service>` name may be: AWS's service ids are lowercase words joined by
 * single hyphens. Anything else (`..`, `/`, an absolute path) would make the `@aws-sdk/client-`
 * import a path to any module on the disk, so it is refused before any import.
 */
const SDK_SERVICE_NAME = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/** The optimized integrations and the SDK package serving each. */
const OPTIMIZED_PACKAGES: Readonly<Record<string, string>> = {
  sns: 'sns',
  sqs: 'sqs',
  dynamodb: 'dynamodb',
  events: 'eventbridge',
};

interface LoadedClient {
  readonly clientName: string;
  send(action: string, input: Record<string, unknown>): Promise<Record<string, unknown>>;
}

/**
 * Calls AWS services through the installed SDK v3 clients, loaded on first use: the optimized
 * integrations (SNS publish, SQS sendMessage, DynamoDB items, EventBridge putEvents) with AWS's
 * result shapes, and `aws-sdk:<service>:<action>` for any service whose client is installed.
 */
export function createAwsServiceCaller(endpoints: AwsEndpoints) {
  const clients = new Map<string, Promise<LoadedClient>>();

  function load(packageSuffix: string, service: string): Promise<LoadedClient> {
    const key = `${packageSuffix}|${service}`;
    let loaded = clients.get(key);
    if (!loaded) {
      loaded = loadClient(packageSuffix, endpoints.region, endpoints.endpointFor(service, packageSuffix), endpoints.credentialsFor?.(service));
      clients.set(key, loaded);
      loaded.catch(() => clients.delete(key));
    }
    return loaded;
  }

  return {
    /** An optimized integration (`arn:aws:states:::sqs:sendMessage`…). */
    async callOptimized(service: string, action: string, parameters: Record<string, unknown>): Promise<unknown> {
      const packageSuffix = OPTIMIZED_PACKAGES[service];
      if (!packageSuffix) throw new TaskFailure('States.TaskFailed', `The service integration '${service}:${action}' is not supported by Stepstone`);
      const client = await load(packageSuffix, service);
      let response: Record<string, unknown>;
      try {
        response = await client.send(action, serializeImplicitJson(service, parameters));
      } catch (error) {
        throw awsServiceFailure(service, error, 'optimized');
      }
      const { $metadata, ...output } = response as { $metadata?: { requestId?: string; httpStatusCode?: number } } & Record<string, unknown>;
      if (service === 'events') {
        // PutEvents answers 200 with per-entry failures; AWS fails the task on any.
        if (typeof output.FailedEntryCount === 'number' && output.FailedEntryCount > 0) {
          throw new TaskFailure('EventBridge.FailedEntry', JSON.stringify(output));
        }
        return output;
      }
      const requestId = $metadata?.requestId ?? '';
      return { ...output, SdkHttpMetadata: sdkHttpMetadata(requestId, $metadata?.httpStatusCode ?? 200), SdkResponseMetadata: { RequestId: requestId } };
    },

    /**
     * One raw SDK call for an optimized integration that shapes its own result (the `.sync` job
     * integrations): the SDK's output with `$metadata`; errors named as optimized integrations name them.
     */
    async send(service: string, packageSuffix: string, action: string, input: Record<string, unknown>): Promise<Record<string, unknown>> {
      const client = await load(packageSuffix, service);
      try {
        return await client.send(action, input);
      } catch (error) {
        throw awsServiceFailure(service, error, 'optimized');
      }
    },

    /** `arn:aws:states:::aws-sdk:<service>:<action>`: the SDK's response without `$metadata`. */
    async callSdk(service: string, action: string, parameters: Record<string, unknown>): Promise<unknown> {
      if (!SDK_SERVICE_NAME.test(service)) {
        throw new TaskFailure('States.TaskFailed', `'${service}' is not a known AWS service name (lowercase letters, digits and single hyphens)`);
      }
      const client = await load(PACKAGE_NAMES[service] ?? service, service);
      const camel = CAMEL_CASE_MEMBERS.has(service);
      try {
        const { $metadata: _metadata, ...output } = await client.send(action, camel ? (renameKeys(parameters, lowerFirst) as Record<string, unknown>) : parameters);
        return camel ? renameKeys(toJson(output), upperFirst) : toJson(output);
      } catch (error) {
        throw awsServiceFailure(service, error, 'aws-sdk', client.clientName);
      }
    },
  };
}

async function loadClient(
  packageSuffix: string,
  region: string,
  endpoint: string | undefined,
  credentials: { accessKeyId: string; secretAccessKey: string } | undefined,
): Promise<LoadedClient> {
  const packageName = `@aws-sdk/client-${packageSuffix}`;
  let module: Record<string, unknown>;
  try {
    module = (await import(packageName)) as Record<string, unknown>;
  } catch {
    throw new TaskFailure('States.TaskFailed', `The AWS SDK client '${packageName}' is not installed; install it next to Stepstone to use this integration`);
  }
  const clientName = Object.keys(module).find((name) => name.endsWith('Client') && typeof module[name] === 'function' && !name.startsWith('_'));
  if (!clientName) throw new TaskFailure('States.TaskFailed', `'${packageName}' exports no client class`);
  const Client = module[clientName] as new (config: Record<string, unknown>) => { send(command: unknown): Promise<Record<string, unknown>> };
  const client = new Client({ region, maxAttempts: 1, ...(endpoint ? { endpoint } : {}), ...(credentials ? { credentials } : {}) });
  return {
    clientName: clientName.slice(0, -'Client'.length),
    async send(action, input) {
      const commandName = `${action.charAt(0).toUpperCase()}${action.slice(1)}Command`;
      const Command = module[commandName] as (new (input: unknown) => unknown) | undefined;
      if (typeof Command !== 'function') {
        throw new TaskFailure('States.TaskFailed', `${packageName} has no action '${action}' (no ${commandName})`);
      }
      return client.send(new Command(input));
    },
  };
}

/**
 * SQS MessageBody and SNS Message given as JSON values are sent as their JSON text, as AWS's
 * optimized integrations do.
 */
function serializeImplicitJson(service: string, parameters: Record<string, unknown>): Record<string, unknown> {
  const field = service === 'sqs' ? 'MessageBody' : service === 'sns' ? 'Message' : undefined;
  if (!field || parameters[field] === undefined || typeof parameters[field] === 'string') return parameters;
  return { ...parameters, [field]: JSON.stringify(parameters[field]) };
}

/** SDK values that are not JSON (bytes, dates) as JSON. */
function toJson(value: unknown): unknown {
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined).map(([k, v]) => [k, toJson(v)]));
  }
  return value;
}
