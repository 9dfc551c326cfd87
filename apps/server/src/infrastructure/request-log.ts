import type { ExecutionEvent, ExecutionState } from '@stepstone/engine';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

/**
 * One structured line per request at info, from fastify's own (pino) logger: method, path,
 * the AWS action, status, AWS error name, time taken and request id. Nothing from headers or
 * bodies is logged, so no signature, secret or payload reaches the log.
 */
export function logEachRequest(fastify: FastifyInstance): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    // Nothing is built when the level is above info (the hot path of a busy server).
    if (!(request.log as FastifyBaseLogger & { isLevelEnabled(level: string): boolean }).isLevelEnabled('info')) {
      done();
      return;
    }
    const target = request.headers['x-amz-target'];
    const errorType = reply.getHeader('x-amzn-errortype');
    const requestId = reply.getHeader('x-amzn-requestid');
    request.log.info(
      {
        method: request.method,
        path: request.url.split('?')[0],
        ...(typeof target === 'string' ? { action: target.replace(/^AWSStepFunctions\./, '') } : {}),
        status: reply.statusCode,
        ...(errorType !== undefined ? { error: String(errorType) } : {}),
        ms: Math.round(reply.elapsedTime * 10) / 10,
        ...(requestId !== undefined ? { requestId: String(requestId) } : {}),
        remoteAddress: request.ip,
      },
      'request',
    );
    done();
  });
}

const failureTypes: ReadonlySet<string> = new Set(['ExecutionFailed', 'ExecutionTimedOut']);

/** Longest cause kept in a log line: causes are user data and may be large. */
const MAX_CAUSE_CHARS = 512;

/** The runner's `onAppended` hook that logs each execution failure (or time-out) at warn. */
export function logExecutionFailures(log: FastifyBaseLogger): (executionArn: string, events: readonly ExecutionEvent[], state: ExecutionState) => void {
  return (executionArn, events, state) => {
    if (state.status !== 'FAILED' && state.status !== 'TIMED_OUT') return;
    const closing = events.find((event) => failureTypes.has(event.type));
    if (!closing) return;
    const details = ((closing as { executionFailedEventDetails?: unknown; executionTimedOutEventDetails?: unknown }).executionFailedEventDetails ??
      (closing as { executionTimedOutEventDetails?: unknown }).executionTimedOutEventDetails ??
      {}) as { error?: unknown; cause?: unknown };
    const cause = typeof details.cause === 'string' ? details.cause : undefined;
    log.warn(
      {
        executionArn,
        status: state.status,
        ...(typeof details.error === 'string' ? { error: details.error } : {}),
        ...(cause !== undefined ? { cause: cause.length > MAX_CAUSE_CHARS ? `${cause.slice(0, MAX_CAUSE_CHARS)}…` : cause } : {}),
      },
      'execution failed',
    );
  };
}
