import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer } from '../support/server';

/**
 * Load (issue 18), bounded and on 127.0.0.1 only: measure the sustainable StartExecution rate
 * (closed loop), then offer twice that rate open-loop (requests sent on a clock, whatever the
 * answers). The service must answer ThrottlingException in AWS's shape instead of growing
 * memory without bound, never a 5xx, and recover when the load stops. 20 s in CI;
 * STEPSTONE_LOAD_FULL=1 runs the 60 s of the issue.
 *
 * The offered load is derived from the admission bound (STEPSTONE_MAX_IN_FLIGHT, small here),
 * so that throttling does not hang on how well the sustainable rate was measured: (1) that rate
 * is measured with as many callers in a closed loop as the server admits at once (its best
 * second), and (2) the open loop sends twice it in bursts of twice the bound, each burst at
 * once: more requests arrive together than the server admits, and a start needs a commit (a
 * later turn of its event loop) before it frees its slot, so every burst is partly throttled
 * whatever the server's capacity. A rate measured on a loaded machine swings two-fold from run
 * to run (420-609/s with 32 callers against the default bound of 512), and when it was low,
 * twice it at an even pace was simply served, never reaching 512 in flight.
 */
const LOAD_SECONDS = process.env.STEPSTONE_LOAD_FULL === '1' ? 60 : 20;
/** Long enough for the server to warm up (its first second completes few starts). */
const CALIBRATION_SECONDS = 8;
/** The server's admission bound in this test, and the closed loop's callers. */
const MAX_IN_FLIGHT = 16;
/** Requests the open loop sends at once: twice the bound. */
const BURST = 2 * MAX_IN_FLIGHT;
/** The client's own bound on requests it has sent and not yet seen answered (the test process's memory). */
const CLIENT_MAX_OUTSTANDING = 5_000;
const ROLE = 'arn:aws:iam::123456789012:role/load';

interface Answer {
  readonly status: number;
  readonly type?: string;
  readonly message?: string;
  readonly errorHeader?: string | null;
}

async function start(endpoint: string, stateMachineArn: string): Promise<Answer> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.StartExecution' },
    body: JSON.stringify({ stateMachineArn, input: '{"load":true}' }),
  });
  const json = (await response.json()) as { __type?: string; message?: string };
  return { status: response.status, type: json.__type, message: json.message, errorHeader: response.headers.get('x-amzn-errortype') };
}

function rssMiB(pid: number): number {
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024;
}

describe(`load: twice the sustainable start rate for ${LOAD_SECONDS} s`, () => {
  let server: RunningServer;
  let machineArn: string;

  before(async () => {
    server = await startServer({ env: { STEPSTONE_MAX_IN_FLIGHT: String(MAX_IN_FLIGHT) } });
    const definition = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });
    const response = await fetch(server.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.CreateStateMachine' },
      body: JSON.stringify({ name: 'load', definition, roleArn: ROLE }),
    });
    machineArn = ((await response.json()) as { stateMachineArn: string }).stateMachineArn;
  });
  after(async () => server?.dispose());

  it('throttles in AWS shape, keeps memory bounded, never answers 5xx, and recovers', { timeout: (LOAD_SECONDS + 90) * 1000 }, async () => {
    // 1. The sustainable rate: a closed loop of as many callers as the server admits, its best second.
    const perSecond = new Array<number>(CALIBRATION_SECONDS).fill(0);
    const calibrationBegan = performance.now();
    const calibrationEnd = calibrationBegan + CALIBRATION_SECONDS * 1000;
    const refused: Answer[] = [];
    await Promise.all(
      Array.from({ length: MAX_IN_FLIGHT }, async () => {
        while (performance.now() < calibrationEnd) {
          const answer = await start(server.endpoint, machineArn);
          const second = Math.floor((performance.now() - calibrationBegan) / 1000);
          if (answer.status === 200 && second < CALIBRATION_SECONDS) perSecond[second]! += 1;
          else if (answer.status !== 200) refused.push(answer);
        }
      }),
    );
    // Never more in flight than the bound: nothing of the closed loop is throttled.
    assert.deepEqual(refused, []);
    const sustainable = Math.max(...perSecond);
    const offered = 2 * sustainable;
    assert.ok(sustainable > 10, `sustainable rate ${sustainable.toFixed(0)}/s`);

    // 2. Twice that, open loop: sent every tick whatever the answers.
    const counts = new Map<string, number>();
    const rss: number[] = [];
    let outstanding = 0;
    let skipped = 0;
    let maxOutstanding = 0;
    const pending = new Set<Promise<void>>();
    const began = performance.now();
    // Bursts of BURST requests, as often as the offered rate allows.
    const tickMs = (BURST / offered) * 1000;
    let sent = 0;
    const sampler = setInterval(() => rss.push(rssMiB(server.pid())), 1000);
    while (performance.now() - began < LOAD_SECONDS * 1000) {
      const due = BURST * Math.floor((performance.now() - began) / tickMs + 1);
      while (sent < due) {
        sent += 1;
        if (outstanding >= CLIENT_MAX_OUTSTANDING) {
          skipped += 1;
          continue;
        }
        outstanding += 1;
        maxOutstanding = Math.max(maxOutstanding, outstanding);
        const request: Promise<void> = start(server.endpoint, machineArn)
          .then((answer) => {
            const key = answer.status === 200 ? '200' : `${answer.status} ${answer.type}`;
            counts.set(key, (counts.get(key) ?? 0) + 1);
            if (answer.status !== 200) {
              assert.equal(answer.status, 400, JSON.stringify(answer));
              assert.equal(answer.type, 'ThrottlingException', JSON.stringify(answer));
              assert.equal(answer.errorHeader, 'ThrottlingException');
              assert.equal(answer.message, 'Rate exceeded');
            }
          })
          .catch((error: unknown) => {
            counts.set(`error ${(error as Error).message}`, (counts.get(`error ${(error as Error).message}`) ?? 0) + 1);
          })
          .finally(() => {
            outstanding -= 1;
            pending.delete(request);
          });
        pending.add(request);
      }
      await new Promise((resolve) => setTimeout(resolve, Math.max(1, began + (sent / BURST) * tickMs - performance.now())));
    }
    await Promise.all(pending);
    clearInterval(sampler);
    const seconds = (performance.now() - began) / 1000;
    const admitted = counts.get('200') ?? 0;
    const throttled = counts.get('400 ThrottlingException') ?? 0;
    const half = Math.floor(rss.length / 2);
    const firstHalfPeak = Math.max(...rss.slice(0, Math.max(1, half)));
    const secondHalfPeak = Math.max(...rss.slice(half));
    console.log(
      `load: bound ${MAX_IN_FLIGHT} in flight, sustainable ${sustainable.toFixed(0)}/s (per second: ${perSecond.join(', ')}), offered ${offered.toFixed(0)}/s for ${seconds.toFixed(0)} s: ${sent} sent, ` +
        `${admitted} admitted (${(admitted / seconds).toFixed(0)}/s), ${throttled} ThrottlingException, ${skipped} not sent (client bound), ` +
        `max ${maxOutstanding} outstanding; server RSS peak ${firstHalfPeak.toFixed(0)} MiB (first half) / ${secondHalfPeak.toFixed(0)} MiB (second half); ${JSON.stringify(Object.fromEntries(counts))}`,
    );
    assert.deepEqual([...counts.keys()].filter((key) => key !== '200' && key !== '400 ThrottlingException'), []);
    assert.ok(server.running(), server.output().slice(-2000));
    assert.ok(throttled > 0, 'twice the sustainable rate, in bursts of twice the bound, was throttled');
    // Memory is bounded: the second half does not keep growing past the first's peak.
    assert.ok(secondHalfPeak < Math.max(firstHalfPeak * 1.5, firstHalfPeak + 150), `RSS ${firstHalfPeak.toFixed(0)} → ${secondHalfPeak.toFixed(0)} MiB`);

    // 3. Recovery: once the load stops, starts are admitted and the read models answer.
    await new Promise((resolve) => setTimeout(resolve, 1000));
    const recovered = await start(server.endpoint, machineArn);
    assert.equal(recovered.status, 200, JSON.stringify(recovered));
    const listed = await fetch(server.endpoint, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.0', 'x-amz-target': 'AWSStepFunctions.ListExecutions' },
      body: JSON.stringify({ stateMachineArn: machineArn, maxResults: 1 }),
    });
    assert.equal(listed.status, 200);
  });
});
