import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../support/server';
import { startCallbackWorker } from './callback-worker';
import { countTransitions, referenceRun, type ReferenceRun } from './reference';
import { WORKLOADS, type Workload } from './workloads';

/**
 * The crash test: the real server as a child process, a mixed load (workloads.ts), SIGKILL at
 * random moments (at least 20 times; many land inside an append's transaction), plus the
 * server's own crash point (`STEPSTONE_CRASH_POINT`) that kills it right after a durable append
 * and before its effects. After each death the server restarts on the same SQLite file. At the
 * end every execution must be terminal, produce its uncrashed reference's output, and have a
 * history with consecutive ids whose transitions match the reference one for one.
 * Callback tasks are answered by a worker in this process (callback-worker.ts) through
 * SendTaskSuccess: completions that meet a dead server are retried, and after every kill the
 * accepted ones are sent again and must be refused with TaskTimedOut.
 *
 * `STEPSTONE_CRASH_SOAK=1` (or `npm run crash`) runs the long version.
 */
const soak = process.env.STEPSTONE_CRASH_SOAK === '1';
const HARNESS_KILLS = soak ? 200 : 20;
const CRASH_POINT = 'after-append:0.015';
const DRAIN_TIMEOUT_MS = soak ? 300_000 : 60_000;
const ROLE = 'arn:aws:iam::123456789012:role/crash';

interface Submitted {
  readonly name: string;
  readonly workload: Workload;
  readonly stateMachineArn: string;
  readonly input: string;
  executionArn?: string;
}

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(`${type}: ${message}`);
  }
}

describe('crash test', () => {
  let server: RunningServer | undefined;
  let closeWorker: (() => Promise<void>) | undefined;

  after(async () => {
    await server?.dispose();
    await closeWorker?.();
  });

  it('loses nothing and does nothing twice across repeated SIGKILLs', { timeout: soak ? 3_600_000 : 300_000 }, async () => {
    const began = Date.now();
    const callbackWorkload = WORKLOADS.find((workload) => workload.callback);
    assert.ok(callbackWorkload?.callback, 'the load has a callback workload');
    const callback = callbackWorkload.callback;
    const worker = await startCallbackWorker({ functionName: callback.functionName, call: (action, body) => call(action, body), answer: callback.answer });
    closeWorker = () => worker.abandon();
    server = await startServer({
      env: {
        STEPSTONE_CRASH_POINT: CRASH_POINT,
        // The callback task's Lambda endpoint is the worker's; the SDK wants some credentials.
        STEPSTONE_LAMBDA_ENDPOINT: worker.url,
        AWS_ACCESS_KEY_ID: 'AKIDCRASH',
        AWS_SECRET_ACCESS_KEY: 'crash',
        AWS_REGION: 'us-east-1',
      },
    });
    const running = server;
    let harnessKills = 0;
    let crashPointKills = 0;

    const call = async (action: string, body: unknown): Promise<any> => {
      const response = await fetch(running.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': `AWSStepFunctions.${action}` },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(10_000),
      });
      const text = await response.text();
      const json = text === '' ? {} : JSON.parse(text);
      if (response.status !== 200) throw new ApiError(String(json.__type), String(json.message));
      return json;
    };

    /** Restarts the server after it died (killed, or at its own crash point), until it listens. */
    const ensureUp = async () => {
      for (let attempt = 0; !running.running(); attempt++) {
        try {
          await running.restart();
        } catch (error) {
          // It may die at the crash point while recovering, before it listens: count and retry.
          if (attempt > 50) throw error;
          crashPointKills++;
        }
      }
    };

    const machines = new Map<string, string>();
    for (const workload of WORKLOADS) {
      const created = await call('CreateStateMachine', { name: `crash-${workload.name}`, definition: JSON.stringify(workload.definition), roleArn: ROLE });
      machines.set(workload.name, created.stateMachineArn);
    }

    const submitted: Submitted[] = [];
    const unacknowledged = new Set<Submitted>();
    /** StartExecution, retried by name after a crash (AWS: same name and input → the same execution). */
    const start = async (execution: Submitted) => {
      try {
        const result = await call('StartExecution', { stateMachineArn: execution.stateMachineArn, name: execution.name, input: execution.input });
        execution.executionArn = result.executionArn;
        unacknowledged.delete(execution);
      } catch (error) {
        if (error instanceof ApiError && error.type === 'ExecutionAlreadyExists') {
          // The first attempt was durable and the execution already finished.
          execution.executionArn = `${execution.stateMachineArn.replace(':stateMachine:', ':execution:')}:${execution.name}`;
          unacknowledged.delete(execution);
          return;
        }
        if (error instanceof ApiError) throw error;
        unacknowledged.add(execution); // the connection died with the server: retry later
      }
    };

    let round = 0;
    while (harnessKills < HARNESS_KILLS) {
      await ensureUp();
      const inFlight: Array<Promise<void>> = [...unacknowledged].map(start);
      for (const workload of WORKLOADS) {
        const seed = round * 10 + submitted.length;
        const execution: Submitted = {
          name: `r${round}-${workload.name}`,
          workload,
          stateMachineArn: machines.get(workload.name)!,
          input: JSON.stringify(workload.input(seed)),
        };
        submitted.push(execution);
        unacknowledged.add(execution);
        inFlight.push(start(execution));
      }
      round++;
      const delay = 100 + Math.floor(Math.random() * 1400);
      const diedByItself = await Promise.race([
        new Promise<boolean>((resolve) => setTimeout(() => resolve(false), delay)),
        running.exited().then(() => true),
      ]);
      if (diedByItself || !running.running()) {
        crashPointKills++;
      } else {
        await running.kill('SIGKILL');
        harnessKills++;
      }
      worker.afterKill();
      await Promise.all(inFlight);
    }

    // Drain: restart (again and again if the crash point fires) until every execution is closed.
    const deadline = Date.now() + DRAIN_TIMEOUT_MS;
    const open = new Set(submitted);
    while (open.size > 0 && Date.now() < deadline) {
      await ensureUp();
      await Promise.all([...unacknowledged].map(start));
      for (const execution of [...open]) {
        if (!execution.executionArn) continue;
        try {
          const described = await call('DescribeExecution', { executionArn: execution.executionArn });
          if (described.status !== 'RUNNING') open.delete(execution);
        } catch (error) {
          if (error instanceof ApiError && error.type !== 'ExecutionDoesNotExist') throw error;
          if (!running.running()) crashPointKills++;
          break;
        }
      }
      if (open.size > 0) await new Promise((resolve) => setTimeout(resolve, 250));
    }

    // The worker's last completions and duplicate resends: they need a live server to be answered.
    while (worker.pending() > 0 && Date.now() < deadline + 30_000) {
      if (!running.running()) crashPointKills++;
      await ensureUp();
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    await worker.stop();

    // Verify with the crash point still armed: reads append nothing, so it cannot fire now.
    await ensureUp();
    const references = new Map<string, ReferenceRun>();
    let lost = 0;
    let duplicated = 0;
    let mismatched = 0;
    const problems: string[] = [];
    for (const execution of submitted) {
      const label = execution.name;
      if (!execution.executionArn) {
        lost++;
        problems.push(`${label}: never acknowledged`);
        continue;
      }
      const key = `${execution.workload.name}|${execution.input}`;
      let reference = references.get(key);
      if (!reference) {
        const answer = execution.workload.callback?.answer(JSON.parse(execution.input));
        // A callback task's TaskSubmitted records the endpoint's answer; only its presence is compared.
        reference = await referenceRun(JSON.stringify(execution.workload.definition), execution.input, answer === undefined ? undefined : JSON.stringify(answer), answer === undefined ? undefined : '{}');
        references.set(key, reference);
      }
      let described: any;
      try {
        described = await call('DescribeExecution', { executionArn: execution.executionArn });
      } catch (error) {
        lost++;
        problems.push(`${label}: ${(error as Error).message}`);
        continue;
      }
      const history = await call('GetExecutionHistory', { executionArn: execution.executionArn, maxResults: 1000 });
      const events = history.events as Array<{ id: number; previousEventId?: number; type: string }>;
      const ids = events.map((event) => event.id);
      const uniqueIds = new Set(ids);
      let isLost = described.status === 'RUNNING';
      let isDuplicated = uniqueIds.size !== ids.length;
      if (ids.some((id, index) => id !== index + 1)) {
        isLost ||= uniqueIds.size === ids.length;
        problems.push(`${label}: ids are not 1..${ids.length}: ${ids.join(',')}`);
      }
      const counts = countTransitions(events);
      for (const name of new Set([...counts.keys(), ...reference.counts.keys()])) {
        const got = counts.get(name) ?? 0;
        const want = reference.counts.get(name) ?? 0;
        if (got > want) {
          isDuplicated = true;
          problems.push(`${label}: '${name}' ${got} times, the reference ${want}`);
        } else if (got < want) {
          isLost = true;
          problems.push(`${label}: '${name}' ${got} times, the reference ${want}`);
        }
      }
      const sameResult = described.status === reference.status && JSON.stringify(parse(described.output)) === JSON.stringify(parse(reference.output));
      if (!sameResult && !isLost) problems.push(`${label}: ${described.status} ${described.output} ≠ reference ${reference.status} ${reference.output}`);
      if (isLost) lost++;
      else if (isDuplicated) duplicated++;
      else if (!sameResult) mismatched++;
    }

    const seconds = ((Date.now() - began) / 1000).toFixed(1);
    console.log(`kills=${harnessKills + crashPointKills} executions=${submitted.length} lost=${lost} duplicated=${duplicated} mismatched=${mismatched}`);
    console.log(`(harness SIGKILLs=${harnessKills}, crash-point SIGKILLs=${crashPointKills}, ${seconds} s)`);
    const callbacks = worker.stats;
    console.log(`(callbacks: delivered=${callbacks.delivered} completed=${callbacks.completed} retried-while-down=${callbacks.retriedWhileDown} duplicates-rejected=${callbacks.duplicatesRejected})`);
    assert.deepEqual(callbacks.problems, [], 'the worker got only success or TaskTimedOut answers');
    assert.ok(callbacks.completed >= 1 && callbacks.retriedWhileDown >= 1 && callbacks.duplicatesRejected >= 1, 'completions were accepted, retried while the server was down, and refused as duplicates');
    assert.ok(harnessKills >= 20, 'the server was SIGKILLed at least 20 times');
    assert.ok(crashPointKills >= 1, 'the crash point between append and effect fired at least once');
    assert.deepEqual({ lost, duplicated, mismatched }, { lost: 0, duplicated: 0, mismatched: 0 }, `${problems.slice(0, 20).join('\n')}\n${running.output()}`);
  });
});

function parse(text: string | undefined): unknown {
  return text === undefined ? undefined : JSON.parse(text);
}
