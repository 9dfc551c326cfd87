import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/** A local handler: `async (event, context) => result`, as a Node.js Lambda handler is written. */
export type LocalHandler = (event: unknown, context: { functionName: string; awsRequestId: string }) => unknown;

/**
 * Loads `STEPSTONE_LOCAL_FUNCTIONS` (a .js/.ts module exporting `{ [functionName]: handler }`,
 * as named exports or one default object). Loaded once, lazily, on the first call.
 */
export function createLocalFunctions(file: string | undefined): { find(name: string): Promise<LocalHandler | undefined> } {
  let loaded: Promise<Record<string, unknown>> | undefined;
  const load = () => {
    if (!file) return Promise.resolve({});
    const absolute = path.resolve(file);
    if (!existsSync(absolute)) return Promise.reject(new Error(`STEPSTONE_LOCAL_FUNCTIONS: no such file '${absolute}'`));
    return import(pathToFileURL(absolute).href).then((module: Record<string, unknown>) => {
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
  };
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

/** Lambda's JSON error payload for a function error: errorMessage, errorType, trace (the stack's lines). */
export function functionErrorPayload(error: unknown): string {
  const message = error instanceof Error ? error.message : typeof error === 'string' ? error : JSON.stringify(error) ?? String(error);
  const trace = error instanceof Error && error.stack ? error.stack.split('\n') : [];
  return JSON.stringify({ errorMessage: message, errorType: errorTypeOf(error), trace });
}
