import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateStateMachineCommand,
  DeleteStateMachineCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachinesCommand,
  ListTagsForResourceCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  StopExecutionCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateStateMachineCommand,
  ValidateStateMachineDefinitionCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { openServerStore, rawCall, sfnClient, startServer, type RunningServer } from '../support/server';
import { eventually, rejectsWith } from '../support/helpers';

const roleArn = 'arn:aws:iam::123456789012:role/stepstone';
const smArn = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;
const passDefinition = JSON.stringify({ StartAt: 'Hello', States: { Hello: { Type: 'Pass', Result: { hello: 'world' }, End: true } } });
const waitDefinition = (seconds: number) =>
  JSON.stringify({ StartAt: 'Wait', States: { Wait: { Type: 'Wait', Seconds: seconds, Next: 'Done' }, Done: { Type: 'Pass', End: true } } });
const chainDefinition = JSON.stringify({
  StartAt: 'A',
  States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'C' }, C: { Type: 'Pass', End: true } },
});

/** Asserts the SDK call fails with AWS's error name (and message, when given). */

describe('AWS SDK against the real server', () => {
  let server: RunningServer;
  let sfn: SFNClient;

  before(async () => {
    server = await startServer();
    sfn = sfnClient(server.endpoint);
  });

  after(async () => {
    sfn?.destroy();
    await server?.dispose();
  });

  describe('state machines', () => {
    // LocalStack's test_invalid_logging_configuration and test_multiple_destinations (validated
    // against AWS 2024-06-01), test_update_logging_configuration (2024-06-03) and
    // test_incomplete_logging_configuration.
    it('refuses a logging configuration without exactly one destination, unless its level is OFF', async () => {
      const group = (name: string) => ({ cloudWatchLogsLogGroup: { logGroupArn: `arn:aws:logs:us-east-1:123456789012:log-group:${name}:*` } });
      const refused = 'Invalid Logging Configuration: Must specify exactly one Log Destination.';
      for (const level of ['ALL', 'FATAL', 'ERROR'] as const) {
        await rejectsWith(sfn.send(new CreateStateMachineCommand({ name: 'logs-none', definition: passDefinition, roleArn, loggingConfiguration: { level } })), 'InvalidLoggingConfiguration', refused);
      }
      const two = { level: 'ALL' as const, destinations: [group('a'), group('b')] };
      await rejectsWith(sfn.send(new CreateStateMachineCommand({ name: 'logs-two', definition: passDefinition, roleArn, loggingConfiguration: two })), 'InvalidLoggingConfiguration', refused);

      const one = { level: 'ALL' as const, includeExecutionData: true, destinations: [group('a')] };
      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'logs-one', definition: passDefinition, roleArn, loggingConfiguration: one }));
      await rejectsWith(sfn.send(new UpdateStateMachineCommand({ stateMachineArn, loggingConfiguration: { ...one, destinations: [group('a'), group('b')] } })), 'InvalidLoggingConfiguration', refused);
      await rejectsWith(sfn.send(new UpdateStateMachineCommand({ stateMachineArn, loggingConfiguration: { level: 'ALL' } })), 'InvalidLoggingConfiguration', refused);
      assert.deepEqual((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))).loggingConfiguration, one);

      const off = await sfn.send(new CreateStateMachineCommand({ name: 'logs-off', definition: passDefinition, roleArn, loggingConfiguration: { destinations: [] } }));
      assert.deepEqual((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: off.stateMachineArn }))).loggingConfiguration, { level: 'OFF', includeExecutionData: false, destinations: [] });
    });

    it('creates, describes, updates, lists and deletes a state machine', async () => {
      const created = await sfn.send(new CreateStateMachineCommand({ name: 'crud', definition: passDefinition, roleArn }));
      assert.equal(created.stateMachineArn, smArn('crud'));
      assert.ok(created.creationDate instanceof Date);

      const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
      assert.equal(described.name, 'crud');
      assert.equal(described.status, 'ACTIVE');
      assert.equal(described.type, 'STANDARD');
      assert.equal(described.definition, passDefinition);
      assert.equal(described.roleArn, roleArn);
      assert.deepEqual(described.loggingConfiguration, { level: 'OFF', includeExecutionData: false });
      assert.deepEqual(described.tracingConfiguration, { enabled: false });
      assert.equal(described.creationDate?.getTime(), created.creationDate?.getTime());
      // AWS shows no revisionId until the first update (the initial revision is "INITIAL").
      assert.equal(described.revisionId, undefined);

      const updated = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: created.stateMachineArn, definition: chainDefinition }));
      assert.ok(updated.updateDate instanceof Date);
      assert.ok(updated.revisionId);
      const afterUpdate = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
      assert.equal(afterUpdate.definition, chainDefinition);
      assert.equal(afterUpdate.revisionId, updated.revisionId);

      const listed = await sfn.send(new ListStateMachinesCommand({}));
      assert.ok(listed.stateMachines?.some((m) => m.stateMachineArn === smArn('crud') && m.type === 'STANDARD' && m.creationDate instanceof Date));

      await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: created.stateMachineArn }));
      await rejectsWith(
        sfn.send(new DescribeStateMachineCommand({ stateMachineArn: created.stateMachineArn })),
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${smArn('crud')}'`,
      );
      // AWS lets a name be used again once its machine is deleted.
      const again = await sfn.send(new CreateStateMachineCommand({ name: 'crud', definition: passDefinition, roleArn }));
      assert.equal(again.stateMachineArn, smArn('crud'));
    });

    it('describes the variables each state reads (variableReferences), for the machine and for an execution of it', async () => {
      const definition = JSON.stringify({
        StartAt: 'Setup',
        States: {
          Setup: { Type: 'Pass', Assign: { guess: 'g', answer: 'a' }, Next: 'Check' },
          Check: { Type: 'Choice', Choices: [{ Variable: '$guess', StringEqualsPath: '$answer', Next: 'Done' }], Default: 'Retry' },
          Retry: { Type: 'Pass', Assign: { 'guess.$': '$answer' }, Next: 'Check' },
          Done: { Type: 'Pass', Parameters: { literal: '$notAReference' }, End: true },
        },
      });
      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'variable-references', definition, roleArn }));
      const expected = { Check: ['answer', 'guess'], Retry: ['answer'] };
      assert.deepEqual((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))).variableReferences, expected);
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
      assert.deepEqual((await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }))).variableReferences, expected);
      // No state reads a variable: the field is left out, as AWS answers.
      const plain = await sfn.send(new CreateStateMachineCommand({ name: 'no-variable-references', definition: passDefinition, roleArn }));
      assert.equal('variableReferences' in (await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: plain.stateMachineArn }))), false);
    });

    it('treats an identical create as idempotent and a different definition as StateMachineAlreadyExists', async () => {
      const first = await sfn.send(new CreateStateMachineCommand({ name: 'idem', definition: passDefinition, roleArn }));
      const second = await sfn.send(new CreateStateMachineCommand({ name: 'idem', definition: passDefinition, roleArn }));
      assert.equal(second.stateMachineArn, first.stateMachineArn);
      assert.equal(second.creationDate?.getTime(), first.creationDate?.getTime());
      await rejectsWith(
        sfn.send(new CreateStateMachineCommand({ name: 'idem', definition: chainDefinition, roleArn })),
        'StateMachineAlreadyExists',
        `State Machine Already Exists: '${smArn('idem')}'`,
      );
    });

    it('pages ListStateMachines with maxResults and nextToken', async () => {
      for (const name of ['page-a', 'page-b', 'page-c']) await sfn.send(new CreateStateMachineCommand({ name, definition: passDefinition, roleArn }));
      const seen: string[] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new ListStateMachinesCommand({ maxResults: 2, nextToken }));
        assert.ok((page.stateMachines?.length ?? 0) <= 2);
        seen.push(...(page.stateMachines ?? []).map((m) => m.name ?? ''));
        nextToken = page.nextToken;
      } while (nextToken);
      for (const name of ['page-a', 'page-b', 'page-c']) assert.ok(seen.includes(name), `${name} listed`);
      assert.equal(new Set(seen).size, seen.length, 'no machine listed twice');
    });

    it('rejects an invalid definition with InvalidDefinition and appends nothing', async () => {
      const bad = JSON.stringify({ StartAt: 'Missing', States: { Hello: { Type: 'Pass', End: true } } });
      await rejectsWith(sfn.send(new CreateStateMachineCommand({ name: 'bad-def', definition: bad, roleArn })), 'InvalidDefinition', /^Invalid State Machine Definition: '/);
      await rejectsWith(sfn.send(new CreateStateMachineCommand({ name: 'bad-json', definition: '{not json', roleArn })), 'InvalidDefinition');
      await rejectsWith(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: smArn('bad-def') })), 'StateMachineDoesNotExist');
    });

    it('validates definitions with ValidateStateMachineDefinition', async () => {
      const ok = await sfn.send(new ValidateStateMachineDefinitionCommand({ definition: passDefinition }));
      assert.equal(ok.result, 'OK');
      assert.deepEqual(ok.diagnostics, []);
      assert.equal(ok.truncated, false);
      const fail = await sfn.send(
        new ValidateStateMachineDefinitionCommand({ definition: JSON.stringify({ StartAt: 'Nope', States: { A: { Type: 'Pass', End: true } } }) }),
      );
      assert.equal(fail.result, 'FAIL');
      assert.ok((fail.diagnostics?.length ?? 0) > 0);
      assert.equal(fail.diagnostics?.[0].severity, 'ERROR');
      assert.ok(fail.diagnostics?.[0].code);
      assert.ok(fail.diagnostics?.[0].message);
    });

    it('tags, lists tags and untags a state machine', async () => {
      const { stateMachineArn } = await sfn.send(
        new CreateStateMachineCommand({ name: 'tagged', definition: passDefinition, roleArn, tags: [{ key: 'team', value: 'core' }] }),
      );
      await sfn.send(new TagResourceCommand({ resourceArn: stateMachineArn, tags: [{ key: 'env', value: 'dev' }, { key: 'team', value: 'platform' }] }));
      const tagged = await sfn.send(new ListTagsForResourceCommand({ resourceArn: stateMachineArn }));
      assert.deepEqual(tagged.tags, [{ key: 'team', value: 'platform' }, { key: 'env', value: 'dev' }]);
      await sfn.send(new UntagResourceCommand({ resourceArn: stateMachineArn, tagKeys: ['team'] }));
      const untagged = await sfn.send(new ListTagsForResourceCommand({ resourceArn: stateMachineArn }));
      assert.deepEqual(untagged.tags, [{ key: 'env', value: 'dev' }]);
      await rejectsWith(sfn.send(new ListTagsForResourceCommand({ resourceArn: smArn('no-such-machine') })), 'ResourceNotFound');
    });
  });

  describe('executions', () => {
    let passArn: string;
    let waitArn: string;

    before(async () => {
      passArn = (await sfn.send(new CreateStateMachineCommand({ name: 'exec-pass', definition: chainDefinition, roleArn }))).stateMachineArn!;
      waitArn = (await sfn.send(new CreateStateMachineCommand({ name: 'exec-wait', definition: waitDefinition(30), roleArn }))).stateMachineArn!;
    });

    it('starts, describes (read-your-writes) and completes an execution', async () => {
      const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: passArn, name: 'run-1', input: '{"n":1}' }));
      assert.equal(started.executionArn, 'arn:aws:states:us-east-1:123456789012:execution:exec-pass:run-1');
      assert.ok(started.startDate instanceof Date);
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn }));
      assert.equal(described.name, 'run-1');
      assert.equal(described.stateMachineArn, passArn);
      assert.equal(described.input, '{"n":1}');
      assert.equal(described.startDate?.getTime(), started.startDate?.getTime());
      const done = await eventually(
        () => sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn })),
        (d) => d.status !== 'RUNNING',
      );
      assert.equal(done.status, 'SUCCEEDED');
      assert.equal(done.output, '{"n":1}');
      assert.ok(done.stopDate instanceof Date);

      const forExecution = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: started.executionArn }));
      assert.equal(forExecution.stateMachineArn, passArn);
      assert.equal(forExecution.definition, chainDefinition);
      assert.equal(forExecution.roleArn, roleArn);
    });

    it('is idempotent by name: same input returns the same execution, other input is ExecutionAlreadyExists', async () => {
      const first = await sfn.send(new StartExecutionCommand({ stateMachineArn: waitArn, name: 'idem', input: '{"a":1}' }));
      const second = await sfn.send(new StartExecutionCommand({ stateMachineArn: waitArn, name: 'idem', input: '{"a":1}' }));
      assert.equal(second.executionArn, first.executionArn);
      assert.equal(second.startDate?.getTime(), first.startDate?.getTime());
      await rejectsWith(
        sfn.send(new StartExecutionCommand({ stateMachineArn: waitArn, name: 'idem', input: '{"a":2}' })),
        'ExecutionAlreadyExists',
        `Execution Already Exists: '${first.executionArn}'`,
      );
      await sfn.send(new StopExecutionCommand({ executionArn: first.executionArn }));
    });

    it('stops a running execution with error and cause', async () => {
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: waitArn, name: 'to-stop' }));
      const stopped = await sfn.send(new StopExecutionCommand({ executionArn, error: 'Operator.Stop', cause: 'no longer needed' }));
      assert.ok(stopped.stopDate instanceof Date);
      const described = await sfn.send(new DescribeExecutionCommand({ executionArn }));
      assert.equal(described.status, 'ABORTED');
      assert.equal(described.error, 'Operator.Stop');
      assert.equal(described.cause, 'no longer needed');
      const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true, maxResults: 1 }));
      assert.equal(history.events?.[0].type, 'ExecutionAborted');
    });

    it('lists executions newest first, filtered by status and paged', async () => {
      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'list-me', definition: waitDefinition(30), roleArn }));
      const names = ['l1', 'l2', 'l3', 'l4'];
      for (const name of names) await sfn.send(new StartExecutionCommand({ stateMachineArn, name }));
      await sfn.send(new StopExecutionCommand({ executionArn: `arn:aws:states:us-east-1:123456789012:execution:list-me:l2` }));

      const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
      assert.deepEqual(all.executions?.map((e) => e.name), ['l4', 'l3', 'l2', 'l1']);
      assert.ok(all.executions?.every((e) => e.startDate instanceof Date && e.stateMachineArn === stateMachineArn));

      const aborted = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'ABORTED' }));
      assert.deepEqual(aborted.executions?.map((e) => e.name), ['l2']);
      assert.ok(aborted.executions?.[0].stopDate instanceof Date);
      const running = await sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING' }));
      assert.deepEqual(running.executions?.map((e) => e.name), ['l4', 'l3', 'l1']);
      // The enum in AWS's order (LocalStack's test_state_machine_status_filter, validated against AWS 2024-03-14).
      await rejectsWith(
        sfn.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'succeeded' as 'SUCCEEDED' })),
        'ValidationException',
        "1 validation error detected: Value 'succeeded' at 'statusFilter' failed to satisfy constraint: Member must satisfy enum value set: [SUCCEEDED, TIMED_OUT, PENDING_REDRIVE, ABORTED, FAILED, RUNNING]",
      );

      const pages: string[][] = [];
      let nextToken: string | undefined;
      do {
        const page = await sfn.send(new ListExecutionsCommand({ stateMachineArn, maxResults: 3, nextToken }));
        pages.push((page.executions ?? []).map((e) => e.name ?? ''));
        nextToken = page.nextToken;
      } while (nextToken);
      assert.deepEqual(pages, [['l4', 'l3', 'l2'], ['l1']]);
      for (const name of ['l1', 'l3', 'l4']) {
        await sfn.send(new StopExecutionCommand({ executionArn: `arn:aws:states:us-east-1:123456789012:execution:list-me:${name}` }));
      }
      await rejectsWith(sfn.send(new ListExecutionsCommand({ stateMachineArn: smArn('nope') })), 'StateMachineDoesNotExist');
      await rejectsWith(sfn.send(new ListExecutionsCommand({ stateMachineArn, nextToken: 'garbage' })), 'InvalidToken');
      // A too-long token is quoted whole (LocalStack's test_list_executions_pagination and
      // test_list_sms_pagination, validated against AWS 2024-07-01).
      const long = 'x'.repeat(3097);
      await rejectsWith(
        sfn.send(new ListExecutionsCommand({ stateMachineArn, nextToken: long })),
        'ValidationException',
        `1 validation error detected: Value '${long}' at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 3096`,
      );
      await rejectsWith(
        sfn.send(new ListStateMachinesCommand({ nextToken: long.slice(0, 1025) })),
        'ValidationException',
        `1 validation error detected: Value '${long.slice(0, 1025)}' at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 1024`,
      );
    });

    it('returns history in order, reversed, paged and without execution data', async () => {
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn: passArn, name: 'history', input: '{"h":1}' }));
      await eventually(
        () => sfn.send(new DescribeExecutionCommand({ executionArn })),
        (d) => d.status === 'SUCCEEDED',
      );
      const full = await sfn.send(new GetExecutionHistoryCommand({ executionArn }));
      const types = full.events?.map((e) => e.type);
      assert.deepEqual(types, [
        'ExecutionStarted',
        'PassStateEntered',
        'PassStateExited',
        'PassStateEntered',
        'PassStateExited',
        'PassStateEntered',
        'PassStateExited',
        'ExecutionSucceeded',
      ]);
      assert.deepEqual(full.events?.map((e) => e.id), [1, 2, 3, 4, 5, 6, 7, 8]);
      assert.ok(full.events?.every((e) => e.timestamp instanceof Date && !('x' in e)));
      assert.equal(full.events?.[0].executionStartedEventDetails?.input, '{"h":1}');
      assert.equal(full.events?.[0].executionStartedEventDetails?.roleArn, roleArn);
      assert.equal(full.events?.[1].stateEnteredEventDetails?.name, 'A');

      const reversed = await sfn.send(new GetExecutionHistoryCommand({ executionArn, reverseOrder: true }));
      assert.deepEqual(reversed.events?.map((e) => e.id), [8, 7, 6, 5, 4, 3, 2, 1]);

      const paged: number[] = [];
      let nextToken: string | undefined;
      let calls = 0;
      do {
        const page = await sfn.send(new GetExecutionHistoryCommand({ executionArn, maxResults: 3, nextToken }));
        paged.push(...(page.events ?? []).map((e) => e.id ?? 0));
        nextToken = page.nextToken;
        calls += 1;
      } while (nextToken);
      assert.deepEqual(paged, [1, 2, 3, 4, 5, 6, 7, 8]);
      assert.equal(calls, 3);

      const lean = await sfn.send(new GetExecutionHistoryCommand({ executionArn, includeExecutionData: false }));
      assert.equal(lean.events?.[0].executionStartedEventDetails?.input, undefined);
      assert.equal(lean.events?.[0].executionStartedEventDetails?.roleArn, roleArn);
      assert.equal(lean.events?.[7].executionSucceededEventDetails?.output, undefined);
    });

    it('runs an EXPRESS machine synchronously with StartSyncExecution', async () => {
      const { stateMachineArn } = await sfn.send(
        new CreateStateMachineCommand({ name: 'express-sync', type: 'EXPRESS', definition: passDefinition, roleArn }),
      );
      const result = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn, name: 'sync-1', input: '{"in":true}' }));
      assert.equal(result.status, 'SUCCEEDED');
      assert.equal(result.output, '{"hello":"world"}');
      assert.equal(result.input, '{"in":true}');
      assert.equal(result.stateMachineArn, stateMachineArn);
      assert.ok(result.startDate instanceof Date && result.stopDate instanceof Date);
      // AWS's billing figures: a quick execution bills the minimum, 100 ms and 64 MB.
      assert.deepEqual(result.billingDetails, { billedDurationInMilliseconds: 100, billedMemoryUsedInMB: 64 });
      assert.deepEqual([result.inputDetails, result.outputDetails], [{ included: true }, { included: true }]);
      await rejectsWith(sfn.send(new StartSyncExecutionCommand({ stateMachineArn: passArn })), 'StateMachineTypeNotSupported');

      // A failed one: error and cause, outputDetails with no output, and a duration rounded up to 100 ms.
      const failing = await sfn.send(
        new CreateStateMachineCommand({
          name: 'express-sync-fails',
          type: 'EXPRESS',
          definition: JSON.stringify({ StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 1, Next: 'Boom' }, Boom: { Type: 'Fail', Error: 'SomeFailure', Cause: 'raised' } } }),
          roleArn,
        }),
      );
      const failed = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn: failing.stateMachineArn }));
      assert.deepEqual([failed.status, failed.error, failed.cause, failed.output, failed.outputDetails], ['FAILED', 'SomeFailure', 'raised', undefined, { included: true }]);
      const billed = failed.billingDetails!.billedDurationInMilliseconds!;
      const elapsed = failed.stopDate!.getTime() - failed.startDate!.getTime();
      assert.ok(billed % 100 === 0 && billed >= elapsed && billed < elapsed + 100 && billed >= 1000, `billed ${billed} ms for ${elapsed} ms`);
    });
  });

  it('records the caller (the claimed access key id, marked unverified with auth off) and source IP in the metadata of the events it causes', async () => {
    await sfn.send(new CreateStateMachineCommand({ name: 'audited', definition: passDefinition, roleArn }));
    const store = await openServerStore(server);
    try {
      const [event] = await store.readStream('state-machine-audited');
      assert.equal(event.type, 'StateMachineCreated');
      assert.equal(event.metadata.actor, 'unverified:AKIDSTEPSTONETEST');
      assert.equal(event.metadata.sourceIp, '127.0.0.1');
    } finally {
      await store.close();
    }
  });

  describe('errors', () => {
    it('rejects invalid names with InvalidName and over-long ones with ValidationException', async () => {
      for (const name of ['has space', 'a/b', 'x:y', 'br{ace}', 'q?', 'tab\there', 'dollar$']) {
        await rejectsWith(sfn.send(new CreateStateMachineCommand({ name, definition: passDefinition, roleArn })), 'InvalidName', `Invalid Name: '${name}'`);
      }
      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'names', definition: passDefinition, roleArn }));
      await rejectsWith(sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'bad name' })), 'InvalidName', "Invalid Name: 'bad name'");
      await rejectsWith(
        sfn.send(new StartExecutionCommand({ stateMachineArn, name: 'n'.repeat(81) })),
        'ValidationException',
        /^1 validation error detected: Value 'n+' at 'name' failed to satisfy constraint: Member must have length less than or equal to 80$/,
      );
      const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
      assert.deepEqual(listed.executions, [], 'nothing appended for rejected requests');
    });

    it('rejects malformed ARNs with InvalidArn', async () => {
      // A string that is no ARN at all: AWS names the reason (LocalStack's snapshot tests
      // test_describe_invalid_arn_sm, test_list_execution_invalid_arn,
      // test_describe_execution_invalid_arn, test_get_execution_history_invalid_arn, validated
      // against AWS 2024-03-08).
      await rejectsWith(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: 'not_a_valid_arn' })), 'InvalidArn', "Invalid Arn: 'Invalid ARN prefix: not_a_valid_arn'");
      await rejectsWith(sfn.send(new ListExecutionsCommand({ stateMachineArn: 'invalid_state_machine_arn' })), 'InvalidArn', "Invalid Arn: 'Invalid ARN prefix: invalid_state_machine_arn'");
      await rejectsWith(sfn.send(new DescribeExecutionCommand({ executionArn: 'invalid_state_machine_arn' })), 'InvalidArn', "Invalid Arn: 'Invalid ARN prefix: invalid_state_machine_arn'");
      await rejectsWith(sfn.send(new GetExecutionHistoryCommand({ executionArn: 'invalid_state_machine_arn' })), 'InvalidArn', "Invalid Arn: 'Invalid ARN prefix: invalid_state_machine_arn'");
      const executionArn = 'arn:aws:states:us-east-1:123456789012:execution:m:e';
      await rejectsWith(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: executionArn })), 'InvalidArn', `Invalid Arn: '${executionArn}'`);
      await rejectsWith(sfn.send(new DescribeExecutionCommand({ executionArn: smArn('m') })), 'InvalidArn', `Invalid Arn: '${smArn('m')}'`);
      await rejectsWith(sfn.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:lambda:us-east-1:123456789012:function:f' })), 'InvalidArn');
    });

    it('reports missing machines and executions by name', async () => {
      await rejectsWith(sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('ghost') })), 'StateMachineDoesNotExist', `State Machine Does Not Exist: '${smArn('ghost')}'`);
      const arn = 'arn:aws:states:us-east-1:123456789012:execution:ghost:never';
      await rejectsWith(sfn.send(new DescribeExecutionCommand({ executionArn: arn })), 'ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
      await rejectsWith(sfn.send(new GetExecutionHistoryCommand({ executionArn: arn })), 'ExecutionDoesNotExist');
      await rejectsWith(sfn.send(new StopExecutionCommand({ executionArn: arn })), 'ExecutionDoesNotExist');
    });

    it('rejects input that is not JSON or larger than 256 KiB', async () => {
      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'inputs', definition: passDefinition, roleArn }));
      await rejectsWith(
        sfn.send(new StartExecutionCommand({ stateMachineArn, input: '{"unterminated": ' })),
        'InvalidExecutionInput',
        /^Invalid State Machine Execution Input: '/,
      );
      // LocalStack's test_invalid_start_execution_input (start_res_empty), validated against AWS 2023-06-22.
      await rejectsWith(
        sfn.send(new StartExecutionCommand({ stateMachineArn, input: '' })),
        'InvalidExecutionInput',
        "Invalid State Machine Execution Input: 'Invalid execution input.'",
      );
      const big = JSON.stringify({ blob: 'x'.repeat(262_144) });
      await rejectsWith(
        sfn.send(new StartExecutionCommand({ stateMachineArn, input: big })),
        'ValidationException',
        "1 validation error detected: Value at 'input' failed to satisfy constraint: Member must have length less than or equal to 262144",
      );
      const listed = await sfn.send(new ListExecutionsCommand({ stateMachineArn }));
      assert.deepEqual(listed.executions, []);
    });

    it('reports a missing required field as ValidationException', async () => {
      await rejectsWith(
        sfn.send(new DescribeStateMachineCommand({} as never)),
        'ValidationException',
        "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null",
      );
      await rejectsWith(
        sfn.send(new CreateStateMachineCommand({ name: 'x' } as never)),
        'ValidationException',
        /^2 validation errors detected: Value null at 'definition' .*; Value null at 'roleArn' /,
      );
    });

    it('answers an unknown action with UnknownOperationException', async () => {
      const response = await rawCall(server.endpoint, 'AWSStepFunctions.DoSomethingElse', '{}');
      assert.equal(response.status, 400);
      assert.equal(response.json.__type, 'UnknownOperationException');
      assert.equal(response.headers.get('x-amzn-errortype'), 'UnknownOperationException');
      assert.equal(response.headers.get('content-type'), 'application/x-amz-json-1.0');
    });

    it('answers a malformed JSON body with SerializationException', async () => {
      const response = await rawCall(server.endpoint, 'AWSStepFunctions.ListStateMachines', '{"maxResults": ');
      assert.equal(response.status, 400);
      assert.equal(response.json.__type, 'SerializationException');
      assert.match(response.json.message, /^Malformed request body/);
    });

    it('accepts application/json bodies as well', async () => {
      const response = await fetch(server.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-amz-target': 'AWSStepFunctions.ListStateMachines' },
        body: '{"maxResults": 1}',
      });
      assert.equal(response.status, 200);
      const body = (await response.json()) as { stateMachines: unknown[] };
      assert.equal(body.stateMachines.length, 1);
    });
  });
});
