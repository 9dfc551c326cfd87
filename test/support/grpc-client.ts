import assert from 'node:assert/strict';
import { credentials, loadPackageDefinition, Metadata, type Client, type ClientReadableStream, type ServiceError } from '@grpc/grpc-js';
import { loadSync } from '@grpc/proto-loader';
import type protobuf from 'protobufjs';
import { fromMessage, toMessage } from '../../apps/server/src/grpc/aws-shapes';
import { ERROR_NAME_TRAILER, errorNameFromStatusDetails } from '../../apps/server/src/grpc/grpc-errors';
import { PROTO_FILES, PROTO_LOADER_OPTIONS, loadStepstoneRoot } from '../../apps/server/src/grpc/grpc-protos';

/**
 * A gRPC client of the server built from proto/ (the files any client generates its stubs
 * from), for tests in their own process. `call` sends AWS-shaped JSON and answers AWS-shaped
 * JSON (timestamps as epoch seconds, or Dates with `sdkShapes`); errors come back as
 * `GrpcCallError`s carrying AWS's error name from the status details.
 */
export interface GrpcTestClient {
  call(method: string, request: Record<string, unknown>, options?: { signal?: AbortSignal; sdkShapes?: boolean }): Promise<Record<string, unknown>>;
  /** A server stream, its messages as AWS-shaped JSON. */
  stream(method: string, request: Record<string, unknown>): GrpcStream;
  close(): void;
}

export interface GrpcStream {
  /** Resolves with the next message, or undefined when the stream ended; rejects with a GrpcCallError. */
  next(timeoutMs?: number): Promise<Record<string, unknown> | undefined>;
  cancel(): void;
}

export class GrpcCallError extends Error {
  constructor(
    override readonly name: string,
    message: string,
    /** The gRPC status code. */
    readonly code: number,
    /** The name in the `stepstone-error-name` trailer (the ErrorInfo reason is `name`). */
    readonly trailerName: string | undefined,
  ) {
    super(message);
  }
  /** What the conformance runner checks to tell an API error from a crash (the SDK's marker). */
  readonly $metadata = {};
}

/**
 * The call fails with AWS's error `name` (in the status details and the `stepstone-error-name`
 * trailer) and the gRPC `code` grpc-errors.ts gives that name; answers the error.
 */
export async function expectGrpcError(promise: Promise<unknown>, name: string, code: number): Promise<GrpcCallError> {
  const error = await promise.then(
    () => assert.fail(`expected ${name}, the call succeeded`),
    (failure: unknown) => failure,
  );
  assert.ok(error instanceof GrpcCallError, `not a gRPC error: ${String(error)}`);
  assert.equal(error.name, name, error.message);
  assert.equal(error.trailerName, name);
  assert.equal(error.code, code, `${name}: code ${error.code}`);
  return error;
}

type UnaryRpc = (
  request: Record<string, unknown>,
  metadata: Metadata,
  callback: (error: ServiceError | null, response: Record<string, unknown>) => void,
) => { cancel(): void };
type StreamRpc = (request: Record<string, unknown>, metadata: Metadata) => ClientReadableStream<Record<string, unknown>>;

const SERVICES = ['StateMachines', 'Executions', 'Activities'] as const;

/**
 * `sign`, when given, returns the metadata (headers) for a call to the method path
 * (`/stepstone.v1.Executions/StartExecution`) on `address`: how a test sends SigV4 credentials.
 */
export function grpcTestClient(address: string, sign?: (methodPath: string, authority: string) => Record<string, string>): GrpcTestClient {
  // Repeated fields decode as [] when empty, as the AWS SDK shows empty lists.
  const definition = loadSync([...PROTO_FILES], { ...PROTO_LOADER_OPTIONS, arrays: true });
  const loaded = loadPackageDefinition(definition) as unknown as { stepstone: { v1: Record<string, new (address: string, creds: unknown) => Client> } };
  const root = loadStepstoneRoot();
  const clients = new Map<string, Client>();
  const methods = new Map<string, { client: Client; method: protobuf.Method }>();
  for (const serviceName of SERVICES) {
    const client = new loaded.stepstone.v1[serviceName](address, credentials.createInsecure());
    clients.set(serviceName, client);
    for (const method of root.lookupService(`stepstone.v1.${serviceName}`).methodsArray) {
      method.resolve();
      methods.set(method.name, { client, method });
    }
  }
  const metadataFor = (client: Client, name: string): Metadata => {
    const metadata = new Metadata();
    if (!sign) return metadata;
    const serviceName = [...clients.entries()].find(([, candidate]) => candidate === client)?.[0];
    for (const [key, value] of Object.entries(sign(`/stepstone.v1.${serviceName}/${name}`, address))) metadata.set(key, value);
    return metadata;
  };
  const methodOf = (name: string) => {
    const found = methods.get(name);
    if (!found) throw new Error(`no RPC named ${name} in proto/stepstone/v1`);
    return found;
  };
  const toError = (error: ServiceError): GrpcCallError => {
    const trailer = error.metadata?.get(ERROR_NAME_TRAILER)[0];
    const details = error.metadata?.get('grpc-status-details-bin')[0];
    const name = Buffer.isBuffer(details) ? errorNameFromStatusDetails(root, details) : undefined;
    return new GrpcCallError(name ?? `grpc-${error.code}`, error.details, error.code, typeof trailer === 'string' ? trailer : undefined);
  };

  return {
    call(name, request, options = {}) {
      const { client, method } = methodOf(name);
      const rpc = (client as unknown as Record<string, UnaryRpc>)[name].bind(client);
      const asTimestamp = options.sdkShapes ? (seconds: number) => new Date(Math.round(seconds * 1000)) : undefined;
      return new Promise((resolve, reject) => {
        const call = rpc(toMessage(method.resolvedRequestType!, request), metadataFor(client, name), (error: ServiceError | null, response: Record<string, unknown>) => {
          if (error) reject(options.signal?.aborted ? Object.assign(new Error('aborted'), { name: 'AbortError' }) : toError(error));
          else resolve(fromMessage(method.resolvedResponseType!, response, asTimestamp));
        });
        options.signal?.addEventListener('abort', () => call.cancel(), { once: true });
      });
    },

    stream(name, request) {
      const { client, method } = methodOf(name);
      const call = (client as unknown as Record<string, StreamRpc>)[name].call(client, toMessage(method.resolvedRequestType!, request), metadataFor(client, name));
      const buffered: Array<Record<string, unknown>> = [];
      let ended = false;
      let failure: GrpcCallError | undefined;
      let wake = () => {};
      call.on('data', (message: Record<string, unknown>) => {
        buffered.push(fromMessage(method.resolvedResponseType!, message));
        wake();
      });
      call.on('end', () => {
        ended = true;
        wake();
      });
      call.on('error', (error: ServiceError) => {
        failure = toError(error);
        wake();
      });
      return {
        async next(timeoutMs = 20_000) {
          const deadline = Date.now() + timeoutMs;
          while (buffered.length === 0 && !ended && !failure) {
            const left = deadline - Date.now();
            if (left <= 0) throw new Error(`${name}: no message within ${timeoutMs} ms`);
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, left);
              wake = () => {
                clearTimeout(timer);
                resolve();
              };
            });
          }
          if (buffered.length > 0) return buffered.shift();
          if (failure) throw failure;
          return undefined;
        },
        cancel: () => call.cancel(),
      };
    },

    close() {
      for (const client of clients.values()) client.close();
    },
  };
}

/** Drops empty lists, to compare a gRPC answer with AWS JSON's: proto3 has no absent repeated field, so the client decodes one as []. */
export function withoutEmptyLists(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutEmptyLists);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => !(Array.isArray(item) && item.length === 0))
      .map(([key, item]) => [key, withoutEmptyLists(item)]),
  );
}
