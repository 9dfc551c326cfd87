import { sdkHttpMetadata } from '../aws-services/service-errors';

/**
 * Shapes shared by the job integrations. ASL writes every parameter in PascalCase and AWS shows
 * results in PascalCase with dates as epoch milliseconds (the Java SDK's JSON), while Batch and
 * ECS name their members in camelCase. Map-typed members (Batch `parameters`/`tags`, Glue
 * `Arguments`) hold user keys, which are never renamed.
 */
const lowerFirst = (key: string) => key.charAt(0).toLowerCase() + key.slice(1);
const upperFirst = (key: string) => key.charAt(0).toUpperCase() + key.slice(1);

function renameKeys(value: unknown, rename: (key: string) => string, keepKeysOf: ReadonlySet<string>): unknown {
  if (Array.isArray(value)) return value.map((item) => renameKeys(item, rename, keepKeysOf));
  if (value instanceof Date || value instanceof Uint8Array) return value;
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => {
        const renamed = rename(key);
        // A map's own keys stay as the user wrote them; its values are plain strings here.
        const keep = keepKeysOf.has(lowerFirst(key));
        return [renamed, keep ? item : renameKeys(item, rename, keepKeysOf)];
      }),
    );
  }
  return value;
}

/** ASL's PascalCase parameters as a camelCase API's input (Batch, ECS). */
export function camelCaseInput(parameters: Record<string, unknown>, keepKeysOf: ReadonlySet<string>): Record<string, unknown> {
  return renameKeys(parameters, lowerFirst, keepKeysOf) as Record<string, unknown>;
}

/** An SDK output as AWS shows it in a Task result: PascalCase keys, dates as epoch milliseconds. */
export function awsJson(value: unknown, keepKeysOf: ReadonlySet<string> = new Set()): unknown {
  return toJson(renameKeys(value, upperFirst, keepKeysOf));
}

function toJson(value: unknown): unknown {
  if (value instanceof Date) return value.getTime();
  if (value instanceof Uint8Array) return Buffer.from(value).toString('utf8');
  if (Array.isArray(value)) return value.map(toJson);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).filter(([, item]) => item !== undefined).map(([key, item]) => [key, toJson(item)]));
  }
  return value;
}

export interface SdkOutput {
  readonly $metadata?: { readonly requestId?: string; readonly httpStatusCode?: number };
  readonly [member: string]: unknown;
}

/** The SDK output without `$metadata`. */
export function withoutMetadata(output: SdkOutput): Record<string, unknown> {
  const { $metadata: _metadata, ...rest } = output;
  return rest;
}

/**
 * A start call's result as an optimized integration returns it: the response plus the Java SDK's
 * `SdkHttpMetadata`/`SdkResponseMetadata` (recorded for ecs:runTask, the same for every service).
 */
export function startResult(output: SdkOutput, body: Record<string, unknown>, contentType: string): Record<string, unknown> {
  const requestId = output.$metadata?.requestId ?? '';
  return {
    ...body,
    SdkHttpMetadata: sdkHttpMetadata(requestId, output.$metadata?.httpStatusCode ?? 200, { 'Content-Type': contentType }),
    SdkResponseMetadata: { RequestId: requestId },
  };
}

export function stringField(record: Record<string, unknown>, field: string): string | undefined {
  const value = record[field];
  return typeof value === 'string' ? value : undefined;
}
