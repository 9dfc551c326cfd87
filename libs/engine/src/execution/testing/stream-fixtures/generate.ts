/**
 * Writes the stored-stream fixtures (streams/<scenario>.json) with the engine as it is now:
 *
 *   node --import tsx libs/engine/src/execution/testing/stream-fixtures/generate.ts [--only NAME] [--force]
 *
 * A written fixture is history: it is never regenerated to make a spec pass. The spec
 * (stream-fixtures.spec.ts) proves today's code folds every stored stream to the same state and
 * history, and decides the same events from it. Without --force, existing files are kept.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { toHistoryEvent, isHistoryEvent } from '../../history-event';
import { driveScenario } from './drive';
import { SCENARIOS } from './scenarios';

export const STREAMS_DIR = path.join(__dirname, 'streams');

async function main(argv: readonly string[]): Promise<void> {
  const onlyAt = argv.indexOf('--only');
  const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
  const force = argv.includes('--force');
  mkdirSync(STREAMS_DIR, { recursive: true });
  for (const scenario of SCENARIOS) {
    if (only !== undefined && scenario.name !== only) continue;
    const file = path.join(STREAMS_DIR, `${scenario.name}.json`);
    if (existsSync(file) && !force) {
      console.log(`kept    ${scenario.name} (exists; --force to overwrite)`);
      continue;
    }
    const { decisions, state } = await driveScenario(scenario);
    const events = decisions.flatMap((decision) => decision.events.map((stored) => stored.data));
    const fixture = {
      name: scenario.name,
      about: scenario.about,
      decisions,
      state,
      history: events.filter(isHistoryEvent).map((event) => toHistoryEvent(event)),
    };
    writeFileSync(file, `${JSON.stringify(fixture, null, 1)}\n`);
    console.log(`written ${scenario.name}: ${events.length} events, ${decisions.length} decisions, ${state.status}`);
  }
}

main(process.argv.slice(2)).catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
