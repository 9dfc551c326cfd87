/**
 * `npm run conformance -- [--cases DIR] [--area NAME] [--json FILE] [--via inprocess|http]`
 * Runs every recorded AWS case through the engine and prints one line per area.
 */
import { writeFileSync } from 'node:fs';
import { defaultCasesDir, loadCases } from './corpus';
import { formatTable, summarise } from './report';
import { type ConformanceWay, inProcessWay, runCase } from './run-case';
import { openHttpSession } from './run-via-http';

function option(name: string): string | undefined {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : undefined;
}

async function main(): Promise<void> {
  const cases = loadCases(option('cases') ?? defaultCasesDir(), option('area'));
  const via = option('via') ?? 'inprocess';
  if (via !== 'inprocess' && via !== 'http') throw new Error(`--via must be 'inprocess' or 'http', got '${via}'`);
  let way: ConformanceWay = inProcessWay;
  let close = async () => {};
  if (via === 'http') {
    const session = await openHttpSession(cases);
    way = session;
    close = session.close;
  }
  const outcomes = [];
  try {
    for (const testCase of cases) outcomes.push(await runCase(testCase, way));
  } finally {
    await close();
  }
  console.log(formatTable(summarise(outcomes)));
  const jsonFile = option('json');
  if (jsonFile) writeFileSync(jsonFile, JSON.stringify({ via, outcomes, summary: summarise(outcomes) }, null, 1));
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
