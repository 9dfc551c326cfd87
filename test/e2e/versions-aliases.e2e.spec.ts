import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CreateStateMachineAliasCommand,
  CreateStateMachineCommand,
  DeleteStateMachineAliasCommand,
  DeleteStateMachineCommand,
  DeleteStateMachineVersionCommand,
  DescribeExecutionCommand,
  DescribeStateMachineAliasCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  GetExecutionHistoryCommand,
  ListExecutionsCommand,
  ListStateMachineAliasesCommand,
  ListStateMachinesCommand,
  ListStateMachineVersionsCommand,
  PublishStateMachineVersionCommand,
  StartExecutionCommand,
  StopExecutionCommand,
  TagResourceCommand,
  UpdateStateMachineAliasCommand,
  UpdateStateMachineCommand,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { sfnClient, startServer, type RunningServer } from '../support/server';
import { eventually, rejectsWith } from '../support/helpers';

const roleArn = 'arn:aws:iam::123456789012:role/stepstone';
const smArn = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;
const pass = (comment: string) => JSON.stringify({ Comment: comment, StartAt: 'P', States: { P: { Type: 'Pass', Result: comment, End: true } } });
const waiting = JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 300, End: true } } });

describe('versions, aliases, EXPRESS ARNs and DELETING, through the AWS SDK', () => {
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

  const create = (name: string, extra: Record<string, unknown> = {}) =>
    sfn.send(new CreateStateMachineCommand({ name, definition: pass('R0'), roleArn, ...extra }));
  const finished = (executionArn: string) =>
    eventually(
      () => sfn.send(new DescribeExecutionCommand({ executionArn })),
      (described) => described.status !== 'RUNNING',
    );

  describe('versions', () => {
    it('publishes on create and on update, describes immutable numbered versions, lists them newest first', async () => {
      const created = await create('v-basic', { publish: true, versionDescription: 'first' });
      assert.equal(created.stateMachineVersionArn, `${smArn('v-basic')}:1`);
      const machine = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: smArn('v-basic') }));
      assert.equal(machine.revisionId, undefined, 'a machine never updated has no revisionId on AWS');

      const v1 = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${smArn('v-basic')}:1` }));
      assert.equal(v1.stateMachineArn, `${smArn('v-basic')}:1`);
      assert.equal(v1.description, 'first');
      assert.equal(v1.definition, pass('R0'));
      assert.equal(v1.revisionId, undefined);

      const updated = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('v-basic'), definition: pass('R1'), publish: true }));
      assert.equal(updated.stateMachineVersionArn, `${smArn('v-basic')}:2`);
      assert.ok(updated.revisionId);
      const v2 = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${smArn('v-basic')}:2` }));
      assert.equal(v2.revisionId, updated.revisionId);
      assert.equal(v2.definition, pass('R1'));
      // Version 1 is immutable: the update did not change it.
      assert.equal((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${smArn('v-basic')}:1` }))).definition, pass('R0'));

      const listed = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: smArn('v-basic') }));
      assert.deepEqual(
        listed.stateMachineVersions?.map((version) => version.stateMachineVersionArn),
        [`${smArn('v-basic')}:2`, `${smArn('v-basic')}:1`],
      );
      assert.ok(listed.stateMachineVersions?.every((version) => version.creationDate instanceof Date));
    });

    it('publishes idempotently, checks revisionId and never reuses a deleted number', async () => {
      await create('v-publish');
      const first = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: smArn('v-publish'), revisionId: 'INITIAL' }));
      assert.equal(first.stateMachineVersionArn, `${smArn('v-publish')}:1`);
      const again = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: smArn('v-publish') }));
      assert.equal(again.stateMachineVersionArn, first.stateMachineVersionArn);
      assert.equal(again.creationDate?.getTime(), first.creationDate?.getTime());

      const r1 = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('v-publish'), definition: pass('R1') }));
      const r2 = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('v-publish'), definition: pass('R2') }));
      await rejectsWith(
        sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: smArn('v-publish'), revisionId: r1.revisionId })),
        'ConflictException',
        `Failed to publish the State Machine version for revision ${r1.revisionId}. The current State Machine revision is ${r2.revisionId}.`,
      );
      const v2 = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: smArn('v-publish'), revisionId: r2.revisionId, description: 'two' }));
      assert.equal(v2.stateMachineVersionArn, `${smArn('v-publish')}:2`);

      await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${smArn('v-publish')}:2` }));
      // Deleting it again succeeds, as on AWS.
      await sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${smArn('v-publish')}:2` }));
      await rejectsWith(
        sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${smArn('v-publish')}:2` })),
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${smArn('v-publish')}:2'`,
      );
      await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('v-publish'), definition: pass('R3') }));
      const v3 = await sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: smArn('v-publish') }));
      assert.equal(v3.stateMachineVersionArn, `${smArn('v-publish')}:3`);
    });

    it('answers an unchanged update with the same revision and version', async () => {
      await create('v-unchanged');
      const first = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('v-unchanged'), definition: pass('R0'), publish: true }));
      const second = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('v-unchanged'), definition: pass('R0'), publish: true }));
      assert.equal(first.stateMachineVersionArn, `${smArn('v-unchanged')}:1`);
      assert.equal(second.stateMachineVersionArn, `${smArn('v-unchanged')}:1`);
      assert.equal(first.revisionId, undefined);
    });

    // moto's AWS-verified test_create_state_machine_with_version_description: the same definition
    // published again with another versionDescription answers a version that carries it.
    it('publishes the same revision again when the version description differs', async () => {
      const created = await create('v-described', { publish: true, versionDescription: 'first version' });
      const again = await sfn.send(
        new UpdateStateMachineCommand({ stateMachineArn: smArn('v-described'), definition: pass('R0'), publish: true, versionDescription: 'first version' }),
      );
      assert.equal(again.stateMachineVersionArn, created.stateMachineVersionArn);
      const second = await sfn.send(
        new UpdateStateMachineCommand({ stateMachineArn: smArn('v-described'), definition: pass('R0'), publish: true, versionDescription: 'second version' }),
      );
      assert.equal(second.stateMachineVersionArn, `${smArn('v-described')}:2`);
      const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: second.stateMachineVersionArn }));
      assert.equal(described.description, 'second version');
      assert.equal((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: smArn('v-described') }))).description, undefined);
    });

    it('pages ListStateMachineVersions with maxResults and nextToken', async () => {
      await create('v-pages');
      for (let revision = 1; revision <= 5; revision += 1) {
        await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('v-pages'), definition: pass(`R${revision}`), publish: true }));
      }
      const page1 = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: smArn('v-pages'), maxResults: 3 }));
      assert.deepEqual(page1.stateMachineVersions?.map((v) => v.stateMachineVersionArn?.split(':').pop()), ['5', '4', '3']);
      assert.ok(page1.nextToken);
      const page2 = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: smArn('v-pages'), maxResults: 3, nextToken: page1.nextToken }));
      assert.deepEqual(page2.stateMachineVersions?.map((v) => v.stateMachineVersionArn?.split(':').pop()), ['2', '1']);
      assert.equal(page2.nextToken, undefined);
      await rejectsWith(
        sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: smArn('v-pages'), maxResults: 1001 })),
        'ValidationException',
        "1 validation error detected: Value '1001' at 'maxResults' failed to satisfy constraint: Member must have value less than or equal to 1000",
      );
      await rejectsWith(sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: smArn('v-pages'), nextToken: 'not-a-token' })), 'InvalidToken');
      // LocalStack's test_list_state_machine_versions_pagination, validated against AWS 2024-07-01.
      const long = 'x'.repeat(1025);
      await rejectsWith(
        sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: smArn('v-pages'), nextToken: long })),
        'ValidationException',
        `1 validation error detected: Value '${long}' at 'nextToken' failed to satisfy constraint: Member must have length less than or equal to 1024`,
      );
    });

    it('refuses what AWS refuses', async () => {
      await rejectsWith(
        create('v-errors', { versionDescription: 'no publish' }),
        'ValidationException',
        'Version description can only be set when publish is true',
      );
      await create('v-errors', { publish: true });
      await rejectsWith(
        sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('v-errors'), versionDescription: 'x', definition: pass('R1') })),
        'ValidationException',
        'Version description can only be set when publish is true',
      );
      await rejectsWith(
        sfn.send(new UpdateStateMachineCommand({ stateMachineArn: `${smArn('v-errors')}:1`, definition: pass('R1') })),
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${smArn('v-errors')}:1'`,
      );
      // A version carries no tags (LocalStack's test_tag_state_machine_version, validated against AWS 2023-08-25).
      await rejectsWith(
        sfn.send(new TagResourceCommand({ resourceArn: `${smArn('v-errors')}:1`, tags: [{ key: 'key1', value: 'value1' }] })),
        'ResourceNotFound',
        `Resource not found: '${smArn('v-errors')}:1'`,
      );
      await rejectsWith(
        sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: smArn('v-missing') })),
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${smArn('v-missing')}'`,
      );
      // LocalStack's test_publish_state_machine_version_invalid_arn, validated against AWS 2024-03-08.
      await rejectsWith(sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: 'invalid_arn' })), 'InvalidArn', "Invalid Arn: 'Invalid ARN prefix: invalid_arn'");
      await rejectsWith(sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: smArn('v-errors') })), 'InvalidArn');
      await rejectsWith(sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: 'arn:nope' })), 'InvalidArn');
      await rejectsWith(
        sfn.send(new PublishStateMachineVersionCommand({ stateMachineArn: smArn('v-errors'), description: 'd'.repeat(257) })),
        'ValidationException',
        "1 validation error detected: Value at 'description' failed to satisfy constraint: Member must have length less than or equal to 256",
      );
    });
  });

  describe('aliases', () => {
    it('creates, describes, updates, lists and deletes an alias', async () => {
      await create('a-life', { publish: true });
      await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('a-life'), definition: pass('R1'), publish: true }));
      const routing = [{ stateMachineVersionArn: `${smArn('a-life')}:1`, weight: 100 }];
      const created = await sfn.send(new CreateStateMachineAliasCommand({ name: 'PROD', description: 'live', routingConfiguration: routing }));
      assert.equal(created.stateMachineAliasArn, `${smArn('a-life')}:PROD`);
      // Idempotent with the same name, description and routing.
      const again = await sfn.send(new CreateStateMachineAliasCommand({ name: 'PROD', description: 'live', routingConfiguration: routing }));
      assert.equal(again.creationDate?.getTime(), created.creationDate?.getTime());
      await rejectsWith(
        sfn.send(new CreateStateMachineAliasCommand({ name: 'PROD', description: 'other', routingConfiguration: routing })),
        'ConflictException',
        'Failed to create alias because an alias with the same name and a different routing configuration already exists.',
      );
      await sfn.send(new CreateStateMachineAliasCommand({ name: 'beta', routingConfiguration: routing }));

      const described = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: created.stateMachineAliasArn }));
      assert.equal(described.name, 'PROD');
      assert.equal(described.description, 'live');
      assert.deepEqual(described.routingConfiguration, routing);
      assert.ok(described.creationDate instanceof Date && described.updateDate instanceof Date);

      const split = [
        { stateMachineVersionArn: `${smArn('a-life')}:1`, weight: 50 },
        { stateMachineVersionArn: `${smArn('a-life')}:2`, weight: 50 },
      ];
      const updated = await sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: created.stateMachineAliasArn, routingConfiguration: split }));
      assert.ok(updated.updateDate instanceof Date);
      const afterUpdate = await sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: created.stateMachineAliasArn }));
      assert.deepEqual(afterUpdate.routingConfiguration, split);
      assert.equal(afterUpdate.description, 'live');

      const listed = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: smArn('a-life') }));
      assert.deepEqual(
        listed.stateMachineAliases?.map((alias) => alias.stateMachineAliasArn),
        [`${smArn('a-life')}:PROD`, `${smArn('a-life')}:beta`],
      );

      await rejectsWith(
        sfn.send(new DeleteStateMachineVersionCommand({ stateMachineVersionArn: `${smArn('a-life')}:1` })),
        'ConflictException',
        'Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [PROD, beta]',
      );
      await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: `${smArn('a-life')}:beta` }));
      await sfn.send(new DeleteStateMachineAliasCommand({ stateMachineAliasArn: `${smArn('a-life')}:beta` }));
      await rejectsWith(
        sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: `${smArn('a-life')}:beta` })),
        'ResourceNotFound',
        'Request references a resource that does not exist.',
      );
      await rejectsWith(
        sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: `${smArn('a-life')}:beta`, description: 'x' })),
        'ResourceNotFound',
        'Request references a resource that does not exist.',
      );
      const remaining = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: smArn('a-life') }));
      assert.deepEqual(remaining.stateMachineAliases?.map((alias) => alias.stateMachineAliasArn), [`${smArn('a-life')}:PROD`]);
    });

    it('validates names and routing configurations with AWS messages', async () => {
      await create('a-bad', { publish: true });
      await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('a-bad'), definition: pass('R1'), publish: true }));
      await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('a-bad'), definition: pass('R2'), publish: true }));
      const v = (n: number) => `${smArn('a-bad')}:${n}`;
      const alias = (name: string, routingConfiguration: Array<{ stateMachineVersionArn: string; weight: number }>) =>
        sfn.send(new CreateStateMachineAliasCommand({ name, routingConfiguration }));
      const cases: Array<[string, Array<{ stateMachineVersionArn: string; weight: number }>, string, string]> = [
        [
          '123',
          [{ stateMachineVersionArn: v(1), weight: 100 }],
          'ValidationException',
          "1 validation error detected: Value '123' at 'name' failed to satisfy constraint: Member must satisfy regular expression pattern: ^(?=.*[a-zA-Z_\\-\\.])[a-zA-Z0-9_\\-\\.]+$",
        ],
        [
          'ok',
          [{ stateMachineVersionArn: smArn('a-bad'), weight: 100 }],
          'ValidationException',
          `Routing configuration must contain state machine version ARNs. Received: [${smArn('a-bad')}]`,
        ],
        [
          'ok',
          [
            { stateMachineVersionArn: v(1), weight: 50 },
            { stateMachineVersionArn: v(1), weight: 50 },
          ],
          'ValidationException',
          `Routing configuration must contain distinct state machine version ARNs. Received: [${v(1)}, ${v(1)}]`,
        ],
        [
          'ok',
          [
            { stateMachineVersionArn: v(1), weight: 70 },
            { stateMachineVersionArn: v(2), weight: 29 },
          ],
          'ValidationException',
          'Sum of routing configuration weights must equal 100. Received: [70, 29]',
        ],
        [
          'ok',
          [{ stateMachineVersionArn: v(1), weight: 101 }],
          'ValidationException',
          "1 validation error detected: Value '101' at 'routingConfiguration.1.member.weight' failed to satisfy constraint: Member must have value less than or equal to 100",
        ],
        [
          'ok',
          [
            { stateMachineVersionArn: v(1), weight: 50 },
            { stateMachineVersionArn: v(2), weight: 30 },
            { stateMachineVersionArn: v(3), weight: 20 },
          ],
          'ValidationException',
          `1 validation error detected: Value '[RoutingConfigurationListItem(stateMachineVersionArn=${v(1)}, weight=50), RoutingConfigurationListItem(stateMachineVersionArn=${v(2)}, weight=30), RoutingConfigurationListItem(stateMachineVersionArn=${v(3)}, weight=20)]' at 'routingConfiguration' failed to satisfy constraint: Member must have length less than or equal to 2`,
        ],
        ['ok', [{ stateMachineVersionArn: v(9), weight: 100 }], 'ResourceNotFound', 'Request references a resource that does not exist.'],
      ];
      for (const [name, routing, error, message] of cases) await rejectsWith(alias(name, routing), error, message);
      await rejectsWith(
        sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: smArn('a-nobody') })),
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${smArn('a-nobody')}'`,
      );
      await rejectsWith(sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: smArn('a-bad') })), 'InvalidArn');
      const aliases = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: smArn('a-bad') }));
      assert.deepEqual(aliases.stateMachineAliases, [], 'a refused request appends nothing');
    });

    it('starts executions on a version and an alias, and describes and lists them by version or alias', async () => {
      await create('a-run', { publish: true });
      await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('a-run'), definition: pass('R1'), publish: true }));
      await sfn.send(new CreateStateMachineAliasCommand({ name: 'live', routingConfiguration: [{ stateMachineVersionArn: `${smArn('a-run')}:1`, weight: 100 }] }));

      const viaVersion = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${smArn('a-run')}:1`, name: 'by-version' }));
      const viaAlias = await sfn.send(new StartExecutionCommand({ stateMachineArn: `${smArn('a-run')}:live`, name: 'by-alias' }));
      const plain = await sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('a-run'), name: 'plain' }));
      assert.equal(viaAlias.executionArn, 'arn:aws:states:us-east-1:123456789012:execution:a-run:by-alias');

      const version = await finished(viaVersion.executionArn!);
      assert.equal(version.stateMachineArn, smArn('a-run'));
      assert.equal(version.stateMachineVersionArn, `${smArn('a-run')}:1`);
      assert.equal(version.stateMachineAliasArn, undefined);
      assert.equal(version.output, '"R0"', 'version 1 runs its own definition, not the latest');
      const alias = await finished(viaAlias.executionArn!);
      assert.equal(alias.stateMachineAliasArn, `${smArn('a-run')}:live`);
      assert.equal(alias.stateMachineVersionArn, `${smArn('a-run')}:1`);
      assert.equal((await finished(plain.executionArn!)).output, '"R1"');

      const history = await sfn.send(new GetExecutionHistoryCommand({ executionArn: viaAlias.executionArn }));
      assert.equal(history.events?.[0].executionStartedEventDetails?.stateMachineAliasArn, `${smArn('a-run')}:live`);
      assert.equal(history.events?.[0].executionStartedEventDetails?.stateMachineVersionArn, `${smArn('a-run')}:1`);

      const byAlias = await sfn.send(new ListExecutionsCommand({ stateMachineArn: `${smArn('a-run')}:live` }));
      assert.deepEqual(byAlias.executions?.map((e) => e.name), ['by-alias']);
      const byVersion = await sfn.send(new ListExecutionsCommand({ stateMachineArn: `${smArn('a-run')}:1` }));
      assert.deepEqual(byVersion.executions?.map((e) => e.name).sort(), ['by-alias', 'by-version']);
      const all = await sfn.send(new ListExecutionsCommand({ stateMachineArn: smArn('a-run') }));
      assert.equal(all.executions?.length, 3);
      assert.equal(all.executions?.find((e) => e.name === 'by-alias')?.stateMachineAliasArn, `${smArn('a-run')}:live`);

      const forExecution = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn: viaVersion.executionArn }));
      assert.equal(forExecution.stateMachineArn, smArn('a-run'));
      assert.equal(forExecution.definition, pass('R0'));
      assert.equal(forExecution.revisionId, undefined);

      await rejectsWith(
        sfn.send(new StartExecutionCommand({ stateMachineArn: `${smArn('a-run')}:7` })),
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${smArn('a-run')}:7'`,
      );
      await rejectsWith(
        sfn.send(new StartExecutionCommand({ stateMachineArn: `${smArn('a-run')}:nope` })),
        'StateMachineDoesNotExist',
        `State Machine Does Not Exist: '${smArn('a-run')}:nope'`,
      );
    });

    it('routes an alias by weight across many executions', async () => {
      await create('a-split', { publish: true });
      await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('a-split'), definition: pass('R1'), publish: true }));
      await sfn.send(
        new CreateStateMachineAliasCommand({
          name: 'canary',
          routingConfiguration: [
            { stateMachineVersionArn: `${smArn('a-split')}:1`, weight: 80 },
            { stateMachineVersionArn: `${smArn('a-split')}:2`, weight: 20 },
          ],
        }),
      );
      const total = 100;
      for (let i = 0; i < total; i += 1) await sfn.send(new StartExecutionCommand({ stateMachineArn: `${smArn('a-split')}:canary`, name: `run-${i}` }));
      const onTwo = await sfn.send(new ListExecutionsCommand({ stateMachineArn: `${smArn('a-split')}:2`, maxResults: 1000 }));
      const onOne = await sfn.send(new ListExecutionsCommand({ stateMachineArn: `${smArn('a-split')}:1`, maxResults: 1000 }));
      assert.equal((onOne.executions?.length ?? 0) + (onTwo.executions?.length ?? 0), total);
      // 20% of 100 names: a binomial spread of ±4 per standard deviation; ±12 is three of them.
      assert.ok(Math.abs((onTwo.executions?.length ?? 0) - 20) <= 12, `version 2 ran ${onTwo.executions?.length} of ${total}`);
    });

    it('refuses an empty alias update and a 101st alias', async () => {
      await create('a-quota', { publish: true });
      const routing = [{ stateMachineVersionArn: `${smArn('a-quota')}:1`, weight: 100 }];
      await sfn.send(new CreateStateMachineAliasCommand({ name: 'a0', routingConfiguration: routing }));
      await rejectsWith(
        sfn.send(new UpdateStateMachineAliasCommand({ stateMachineAliasArn: `${smArn('a-quota')}:a0` })),
        'ValidationException',
        'Either the description or the routingConfiguration must be specified',
      );
      for (let i = 1; i < 100; i += 1) await sfn.send(new CreateStateMachineAliasCommand({ name: `a${i}`, routingConfiguration: routing }));
      await rejectsWith(sfn.send(new CreateStateMachineAliasCommand({ name: 'a100', routingConfiguration: routing })), 'ServiceQuotaExceededException');
      const page = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: smArn('a-quota'), maxResults: 60 }));
      assert.equal(page.stateMachineAliases?.length, 60);
      const rest = await sfn.send(new ListStateMachineAliasesCommand({ stateMachineArn: smArn('a-quota'), maxResults: 60, nextToken: page.nextToken }));
      assert.equal(rest.stateMachineAliases?.length, 40);
      assert.equal(rest.stateMachineAliases?.at(-1)?.stateMachineAliasArn, `${smArn('a-quota')}:a99`);
    });

    it('lets a parent start a child through an alias with the states:startExecution.sync integration', async () => {
      await create('a-child', { publish: true });
      await sfn.send(new CreateStateMachineAliasCommand({ name: 'stable', routingConfiguration: [{ stateMachineVersionArn: `${smArn('a-child')}:1`, weight: 100 }] }));
      await sfn.send(new UpdateStateMachineCommand({ stateMachineArn: smArn('a-child'), definition: pass('R1') }));
      const parent = JSON.stringify({
        StartAt: 'Child',
        States: {
          Child: {
            Type: 'Task',
            Resource: 'arn:aws:states:::states:startExecution.sync:2',
            Parameters: { StateMachineArn: `${smArn('a-child')}:stable`, Name: 'child-run' },
            OutputPath: '$.Output',
            End: true,
          },
        },
      });
      await sfn.send(new CreateStateMachineCommand({ name: 'a-parent', definition: parent, roleArn }));
      const run = await sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('a-parent') }));
      const done = await finished(run.executionArn!);
      assert.equal(done.status, 'SUCCEEDED', done.cause);
      assert.equal(done.output, '"R0"', 'the alias runs version 1, not the updated machine');
      const child = await sfn.send(new DescribeExecutionCommand({ executionArn: 'arn:aws:states:us-east-1:123456789012:execution:a-child:child-run' }));
      assert.equal(child.stateMachineAliasArn, `${smArn('a-child')}:stable`);
    });

    it('deleting a machine deletes its versions and aliases', async () => {
      await create('a-gone', { publish: true });
      await sfn.send(new CreateStateMachineAliasCommand({ name: 'x', routingConfiguration: [{ stateMachineVersionArn: `${smArn('a-gone')}:1`, weight: 100 }] }));
      await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: smArn('a-gone') }));
      await rejectsWith(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${smArn('a-gone')}:1` })), 'StateMachineDoesNotExist');
      await rejectsWith(sfn.send(new DescribeStateMachineAliasCommand({ stateMachineAliasArn: `${smArn('a-gone')}:x` })), 'ResourceNotFound');
      await create('a-gone');
      const versions = await sfn.send(new ListStateMachineVersionsCommand({ stateMachineArn: smArn('a-gone') }));
      assert.deepEqual(versions.stateMachineVersions, []);
    });
  });

  describe('EXPRESS executions', () => {
    it('starts with an express: ARN that Describe, history, Stop and List refuse as AWS does', async () => {
      await create('x-async', { type: 'EXPRESS' });
      const started = await sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('x-async'), name: 'fast' }));
      assert.match(started.executionArn!, /^arn:aws:states:us-east-1:123456789012:express:x-async:fast:[0-9a-f-]{36}$/);
      const refused = "Invalid Arn: 'Resource type not valid in this context: express'";
      await rejectsWith(sfn.send(new DescribeExecutionCommand({ executionArn: started.executionArn })), 'InvalidArn', refused);
      await rejectsWith(sfn.send(new GetExecutionHistoryCommand({ executionArn: started.executionArn })), 'InvalidArn', refused);
      await rejectsWith(sfn.send(new StopExecutionCommand({ executionArn: started.executionArn })), 'InvalidArn', refused);
      await rejectsWith(
        sfn.send(new ListExecutionsCommand({ stateMachineArn: smArn('x-async') })),
        'StateMachineTypeNotSupported',
        'This operation is not supported by this type of state machine',
      );
    });
  });

  describe('DeleteStateMachine with running executions', () => {
    it('is DELETING until the last execution ends, refusing new starts, then disappears', async () => {
      await sfn.send(new CreateStateMachineCommand({ name: 'd-wait', definition: waiting, roleArn }));
      const running = await sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('d-wait'), name: 'long' }));
      await sfn.send(new DeleteStateMachineCommand({ stateMachineArn: smArn('d-wait') }));

      const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: smArn('d-wait') }));
      assert.equal(described.status, 'DELETING');
      await rejectsWith(
        sfn.send(new StartExecutionCommand({ stateMachineArn: smArn('d-wait') })),
        'StateMachineDeleting',
        `State Machine is being deleted: '${smArn('d-wait')}'`,
      );
      await rejectsWith(
        sfn.send(new CreateStateMachineCommand({ name: 'd-wait', definition: waiting, roleArn })),
        'StateMachineDeleting',
        `State Machine is being deleted: '${smArn('d-wait')}'`,
      );
      const listed = await sfn.send(new ListStateMachinesCommand({}));
      assert.ok(listed.stateMachines?.some((machine) => machine.stateMachineArn === smArn('d-wait')));

      await sfn.send(new StopExecutionCommand({ executionArn: running.executionArn }));
      await rejectsWith(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: smArn('d-wait') })), 'StateMachineDoesNotExist');
      const after = await sfn.send(new ListStateMachinesCommand({}));
      assert.ok(!after.stateMachines?.some((machine) => machine.stateMachineArn === smArn('d-wait')));
      // The name is free again.
      await sfn.send(new CreateStateMachineCommand({ name: 'd-wait', definition: pass('again'), roleArn }));
      assert.equal((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: smArn('d-wait') }))).status, 'ACTIVE');
    });
  });
});
