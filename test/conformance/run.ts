/**
 * `npm run conformance -- [--cases DIR] [--area NAME] [--json FILE] [--via inprocess|http]`
 * Runs every recorded AWS case through the engine and prints one line per area.
 */
import { writeFileSync } from 'node:fs';
import { defaultCasesDir, loadCases } from './corpus';
import { formatTable, summarise } from './report';
import type { ConformanceCase } from './corpus';
import { type ExecutionRun, runCase } from './run-case';
import { openHttpSession } from './run-via-http';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const cases = loadCases(option('cases') ?? defaultCasesDir(), option('area'));
  const via = option('via') ?? 'inprocess';
  let execute: ((c: ConformanceCase) => Promise<ExecutionRun>) | undefined;
  let close = async () => {};
  if (via === 'http') {
    const session = await openHttpSession();
    execute = session.execute;
    close = session.close;
  }
  const outcomes = [];
  for (const testCase of cases) outcomes.push(await runCase(testCase, execute));
  await close();
  console.log(formatTable(summarise(outcomes)));
  const jsonFile = option('json');
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ via, outcomes, summary: summarise(outcomes) }, null, 1));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
