import { createServer, type Server } from 'node:http';

/**
 * The other side of the crash test's callback tasks (`lambda:invoke.waitForTaskToken`): a Lambda
 * endpoint on 127.0.0.1 that takes each invocation's task token, and a worker that answers it
 * through SendTaskSuccess, as a real consumer would, while the server keeps being killed.
 *
 * - A completion that meets a dead server (connection refused, reset) is sent again until the
 *   server answers; a TaskTimedOut answer then means an earlier attempt already completed it.
 * - After every kill, the worker sends again each completion the server accepted since the
 *   previous kill: the server is down at that moment, so each is retried until it restarts, and
 *   must then be refused with TaskTimedOut (a duplicate completion; history must not change).
 * - The worker answers only once the task's TaskSubmitted is in the history, so the history has
 *   AWS's order (TaskSubmitted, then TaskSucceeded) whatever the timing.
 */
export interface CallbackDelivery {
  readonly token: string;
  readonly executionArn: string;
  readonly payload: Record<string, unknown>;
}

export interface CallbackStats {
  /** Invocations the endpoint received (a re-dispatch after a restart delivers a token again). */
  delivered: number;
  /** Completions the server accepted. */
  completed: number;
  /** Completions (first ones and duplicates) that met a dead server and were sent again until it answered. */
  retriedWhileDown: number;
  /** Duplicate completions (resent after a kill, or retried after a lost answer) refused with TaskTimedOut. */
  duplicatesRejected: number;
  /** Anything else the server answered (each a failure of the test). */
  problems: string[];
}

/** What the harness gives the worker: an API call that throws `{ type }` for AWS errors and anything else when the server is unreachable. */
export type ApiCall = (action: string, body: unknown) => Promise<any>;
export const isApiError = (error: unknown): error is { type: string; message: string } => typeof (error as { type?: unknown })?.type === 'string';

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function startCallbackWorker(options: { functionName: string; call: ApiCall; answer: (payload: Record<string, unknown>) => unknown }) {
  const stats: CallbackStats = { delivered: 0, completed: 0, retriedWhileDown: 0, duplicatesRejected: 0, problems: [] };
  const work = new Set<Promise<void>>();
  let acceptedSinceKill: string[] = [];
  let stopped = false;
  let abandoned = false;

  const track = (job: Promise<void>) => {
    work.add(job);
    void job.finally(() => work.delete(job));
  };

  /** One call, sent again while the server is unreachable; resolves with the answer or the AWS error. */
  const untilAnswered = async (action: string, body: unknown): Promise<({ ok: true; value: any } | { ok: false; type: string; message: string }) & { retried: boolean }> => {
    for (let retried = false; ; retried = true) {
      if (abandoned) return { ok: false, type: 'Abandoned', message: 'the test ended before the server answered', retried };
      try {
        return { ok: true, value: await options.call(action, body), retried };
      } catch (error) {
        if (isApiError(error)) return { ok: false, type: error.type, message: error.message, retried };
        await pause(100);
      }
    }
  };
  const sendTaskSuccess = async (taskToken: string, output: string) => {
    const answer = await untilAnswered('SendTaskSuccess', { taskToken, output });
    if (answer.retried) stats.retriedWhileDown++;
    return answer;
  };

  const submittedOrClosed = async (executionArn: string) => {
    for (;;) {
      const described = await untilAnswered('DescribeExecution', { executionArn });
      if (!described.ok) throw new Error(`DescribeExecution ${described.type}: ${described.message}`);
      if (described.value.status !== 'RUNNING') return;
      const history = await untilAnswered('GetExecutionHistory', { executionArn, maxResults: 1000 });
      if (history.ok && (history.value.events as Array<{ type: string }>).some((event) => event.type === 'TaskSubmitted')) return;
      await pause(50);
    }
  };

  const complete = async (delivery: CallbackDelivery) => {
    try {
      await submittedOrClosed(delivery.executionArn);
      // A random delay, so some first attempts meet a server the harness just killed.
      await pause(Math.floor(Math.random() * 300));
      const output = JSON.stringify(options.answer(delivery.payload));
      const answer = await sendTaskSuccess(delivery.token, output);
      if (answer.ok) {
        stats.completed++;
        acceptedSinceKill.push(delivery.token);
      } else if (answer.type === 'TaskTimedOut') {
        stats.duplicatesRejected++; // an earlier attempt (or delivery) completed it
      } else {
        stats.problems.push(`SendTaskSuccess for ${delivery.executionArn}: ${answer.type}: ${answer.message}`);
      }
    } catch (error) {
      stats.problems.push(String(error));
    }
  };

  const resendDuplicate = async (token: string) => {
    const answer = await sendTaskSuccess(token, '{"duplicate":true}');
    if (!answer.ok && answer.type === 'TaskTimedOut') stats.duplicatesRejected++;
    else stats.problems.push(`a duplicate completion was answered ${answer.ok ? 'with success' : `${answer.type}: ${answer.message}`}, not TaskTimedOut`);
  };

  const endpoint: Server = createServer((request, response) => {
    let text = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
    request.on('end', () => {
      const invoke = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(new URL(request.url ?? '/', 'http://127.0.0.1').pathname);
      const name = invoke ? decodeURIComponent(invoke[1]) : undefined;
      if (request.method !== 'POST' || name !== options.functionName) {
        response.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
        response.end(JSON.stringify({ Type: 'User', message: `Function not found: ${name}` }));
        return;
      }
      const payload = JSON.parse(text) as Record<string, unknown>;
      stats.delivered++;
      response.writeHead(200, { 'content-type': 'application/json', 'x-amz-executed-version': '$LATEST' });
      response.end('{"accepted":true}');
      if (!stopped) track(complete({ token: String(payload.token), executionArn: String(payload.execution), payload }));
    });
  });
  await new Promise<void>((resolve) => endpoint.listen(0, '127.0.0.1', resolve));
  const address = endpoint.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;

  return {
    url,
    stats,
    /** Called right after the harness killed the server: the completions it accepted go again, into a dead server. */
    afterKill() {
      const tokens = acceptedSinceKill;
      acceptedSinceKill = [];
      for (const token of tokens) track(resendDuplicate(token));
    },
    /** Completions and resends not yet answered. */
    pending: () => work.size,
    /** Waits for every completion and resend in flight (the server must be up), then closes the endpoint. */
    async stop() {
      stopped = true;
      while (work.size > 0) await Promise.all([...work]);
      if (endpoint.listening) await new Promise<void>((resolve) => endpoint.close(() => resolve()));
    },
    /** After a failed test: gives up on whatever the server has not answered, then stops. */
    async abandon() {
      abandoned = true;
      await this.stop();
    },
  };
}
