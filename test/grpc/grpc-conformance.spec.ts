import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultCasesDir, loadCases, type ConformanceCase } from '../conformance/corpus';
import { recordedActivitiesExist } from '../conformance/recorded-mocks';
import { runCase, type CaseOutcome } from '../conformance/run-case';
import { openHttpSession } from '../conformance/run-via-http';
import { grpcSfnClient } from './grpc-sfn-client';

/**
 * A sample of the recorded AWS corpus run twice against the real server: through the AWS JSON
 * endpoint with the AWS SDK, and through the gRPC API (the same runner, its SDK calls sent as
 * the RPCs of the same names). Every case must come out the same both ways: same verdicts on
 * results and history, for the same reasons. Cases that need an activity worker are left to
 * grpc-api.spec.ts (they need a second, real-clock server).
 */
const PER_AREA = 3;

function sampleOf(cases: readonly ConformanceCase[]): ConformanceCase[] {
  const byArea = new Map<string, ConformanceCase[]>();
  for (const testCase of cases) {
    if (testCase.kind === 'execution' && recordedActivitiesExist(testCase)) continue;
    byArea.set(testCase.area, [...(byArea.get(testCase.area) ?? []), testCase]);
  }
  const sample: ConformanceCase[] = [];
  for (const areaCases of byArea.values()) {
    const stride = Math.max(1, Math.floor(areaCases.length / PER_AREA));
    for (let index = 0; index < areaCases.length && index < stride * PER_AREA; index += stride) sample.push(areaCases[index]);
  }
  return sample;
}

async function runAll(sample: readonly ConformanceCase[], session: Awaited<ReturnType<typeof openHttpSession>>): Promise<CaseOutcome[]> {
  try {
    const outcomes: CaseOutcome[] = [];
    for (const testCase of sample) outcomes.push(await runCase(testCase, session));
    return outcomes;
  } finally {
    await session.close();
  }
}

describe('the conformance corpus through gRPC', { timeout: 600_000 }, async () => {
  const sample = sampleOf(loadCases(defaultCasesDir()));
  const viaHttp = await runAll(sample, await openHttpSession(sample));
  const viaGrpc = await runAll(sample, await openHttpSession(sample, (server) => grpcSfnClient(server.grpcAddress)));

  it('samples cases from every area, executions and validations', () => {
    assert.ok(sample.length >= 20, `only ${sample.length} cases sampled`);
    assert.ok(sample.some((testCase) => testCase.kind === 'validation'));
    assert.ok(sample.some((testCase) => testCase.kind === 'execution' && testCase.history));
  });

  it('gives every sampled case the same outcome through gRPC as through HTTP', () => {
    const differing = sample.flatMap((testCase, index) =>
      JSON.stringify(viaGrpc[index]) === JSON.stringify(viaHttp[index])
        ? []
        : [`${testCase.file}:\n  http ${JSON.stringify(viaHttp[index])}\n  grpc ${JSON.stringify(viaGrpc[index])}`],
    );
    assert.deepEqual(differing, []);
  });

  it('runs the sample for real (most cases pass their results and history checks)', () => {
    const passed = viaGrpc.filter((outcome) => outcome.results && outcome.history !== false).length;
    assert.ok(passed >= sample.length * 0.6, `${passed}/${sample.length} passed through gRPC`);
    console.log(`gRPC conformance sample: ${passed}/${sample.length} cases pass, identical to HTTP`);
  });
});
