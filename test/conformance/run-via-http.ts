import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  CreateStateMachineCommand,
  DescribeExecutionCommand,
  GetExecutionHistoryCommand,
  type HistoryEvent,
  type SFNClient,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  ValidateStateMachineDefinitionCommand,
} from '@aws-sdk/client-sfn';
import { sfnClient, startServer } from '../support/server';
import { type ConformanceCase, definitionTextOf, inputTextOf, resolveFixtureName } from './corpus';
import { type ConformanceWay, type ExecutionRun, NeedsIntegration, type ValidationAnswer, usesValidateApi } from './run-case';

/** The account the corpus was recorded under (its ARNs keep it literally). */
const RECORDED_ACCOUNT = '111111111111';
const ROLE_ARN = `arn:aws:iam::${RECORDED_ACCOUNT}:role/snf_role_arn`;

/**
 * `--via http`: the same cases through the real server (a child process on a fresh data
 * directory) and @aws-sdk/client-sfn, so the API layer is held to the corpus too. The server
 * runs with STEPSTONE_CLOCK=fast (Waits do not sleep) and an object-store folder that each
 * case's `fixtures.s3_objects` are written into. Task states need the mocked services of the
 * integration work: such cases fail with "needs integration".
 */
export async function openHttpSession(): Promise<ConformanceWay & { close: () => Promise<void> }> {
  const objects = mkdtempSync(path.join(tmpdir(), 'stepstone-conformance-objects-'));
  const server = await startServer({ env: { STEPSTONE_CLOCK: 'fast', STEPSTONE_OBJECT_STORE_DIR: objects, STEPSTONE_ACCOUNT: RECORDED_ACCOUNT } });
  const client = sfnClient(server.endpoint);
  let counter = 0;
  const nextName = () => `case-${++counter}`;

  return {
    execute: (testCase) => executeViaHttp(client, testCase, objects, nextName()),
    validate: (testCase) => validateViaHttp(client, testCase, nextName()),
    async close() {
      client.destroy();
      await server.dispose();
      rmSync(objects, { recursive: true, force: true });
    },
  };
}

async function executeViaHttp(client: SFNClient, testCase: ConformanceCase, objects: string, name: string): Promise<ExecutionRun> {
  if (testCase.service_calls?.length || hasTaskState(testCase.definition)) {
    throw new NeedsIntegration('needs integration: Task states are answered by mocked services, not available over http yet');
  }
  writeFixtures(testCase, objects);
  const type = testCase.state_machine_type ?? 'STANDARD';
  const { stateMachineArn } = await client.send(new CreateStateMachineCommand({ name, definition: definitionTextOf(testCase), roleArn: ROLE_ARN, type }));
  const input = inputTextOf(testCase);
  if (type === 'EXPRESS') {
    // AWS keeps no history for EXPRESS executions; StartSyncExecution answers with the outcome.
    const result = await client.send(new StartSyncExecutionCommand({ stateMachineArn, input, name: 'case' }));
    return { status: result.status ?? 'UNKNOWN', output: result.output, error: result.error, cause: result.cause, history: [] };
  }
  const { executionArn } = await client.send(new StartExecutionCommand({ stateMachineArn, input, name: 'case' }));
  let described = await client.send(new DescribeExecutionCommand({ executionArn }));
  for (let polls = 0; described.status === 'RUNNING'; polls++) {
    if (polls > 2_000) throw new Error(`execution still RUNNING after ${polls} polls`);
    await new Promise((resolve) => setTimeout(resolve, polls < 20 ? 2 : 10));
    described = await client.send(new DescribeExecutionCommand({ executionArn }));
  }
  const history: HistoryEvent[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000 }));
    history.push(...(page.events ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return {
    status: described.status ?? 'UNKNOWN',
    output: described.output,
    error: described.error,
    cause: described.cause,
    history: history.map(toRecordedShape),
  };
}

/** The SDK's event (Date timestamp, absent fields) in the shape the corpus records. */
function toRecordedShape(event: HistoryEvent): Record<string, unknown> {
  const shaped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(event)) {
    if (value === undefined) continue;
    shaped[key] = value instanceof Date ? value.toISOString() : value;
  }
  return shaped;
}

async function validateViaHttp(client: SFNClient, testCase: ConformanceCase, name: string): Promise<ValidationAnswer> {
  const definition = definitionTextOf(testCase);
  const type = testCase.state_machine_type ?? 'STANDARD';
  if (usesValidateApi(testCase)) {
    const answer = await client.send(new ValidateStateMachineDefinitionCommand({ definition, type }));
    const diagnostics = (answer.diagnostics ?? []).map((d) => ({ severity: d.severity, code: d.code, message: d.message, ...(d.location ? { location: d.location } : {}) }));
    return { api: 'validate', result: answer.result === 'OK' ? 'OK' : 'FAIL', diagnostics };
  }
  try {
    await client.send(new CreateStateMachineCommand({ name, definition, roleArn: ROLE_ARN, type }));
    return { api: 'create', accepted: true };
  } catch (error) {
    const failure = error as { name?: string; message?: string; $metadata?: unknown };
    if (!failure.$metadata) throw error;
    return { api: 'create', accepted: false, error: failure.name, message: failure.message };
  }
}

/** Puts the objects the recorded test put in S3 into the server's object-store folder. */
function writeFixtures(testCase: ConformanceCase, objects: string): void {
  for (const object of (testCase.fixtures?.s3_objects ?? []) as Array<{ bucket: string; key: string; body: string }>) {
    const file = path.join(objects, resolveFixtureName(object.bucket), resolveFixtureName(object.key));
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, object.body);
  }
}

function hasTaskState(definition: unknown): boolean {
  if (Array.isArray(definition)) return definition.some(hasTaskState);
  if (definition === null || typeof definition !== 'object') return false;
  const record = definition as Record<string, unknown>;
  if (record.Type === 'Task') return true;
  return Object.values(record).some(hasTaskState);
}
