import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import {
  CreateActivityCommand,
  CreateStateMachineCommand,
  DescribeActivityCommand,
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  DescribeStateMachineForExecutionCommand,
  StartExecutionCommand,
  StartSyncExecutionCommand,
  UpdateStateMachineCommand,
  type EncryptionConfiguration,
  type SFNClient,
} from '@aws-sdk/client-sfn';
import { CLI_ENTRY, rawCall, sfnClient, startServer, type RunningServer } from '../support/server';
import { eventually, rejectsWith } from '../support/helpers';

// encryptionConfiguration (CreateStateMachine, UpdateStateMachine, CreateActivity; returned by
// DescribeStateMachine, DescribeStateMachineForExecution, DescribeActivity) and includedData
// (DescribeStateMachine, DescribeStateMachineForExecution, DescribeExecution, StartSyncExecution),
// as the API reference documents them (API_EncryptionConfiguration, API_DescribeStateMachine).

const roleArn = 'arn:aws:iam::123456789012:role/stepstone';
const definition = JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: { ok: true }, End: true } } });
const otherDefinition = JSON.stringify({ StartAt: 'Q', States: { Q: { Type: 'Pass', End: true } } });
const keyArn = 'arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab';
const customerKey: EncryptionConfiguration = { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: keyArn, kmsDataKeyReusePeriodSeconds: 120 };
const awsOwned: EncryptionConfiguration = { type: 'AWS_OWNED_KEY' };
const machineArnOf = (name: string) => `arn:aws:states:us-east-1:123456789012:stateMachine:${name}`;
const activityArnOf = (name: string) => `arn:aws:states:us-east-1:123456789012:activity:${name}`;
const ENUM = '[AWS_OWNED_KEY, CUSTOMER_MANAGED_KMS_KEY]';
const repoRoot = path.resolve(__dirname, '..', '..');

/** Each member constraint AWS documents, the request member that breaks it, and AWS's message for it. */
const badMembers: ReadonlyArray<readonly [label: string, value: unknown, message: string]> = [
  ['type missing', { kmsKeyId: keyArn }, "Value null at 'encryptionConfiguration.type' failed to satisfy constraint: Member must not be null"],
  [
    'type outside the enum',
    { type: 'SSE_KMS' },
    `Value 'SSE_KMS' at 'encryptionConfiguration.type' failed to satisfy constraint: Member must satisfy enum value set: ${ENUM}`,
  ],
  ['type not a string', { type: 7 }, "Value at 'encryptionConfiguration.type' failed to satisfy constraint: Member must be a string"],
  [
    'kmsKeyId empty',
    { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: '' },
    "Value '' at 'encryptionConfiguration.kmsKeyId' failed to satisfy constraint: Member must have length greater than or equal to 1",
  ],
  [
    'kmsKeyId over 2048 characters',
    { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: 'k'.repeat(2049) },
    "Value at 'encryptionConfiguration.kmsKeyId' failed to satisfy constraint: Member must have length less than or equal to 2048",
  ],
  ['kmsKeyId not a string', { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: 12 }, "Value at 'encryptionConfiguration.kmsKeyId' failed to satisfy constraint: Member must be a string"],
  [
    'reuse period under 60',
    { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: keyArn, kmsDataKeyReusePeriodSeconds: 59 },
    "Value '59' at 'encryptionConfiguration.kmsDataKeyReusePeriodSeconds' failed to satisfy constraint: Member must have value greater than or equal to 60",
  ],
  [
    'reuse period over 900',
    { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: keyArn, kmsDataKeyReusePeriodSeconds: 901 },
    "Value '901' at 'encryptionConfiguration.kmsDataKeyReusePeriodSeconds' failed to satisfy constraint: Member must have value less than or equal to 900",
  ],
  [
    'reuse period not an integer',
    { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: keyArn, kmsDataKeyReusePeriodSeconds: 60.5 },
    "Value at 'encryptionConfiguration.kmsDataKeyReusePeriodSeconds' failed to satisfy constraint: Member must be an integer",
  ],
  ['not a structure', 'AWS_OWNED_KEY', "Value at 'encryptionConfiguration' failed to satisfy constraint: Member must be a structure"],
];

describe('encryptionConfiguration and includedData against the real server', () => {
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

  /** DescribeStateMachine's answer without the per-request $metadata. */
  async function describeMachine(stateMachineArn: string | undefined) {
    const { $metadata: _metadata, ...described } = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
    return described;
  }

  /** A raw call's error, as `{ __type, message }` (the SDK cannot send members of the wrong type). */
  async function rawError(action: string, body: Record<string, unknown>) {
    const response = await rawCall(server.endpoint, `AWSStepFunctions.${action}`, JSON.stringify(body));
    assert.equal(response.status, 400, JSON.stringify(response.json));
    return response.json as { __type: string; message: string };
  }

  describe('state machines', () => {
    it('describes a machine created without one as an AWS owned key', async () => {
      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'plain', definition, roleArn }));
      const described = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
      assert.deepEqual(described.encryptionConfiguration, awsOwned);
    });

    it('keeps a customer managed key as given and returns it from DescribeStateMachine and DescribeStateMachineForExecution', async () => {
      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'cmk', definition, roleArn, encryptionConfiguration: customerKey }));
      assert.deepEqual((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))).encryptionConfiguration, customerKey);
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
      const forExecution = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn }));
      assert.deepEqual(forExecution.encryptionConfiguration, customerKey);
      assert.equal(forExecution.definition, definition);
    });

    it('keeps only the type of an AWS owned key: the KMS members apply to customer managed keys only', async () => {
      const { stateMachineArn } = await sfn.send(
        new CreateStateMachineCommand({
          name: 'owned-with-extras',
          definition,
          roleArn,
          encryptionConfiguration: { type: 'AWS_OWNED_KEY', kmsKeyId: keyArn, kmsDataKeyReusePeriodSeconds: 300 },
        }),
      );
      assert.deepEqual((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))).encryptionConfiguration, awsOwned);
    });

    it('keeps a customer managed key without a reuse period without one', async () => {
      const given = { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsKeyId: 'alias/sfn' } as const;
      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'cmk-no-period', definition, roleArn, encryptionConfiguration: given }));
      assert.deepEqual((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))).encryptionConfiguration, given);
    });

    it('counts encryptionConfiguration in CreateStateMachine idempotency', async () => {
      const first = await sfn.send(new CreateStateMachineCommand({ name: 'idem', definition, roleArn, encryptionConfiguration: customerKey }));
      const again = await sfn.send(new CreateStateMachineCommand({ name: 'idem', definition, roleArn, encryptionConfiguration: { ...customerKey } }));
      assert.equal(again.creationDate?.getTime(), first.creationDate?.getTime());
      await rejectsWith(sfn.send(new CreateStateMachineCommand({ name: 'idem', definition, roleArn })), 'StateMachineAlreadyExists');
      await rejectsWith(
        sfn.send(new CreateStateMachineCommand({ name: 'idem', definition, roleArn, encryptionConfiguration: { ...customerKey, kmsDataKeyReusePeriodSeconds: 900 } })),
        'StateMachineAlreadyExists',
      );
      // A machine created without one is the same as one created with AWS's default.
      await sfn.send(new CreateStateMachineCommand({ name: 'idem-default', definition, roleArn }));
      await sfn.send(new CreateStateMachineCommand({ name: 'idem-default', definition, roleArn, encryptionConfiguration: awsOwned }));
    });

    it('changes it with UpdateStateMachine alone, and a version keeps the one it was published with', async () => {
      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'updated', definition, roleArn, publish: true }));
      const first = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, encryptionConfiguration: customerKey, publish: true }));
      assert.ok(first.revisionId, 'an encryption change is a new revision');
      assert.equal(first.stateMachineVersionArn, `${stateMachineArn}:2`);
      assert.deepEqual((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))).encryptionConfiguration, customerKey);

      // Another member changed: the key stays.
      await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, definition: otherDefinition }));
      assert.deepEqual((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))).encryptionConfiguration, customerKey);

      await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, encryptionConfiguration: awsOwned }));
      assert.deepEqual((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }))).encryptionConfiguration, awsOwned);
      assert.deepEqual((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${stateMachineArn}:1` }))).encryptionConfiguration, awsOwned);
      assert.deepEqual((await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: `${stateMachineArn}:2` }))).encryptionConfiguration, customerKey);

      // The same configuration again changes nothing: no new revision.
      const before = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn }));
      const same = await sfn.send(new UpdateStateMachineCommand({ stateMachineArn, encryptionConfiguration: awsOwned }));
      assert.equal(same.revisionId, before.revisionId);
    });

    for (const [label, value, message] of badMembers) {
      it(`refuses ${label} on Create and Update with ValidationException, appending nothing`, async () => {
        const name = `bad-${label.replace(/[^a-z0-9]+/g, '-')}`;
        assert.deepEqual(await rawError('CreateStateMachine', { name, definition, roleArn, encryptionConfiguration: value }), {
          __type: 'ValidationException',
          message: `1 validation error detected: ${message}`,
        });
        await rejectsWith(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArnOf(name) })), 'StateMachineDoesNotExist');

        const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name, definition, roleArn }));
        const before = await describeMachine(stateMachineArn);
        assert.deepEqual(await rawError('UpdateStateMachine', { stateMachineArn, encryptionConfiguration: value }), {
          __type: 'ValidationException',
          message: `1 validation error detected: ${message}`,
        });
        assert.deepEqual(await describeMachine(stateMachineArn), before);
      });
    }

    it('refuses a customer managed key without kmsKeyId with InvalidEncryptionConfiguration, appending nothing', async () => {
      const missing = { type: 'CUSTOMER_MANAGED_KMS_KEY', kmsDataKeyReusePeriodSeconds: 300 } as const;
      await rejectsWith(
        sfn.send(new CreateStateMachineCommand({ name: 'no-key', definition, roleArn, encryptionConfiguration: missing })),
        'InvalidEncryptionConfiguration',
        /kmsKeyId/,
      );
      await rejectsWith(sfn.send(new DescribeStateMachineCommand({ stateMachineArn: machineArnOf('no-key') })), 'StateMachineDoesNotExist');

      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'no-key', definition, roleArn }));
      const before = await describeMachine(stateMachineArn);
      await rejectsWith(sfn.send(new UpdateStateMachineCommand({ stateMachineArn, encryptionConfiguration: missing })), 'InvalidEncryptionConfiguration');
      assert.deepEqual(await describeMachine(stateMachineArn), before);
    });
  });

  describe('activities', () => {
    it('describes an activity created without one as an AWS owned key, and one with a customer managed key as given', async () => {
      const plain = await sfn.send(new CreateActivityCommand({ name: 'plain-activity' }));
      assert.deepEqual((await sfn.send(new DescribeActivityCommand({ activityArn: plain.activityArn }))).encryptionConfiguration, awsOwned);

      const keyed = await sfn.send(new CreateActivityCommand({ name: 'cmk-activity', encryptionConfiguration: customerKey }));
      assert.deepEqual((await sfn.send(new DescribeActivityCommand({ activityArn: keyed.activityArn }))).encryptionConfiguration, customerKey);

      // CreateActivity is idempotent on the name alone: the activity keeps its configuration.
      const again = await sfn.send(new CreateActivityCommand({ name: 'cmk-activity', encryptionConfiguration: awsOwned }));
      assert.equal(again.creationDate?.getTime(), keyed.creationDate?.getTime());
      assert.deepEqual((await sfn.send(new DescribeActivityCommand({ activityArn: keyed.activityArn }))).encryptionConfiguration, customerKey);
    });

    for (const [label, value, message] of badMembers) {
      it(`refuses ${label} on CreateActivity with ValidationException, creating nothing`, async () => {
        const name = `bad-activity-${label.replace(/[^a-z0-9]+/g, '-')}`;
        assert.deepEqual(await rawError('CreateActivity', { name, encryptionConfiguration: value }), {
          __type: 'ValidationException',
          message: `1 validation error detected: ${message}`,
        });
        await rejectsWith(sfn.send(new DescribeActivityCommand({ activityArn: activityArnOf(name) })), 'ActivityDoesNotExist');
      });
    }

    it('refuses a customer managed key without kmsKeyId on CreateActivity with InvalidEncryptionConfiguration', async () => {
      await rejectsWith(
        sfn.send(new CreateActivityCommand({ name: 'no-key-activity', encryptionConfiguration: { type: 'CUSTOMER_MANAGED_KMS_KEY' } })),
        'InvalidEncryptionConfiguration',
      );
      await rejectsWith(sfn.send(new DescribeActivityCommand({ activityArn: activityArnOf('no-key-activity') })), 'ActivityDoesNotExist');
    });
  });

  describe('includedData', () => {
    const includedDataMessage = (value: string) =>
      `1 validation error detected: Value '${value}' at 'includedData' failed to satisfy constraint: Member must satisfy enum value set: [ALL_DATA, METADATA_ONLY]`;

    it('DescribeStateMachine with METADATA_ONLY answers the definition as {}, on the machine and on a version', async () => {
      const { stateMachineArn, stateMachineVersionArn } = await sfn.send(
        new CreateStateMachineCommand({ name: 'metadata', definition, roleArn, encryptionConfiguration: customerKey, publish: true }),
      );
      const full = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn, includedData: 'ALL_DATA' }));
      assert.equal(full.definition, definition);
      const metadata = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn, includedData: 'METADATA_ONLY' }));
      assert.equal(metadata.definition, '{}');
      assert.deepEqual({ ...metadata, definition: full.definition, $metadata: undefined }, { ...full, $metadata: undefined });
      const version = await sfn.send(new DescribeStateMachineCommand({ stateMachineArn: stateMachineVersionArn, includedData: 'METADATA_ONLY' }));
      assert.equal(version.definition, '{}');
      assert.deepEqual(version.encryptionConfiguration, customerKey);
    });

    it('DescribeStateMachineForExecution with METADATA_ONLY answers the definition as {}', async () => {
      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'metadata-execution', definition, roleArn }));
      const { executionArn } = await sfn.send(new StartExecutionCommand({ stateMachineArn }));
      const metadata = await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn, includedData: 'METADATA_ONLY' }));
      assert.equal(metadata.definition, '{}');
      assert.equal(metadata.name, 'metadata-execution');
      assert.equal((await sfn.send(new DescribeStateMachineForExecutionCommand({ executionArn, includedData: 'ALL_DATA' }))).definition, definition);
      // DescribeExecution takes the same enum (ALL_DATA was refused before).
      const described = await eventually(
        () => sfn.send(new DescribeExecutionCommand({ executionArn, includedData: 'ALL_DATA' })),
        (execution) => execution.status !== 'RUNNING',
      );
      assert.equal(described.output, JSON.stringify({ ok: true }));
    });

    it('StartSyncExecution takes METADATA_ONLY and answers the run as ever (its answer holds no definition)', async () => {
      const { stateMachineArn } = await sfn.send(new CreateStateMachineCommand({ name: 'metadata-sync', type: 'EXPRESS', definition, roleArn }));
      const result = await sfn.send(new StartSyncExecutionCommand({ stateMachineArn, input: '{"a":1}', includedData: 'METADATA_ONLY' }));
      assert.equal(result.status, 'SUCCEEDED');
      assert.equal(result.output, JSON.stringify({ ok: true }));
      assert.equal(result.input, '{"a":1}');
    });

    for (const action of ['DescribeStateMachine', 'DescribeStateMachineForExecution', 'DescribeExecution', 'StartSyncExecution'] as const) {
      it(`${action} refuses an includedData outside [ALL_DATA, METADATA_ONLY]`, async () => {
        const target =
          action === 'DescribeStateMachine' || action === 'StartSyncExecution'
            ? { stateMachineArn: machineArnOf('metadata-target') }
            : { executionArn: 'arn:aws:states:us-east-1:123456789012:execution:metadata-target:x' };
        assert.deepEqual(await rawError(action, { ...target, includedData: 'NONE' }), { __type: 'ValidationException', message: includedDataMessage('NONE') });
      });
    }
  });

  it('stepstone projections rebuild gives the same answers: machines, versions and activities keep their configuration', async () => {
    const arns = [machineArnOf('cmk'), machineArnOf('updated'), `${machineArnOf('updated')}:1`, `${machineArnOf('updated')}:2`, machineArnOf('plain')];
    const described = await Promise.all(arns.map((arn) => describeMachine(arn)));
    assert.deepEqual(described[0].encryptionConfiguration, customerKey);
    assert.deepEqual(described[3].encryptionConfiguration, customerKey);
    const activityBefore = await sfn.send(new DescribeActivityCommand({ activityArn: activityArnOf('cmk-activity') }));

    await server.kill('SIGTERM');
    const rebuilt = await new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
      execFile(process.execPath, [...CLI_ENTRY, 'projections', 'rebuild', '--data', server.dataDir], { cwd: repoRoot, env: { ...process.env, ...server.storeEnv } }, (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr }),
      );
    });
    assert.equal(rebuilt.code, 0, rebuilt.stderr);
    assert.match(rebuilt.stdout, /^rebuilt read models from position 0 to \d+/m);
    await server.restart();

    assert.deepEqual(await Promise.all(arns.map((arn) => describeMachine(arn))), described);
    const activityAfter = await sfn.send(new DescribeActivityCommand({ activityArn: activityArnOf('cmk-activity') }));
    assert.deepEqual(activityAfter.encryptionConfiguration, activityBefore.encryptionConfiguration);
  });
});
