import { executionStreamId } from '@stepstone/engine';
import { verifyStore, type ChainBreak } from '@stepstone/event-store';
import { stateMachineStreamId, stepstoneChainSeeds } from '@stepstone/projections';
import { ExitCode, openDataStore, parseCommandLine, parseStatesArn, UsageError, withUsage } from '../cli-support';

const usage = 'verify [executionArn | stateMachineArn ... | --all] [--data DIR] [--json]';

/**
 * `stepstone verify`: recomputes every event's hash from its content, checks each event names
 * its predecessor's hash and each stream's first event the hash of its definition, and reports
 * the first broken link of each stream (stream, revision, event id, expected vs found).
 * Exit 0 when intact, 1 when anything is broken.
 */
export async function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { values, positionals } = parseCommandLine({
      args: argv,
      options: { all: { type: 'boolean' }, json: { type: 'boolean' }, data: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      console.log(`Usage: stepstone ${usage}\nWith no ARN (or --all), verifies every stream and the global positions.`);
      return ExitCode.ok;
    }
    if (values.all && positionals.length > 0) throw new UsageError('Pass ARNs or --all, not both');
    const streamIds = positionals.length > 0 ? positionals.map(streamIdOfArn) : undefined;
    const store = await openDataStore(values.data);
    try {
      const result = await verifyStore(store, { ...(streamIds ? { streamIds } : {}), expectedSeeds: stepstoneChainSeeds(store) });
      if (values.json) {
        console.log(JSON.stringify({ ok: result.breaks.length === 0, streams: result.streams, events: result.events, breaks: result.breaks.map(toJson) }, null, 2));
      } else {
        for (const broken of result.breaks) console.log(describeBreak(broken));
        const verdict = result.breaks.length === 0 ? 'OK' : `${result.breaks.length} broken link${result.breaks.length === 1 ? '' : 's'}`;
        console.log(`verified ${result.streams} stream${result.streams === 1 ? '' : 's'}, ${result.events} events: ${verdict}`);
      }
      return result.breaks.length === 0 ? ExitCode.ok : ExitCode.failed;
    } finally {
      await store.close();
    }
  });
}

function streamIdOfArn(arn: string): string {
  const parsed = parseStatesArn(arn);
  if (parsed?.kind === 'execution' && parsed.parts.length >= 2) return executionStreamId(arn);
  if (parsed?.kind === 'stateMachine' && parsed.parts.length >= 1) return stateMachineStreamId(parsed.parts[0]);
  throw new UsageError(`Not an execution or state machine ARN: '${arn}'`);
}

/** The event id AWS shows in history (execution events), when the event has one. */
function eventIdOf(broken: ChainBreak): number | undefined {
  const id = (broken.event?.data as { id?: unknown } | null | undefined)?.id;
  return typeof id === 'number' ? id : undefined;
}

function describeBreak(broken: ChainBreak): string {
  const where = [
    `revision ${broken.revision}`,
    ...(eventIdOf(broken) !== undefined ? [`event id ${eventIdOf(broken)}`] : []),
    ...(broken.event ? [broken.event.type, `position ${broken.event.position}`] : []),
  ].join(', ');
  return `BROKEN ${broken.streamId} at ${where}: ${broken.reason}\n  expected ${broken.expected}\n  found    ${broken.found}`;
}

function toJson(broken: ChainBreak) {
  const eventId = eventIdOf(broken);
  return {
    streamId: broken.streamId,
    revision: broken.revision,
    ...(eventId !== undefined ? { eventId } : {}),
    ...(broken.event ? { eventType: broken.event.type, position: broken.event.position } : {}),
    reason: broken.reason,
    expected: broken.expected,
    found: broken.found,
  };
}
