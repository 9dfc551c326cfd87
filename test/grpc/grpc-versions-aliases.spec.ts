import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { status } from '@grpc/grpc-js';
import { eventually } from '../support/helpers';
import { expectGrpcError, grpcTestClient, withoutEmptyLists, type GrpcTestClient } from '../support/grpc-client';
import { rawCall, startServer, type RunningServer } from '../support/server';

/**
 * Versions and aliases through the gRPC API against the real server (a child process), from a
 * client built from proto/: publish, list, an alias with weighted routing, executions started
 * through a version and an alias, and AWS's errors with their gRPC codes. Reads are also made
 * over the AWS JSON endpoint: the two answers must be equal, field for field.
 */
const ROLE_ARN = 'arn:aws:iam::123456789012:role/stepstone';
const ACCOUNT_PREFIX = 'arn:aws:states:us-east-1:123456789012';
const smArn = (name: string) => `${ACCOUNT_PREFIX}:stateMachine:${name}`;
const pass = (result: string) => JSON.stringify({ StartAt: 'P', States: { P: { Type: 'Pass', Result: result, End: true } } });
const waiting = JSON.stringify({ StartAt: 'W', States: { W: { Type: 'Wait', Seconds: 300, End: true } } });

describe('gRPC API (stepstone.v1): versions and aliases', { timeout: 120_000 }, () => {
  let server: RunningServer;
  let client: GrpcTestClient;

  before(async () => {
    server = await startServer();
    client = grpcTestClient(server.grpcAddress);
  });

  after(async () => {
    client?.close();
    await server?.dispose();
  });

  /** The AWS JSON endpoint's answer to the same request (a read: it changes nothing). */
  async function overHttp(action: string, body: Record<string, unknown>): Promise<{ status: number; json: any }> {
    return rawCall(server.endpoint, `AWSStepFunctions.${action}`, JSON.stringify(body));
  }

  /**
   * A read through gRPC, checked equal to the AWS JSON endpoint's answer. Empty lists are left
   * out of the comparison: a repeated field has no "absent", so the client decodes one as [].
   */
  async function read(action: string, body: Record<string, unknown>): Promise<Record<string, any>> {
    const answer = await client.call(action, body);
    const http = await overHttp(action, body);
    assert.equal(http.status, 200, `${action} over HTTP: ${JSON.stringify(http.json)}`);
    assert.deepEqual(withoutEmptyLists(answer), withoutEmptyLists(http.json), `${action}: gRPC and AWS JSON answers differ`);
    return answer;
  }

  /** An error through gRPC: AWS's name and the gRPC code, with the AWS JSON endpoint's name and message. */
  async function refused(action: string, body: Record<string, unknown>, name: string, code: status, message?: string): Promise<void> {
    const http = await overHttp(action, body);
    assert.equal(http.status, 400, `${action} over HTTP: ${JSON.stringify(http.json)}`);
    assert.equal(http.json.__type, name, `${action} over HTTP`);
    const error = await expectGrpcError(client.call(action, body), name, code);
    assert.equal(error.message, http.json.message, action);
    if (message !== undefined) assert.equal(error.message, message, action);
  }

  const finished = (executionArn: string) =>
    eventually(
      () => client.call('DescribeExecution', { executionArn }),
      (described) => described.status !== 'RUNNING',
    );

  it('publishes versions on create, on update and by PublishStateMachineVersion, and lists them newest first', async () => {
    const created = await client.call('CreateStateMachine', { name: 'g-versions', definition: pass('R0'), roleArn: ROLE_ARN, publish: true, versionDescription: 'first' });
    assert.equal(created.stateMachineVersionArn, `${smArn('g-versions')}:1`);
    const updated = await client.call('UpdateStateMachine', { stateMachineArn: smArn('g-versions'), definition: pass('R1'), publish: true, versionDescription: 'second' });
    assert.equal(updated.stateMachineVersionArn, `${smArn('g-versions')}:2`);
    assert.equal(typeof updated.revisionId, 'string');
    // The same revision publishes the same version again.
    const again = await client.call('PublishStateMachineVersion', { stateMachineArn: smArn('g-versions'), revisionId: updated.revisionId });
    assert.equal(again.stateMachineVersionArn, `${smArn('g-versions')}:2`);

    const r2 = await client.call('UpdateStateMachine', { stateMachineArn: smArn('g-versions'), definition: pass('R2') });
    assert.equal(r2.stateMachineVersionArn, undefined, 'no version without publish');
    await refused(
      'PublishStateMachineVersion',
      { stateMachineArn: smArn('g-versions'), revisionId: updated.revisionId },
      'ConflictException',
      status.ABORTED,
      `Failed to publish the State Machine version for revision ${updated.revisionId}. The current State Machine revision is ${r2.revisionId}.`,
    );
    const third = await client.call('PublishStateMachineVersion', { stateMachineArn: smArn('g-versions'), revisionId: r2.revisionId, description: 'third' });
    assert.equal(third.stateMachineVersionArn, `${smArn('g-versions')}:3`);
    assert.equal(typeof third.creationDate, 'number');

    const listed = await read('ListStateMachineVersions', { stateMachineArn: smArn('g-versions') });
    assert.deepEqual(
      listed.stateMachineVersions.map((version: Record<string, unknown>) => version.stateMachineVersionArn),
      [3, 2, 1].map((n) => `${smArn('g-versions')}:${n}`),
    );
    assert.equal(listed.stateMachineVersions[0].creationDate, third.creationDate);
    const page = await read('ListStateMachineVersions', { stateMachineArn: smArn('g-versions'), maxResults: 2 });
    assert.equal(page.stateMachineVersions.length, 2);
    const rest = await read('ListStateMachineVersions', { stateMachineArn: smArn('g-versions'), maxResults: 2, nextToken: page.nextToken });
    assert.deepEqual(
      rest.stateMachineVersions.map((version: Record<string, unknown>) => version.stateMachineVersionArn),
      [`${smArn('g-versions')}:1`],
    );

    const first = await read('DescribeStateMachine', { stateMachineArn: `${smArn('g-versions')}:1` });
    assert.equal(first.stateMachineArn, `${smArn('g-versions')}:1`);
    assert.equal(first.definition, pass('R0'));
    assert.equal(first.description, 'first');
  });

  it('creates an alias with weighted routing, starts through it and through a version, and describes and lists those executions', async () => {
    await client.call('CreateStateMachine', { name: 'g-alias', definition: pass('R0'), roleArn: ROLE_ARN, publish: true });
    await client.call('UpdateStateMachine', { stateMachineArn: smArn('g-alias'), definition: pass('R1'), publish: true });
    await client.call('UpdateStateMachine', { stateMachineArn: smArn('g-alias'), definition: pass('R2') });
    const v = (n: number) => `${smArn('g-alias')}:${n}`;
    const aliasArn = `${smArn('g-alias')}:live`;

    const created = await client.call('CreateStateMachineAlias', { name: 'live', description: 'the live one', routingConfiguration: [{ stateMachineVersionArn: v(2), weight: 100 }] });
    assert.equal(created.stateMachineAliasArn, aliasArn);
    assert.equal(typeof created.creationDate, 'number');
    const described = await read('DescribeStateMachineAlias', { stateMachineAliasArn: aliasArn });
    assert.deepEqual(described, {
      stateMachineAliasArn: aliasArn,
      name: 'live',
      description: 'the live one',
      routingConfiguration: [{ stateMachineVersionArn: v(2), weight: 100 }],
      creationDate: created.creationDate,
      updateDate: created.creationDate,
    });

    const viaAlias = await client.call('StartExecution', { stateMachineArn: aliasArn, name: 'by-alias' });
    const viaVersion = await client.call('StartExecution', { stateMachineArn: v(1), name: 'by-version' });
    const plain = await client.call('StartExecution', { stateMachineArn: smArn('g-alias'), name: 'plain' });
    assert.equal(viaAlias.executionArn, `${ACCOUNT_PREFIX}:execution:g-alias:by-alias`);

    const alias = await finished(viaAlias.executionArn as string);
    assert.equal(alias.stateMachineArn, smArn('g-alias'));
    assert.equal(alias.stateMachineAliasArn, aliasArn);
    assert.equal(alias.stateMachineVersionArn, v(2));
    assert.equal(alias.output, '"R1"', 'the alias runs version 2, not the updated machine');
    const version = await finished(viaVersion.executionArn as string);
    assert.equal(version.stateMachineVersionArn, v(1));
    assert.equal(version.stateMachineAliasArn, undefined);
    assert.equal(version.output, '"R0"');
    const latest = await finished(plain.executionArn as string);
    assert.equal(latest.stateMachineVersionArn, undefined);
    assert.equal(latest.output, '"R2"');
    await read('DescribeExecution', { executionArn: viaAlias.executionArn });

    const history = await read('GetExecutionHistory', { executionArn: viaAlias.executionArn });
    assert.equal(history.events[0].executionStartedEventDetails.stateMachineAliasArn, aliasArn);
    assert.equal(history.events[0].executionStartedEventDetails.stateMachineVersionArn, v(2));

    const names = async (stateMachineArn: string) => {
      const listed = await read('ListExecutions', { stateMachineArn });
      return (listed.executions as Array<Record<string, unknown>>).map((execution) => execution.name).sort();
    };
    assert.deepEqual(await names(aliasArn), ['by-alias']);
    assert.deepEqual(await names(v(2)), ['by-alias']);
    assert.deepEqual(await names(v(1)), ['by-version']);
    assert.deepEqual(await names(smArn('g-alias')), ['by-alias', 'by-version', 'plain']);
    const items = (await read('ListExecutions', { stateMachineArn: smArn('g-alias') })).executions as Array<Record<string, unknown>>;
    assert.equal(items.find((item) => item.name === 'by-alias')?.stateMachineAliasArn, aliasArn);

    // Split the alias over two versions: executions land on both, by weight.
    const split = [
      { stateMachineVersionArn: v(1), weight: 50 },
      { stateMachineVersionArn: v(2), weight: 50 },
    ];
    const updated = await client.call('UpdateStateMachineAlias', { stateMachineAliasArn: aliasArn, routingConfiguration: split });
    assert.equal(typeof updated.updateDate, 'number');
    const afterUpdate = await read('DescribeStateMachineAlias', { stateMachineAliasArn: aliasArn });
    assert.deepEqual(afterUpdate.routingConfiguration, split);
    assert.equal(afterUpdate.description, 'the live one', 'an update without description keeps it');
    assert.equal(afterUpdate.updateDate, updated.updateDate);
    const runs = await Promise.all(Array.from({ length: 20 }, (_, i) => client.call('StartExecution', { stateMachineArn: aliasArn, name: `split-${i}` })));
    const versions = await Promise.all(runs.map(async (run) => (await finished(run.executionArn as string)).stateMachineVersionArn));
    assert.deepEqual([...new Set(versions)].sort(), [v(1), v(2)]);

    // A description alone changes the description and keeps the routing.
    await client.call('UpdateStateMachineAlias', { stateMachineAliasArn: aliasArn, description: 'renamed' });
    const renamed = await read('DescribeStateMachineAlias', { stateMachineAliasArn: aliasArn });
    assert.equal(renamed.description, 'renamed');
    assert.deepEqual(renamed.routingConfiguration, split);

    await client.call('CreateStateMachineAlias', { name: 'beta', routingConfiguration: [{ stateMachineVersionArn: v(1), weight: 100 }] });
    const aliases = await read('ListStateMachineAliases', { stateMachineArn: smArn('g-alias') });
    assert.deepEqual(
      aliases.stateMachineAliases.map((item: Record<string, unknown>) => item.stateMachineAliasArn),
      [aliasArn, `${smArn('g-alias')}:beta`],
    );
  });

  it('refuses with AWS’s error names and messages and the gRPC codes of grpc-errors.ts', async () => {
    await client.call('CreateStateMachine', { name: 'g-errors', definition: pass('R0'), roleArn: ROLE_ARN, publish: true });
    await client.call('UpdateStateMachine', { stateMachineArn: smArn('g-errors'), definition: pass('R1'), publish: true });
    const v = (n: number) => `${smArn('g-errors')}:${n}`;
    await client.call('CreateStateMachineAlias', { name: 'prod', routingConfiguration: [{ stateMachineVersionArn: v(1), weight: 100 }] });

    await refused(
      'DeleteStateMachineVersion',
      { stateMachineVersionArn: v(1) },
      'ConflictException',
      status.ABORTED,
      'Version to be deleted must not be referenced by an alias. Current list of aliases referencing this version: [prod]',
    );
    await refused(
      'CreateStateMachineAlias',
      { name: 'prod', description: 'other', routingConfiguration: [{ stateMachineVersionArn: v(1), weight: 100 }] },
      'ConflictException',
      status.ABORTED,
      'Failed to create alias because an alias with the same name and a different routing configuration already exists.',
    );
    const missingAlias = { stateMachineAliasArn: `${smArn('g-errors')}:nobody` };
    await refused('DescribeStateMachineAlias', missingAlias, 'ResourceNotFound', status.NOT_FOUND, 'Request references a resource that does not exist.');
    await refused('UpdateStateMachineAlias', { ...missingAlias, description: 'x' }, 'ResourceNotFound', status.NOT_FOUND);
    await refused('CreateStateMachineAlias', { name: 'ahead', routingConfiguration: [{ stateMachineVersionArn: v(9), weight: 100 }] }, 'ResourceNotFound', status.NOT_FOUND);
    await refused('ListExecutions', { stateMachineArn: missingAlias.stateMachineAliasArn }, 'ResourceNotFound', status.NOT_FOUND);
    await refused('StartExecution', { stateMachineArn: v(7) }, 'StateMachineDoesNotExist', status.NOT_FOUND, `State Machine Does Not Exist: '${v(7)}'`);
    await refused('PublishStateMachineVersion', { stateMachineArn: smArn('g-nobody') }, 'StateMachineDoesNotExist', status.NOT_FOUND);
    await refused('ListStateMachineAliases', { stateMachineArn: smArn('g-nobody') }, 'StateMachineDoesNotExist', status.NOT_FOUND);
    await refused('DeleteStateMachineVersion', { stateMachineVersionArn: smArn('g-errors') }, 'InvalidArn', status.INVALID_ARGUMENT);
    await refused('DescribeStateMachineAlias', { stateMachineAliasArn: v(1) }, 'InvalidArn', status.INVALID_ARGUMENT);
    await refused(
      'CreateStateMachineAlias',
      {
        name: 'uneven',
        routingConfiguration: [
          { stateMachineVersionArn: v(1), weight: 70 },
          { stateMachineVersionArn: v(2), weight: 29 },
        ],
      },
      'ValidationException',
      status.INVALID_ARGUMENT,
      'Sum of routing configuration weights must equal 100. Received: [70, 29]',
    );
    await refused('CreateStateMachineAlias', { name: 'no-routing' }, 'ValidationException', status.INVALID_ARGUMENT);
    // A repeated field cannot be "present but empty": [] reads as absent (README, "The gRPC API").
    const empty = await expectGrpcError(client.call('CreateStateMachineAlias', { name: 'no-routing', routingConfiguration: [] }), 'ValidationException', status.INVALID_ARGUMENT);
    assert.equal(empty.message, (await overHttp('CreateStateMachineAlias', { name: 'no-routing' })).json.message);
    await refused(
      'UpdateStateMachineAlias',
      { stateMachineAliasArn: `${smArn('g-errors')}:prod` },
      'ValidationException',
      status.INVALID_ARGUMENT,
      'Either the description or the routingConfiguration must be specified',
    );
    await refused('PublishStateMachineVersion', { stateMachineArn: smArn('g-errors'), description: 'd'.repeat(257) }, 'ValidationException', status.INVALID_ARGUMENT);
    await refused(
      'CreateStateMachine',
      { name: 'g-no-publish', definition: pass('R0'), roleArn: ROLE_ARN, versionDescription: 'no publish' },
      'ValidationException',
      status.INVALID_ARGUMENT,
      'Version description can only be set when publish is true',
    );

    // Nothing refused was recorded; once the alias is gone, its version can go.
    assert.deepEqual(
      (await read('ListStateMachineAliases', { stateMachineArn: smArn('g-errors') })).stateMachineAliases.map((item: Record<string, unknown>) => item.stateMachineAliasArn),
      [`${smArn('g-errors')}:prod`],
    );
    assert.deepEqual(await client.call('DeleteStateMachineAlias', { stateMachineAliasArn: `${smArn('g-errors')}:prod` }), {});
    assert.deepEqual(await client.call('DeleteStateMachineAlias', { stateMachineAliasArn: `${smArn('g-errors')}:prod` }), {}, 'deleting it again succeeds, as on AWS');
    assert.deepEqual(await client.call('DeleteStateMachineVersion', { stateMachineVersionArn: v(1) }), {});
    await refused('DescribeStateMachine', { stateMachineArn: v(1) }, 'StateMachineDoesNotExist', status.NOT_FOUND);
    assert.deepEqual(
      (await read('ListStateMachineVersions', { stateMachineArn: smArn('g-errors') })).stateMachineVersions.map((item: Record<string, unknown>) => item.stateMachineVersionArn),
      [v(2)],
    );
  });

  it('shows a machine deleted while an execution runs as DELETING, and refuses to start it', async () => {
    const { stateMachineArn } = await client.call('CreateStateMachine', { name: 'g-deleting', definition: waiting, roleArn: ROLE_ARN });
    const { executionArn } = await client.call('StartExecution', { stateMachineArn, name: 'long' });
    await client.call('DeleteStateMachine', { stateMachineArn });
    const described = await read('DescribeStateMachine', { stateMachineArn });
    assert.equal(described.status, 'DELETING');
    await refused('StartExecution', { stateMachineArn }, 'StateMachineDeleting', status.FAILED_PRECONDITION);
    await client.call('StopExecution', { executionArn });
    await refused('DescribeStateMachine', { stateMachineArn }, 'StateMachineDoesNotExist', status.NOT_FOUND);
  });
});
