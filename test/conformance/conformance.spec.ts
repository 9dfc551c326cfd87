import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { defaultCasesDir, loadCases } from './corpus';
import { formatTable, summarise } from './report';
import { runCase } from './run-case';

/**
 * The recorded AWS corpus, run in process: every area must stay at or above its floor in
 * floors.json (raised as the engine improves, never lowered).
 */
const floors = JSON.parse(readFileSync(join(__dirname, 'floors.json'), 'utf8')) as Record<string, { results: number; history: number }>;

describe('conformance with the recorded AWS corpus', async () => {
  const cases = loadCases(defaultCasesDir());
  const outcomes = [];
  for (const testCase of cases) outcomes.push(await runCase(testCase));
  const summaries = summarise(outcomes);
  console.log(formatTable(summaries));

  it('runs every case of the corpus', () => {
    assert.ok(cases.length >= 866, `only ${cases.length} cases found in ${defaultCasesDir()}`);
  });

  for (const summary of summaries) {
    it(`${summary.area} stays at or above its floor`, () => {
      const floor = floors[summary.area];
      assert.ok(floor, `no floor for area ${summary.area} in floors.json`);
      const rate = (passed: number, total: number) => (total === 0 ? 100 : (passed / total) * 100);
      assert.ok(rate(summary.results.passed, summary.results.total) >= floor.results, `results ${summary.results.passed}/${summary.results.total} below ${floor.results}%`);
      assert.ok(rate(summary.history.passed, summary.history.total) >= floor.history, `history ${summary.history.passed}/${summary.history.total} below ${floor.history}%`);
    });
  }
});
