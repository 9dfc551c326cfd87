import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SpanStatusCode } from '@opentelemetry/api';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { createExecutionRunner } from '@stepstone/engine';
import { openInMemoryEventStore } from '@stepstone/event-store';
import { TraceAttribute, observeExecutions } from './index';

const STATE_MACHINE = 'traced';
const definition = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Result: [1, 2], Next: 'Fan' },
    Fan: {
      Type: 'Map',
      ItemProcessor: { StartAt: 'Double', States: { Double: { Type: 'Pass', End: true } } },
      Next: 'Both',
    },
    Both: {
      Type: 'Parallel',
      Branches: [
        { StartAt: 'Left', States: { Left: { Type: 'Pass', End: true } } },
        { StartAt: 'Right', States: { Right: { Type: 'Pass', End: true } } },
      ],
      Next: 'Flaky',
    },
    Flaky: {
      Type: 'Task',
      Resource: 'arn:aws:states:us-east-1:123456789012:activity:work',
      Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 0, MaxAttempts: 2 }],
      Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recovered' }],
      Next: 'Done',
    },
    Recovered: { Type: 'Fail', Error: 'Gave.Up', Cause: 'recovered from a caught failure' },
    Done: { Type: 'Succeed' },
  },
};

async function traceOneExecution(): Promise<ReadableSpan[]> {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  const store = openInMemoryEventStore();
  const observer = await observeExecutions({
    store,
    tracer: provider.getTracer('test'),
    executionArnOf: (stateMachine, name) => `arn:aws:states:us-east-1:123456789012:execution:${stateMachine}:${name}`,
  });
  // The activity fails with Transient three times (MaxAttempts 2: two retries, then the retrier
  // is spent), then the Catch sends the execution to a Fail state.
  const runner = createExecutionRunner({
    store,
    taskDispatcher: { dispatch: async () => ({ kind: 'failed', error: 'Transient', cause: 'try again' }) },
  });
  const executionArn = `arn:aws:states:us-east-1:123456789012:execution:${STATE_MACHINE}:one`;
  await runner.start({
    executionArn,
    stateMachineArn: `arn:aws:states:us-east-1:123456789012:stateMachine:${STATE_MACHINE}`,
    name: 'one',
    executionType: 'STANDARD',
    definition: JSON.stringify(definition),
    input: '{}',
    roleArn: 'arn:aws:iam::123456789012:role/x',
  });
  const until = Date.now() + 5000;
  while ((await runner.load(executionArn))?.state.status === 'RUNNING') {
    if (Date.now() > until) throw new Error('the execution did not end');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  for (let i = 0; i < 50 && exporter.getFinishedSpans().every((span) => span.parentSpanContext !== undefined); i++) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    await observer.idle();
  }
  observer.close();
  await runner.close();
  await store.close();
  return exporter.getFinishedSpans();
}

describe('execution traces', () => {
  it('gives one span per state entry under the execution, and iterations and branches under their state', async () => {
    const spans = await traceOneExecution();
    const root = spans.find((span) => span.name === `execution ${STATE_MACHINE}`);
    assert.ok(root, `an execution span among ${spans.map((span) => span.name).join(', ')}`);
    assert.equal(root.parentSpanContext, undefined);
    assert.equal(root.attributes[TraceAttribute.executionArn], `arn:aws:states:us-east-1:123456789012:execution:${STATE_MACHINE}:one`);
    assert.equal(root.status.code, SpanStatusCode.ERROR, 'the execution ended in a Fail state');
    assert.equal(root.attributes[TraceAttribute.error], 'Gave.Up');
    const traceId = root.spanContext().traceId;
    assert.ok(spans.every((span) => span.spanContext().traceId === traceId), 'one trace');

    const byName = (name: string) => spans.filter((span) => span.attributes[TraceAttribute.stateName] === name);
    const parentName = (span: ReadableSpan) => spans.find((other) => other.spanContext().spanId === span.parentSpanContext?.spanId)?.name;
    for (const top of ['Prepare', 'Fan', 'Both', 'Flaky', 'Recovered']) {
      assert.equal(byName(top).length, 1, `one span for ${top}`);
      assert.equal(parentName(byName(top)[0]!), root.name, `${top} hangs under the execution`);
    }
    assert.equal(byName('Done').length, 0, 'a state never reached has no span');
    assert.deepEqual(byName('Double').map(parentName).sort(), ['Map iteration 0', 'Map iteration 1']);
    for (const iteration of spans.filter((span) => span.name.startsWith('Map iteration'))) assert.equal(parentName(iteration), 'Fan');
    assert.equal(parentName(byName('Left')[0]!), 'Parallel branch 0');
    assert.equal(parentName(byName('Right')[0]!), 'Parallel branch 1');
    assert.equal(byName('Fan')[0]!.attributes[TraceAttribute.stateType], 'Map');

    const flaky = byName('Flaky')[0]!;
    assert.equal(flaky.attributes[TraceAttribute.retryCount], 2);
    assert.deepEqual(flaky.events.map((event) => event.name), ['retry', 'retry', 'catch']);
    assert.equal(flaky.events[2]!.attributes?.[TraceAttribute.error], 'Transient');
    assert.equal(flaky.status.code, SpanStatusCode.UNSET, 'a caught failure does not fail the state');
    const recovered = byName('Recovered')[0]!;
    assert.equal(recovered.status.code, SpanStatusCode.ERROR);
    for (const span of spans) {
      const parent = spans.find((other) => other.spanContext().spanId === span.parentSpanContext?.spanId);
      if (parent) assert.ok(toMs(span.startTime) >= toMs(parent.startTime), `${span.name} starts inside ${parent.name}`);
    }
  });
});

function toMs(time: readonly [number, number]): number {
  return time[0] * 1000 + time[1] / 1e6;
}
