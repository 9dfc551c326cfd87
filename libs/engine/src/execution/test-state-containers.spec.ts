import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lambda, run, inspected, rejected } from './testing/test-state-helpers';

describe('TestState: Parallel and Map', () => {
  const parallel = {
    Type: 'Parallel',
    Branches: [
      { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
      { StartAt: 'B', States: { B: { Type: 'Pass', End: true } } },
    ],
    ResultPath: '$.results',
    Retry: [{ ErrorEquals: ['BranchFailed'], MaxAttempts: 1 }],
    End: true,
  };

  it('need a mock, as on AWS', async () => {
    const message = 'TestState API does not support Map or Parallel states. Supported state types include: [Task, Wait, Pass, Succeed, Fail, Choice]';
    await rejected(run(parallel), 'InvalidDefinition', message);
    await rejected(run({ Type: 'Map', ItemProcessor: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }, End: true }), 'InvalidDefinition', message);
  });

  // AWS shows a mocked Parallel's steps from afterResultSelector on, in JSONata its input only
  // (test_io_parallel_state_mock_success[DEBUG], test_io_jsonata_parallel_state_mock_success[DEBUG],
  // LocalStack's snapshots, AWS-validated 2026-02-27).
  it('a mocked Parallel result is the branches\' results; inspectionData starts after the result', async () => {
    const result = await run({ ...parallel, InputPath: '$.in' }, { input: '{"in":{"a":1}}', mock: { result: '["x","y"]' }, inspectionLevel: 'DEBUG' });
    assert.equal(result.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(result.output!), { in: { a: 1 }, results: ['x', 'y'] });
    assert.deepEqual(inspected(result), { input: { in: { a: 1 } }, afterResultSelector: ['x', 'y'], afterResultPath: { in: { a: 1 }, results: ['x', 'y'] } });
    const jsonata = { ...parallel, QueryLanguage: 'JSONata', Arguments: '{% $states.input.in %}', Output: '{% $states.result %}', ResultPath: undefined, Retry: undefined };
    const viaJsonata = await run(jsonata, { input: '{"in":{"a":1}}', mock: { result: '["x","y"]' }, inspectionLevel: 'TRACE' });
    assert.deepEqual(JSON.parse(viaJsonata.output!), ['x', 'y']);
    assert.deepEqual(inspected(viaJsonata), { input: { in: { a: 1 } } });
  });

  it('a mocked Parallel error goes through its Retry', async () => {
    const result = await run(parallel, { mock: { errorOutput: { error: 'BranchFailed', cause: 'b' } } });
    assert.deepEqual(result, { status: 'RETRIABLE', error: 'BranchFailed', cause: 'b' });
  });

  it('a Parallel mock must be an array of one result per branch', async () => {
    await rejected(run(parallel, { mock: { result: '{}' } }), 'ValidationException', 'Mocked result must be an array.');
    await rejected(run(parallel, { mock: { result: '[1]' } }), 'ValidationException', 'Mocked result must contain the same number of items as number of Parallel branches.');
  });

  const map = {
    Type: 'Map',
    ItemsPath: '$.items',
    ItemProcessor: { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } },
    ToleratedFailureCount: 1,
    End: true,
  };

  // As test_state_map_context_object[EXECUTION_INPUT_VALUES] (LocalStack's snapshot, AWS-validated
  // 2025-12-03): no result, and no afterItemSelector without an ItemSelector.
  it('a mocked Map result, with the items it read', async () => {
    const result = await run(map, { input: '{"items":[1,2,3]}', mock: { result: '["a","b","c"]' }, inspectionLevel: 'DEBUG' });
    assert.equal(result.output, '["a","b","c"]');
    assert.deepEqual(inspected(result), {
      input: { items: [1, 2, 3] },
      afterInputPath: { items: [1, 2, 3] },
      afterItemsPath: [1, 2, 3],
      afterResultSelector: ['a', 'b', 'c'],
      afterResultPath: ['a', 'b', 'c'],
      maxConcurrency: 0,
      toleratedFailureCount: 1,
    });
  });

  it('a mocked Map shows each item after ItemSelector, and the batches after ItemBatcher', async () => {
    const selecting = { ...map, ItemSelector: { 'value.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index', 'tag.$': '$.tag' } };
    const selected = await run(selecting, { input: '{"items":[1,2,3],"tag":"t"}', mock: { result: '[]' }, inspectionLevel: 'DEBUG' });
    assert.deepEqual(inspected(selected).afterItemSelector, [
      { value: 1, index: 0, tag: 't' },
      { value: 2, index: 1, tag: 't' },
      { value: 3, index: 2, tag: 't' },
    ]);
    // ItemBatcher is a Distributed Map's.
    const batching = {
      ...selecting,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...selecting.ItemProcessor },
      ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'tag.$': '$.tag' } },
    };
    const batched = await run(batching, { input: '{"items":[1,2,3],"tag":"t"}', mock: { result: '[]' }, inspectionLevel: 'DEBUG' });
    assert.deepEqual(inspected(batched).afterItemBatcher, [
      { BatchInput: { tag: 't' }, Items: [{ value: 1, index: 0, tag: 't' }, { value: 2, index: 1, tag: 't' }] },
      { BatchInput: { tag: 't' }, Items: [{ value: 3, index: 2, tag: 't' }] },
    ]);
    const atInfo = await run(batching, { input: '{"items":[1,2,3],"tag":"t"}', mock: { result: '[]' } });
    assert.equal(atInfo.inspectionData, undefined, 'INFO shows no inspection data');
  });

  it('mapIterationFailureCount past the tolerated count fails the Map', async () => {
    const within = await run(map, { input: '{"items":[1,2,3]}', mock: { result: '[1,2,3]' }, stateConfiguration: { mapIterationFailureCount: 1 } });
    assert.equal(within.status, 'SUCCEEDED');
    const past = await run(map, { input: '{"items":[1,2,3]}', mock: { result: '[1,2,3]' }, stateConfiguration: { mapIterationFailureCount: 2 } });
    assert.deepEqual(past, { status: 'FAILED', error: 'States.ExceedToleratedFailureThreshold', cause: 'The specified tolerated failure threshold was exceeded' });
  });

  // test_map_state_failure_count[DEBUG-BASE_MAP_STATE_RETRY] (LocalStack's snapshot, AWS-validated 2025-11-18).
  it('a Map retried for its tolerated failure threshold names that error', async () => {
    const retrying = { ...map, Retry: [{ ErrorEquals: ['MockException'] }, { ErrorEquals: ['States.ExceedToleratedFailureThreshold'], MaxAttempts: 2 }] };
    const result = await run(retrying, { input: '{"items":[1,2,3]}', mock: { result: '[0,0,1]' }, stateConfiguration: { mapIterationFailureCount: 2 }, inspectionLevel: 'DEBUG' });
    assert.deepEqual({ ...result, inspectionData: { errorDetails: result.inspectionData?.errorDetails } }, {
      status: 'RETRIABLE',
      error: 'States.ExceedToleratedFailureThreshold',
      cause: 'The specified tolerated failure threshold was exceeded',
      inspectionData: { errorDetails: { retryIndex: 1, retryBackoffIntervalSeconds: 1 } },
    });
  });

  // test_map_state_failure_count[INFO-BASE_MAP_STATE] (LocalStack's snapshot, AWS-validated 2025-11-18).
  it('mapIterationFailureCount leaves a Map with no tolerated threshold to its mocked result', async () => {
    const intolerant = { ...map, ToleratedFailureCount: undefined };
    const result = await run(intolerant, { input: '{"items":[1,2,3]}', mock: { result: '[0,0,1]' }, stateConfiguration: { mapIterationFailureCount: 2 } });
    assert.deepEqual(result, { status: 'SUCCEEDED', output: '[0,0,1]' });
  });

  it('errorCausedByState must name a state inside the branches', async () => {
    const mock = { errorOutput: { error: 'BranchFailed', cause: 'b' } };
    assert.equal((await run(parallel, { mock, stateConfiguration: { errorCausedByState: 'B' } })).status, 'RETRIABLE');
    await rejected(run(parallel, { mock, stateConfiguration: { errorCausedByState: 'Nowhere' } }), 'ValidationException', /Nowhere/);
    await rejected(run({ Type: 'Task', Resource: lambda, End: true }, { mock, stateConfiguration: { errorCausedByState: 'B' } }), 'ValidationException', /Map or Parallel/);
  });

  it('mapIterationFailureCount past the threshold reaches the Map\'s Catch', async () => {
    const caught = { ...map, Catch: [{ ErrorEquals: ['States.ExceedToleratedFailureThreshold'], Next: 'HandleThreshold' }] };
    const result = await run(caught, { input: '{"items":[1,2,3]}', mock: { result: '[1,1,1]' }, stateConfiguration: { mapIterationFailureCount: 3 } });
    assert.equal(result.status, 'CAUGHT_ERROR');
    assert.equal(result.nextState, 'HandleThreshold');
    assert.equal(result.error, 'States.ExceedToleratedFailureThreshold');
    assert.equal(result.cause, 'The specified tolerated failure threshold was exceeded');
  });

  // LocalStack's MAP_ITEM_READER_STATE_MACHINE, whose TestState answers were recorded against AWS.
  const reading = (readerConfig: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    QueryLanguage: 'JSONata',
    StartAt: 'State0',
    States: {
      State0: {
        Type: 'Map',
        MaxConcurrency: 1,
        ItemReader: { ReaderConfig: readerConfig, Resource: 'arn:aws:states:::s3:getObject', Arguments: { Bucket: '{% $states.input.Bucket %}', Key: '{% $states.input.Key %}' } },
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'HandleItem', States: { HandleItem: { Type: 'Pass', End: true } } },
        ...extra,
        End: true,
      },
    },
  });
  const bucket = '{"Bucket":"test-bucket","Key":"test-key"}';

  it('mapItemReaderData: the mocked result, with the reader\'s limits (AWS\'s recording)', async () => {
    const result = await run(reading({ InputType: 'JSON' }), {
      stateName: 'State0',
      input: bucket,
      stateConfiguration: { mapItemReaderData: '[1,2,3]' },
      mock: { result: '[1,4,9]' },
      inspectionLevel: 'DEBUG',
    });
    assert.equal(result.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(result.output!), [1, 4, 9]);
    assert.deepEqual(inspected(result), { input: JSON.parse(bucket), maxConcurrency: 1 });
  });

  it('mapItemReaderData gives the item count a tolerated failure percentage is taken of', async () => {
    const tolerant = reading({ InputType: 'JSON' }, { ToleratedFailurePercentage: 50 });
    const request = { stateName: 'State0', input: bucket, mock: { result: '[1,2,3,4]' }, stateConfiguration: { mapIterationFailureCount: 1 } };
    // One failure in four items is 25%: within 50%. Without the data no item is known, and one failure is past it.
    const within = await run(tolerant, { ...request, stateConfiguration: { ...request.stateConfiguration, mapItemReaderData: '[1,2,3,4]' } });
    assert.equal(within.status, 'SUCCEEDED');
    const unknown = await run(tolerant, request);
    assert.equal(unknown.error, 'States.ExceedToleratedFailureThreshold');
    // Read as the source's InputType: three CSV rows under a header, or at most MaxItems of them.
    const csv = reading({ InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }, { ToleratedFailurePercentage: 50 });
    const rows = 'id,name\n1,a\n2,b\n3,c\n';
    assert.equal((await run(csv, { ...request, stateConfiguration: { mapIterationFailureCount: 1, mapItemReaderData: rows } })).status, 'SUCCEEDED');
    const fewer = reading({ InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW', MaxItems: 1 }, { ToleratedFailurePercentage: 50 });
    assert.equal((await run(fewer, { ...request, stateConfiguration: { mapIterationFailureCount: 1, mapItemReaderData: rows } })).status, 'FAILED');
  });

  it('mapItemReaderData the reader cannot read fails the Map with States.ItemReaderFailed', async () => {
    const result = await run(reading({ InputType: 'JSON' }), { stateName: 'State0', input: bucket, mock: { result: '[]' }, stateConfiguration: { mapItemReaderData: '{"not":"a list"}' } });
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error, 'States.ItemReaderFailed');
  });

  it('a Map mock must be an array, or an object with a ResultWriter', async () => {
    await rejected(run(map, { mock: { result: '{}' } }), 'ValidationException', 'Mocked result must be an array.');
  });

  // test_state_mock_validation::test_map_iteration_failure_count_without_mock (AWS-validated 2026-03-01)
  // and ::test_map_iteration_failure_count_exceeds_mock_result_items (2026-03-02), LocalStack's snapshots.
  it('mapIterationFailureCount needs a mock, and no more failures than the mocked iterations', async () => {
    await rejected(run(map, { stateConfiguration: { mapIterationFailureCount: 0 } }), 'ValidationException', 'TestState does not support MapIterationFailureCount when a mock is not specified.');
    const request = { input: '{"items":[1,1,1]}', mock: { result: '[1,1,1]' } };
    await rejected(run(map, { ...request, stateConfiguration: { mapIterationFailureCount: 4 } }), 'ValidationException', 'Map iteration failure count must be less than or equal to the number of Map iterations');
    assert.equal((await run(map, { ...request, stateConfiguration: { mapIterationFailureCount: 3 } })).error, 'States.ExceedToleratedFailureThreshold');
  });
});
