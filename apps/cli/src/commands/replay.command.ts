import { buildTimeline, executionStreamId, type ExecutionEvent, type TimelineStep } from '@stepstone/engine';
import { ExitCode, openDataStore, parseCommandLine, parseStatesArn, UsageError, withUsage } from '../cli-support';

const usage = 'replay <executionArn> [--to EVENT_ID] [--json] [--data DIR]';

/**
 * `stepstone replay`: folds an execution's stored events one at a time (the engine's own
 * `evolve`, through buildTimeline) and prints each step: event id, type, state, input, output,
 * and the variables in scope after it. `--to` stops after that event id.
 */
export async function run(argv: string[]): Promise<number> {
  return withUsage(usage, async () => {
    const { values, positionals } = parseCommandLine({
      args: argv,
      options: { to: { type: 'string' }, json: { type: 'boolean' }, data: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    if (values.help) {
      console.log(`Usage: stepstone ${usage}`);
      return ExitCode.ok;
    }
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'Missing the execution ARN' : 'Pass exactly one execution ARN');
    const executionArn = positionals[0];
    const parsed = parseStatesArn(executionArn);
    if (parsed?.kind !== 'execution' || parsed.parts.length < 2) throw new UsageError(`Not an execution ARN: '${executionArn}'`);
    let toEventId: number | undefined;
    if (values.to !== undefined) {
      if (!/^[1-9]\d*$/.test(values.to)) throw new UsageError(`--to must be an event id (a positive integer), got '${values.to}'`);
      toEventId = Number(values.to);
    }

    const store = await openDataStore(values.data);
    try {
      const recorded = await store.readStream(executionStreamId(executionArn));
      if (recorded.length === 0) {
        console.error(`ExecutionDoesNotExist: Execution Does Not Exist: '${executionArn}'`);
        return ExitCode.failed;
      }
      const events = recorded.map((event) => event.data as ExecutionEvent);
      const timeline = buildTimeline(events, toEventId !== undefined ? { toEventId } : {});
      if (values.json) {
        console.log(JSON.stringify({ executionArn, status: timeline.state.status, steps: timeline.steps }, null, 2));
      } else {
        console.log(`${executionArn} (${timeline.state.start?.type ?? 'STANDARD'}): ${timeline.steps.length} of ${events.length} events`);
        for (const step of timeline.steps) console.log(describeStep(step));
        console.log(`status after event ${timeline.state.lastEventId}: ${timeline.state.status}`);
      }
      return ExitCode.ok;
    } finally {
      await store.close();
    }
  });
}

function describeStep(step: TimelineStep): string {
  const head = [
    `#${step.eventId}`,
    step.type,
    ...(step.stateName !== undefined ? [`[${step.stateName}]`] : []),
    // Branches of Parallel/Map states run in threads of their own.
    ...(step.threadId !== '0' ? [`(thread ${step.threadId})`] : []),
    step.timestamp,
  ].join('  ');
  const lines = [head];
  if (step.input !== undefined) lines.push(`    input:     ${step.input}`);
  if (step.output !== undefined) lines.push(`    output:    ${step.output}`);
  if (step.error !== undefined) lines.push(`    error:     ${step.error}${step.cause !== undefined ? ` (${step.cause})` : ''}`);
  if (Object.keys(step.variables).length > 0) lines.push(`    variables: ${JSON.stringify(step.variables)}`);
  return lines.join('\n');
}
