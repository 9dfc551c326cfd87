import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { CreateStateMachineCommand, DescribeExecutionCommand, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { eventually, readBody } from '../support/helpers';
import { freePort, sfnClient, startServer, type RunningServer } from '../support/server';

const definition = JSON.stringify({
  StartAt: 'Greet',
  States: {
    Greet: { Type: 'Pass', Result: 'hi', Next: 'Branches' },
    Branches: {
      Type: 'Parallel',
      Branches: [{ StartAt: 'Inner', States: { Inner: { Type: 'Pass', End: true } } }],
      End: true,
    },
  },
});

/** A stand-in OTLP/HTTP collector on 127.0.0.1 that keeps every JSON body it is sent. */
async function startReceiver(): Promise<{ server: Server; endpoint: string; bodies: Map<string, any[]> }> {
  const bodies = new Map<string, any[]>();
  const server = createServer(async (request, response) => {
    const body = await readBody(request);
    const list = bodies.get(request.url ?? '') ?? [];
    list.push(JSON.parse(body));
    bodies.set(request.url ?? '', list);
    response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address !== null ? address.port : 0;
  return { server, endpoint: `http://127.0.0.1:${port}`, bodies };
}

function spansIn(bodies: any[] | undefined): any[] {
  return (bodies ?? []).flatMap((body) => body.resourceSpans ?? []).flatMap((resource: any) => resource.scopeSpans ?? []).flatMap((scope: any) => scope.spans ?? []);
}

function metricNamesIn(bodies: any[] | undefined): Set<string> {
  const names = (bodies ?? [])
    .flatMap((body) => body.resourceMetrics ?? [])
    .flatMap((resource: any) => resource.scopeMetrics ?? [])
    .flatMap((scope: any) => scope.metrics ?? [])
    .map((metric: any) => metric.name as string);
  return new Set(names);
}

async function runOne(endpoint: string, machine: string): Promise<string> {
  const client = sfnClient(endpoint);
  const { stateMachineArn } = await client.send(
    new CreateStateMachineCommand({ name: machine, definition, roleArn: 'arn:aws:iam::123456789012:role/x' }),
  );
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'traced', input: '{}' }));
  const described = await eventually(
    () => client.send(new DescribeExecutionCommand({ executionArn })),
    (value) => value.status !== 'RUNNING',
  );
  assert.equal(described.status, 'SUCCEEDED');
  return executionArn!;
}

describe('OpenTelemetry: OTLP over HTTP to a collector', () => {
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let server: RunningServer;

  before(async () => {
    receiver = await startReceiver();
    server = await startServer({
      env: {
        OTEL_TRACES_EXPORTER: 'otlp',
        OTEL_METRICS_EXPORTER: 'otlp',
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_METRIC_EXPORT_INTERVAL: '300',
      },
    });
  });
  after(async () => {
    await server?.dispose();
    receiver?.server.close();
  });

  it('sends API call spans, an execution trace with a span per state, and execution metrics', async () => {
    const executionArn = await runOne(server.endpoint, 'otlp-traced');
    const spans = await eventually(
      async () => spansIn(receiver.bodies.get('/v1/traces')),
      (found) => found.some((span) => span.name === 'execution otlp-traced') && found.some((span) => span.name === 'StepFunctions.StartExecution'),
    );
    const root = spans.find((span) => span.name === 'execution otlp-traced');
    assert.ok(root, `an execution span among ${spans.map((span) => span.name).join(', ')}`);
    const arnAttribute = root.attributes.find((attribute: any) => attribute.key === 'stepstone.execution.arn');
    assert.equal(arnAttribute?.value?.stringValue, executionArn);
    const inTrace = spans.filter((span) => span.traceId === root.traceId);
    const named = (name: string) => inTrace.find((span) => span.name === name);
    assert.equal(named('Greet')?.parentSpanId, root.spanId);
    assert.equal(named('Branches')?.parentSpanId, root.spanId);
    assert.equal(named('Parallel branch 0')?.parentSpanId, named('Branches')?.spanId);
    assert.equal(named('Inner')?.parentSpanId, named('Parallel branch 0')?.spanId);
    assert.ok(spans.some((span) => span.name === 'StepFunctions.CreateStateMachine'));

    const metricNames = await eventually(
      async () => metricNamesIn(receiver.bodies.get('/v1/metrics')),
      (names) => names.has('stepstone.executions.succeeded') && names.has('stepstone.store.append.duration'),
    );
    for (const name of ['stepstone.executions.started', 'stepstone.executions.succeeded', 'stepstone.state.duration', 'stepstone.store.append.duration']) {
      assert.ok(metricNames.has(name), `metric ${name} among ${[...metricNames].join(', ')}`);
    }
  });
});

describe('OpenTelemetry: a Prometheus scrape endpoint', () => {
  let server: RunningServer;
  let metricsUrl: string;

  before(async () => {
    const port = await freePort();
    metricsUrl = `http://127.0.0.1:${port}/metrics`;
    server = await startServer({
      env: { OTEL_TRACES_EXPORTER: 'none', OTEL_METRICS_EXPORTER: 'prometheus', OTEL_EXPORTER_PROMETHEUS_PORT: String(port) },
    });
  });
  after(async () => server?.dispose());

  it('counts started and succeeded executions per state machine', async () => {
    await runOne(server.endpoint, 'scraped');
    const text = await eventually(
      async () => (await fetch(metricsUrl)).text(),
      (body) => /stepstone_executions_succeeded_total\{[^}]*state_machine="scraped"[^}]*\} 1/.test(body),
    );
    assert.match(text, /stepstone_executions_started_total\{[^}]*state_machine="scraped"[^}]*\} 1/);
    assert.match(text, /stepstone_executions_succeeded_total\{[^}]*state_machine="scraped"[^}]*\} 1/);
    assert.match(text, /stepstone_executions_open\{[^}]*\} 0/);
  });
});
