import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The context a Node.js Lambda handler receives (Lambda Developer Guide, "Using the Lambda
 * context object to retrieve Node.js function information"), with the legacy
 * `succeed`/`fail`/`done` methods older handlers still call.
 */
export interface LambdaContext {
  readonly functionName: string;
  readonly functionVersion: string;
  readonly invokedFunctionArn: string;
  readonly memoryLimitInMB: string;
  readonly awsRequestId: string;
  readonly logGroupName: string;
  readonly logStreamName: string;
  readonly identity?: undefined;
  readonly clientContext?: unknown;
  callbackWaitsForEmptyEventLoop: boolean;
  getRemainingTimeInMillis(): number;
  succeed(result?: unknown): void;
  fail(error: unknown): void;
  done(error?: unknown, result?: unknown): void;
}

export type LambdaCallback = (error?: unknown, result?: unknown) => void;

/** A local handler, written as for Lambda's Node.js runtime: `async (event, context)` or `(event, context, callback)`. */
export type LocalHandler = (event: unknown, context: LambdaContext, callback: LambdaCallback) => unknown;

/**
 * Local functions are not cut off: `getRemainingTimeInMillis` counts down from Lambda's
 * largest timeout (15 minutes) so handlers that pace themselves by it behave as on Lambda.
 */
export const LOCAL_FUNCTION_TIMEOUT_MS = 15 * 60 * 1000;

export interface LocalFunctions {
  find(name: string): Promise<LocalHandler | undefined>;
  /** The exported handler names (for the start-up log); loads the module. */
  names(): Promise<string[]>;
}

/**
 * Imports the functions module. A TypeScript one goes through tsx's `tsImport`, whatever runs
 * the server: the runtime bundle (dist/stepstone.cjs) has no TypeScript loader of its own.
 */
async function importModule(absolute: string): Promise<Record<string, unknown>> {
  const url = pathToFileURL(absolute).href;
  if (/\.[cm]?ts$/.test(absolute)) {
    const { tsImport } = await import('tsx/esm/api');
    return (await tsImport(url, pathToFileURL(__filename).href)) as Record<string, unknown>;
  }
  return (await import(url)) as Record<string, unknown>;
}

/**
 * Loads `STEPSTONE_LOCAL_FUNCTIONS` (a .js/.ts module exporting `{ [functionName]: handler }`,
 * as named exports or one default object). Loaded once, lazily, on the first call.
 */
export function createLocalFunctions(file: string | undefined): LocalFunctions {
  let loaded: Promise<Record<string, unknown>> | undefined;
  const load = () => {
    if (!file) return Promise.resolve({});
    const absolute = path.resolve(file);
    if (!existsSync(absolute)) return Promise.reject(new Error(`STEPSTONE_LOCAL_FUNCTIONS: no such file '${absolute}'`));
    return importModule(absolute).then((module: Record<string, unknown>) => {
      const fallback = module.default;
      return fallback !== null && typeof fallback === 'object' ? { ...(fallback as Record<string, unknown>), ...module } : module;
    });
  };
  return {
    async find(name) {
      loaded ??= load();
      const handler = (await loaded)[name];
      return typeof handler === 'function' ? (handler as LocalHandler) : undefined;
    },
    async names() {
      loaded ??= load();
      return Object.entries(await loaded)
        .filter(([, value]) => typeof value === 'function')
        .map(([name]) => name)
        .sort();
    },
  };
}

export interface LocalInvocation {
  readonly functionName: string;
  readonly requestId: string;
  readonly region: string;
  readonly account: string;
  /** Base64 JSON, as Invoke's ClientContext carries it. */
  readonly clientContext?: string;
  readonly now?: () => number;
}

/**
 * Runs a handler as Lambda's Node.js runtime does: an async handler's promise gives the result;
 * a handler declared with a third parameter answers through the callback (or `context.done`,
 * `succeed`, `fail`), whichever comes first; a plain function's return value is its result.
 */
export function runLocalHandler(handler: LocalHandler, event: unknown, invocation: LocalInvocation): Promise<unknown> {
  const now = invocation.now ?? Date.now;
  const deadline = now() + LOCAL_FUNCTION_TIMEOUT_MS;
  return new Promise<unknown>((resolve, reject) => {
    let settled = false;
    const finish: LambdaCallback = (error, result) => {
      if (settled) return;
      settled = true;
      if (error !== undefined && error !== null) reject(error);
      else resolve(result);
    };
    const context: LambdaContext = {
      functionName: invocation.functionName,
      functionVersion: '$LATEST',
      invokedFunctionArn: `arn:aws:lambda:${invocation.region}:${invocation.account}:function:${invocation.functionName}`,
      memoryLimitInMB: '128',
      awsRequestId: invocation.requestId,
      logGroupName: `/aws/lambda/${invocation.functionName}`,
      logStreamName: `local/[$LATEST]${invocation.requestId.replace(/-/g, '')}`,
      ...(invocation.clientContext ? { clientContext: decodeClientContext(invocation.clientContext) } : {}),
      callbackWaitsForEmptyEventLoop: true,
      getRemainingTimeInMillis: () => Math.max(0, deadline - now()),
      succeed: (result) => finish(null, result),
      fail: (error) => finish(error ?? new Error('handled')),
      done: (error, result) => finish(error, result),
    };
    let returned: unknown;
    try {
      returned = handler(event, context, finish);
    } catch (error) {
      finish(error);
      return;
    }
    if (isThenable(returned)) {
      returned.then((result) => finish(null, result), (error: unknown) => finish(error ?? new Error('Promise rejected')));
    } else if (handler.length < 3) {
      finish(null, returned);
    }
  });
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return value !== null && (typeof value === 'object' || typeof value === 'function') && typeof (value as { then?: unknown }).then === 'function';
}

function decodeClientContext(base64: string): unknown {
  try {
    return JSON.parse(Buffer.from(base64, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
}

/**
 * The error type Lambda's Node.js runtime reports for a thrown value: the error's `name`, or its
 * class name when `name` was left as the generic 'Error' (`class CustomError extends Error {}`).
 */
export function errorTypeOf(error: unknown): string {
  if (error instanceof Error) {
    const className = error.constructor?.name;
    if (error.name === 'Error' && className && className !== 'Error') return className;
    return error.name || 'Error';
  }
  return typeof error === 'string' ? 'string' : 'Error';
}

/** Stepstone's own code and Node's internals: their stack frames say nothing about the handler. */
const repositoryRoot = path.dirname(require.resolve('stepstone/package.json'));
const internalFramePrefixes = [
  ...['apps', 'libs', 'dist', 'node_modules'].flatMap((folder) => {
    const absolute = path.join(repositoryRoot, folder) + path.sep;
    return [absolute, pathToFileURL(absolute).href];
  }),
  'node:',
];

/**
 * Lambda's JSON error payload for a function error: errorMessage, errorType, and trace (the
 * stack's lines) with the handler's own frames only, never Stepstone's files.
 */
export function functionErrorPayload(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : (JSON.stringify(error) ?? String(error));
  const trace = error instanceof Error && error.stack ? error.stack.split('\n').filter((line, index) => index === 0 || !isInternalFrame(line)) : [];
  return JSON.stringify({ errorType: errorTypeOf(error), errorMessage: message, trace });
}

function isInternalFrame(line: string): boolean {
  const location = /\(([^)]+)\)\s*$/.exec(line)?.[1] ?? line.trim().replace(/^at\s+/, '');
  return internalFramePrefixes.some((prefix) => location.startsWith(prefix));
}
