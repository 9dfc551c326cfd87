import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { defaultCasesDir, loadCases } from '../conformance/corpus';
import { rawCall, startServer, type RunningServer, CLI_ENTRY } from '../support/server';

/**
 * Property-based fuzzing of the AWS JSON endpoint against the real server (issue 18): malformed,
 * oversized, deeply nested, wrongly typed and boundary inputs to every action, and mutated
 * definitions from the conformance corpus. Every answer must be a 2xx or a 4xx carrying an AWS
 * error name, never a 5xx; no request may hang; the process must survive; and afterwards the
 * store verifies and the read models answer.
 *
 * Fixed seed and a time budget by default (CI). Longer or different runs:
 *   STEPSTONE_FUZZ_SECONDS=600 STEPSTONE_FUZZ_SEED=7 node --import tsx --test test/hardening/fuzz.e2e.spec.ts
 * A failure prints fast-check's seed and path, which reproduce it with the same two variables.
 */

const repoRoot = path.resolve(__dirname, '..', '..');
const SEED = Number(process.env.STEPSTONE_FUZZ_SEED ?? 18);
/** Per property; the two properties run one after the other. */
const BUDGET_MS = (Number(process.env.STEPSTONE_FUZZ_SECONDS) || 40) * 500;
/** A request that takes longer has hung (GetActivityTask's 60 s long poll is never fuzzed with a live activity). */
const REQUEST_TIMEOUT_MS = 15_000;

const ROLE = 'arn:aws:iam::123456789012:role/fuzz';
const PASS = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', End: true } } });

/** Every action of apps/server/src/aws-protocol/actions.ts with the members AWS's API declares for it. */
const ACTION_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  CreateStateMachine: ['name', 'definition', 'roleArn', 'type', 'loggingConfiguration', 'tracingConfiguration', 'tags', 'publish', 'versionDescription', 'encryptionConfiguration'],
  UpdateStateMachine: ['stateMachineArn', 'definition', 'roleArn', 'loggingConfiguration', 'tracingConfiguration', 'publish', 'versionDescription', 'encryptionConfiguration'],
  DeleteStateMachine: ['stateMachineArn'],
  DescribeStateMachine: ['stateMachineArn', 'includedData'],
  ListStateMachines: ['maxResults', 'nextToken'],
  ValidateStateMachineDefinition: ['definition', 'type', 'severity', 'maxResults'],
  TagResource: ['resourceArn', 'tags'],
  UntagResource: ['resourceArn', 'tagKeys'],
  ListTagsForResource: ['resourceArn'],
  StartExecution: ['stateMachineArn', 'name', 'input', 'traceHeader'],
  StartSyncExecution: ['stateMachineArn', 'name', 'input', 'traceHeader', 'includedData'],
  StopExecution: ['executionArn', 'error', 'cause'],
  RedriveExecution: ['executionArn', 'clientToken'],
  DescribeExecution: ['executionArn', 'includedData'],
  DescribeStateMachineForExecution: ['executionArn', 'includedData'],
  ListExecutions: ['stateMachineArn', 'statusFilter', 'maxResults', 'nextToken', 'mapRunArn', 'redriveFilter'],
  GetExecutionHistory: ['executionArn', 'maxResults', 'reverseOrder', 'nextToken', 'includeExecutionData'],
  CreateActivity: ['name', 'tags', 'encryptionConfiguration'],
  DeleteActivity: ['activityArn'],
  DescribeActivity: ['activityArn'],
  ListActivities: ['maxResults', 'nextToken'],
  GetActivityTask: ['activityArn', 'workerName'],
  SendTaskSuccess: ['taskToken', 'output'],
  SendTaskFailure: ['taskToken', 'error', 'cause'],
  SendTaskHeartbeat: ['taskToken'],
};

/** Real resources, so some requests get past "does not exist" into the handlers. */
interface Known {
  machineArn: string;
  expressArn: string;
  executionArn: string;
  activityArn: string;
}

const nested = (depth: number, open: string, leaf: string, close: string) => open.repeat(depth) + leaf + close.repeat(depth);

/** Values as JSON text, so nesting 20,000 deep never goes through JSON.stringify. */
function hostileValueText(known: Known, member: string): fc.Arbitrary<string> {
  const text = (value: unknown) => JSON.stringify(value);
  const plausible: Record<string, unknown[]> = {
    name: ['fuzz-ok', 'a'.repeat(80), 'a'.repeat(81), 'bad name', 'x\u0001y', '\uD800', '*', ''],
    definition: [PASS, '{}', '{"StartAt":"Nope","States":{}}', 'not json', text({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 99_999_999_999_999, End: true } } })],
    roleArn: [ROLE, 'arn', ''],
    type: ['STANDARD', 'EXPRESS', 'BATCH', ''],
    stateMachineArn: [known.machineArn, known.expressArn, `${known.machineArn}:1`, `${known.machineArn}#NoSuchCase`, 'arn:aws:states:us-east-1:123456789012:stateMachine:missing', 'not-an-arn'],
    resourceArn: [known.machineArn, known.activityArn, known.executionArn, 'arn:aws:states:::'],
    executionArn: [known.executionArn, 'arn:aws:states:us-east-1:123456789012:execution:fuzz-standard:missing', 'arn:aws:states:us-east-1:123456789012:execution:x', ''],
    // Only missing activities: a live one would long-poll GetActivityTask for 60 s, as AWS does.
    activityArn: ['arn:aws:states:us-east-1:123456789012:activity:missing', 'arn:aws:states:us-east-1:123456789012:activity:', known.activityArn.slice(0, -1)],
    input: ['{}', '[]', '"s"', 'null', '{"a":', text(nested(600, '[', '1', ']'))],
    output: ['{}', 'nope', '{"a":'],
    maxResults: [0, -1, 1, 1000, 1001, 1.5, 2 ** 31, Number.MAX_SAFE_INTEGER + 2],
    nextToken: ['', 'AAAA', 'x'.repeat(1025), '!!!!'],
    tags: [[{ key: 'k', value: 'v' }], [{ key: '' }], Array.from({ length: 60 }, (_, i) => ({ key: `k${i}`, value: 'v' })), [{ key: 'aws:x', value: 'v' }], [{ key: { toString: 1 } }], [{ key: 'k', value: { valueOf: 1 } }], ['k']],
    tagKeys: [['k'], [''], [7]],
    taskToken: ['', 'AAAAKgAAAAIAAAAAAAAAA', 'x'.repeat(1025)],
    statusFilter: ['RUNNING', 'running', 'DONE'],
    includedData: ['ALL_DATA', 'METADATA_ONLY', 'NONE'],
    severity: ['ERROR', 'WARNING', 'INFO'],
    redriveFilter: ['REDRIVEN', 'NOT_REDRIVEN', 'X'],
    error: ['E', 'x'.repeat(257)],
    cause: ['C', 'x'.repeat(32_769)],
    loggingConfiguration: [{ level: 'OFF' }, { level: 'LOUD' }, { level: 'ALL', includeExecutionData: 'yes' }],
    tracingConfiguration: [{ enabled: true }, { enabled: 'true' }],
    encryptionConfiguration: [
      { type: 'AWS_OWNED_KEY' },
      { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: 'alias/k', kmsDataKeyReusePeriodSeconds: 60 },
      { type: 'CUSTOMER_MANAGED_KMS_KEY' },
      { type: 'KMS' },
      { type: { toString: 1 } },
      { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: ['k'], kmsDataKeyReusePeriodSeconds: 2 ** 53 + 2 },
      { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: 'k'.repeat(2049), kmsDataKeyReusePeriodSeconds: '60' },
    ],
  };
  const numbers = ['0', '-0', '-1', '1e309', '-1e309', '1.7976931348623157e308', '9007199254740993', '5e-324', '1.0', '1E2'];
  const strings = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.constantFrom('\uD800', 'a\uDFFFb', '\u0000', '\u001F\u007F', '\u202E', '../../etc/passwd', '{% $x %}', '$.a', '$$', '__proto__', 'constructor'),
  );
  return fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...(Object.hasOwn(plausible, member) ? plausible[member] : ['x'])).map(text) },
    { weight: 2, arbitrary: strings.map(text) },
    { weight: 1, arbitrary: fc.constantFrom(...numbers) },
    { weight: 1, arbitrary: fc.constantFrom('null', 'true', 'false', '[]', '{}', '[null]', '{"__proto__":{"x":1}}', '{"constructor":{"prototype":{"x":1}}}', '{"toString":1}', '{"valueOf":{}}', '[{"toString":1}]') },
    { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 4 }).map(text) },
    // Deeply nested, as a value and as JSON text inside a string member (input, definition).
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((depth) => nested(depth, '[', '0', ']')) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((depth) => nested(depth, '{"a":', '0', '}')) },
    { weight: 1, arbitrary: fc.integer({ min: 100, max: 5_000 }).map((depth) => text(nested(depth, '{"a":', '0', '}'))) },
    // Oversized: past AWS's limits (256 KiB payloads, 1 MiB definitions) and, rarely, the 4 MiB body limit.
    { weight: 1, arbitrary: fc.constantFrom(80, 2_049, 32_769, 262_145, 1_048_577).map((length) => text('a'.repeat(length))) },
    { weight: 1, arbitrary: fc.constant(text(`{"a":"${'b'.repeat(262_150)}"}`)) },
  );
}

/** A request: an action (or none) and a body, most of them objects of the action's members. */
function requestArbitrary(known: Known): fc.Arbitrary<{ target: string; body: string | Buffer }> {
  const actions = Object.keys(ACTION_MEMBERS);
  const objectBody = fc.constantFrom(...actions).chain((action) => {
    const members = ACTION_MEMBERS[action];
    const entries = fc.uniqueArray(fc.constantFrom(...members, '__proto__', 'constructor', 'unknownMember'), { maxLength: members.length + 1 }).chain((chosen) =>
      chosen.length === 0 ? fc.constant([] as string[]) : fc.tuple(...chosen.map((member) => hostileValueText(known, member).map((value) => `${JSON.stringify(member)}:${value}`))),
    );
    return entries.map((parts) => ({ target: `AWSStepFunctions.${action}`, body: `{${parts.join(',')}}` }));
  });
  const brokenBody = fc.record({
    target: fc.constantFrom(...actions.map((action) => `AWSStepFunctions.${action}`), '', 'AWSStepFunctions.', 'AWSStepFunctions.constructor', 'AWSStepFunctions.__proto__', 'Other.ListStateMachines'),
    body: fc.oneof(
      fc.constantFrom('', ' ', 'null', '[]', '"x"', '7', '{', '{"a":}', '{"a":1,}', "{'a':1}", '{"a":1}{"b":2}', '\uFEFF{}', '{"maxResults":NaN}', '{"a":"\\ud800"}', '{"a":"\\u00"}'),
      fc.string({ maxLength: 60 }),
      fc.uint8Array({ minLength: 1, maxLength: 64 }).map((bytes) => Buffer.concat([Buffer.from('{"name":"'), Buffer.from(bytes), Buffer.from('"}')])),
      fc.constant(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0xff, 0xfe, 0x22, 0x7d])),
    ),
  });
  return fc.oneof({ weight: 6, arbitrary: objectBody }, { weight: 1, arbitrary: brokenBody });
}

/**
 * fc.check, reported in a few lines: fast-check's own report prints the whole counterexample,
 * and a fuzzed body may be megabytes long. The seed and path reproduce it.
 */
async function checkProperty<T>(property: fc.IAsyncProperty<[T]>, show: (value: T) => string): Promise<void> {
  const result = await fc.check(property, { seed: SEED, numRuns: 1_000_000, interruptAfterTimeLimit: BUDGET_MS, markInterruptAsFailure: false, endOnFailure: true });
  if (!result.failed) return;
  const example = result.counterexample ? show(result.counterexample[0]) : '(none)';
  const cause = result.errorInstance instanceof Error ? result.errorInstance.message : String(result.errorInstance);
  throw new Error(`property failed (seed ${result.seed}, path "${result.counterexamplePath ?? ''}"):\n  input: ${example}\n  ${cause.slice(0, 1500)}`);
}

interface Answer {
  readonly status: number;
  readonly text: string;
}

async function send(endpoint: string, target: string, body: string | Buffer): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/x-amz-json-1.0' };
  if (target !== '') headers['x-amz-target'] = target;
  const response = await fetch(endpoint, { method: 'POST', headers, body, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
  return { status: response.status, text: await response.text() };
}

/** The property every answer must have: 2xx, or 4xx with an AWS error name; never a 5xx. */
function assertAwsAnswer(answer: Answer, what: string): void {
  const shown = `${what} -> ${answer.status} ${answer.text.slice(0, 300)}`;
  assert.ok(answer.status < 500, `server error: ${shown}`);
  if (answer.status >= 400) {
    assert.ok(answer.status < 500, shown);
    const parsed = JSON.parse(answer.text) as { __type?: unknown; message?: unknown };
    assert.equal(typeof parsed.__type, 'string', shown);
    assert.match(parsed.__type as string, /^[A-Za-z.]+$/, shown);
  } else {
    assert.equal(answer.status, 200, shown);
    JSON.parse(answer.text);
  }
}

function describeRequest(target: string, body: string | Buffer): string {
  const text = typeof body === 'string' ? body : `<bytes ${body.toString('hex').slice(0, 80)}>`;
  const shown = text.length > 200 ? `${text.slice(0, 120)}…${text.slice(-60)} (${text.length} chars)` : text;
  return `${target || '<no target>'} ${shown}`;
}

/** A mutation of a corpus definition (an object tree): a member removed, retyped or replaced by a hostile value. */
const hostileLeaf = fc.oneof(
  fc.constantFrom<unknown>(null, -1, 0, 1e308, 99_999_999_999_999, 2.5, '', '$', '$.', '$$.Map', '{% %}', '{% $undefined() %}', 'States.Format(', '\uD800', [], {}, [[[]]], true),
  fc.jsonValue({ maxDepth: 3 }),
);

type Path = ReadonlyArray<string | number>;

function pathsOf(value: unknown, prefix: Path = [], found: Path[] = []): Path[] {
  if (found.length > 2_000 || value === null || typeof value !== 'object') return found;
  const children: Array<[string | number, unknown]> = Array.isArray(value) ? value.map((item, index) => [index, item]) : Object.entries(value);
  for (const [key, child] of children) {
    found.push([...prefix, key]);
    pathsOf(child, [...prefix, key], found);
  }
  return found;
}

function mutate(definition: unknown, path: Path, kind: 'delete' | 'replace' | 'nest', leaf: unknown): unknown {
  const copy = structuredClone(definition) as Record<string | number, unknown>;
  let parent: Record<string | number, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string | number, unknown>;
  const last = path[path.length - 1];
  if (kind === 'delete') {
    if (Array.isArray(parent)) parent.splice(Number(last), 1);
    else delete parent[last];
  } else if (kind === 'replace') parent[last] = leaf;
  else {
    let deep: unknown = parent[last];
    for (let depth = 0; depth < 40; depth += 1) deep = { Nested: deep };
    parent[last] = deep;
  }
  return copy;
}

function runCli(server: RunningServer, args: string[]): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [...CLI_ENTRY, ...args, '--data', server.dataDir],
      { cwd: repoRoot, timeout: 120_000, env: { ...process.env, ...server.storeEnv }, maxBuffer: 16 * 1024 * 1024 },
      (_error, stdout, stderr) => resolve({ code: child.exitCode, output: stdout + stderr }),
    );
  });
}

describe('fuzzing the AWS JSON endpoint (fast-check)', () => {
  let server: RunningServer;
  const known: Known = { machineArn: '', expressArn: '', executionArn: '', activityArn: '' };
  const tried = { requests: 0, definitions: 0, byStatus: new Map<number, number>() };

  before(async () => {
    // The fast clock: a mutated Wait ends at once instead of leaving timers behind.
    server = await startServer({ env: { STEPSTONE_CLOCK: 'fast', STEPSTONE_LOG_LEVEL: 'error' } });
    const call = async (action: string, body: unknown) => (await rawCall(server.endpoint, `AWSStepFunctions.${action}`, JSON.stringify(body))).json;
    known.machineArn = (await call('CreateStateMachine', { name: 'fuzz-standard', definition: PASS, roleArn: ROLE })).stateMachineArn;
    known.expressArn = (await call('CreateStateMachine', { name: 'fuzz-express', definition: PASS, roleArn: ROLE, type: 'EXPRESS' })).stateMachineArn;
    known.executionArn = (await call('StartExecution', { stateMachineArn: known.machineArn, name: 'seed' })).executionArn;
    known.activityArn = (await call('CreateActivity', { name: 'fuzz-activity' })).activityArn;
    assert.ok(known.machineArn && known.expressArn && known.executionArn && known.activityArn);
  });

  after(async () => {
    const statuses = [...tried.byStatus].sort(([a], [b]) => a - b).map(([status, count]) => `${status}×${count}`).join(', ');
    console.log(`fuzz: seed ${SEED}, ${tried.requests} requests (${statuses}), ${tried.definitions} mutated corpus definitions`);
    await server?.dispose();
  });

  const record = (answer: Answer) => {
    // The server logs an internal error's stack: keep its tail for the failure message.
    if (answer.status >= 500) console.log(`server log at a ${answer.status}:\n${server.output().slice(-3000)}`);
    tried.requests += 1;
    tried.byStatus.set(answer.status, (tried.byStatus.get(answer.status) ?? 0) + 1);
  };

  it('answers every action a 2xx or an AWS 4xx, whatever the body', async () => {
    await checkProperty(
      fc.asyncProperty(requestArbitrary(known), async ({ target, body }) => {
        const answer = await send(server.endpoint, target, body);
        record(answer);
        assertAwsAnswer(answer, describeRequest(target, body));
        assert.ok(server.running(), `the server died after ${describeRequest(target, body)}:\n${server.output().slice(-2000)}`);
      }),
      ({ target, body }) => describeRequest(target, body),
    );
    assert.ok(tried.requests >= 50, `only ${tried.requests} requests in the budget`);
  });

  it('validates, creates and starts mutated corpus definitions without a 5xx', async (t) => {
    const dir = defaultCasesDir();
    if (!existsSync(dir)) return t.skip(`no conformance corpus at ${dir}`);
    const corpus = loadCases(dir)
      .filter((testCase) => testCase.definition !== undefined && typeof testCase.definition === 'object')
      .map((testCase) => testCase.definition);
    assert.ok(corpus.length > 100);
    let counter = 0;
    const mutated = fc
      .tuple(fc.constantFrom(...corpus), fc.nat(), fc.constantFrom<'delete' | 'replace' | 'nest'>('delete', 'replace', 'replace', 'nest'), hostileLeaf, fc.boolean())
      .map(([definition, pick, kind, leaf, express]) => {
        const paths = pathsOf(definition);
        const changed = paths.length === 0 ? definition : mutate(definition, paths[pick % paths.length], kind, leaf);
        return { text: JSON.stringify(changed), express };
      });
    await checkProperty(
      fc.asyncProperty(mutated, async ({ text, express }) => {
        tried.definitions += 1;
        const validated = await send(server.endpoint, 'AWSStepFunctions.ValidateStateMachineDefinition', JSON.stringify({ definition: text, type: express ? 'EXPRESS' : 'STANDARD' }));
        record(validated);
        assertAwsAnswer(validated, `Validate ${text.slice(0, 300)}`);
        const name = `mutant-${SEED}-${(counter += 1)}`;
        const created = await send(server.endpoint, 'AWSStepFunctions.CreateStateMachine', JSON.stringify({ name, definition: text, roleArn: ROLE, type: express ? 'EXPRESS' : 'STANDARD' }));
        record(created);
        assertAwsAnswer(created, `Create ${text.slice(0, 300)}`);
        if (created.status !== 200) return;
        const arn = (JSON.parse(created.text) as { stateMachineArn: string }).stateMachineArn;
        // Asynchronous starts only: a mutated Task may wait for a callback that never comes.
        const started = await send(server.endpoint, 'AWSStepFunctions.StartExecution', JSON.stringify({ stateMachineArn: arn, input: '{"a":1,"items":[1,2,3]}' }));
        record(started);
        assertAwsAnswer(started, `Start ${text.slice(0, 300)}`);
        assert.ok(server.running(), `the server died on ${text.slice(0, 300)}:\n${server.output().slice(-2000)}`);
      }),
      ({ text, express }) => `${express ? 'EXPRESS' : 'STANDARD'} ${text.length > 300 ? `${text.slice(0, 300)}… (${text.length} chars)` : text}`,
    );
    assert.ok(tried.definitions >= 20, `only ${tried.definitions} definitions in the budget`);
  });

  it('leaves a store that verifies and read models that answer', async () => {
    assert.ok(server.running(), server.output().slice(-2000));
    // The fuzz may have deleted the machines it was given: the read models must answer for new ones.
    const call = async (action: string, body: unknown) => {
      const answer = await send(server.endpoint, `AWSStepFunctions.${action}`, JSON.stringify(body));
      assert.equal(answer.status, 200, `${action}: ${answer.text}`);
      return JSON.parse(answer.text) as Record<string, any>;
    };
    const { stateMachineArn } = await call('CreateStateMachine', { name: 'after-fuzz', definition: PASS, roleArn: ROLE });
    const { executionArn } = await call('StartExecution', { stateMachineArn, name: 'after', input: '{"ok":true}' });
    let described = await call('DescribeExecution', { executionArn });
    for (let attempt = 0; attempt < 100 && described.status === 'RUNNING'; attempt += 1) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      described = await call('DescribeExecution', { executionArn });
    }
    assert.equal(described.status, 'SUCCEEDED');
    assert.deepEqual((await call('ListExecutions', { stateMachineArn })).executions.map((execution: { name: string }) => execution.name), ['after']);
    assert.ok((await call('ListStateMachines', { maxResults: 1000 })).stateMachines.some((machine: { name: string }) => machine.name === 'after-fuzz'));
    assert.equal((await call('DescribeExecution', { executionArn: known.executionArn })).name, 'seed');
    const verified = await runCli(server, ['verify', '--all']);
    assert.equal(verified.code, 0, verified.output.slice(-3000));
    const status = await runCli(server, ['projections', 'status']);
    assert.match(status.output, /no skipped events/, status.output);
    assert.doesNotMatch(server.output(), /InternalFailure|An internal error occurred/);
  });
});
