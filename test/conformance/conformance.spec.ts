import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultCasesDir, loadCases } from './corpus';
import { type AreaSummary, formatTable, summarise } from './report';
import { type ConformanceWay, inProcessWay, runCase } from './run-case';
import { openHttpSession } from './run-via-http';

/**
 * The recorded AWS corpus, run both ways — in process (the pure decider) and through the real
 * server with the AWS SDK (`--via http`, fast clock) — each against its own floors in
 * floors.json: every area must stay at or above them (raised as the engine improves, never
 * lowered). Over http, Task states are answered by the server from one mock configuration
 * built from every case's recorded calls (run-via-http.ts).
 */
type Floors = Record<string, { results: number; history: number }>;
const floors = JSON.parse(readFileSync(join(__dirname, 'floors.json'), 'utf8')) as { inprocess: Floors; http: Floors };
const cases = loadCases(defaultCasesDir());

async function runAll(way: ConformanceWay): Promise<AreaSummary[]> {
  const outcomes = [];
  for (const testCase of cases) outcomes.push(await runCase(testCase, way));
  return summarise(outcomes);
}

function checkFloors(label: string, summaries: readonly AreaSummary[], wayFloors: Floors): void {
  for (const summary of summaries) {
    it(`${label}: ${summary.area} stays at or above its floor`, () => {
      const floor = wayFloors[summary.area];
      assert.ok(floor, `no ${label} floor for area ${summary.area} in floors.json`);
      const rate = (passed: number, total: number) => (total === 0 ? 100 : (passed / total) * 100);
      assert.ok(rate(summary.results.passed, summary.results.total) >= floor.results, `results ${summary.results.passed}/${summary.results.total} below ${floor.results}%`);
      assert.ok(rate(summary.history.passed, summary.history.total) >= floor.history, `history ${summary.history.passed}/${summary.history.total} below ${floor.history}%`);
    });
  }
}

describe('conformance with the recorded AWS corpus', async () => {
  it('runs every case of the corpus', () => {
    assert.ok(cases.length >= 866, `only ${cases.length} cases found in ${defaultCasesDir()}`);
  });

  const inProcess = await runAll(inProcessWay);
  console.log(`in process:\n${formatTable(inProcess)}`);
  checkFloors('in process', inProcess, floors.inprocess);

  const session = await openHttpSession(cases);
  let viaHttp: AreaSummary[];
  try {
    viaHttp = await runAll(session);
  } finally {
    await session.close();
  }
  console.log(`via http:\n${formatTable(viaHttp)}`);
  checkFloors('via http', viaHttp, floors.http);
});
