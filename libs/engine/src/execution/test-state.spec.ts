import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { type TestStateEnv, testState } from './test-state';
import { env, lambda, roleArn, run, inspected, rejected } from './testing/test-state-helpers';

// AWS's recorded answers (LocalStack's test_test_state_scenarios snapshots, recorded against AWS).
const ioInput = { initialData: { fieldFromInput: 'value from input', otherField: 'other' }, unrelatedData: { someOtherField: 1234 } };
const ioPass = { Type: 'Pass', InputPath: '$.initialData', Parameters: { staticValue: 'some value', 'inputValue.$': '$.fieldFromInput' }, ResultPath: '$.modifiedData', End: true };

describe('TestState: Pass', () => {
  it('INFO gives the output and status only', async () => {
    const result = await run(ioPass, { input: JSON.stringify(ioInput) });
    assert.equal(result.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(result.output!), { ...ioInput, modifiedData: { staticValue: 'some value', inputValue: 'value from input' } });
    assert.equal(result.inspectionData, undefined);
    assert.equal(result.nextState, undefined);
  });

  it('DEBUG shows each step of the data flow as AWS records it', async () => {
    const result = await run(ioPass, { input: JSON.stringify(ioInput), inspectionLevel: 'DEBUG' });
    const parameters = { staticValue: 'some value', inputValue: 'value from input' };
    assert.deepEqual(inspected(result), {
      input: ioInput,
      afterInputPath: ioInput.initialData,
      afterParameters: parameters,
      afterResultSelector: parameters,
      afterResultPath: { ...ioInput, modifiedData: parameters },
    });
  });

  it('a Result shows result, not afterInputPath or afterParameters, and TRACE shows what DEBUG does', async () => {
    const definition = { Type: 'Pass', Result: { resultKey: 'result value' }, Next: 'After' };
    const result = await run(definition, { input: '{"Value":"HelloWorld"}', inspectionLevel: 'TRACE' });
    assert.equal(result.nextState, 'After');
    assert.deepEqual(inspected(result), {
      input: { Value: 'HelloWorld' },
      result: { resultKey: 'result value' },
      afterResultSelector: { resultKey: 'result value' },
      afterResultPath: { resultKey: 'result value' },
    });
  });

  it('a state of a whole machine, by stateName, with the caller\'s variables and JSONata', async () => {
    const machine = {
      QueryLanguage: 'JSONata',
      StartAt: 'First',
      States: {
        First: { Type: 'Pass', Next: 'Second' },
        Second: { Type: 'Pass', Output: '{% $states.input.a + $x %}', Assign: { doubled: '{% $x * 2 %}' }, Next: 'Third' },
        Third: { Type: 'Succeed' },
      },
    };
    const result = await run(machine, { stateName: 'Second', input: '{"a":1}', variables: '{"x":5}', inspectionLevel: 'DEBUG' });
    assert.equal(result.status, 'SUCCEEDED');
    assert.equal(result.output, '6');
    assert.equal(result.nextState, 'Third');
    assert.deepEqual(inspected(result).variables, { x: 5, doubled: 10 });
  });

  it('a state inside a Distributed Map\'s ItemProcessor, by stateName (AWS\'s recording)', async () => {
    // LocalStack's test_base_state_name[DEBUG-BASE_MAP_STATE_MACHINE], recorded against AWS.
    const machine = {
      StartAt: 'State0',
      States: {
        State0: {
          Type: 'Map',
          ItemsPath: '$.Values',
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'HandleItem', States: { HandleItem: { Type: 'Pass', End: true } } },
          ToleratedFailureCount: 2,
          End: true,
        },
      },
    };
    const input = { Value: 'HelloWorld' };
    const result = await run(machine, { stateName: 'HandleItem', input: JSON.stringify(input), inspectionLevel: 'DEBUG' });
    assert.equal(result.status, 'SUCCEEDED');
    assert.deepEqual(JSON.parse(result.output!), input);
    assert.equal(result.nextState, undefined);
    assert.deepEqual(inspected(result), { input, afterInputPath: input, afterParameters: input, afterResultSelector: input, afterResultPath: input });
  });

  it('a state inside a Parallel branch nested in a Map, by stateName, names the state it goes to', async () => {
    const machine = {
      QueryLanguage: 'JSONata',
      StartAt: 'Outer',
      States: {
        Outer: {
          Type: 'Map',
          ItemProcessor: {
            StartAt: 'Fan',
            States: {
              Fan: {
                Type: 'Parallel',
                Branches: [{ StartAt: 'Deep', States: { Deep: { Type: 'Pass', Output: '{% $states.input.n * 10 %}', Next: 'Done' }, Done: { Type: 'Succeed' } } }],
                End: true,
              },
            },
          },
          End: true,
        },
      },
    };
    const result = await run(machine, { stateName: 'Deep', input: '{"n":4}' });
    assert.deepEqual(result, { status: 'SUCCEEDED', output: '40', nextState: 'Done' });
  });

  // test_map_state_failure_count[INFO-BASE_MAP_STATE] (LocalStack's snapshot, AWS-validated 2025-11-18):
  // $states.context of the throw-away execution is an Express one's, with no RedriveCount.
  it('runs the state in an Express execution, as its context shows', async () => {
    const definition = { Type: 'Pass', QueryLanguage: 'JSONata', Output: '{% $states.context.Execution %}', End: true };
    const execution = JSON.parse((await run(definition, { input: '{"a":1}', roleArn: 'arn:aws:iam::123456789012:role/R' })).output!);
    assert.match(execution.Id, /^arn:aws:states:us-east-1:123456789012:express:[^:]+:[^:]+$/);
    assert.deepEqual(Object.keys(execution).sort(), ['Id', 'Input', 'Name', 'RoleArn', 'StartTime']);
    assert.equal(execution.RoleArn, 'arn:aws:iam::123456789012:role/R');
  });

  // test_state_with_variables[base_expressions] (LocalStack's snapshot, AWS-validated 2026-02-24).
  it('$$ names the tested state StateName, even one picked by stateName, and a null role when none was given', async () => {
    const machine = { QueryLanguage: 'JSONata', StartAt: 'State0', States: { State0: { Type: 'Pass', Output: '{% $states.context %}', End: true } } };
    const context = JSON.parse((await run(machine, { stateName: 'State0' })).output!);
    assert.equal(context.State.Name, 'StateName');
    assert.equal(context.Execution.RoleArn, null);
  });

  // test_state_context_object_edge_cases[EMPTY] and [EMPTY_OBJECTS], test_state_task_context_object[ALL]
  // (LocalStack's snapshots, AWS-validated 2025-12-03): the given context is all of $$, nothing added.
  it('a given context is the whole context object', async () => {
    const definition = { Type: 'Pass', Parameters: { 'context.$': '$$' }, End: true };
    const given = { Execution: { Id: 'given-id', Input: { from: 'context' } }, State: {} };
    assert.deepEqual(JSON.parse((await run(definition, { input: '{"a":1}', context: JSON.stringify(given) })).output!), { context: given });
    assert.deepEqual(JSON.parse((await run(definition, { context: '{}' })).output!), { context: {} });
  });
});

describe('TestState: Choice, Wait, Succeed, Fail', () => {
  it('Choice names the state it chose', async () => {
    const definition = { Type: 'Choice', Choices: [{ Variable: '$.value', NumericGreaterThan: 20, Next: 'ValueInTwenties' }], Default: 'Other' };
    const result = await run(definition, { input: '{"type":"Private","value":22}', inspectionLevel: 'DEBUG' });
    assert.equal(result.status, 'SUCCEEDED');
    assert.equal(result.nextState, 'ValueInTwenties');
    assert.deepEqual(inspected(result), { input: { type: 'Private', value: 22 }, afterInputPath: { type: 'Private', value: 22 } });
  });

  it('a Choice that goes back to itself stops after one evaluation', async () => {
    const machine = { StartAt: 'Poll', States: { Poll: { Type: 'Choice', Choices: [{ Variable: '$.done', BooleanEquals: true, Next: 'Finish' }], Default: 'Poll' }, Finish: { Type: 'Succeed' } } };
    const result = await run(machine, { stateName: 'Poll', input: '{"done":false}' });
    assert.deepEqual(result, { status: 'SUCCEEDED', output: '{"done":false}', nextState: 'Poll' });
  });

  it('Choice without a match fails with States.NoChoiceMatched', async () => {
    const result = await run({ Type: 'Choice', Choices: [{ Variable: '$.value', NumericEquals: 1, Next: 'One' }] }, { input: '{"value":2}' });
    assert.equal(result.status, 'FAILED');
    assert.equal(result.error, 'States.NoChoiceMatched');
  });

  it('Wait does not wait, and goes on to Next', async () => {
    const started = Date.now();
    const result = await run({ Type: 'Wait', Seconds: 3600, OutputPath: '$.keep', Next: 'After' }, { input: '{"keep":{"a":1},"drop":2}' });
    assert.ok(Date.now() - started < 5_000);
    assert.deepEqual(result, { status: 'SUCCEEDED', output: '{"a":1}', nextState: 'After' });
  });

  it('Succeed applies InputPath', async () => {
    const result = await run({ Type: 'Succeed', InputPath: '$.a' }, { input: '{"a":{"b":1}}', inspectionLevel: 'DEBUG' });
    assert.equal(result.output, '{"b":1}');
    assert.deepEqual(inspected(result).afterInputPath, { b: 1 });
  });

  it('Fail gives its error and cause, no output', async () => {
    const result = await run({ Type: 'Fail', Error: 'SomeFailure', CausePath: '$.why' }, { input: '{"why":"because"}', inspectionLevel: 'DEBUG' });
    assert.deepEqual({ ...result, inspectionData: undefined }, { status: 'FAILED', error: 'SomeFailure', cause: 'because', inspectionData: undefined });
    assert.deepEqual(inspected(result), { input: { why: 'because' }, afterInputPath: { why: 'because' } });
  });
});

describe('TestState: Task', () => {
  const task = {
    Type: 'Task',
    Resource: lambda,
    Parameters: { FunctionName: 'f', 'Payload.$': '$' },
    ResultSelector: { 'payload.$': '$.Payload' },
    ResultPath: '$.result',
    Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 2, MaxAttempts: 2 }],
    Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Handler' }],
    Next: 'Done',
  };

  it('a mocked result goes through ResultSelector and ResultPath', async () => {
    // Lambda's API models Payload as a blob (a string): a JSON object passes with NONE only.
    const result = await run(task, { input: '{"a":1}', mock: { result: '{"Payload":{"x":2}}', fieldValidationMode: 'NONE' }, inspectionLevel: 'DEBUG' });
    assert.equal(result.status, 'SUCCEEDED');
    assert.equal(result.nextState, 'Done');
    assert.deepEqual(inspected(result), {
      input: { a: 1 },
      afterInputPath: { a: 1 },
      afterParameters: { FunctionName: 'f', Payload: { a: 1 } },
      result: { Payload: { x: 2 } },
      afterResultSelector: { payload: { x: 2 } },
      afterResultPath: { a: 1, result: { payload: { x: 2 } } },
    });
  });

  it('a mocked error a retrier takes is RETRIABLE, with the retrier and its backoff', async () => {
    const result = await run(task, { mock: { errorOutput: { error: 'Transient', cause: 'flaky' } }, inspectionLevel: 'DEBUG' });
    assert.equal(result.status, 'RETRIABLE');
    assert.equal(result.error, 'Transient');
    assert.equal(result.cause, 'flaky');
    assert.equal(result.output, undefined);
    assert.deepEqual(result.inspectionData?.errorDetails, { retryIndex: 0, retryBackoffIntervalSeconds: 2 });
  });

  it('retrierRetryCount at MaxAttempts: the retrier is spent and Catch takes the error', async () => {
    const result = await run(task, {
      input: '{"a":1}',
      mock: { errorOutput: { error: 'Transient', cause: 'flaky' } },
      stateConfiguration: { retrierRetryCount: 2 },
      inspectionLevel: 'DEBUG',
    });
    assert.equal(result.status, 'CAUGHT_ERROR');
    assert.equal(result.nextState, 'Handler');
    assert.deepEqual(JSON.parse(result.output!), { a: 1, error: { Error: 'Transient', Cause: 'flaky' } });
    assert.deepEqual(result.inspectionData?.errorDetails, { catchIndex: 0 });
  });

  // test_state_configuration_retrier_retry_count[DEBUG] (LocalStack's snapshot, AWS-validated 2025-11-22):
  // retrierRetryCount 5 of MaxAttempts 5, no Catch: FAILED, and the spent retrier is still named.
  it('retrierRetryCount at MaxAttempts without a Catch: FAILED, naming the spent retrier', async () => {
    const retrying = { Type: 'Task', Resource: lambda, Retry: [{ ErrorEquals: ['MockException'], IntervalSeconds: 1, MaxAttempts: 5, BackoffRate: 2 }], End: true };
    const mock = { errorOutput: { error: 'MockException', cause: 'c' } };
    const spent = await run(retrying, { mock, stateConfiguration: { retrierRetryCount: 5 }, inspectionLevel: 'DEBUG' });
    assert.deepEqual({ ...spent, inspectionData: { errorDetails: spent.inspectionData?.errorDetails } }, { status: 'FAILED', error: 'MockException', cause: 'c', inspectionData: { errorDetails: { retryIndex: 0 } } });
    const left = await run(retrying, { mock, stateConfiguration: { retrierRetryCount: 4 }, inspectionLevel: 'DEBUG' });
    assert.deepEqual(left.inspectionData?.errorDetails, { retryIndex: 0, retryBackoffIntervalSeconds: 16 });
  });

  it('an error no retrier or catcher takes fails the state', async () => {
    const bare = { Type: 'Task', Resource: lambda, Parameters: { FunctionName: 'f' }, End: true };
    const result = await run(bare, { mock: { errorOutput: { error: 'Boom', cause: 'bad' } } });
    assert.deepEqual(result, { status: 'FAILED', error: 'Boom', cause: 'bad' });
  });

  it('without a mock, the integration performs the task with the evaluated parameters', async () => {
    const seen: unknown[] = [];
    const result = await run(task, { input: '{"a":1}', roleArn }, {
      performTask: async (request) => {
        seen.push(request.parameters);
        return { kind: 'succeeded', output: '{"Payload":"done"}' };
      },
    });
    assert.deepEqual(seen, [{ FunctionName: 'f', Payload: { a: 1 } }]);
    assert.deepEqual(JSON.parse(result.output!), { a: 1, result: { payload: 'done' } });
  });

  it('TRACE adds the HTTP exchange the integration reports; DEBUG does not, and only TRACE asks for it', async () => {
    const http = { request: { method: 'GET', url: 'https://example.com/a' }, response: { statusCode: '200', body: '{}' } };
    const levels: string[] = [];
    const performTask: TestStateEnv['performTask'] = async (task) => {
      levels.push(task.inspectionLevel);
      return { kind: 'succeeded', output: '{"StatusCode":200}', http };
    };
    const definition = { Type: 'Task', Resource: 'arn:aws:states:::http:invoke', Parameters: { ApiEndpoint: 'https://example.com/a', Method: 'GET' }, End: true };
    const traced = await run(definition, { inspectionLevel: 'TRACE', roleArn }, { performTask });
    assert.deepEqual(traced.inspectionData?.request, http.request);
    assert.deepEqual(traced.inspectionData?.response, http.response);
    const debug = await run(definition, { inspectionLevel: 'DEBUG', roleArn }, { performTask });
    assert.equal(debug.inspectionData?.request, undefined);
    assert.deepEqual(levels, ['TRACE', 'DEBUG']);
  });

  it('a JSONata Task shows afterArguments and its result', async () => {
    const definition = { QueryLanguage: 'JSONata', Type: 'Task', Resource: lambda, Arguments: { FunctionName: 'f', Payload: '{% $states.input.n * 2 %}' }, Output: '{% $states.result.Payload %}', End: true };
    const result = await run(definition, { input: '{"n":4}', mock: { result: '{"Payload":"ok"}' }, inspectionLevel: 'DEBUG' });
    assert.equal(result.output, '"ok"');
    assert.deepEqual(inspected(result).afterArguments, { FunctionName: 'f', Payload: 8 });
    assert.deepEqual(inspected(result).result, { Payload: 'ok' });
  });

  // test_base_lambda_service_task_state_no_role_arn_validation (LocalStack's snapshot, AWS-validated 2025-12-03).
  it('a Task without a mock needs a roleArn', async () => {
    const bare = { Type: 'Task', Resource: lambda, End: true };
    await rejected(run(bare), 'ValidationException', 'RoleArn must be specified when testing a Task state');
    assert.equal((await run(bare, { mock: { result: '{}' } })).status, 'SUCCEEDED');
    assert.equal((await run(bare, { roleArn }, { performTask: async () => ({ kind: 'succeeded', output: '{}' }) })).status, 'SUCCEEDED');
  });

  it('.waitForTaskToken and activities need a mock', async () => {
    await rejected(run({ Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { QueueUrl: 'q', MessageBody: 'm' }, End: true }), 'ValidationException', /when a mock is specified/);
    const activity = { Type: 'Task', Resource: 'arn:aws:states:us-east-1:123456789012:activity:a', End: true };
    await rejected(run(activity), 'ValidationException', /when a mock is specified/);
    assert.equal((await run(activity, { mock: { result: '{"done":true}' } })).output, '{"done":true}');
  });
});


describe('TestState: fieldValidationMode (AWS\'s recorded answers)', () => {
  // LocalStack's test_field_validation_mode*.py, recorded against AWS in November 2025.
  const task = (resource: string) => ({ Type: 'Task', Resource: resource, End: true });
  const check = (resource: string, result: unknown, fieldValidationMode?: 'STRICT' | 'PRESENT' | 'NONE') =>
    run(task(resource), { mock: { result: JSON.stringify(result), ...(fieldValidationMode ? { fieldValidationMode } : {}) } });
  const refused = (resource: string, result: unknown, message: string, mode?: 'STRICT' | 'PRESENT') =>
    rejected(check(resource, result, mode), 'ValidationException', `Mock result schema validation error: ${message}`);
  const startExecution = 'arn:aws:states:::states:startExecution';
  const putEvents = 'arn:aws:states:::events:putEvents';

  it('STRICT (the default) wants the required fields, by their capitalized names', async () => {
    await refused(startExecution, {}, "Required field 'ExecutionArn' is missing");
    await refused(startExecution, { executionArn: 'a', startDate: 'b' }, "Required field 'ExecutionArn' is missing");
    await refused(startExecution, { executionArn: 'a', startDate: 'b' }, "Required field 'ExecutionArn' is missing", 'STRICT');
  });

  it('STRICT and PRESENT check the type of each field the API has, at any depth', async () => {
    for (const mode of ['STRICT', 'PRESENT'] as const) {
      await refused(startExecution, { ExecutionArn: 'a', StartDate: true }, "Field 'StartDate' must be a string", mode);
      await refused(startExecution, { ExecutionArn: 'a', StartDate: 1764103483 }, "Field 'StartDate' must be a string", mode);
      await refused(putEvents, { Entries: 'not a list' }, "Field 'Entries' must be an array", mode);
      await refused(putEvents, { Entries: [{ EventId: 'ok' }, { EventId: ['no'] }] }, "Field 'EventId' must be a string", mode);
      await refused(lambda, { StatusCode: '200' }, "Field 'StatusCode' must be a number", mode);
      await refused('arn:aws:states:::dynamodb:putItem', { ConsumedCapacity: { CapacityUnits: '123.45' } }, "Field 'CapacityUnits' must be a number", mode);
      await refused('arn:aws:states:::aws-sdk:s3:getObject', { ContentLength: '9000' }, "Field 'ContentLength' must be a number", mode);
      await refused('arn:aws:states:::aws-sdk:s3:getObject', { StorageClass: 'Papyrus' }, "Field 'StorageClass' is not an expected value", mode);
      await refused('arn:aws:states:::aws-sdk:kms:encrypt', { CiphertextBlob: 123 }, "Field 'CiphertextBlob' must be a string", mode);
      await refused('arn:aws:states:::aws-sdk:kms:encrypt', { CiphertextBlob: '' }, "Field 'CiphertextBlob' is smaller than the minimum length", mode);
      await refused('arn:aws:states:::aws-sdk:lambda:getFunction', { Configuration: { MemorySize: 127 } }, "Field 'MemorySize' is less than the minimum value", mode);
      // AWS answered this for 10241 when Lambda's limit was 10240; the model now says 32768.
      await refused('arn:aws:states:::aws-sdk:lambda:getFunction', { Configuration: { MemorySize: 32769 } }, "Field 'MemorySize' exceeds the maximum value", mode);
    }
  });

  it('fields the API does not have pass; PRESENT does not want the required ones; NONE checks nothing', async () => {
    assert.deepEqual(await check(putEvents, { random: 'json' }), { status: 'SUCCEEDED', output: '{"random":"json"}' });
    assert.deepEqual(await check(putEvents, {}), { status: 'SUCCEEDED', output: '{}' });
    assert.equal((await check(startExecution, {}, 'PRESENT')).status, 'SUCCEEDED');
    assert.equal((await check(startExecution, { executionArn: 'a', startDate: 'b' }, 'PRESENT')).status, 'SUCCEEDED');
    assert.equal((await check(startExecution, { ExecutionArn: 'a', StartDate: true }, 'NONE')).output, '{"ExecutionArn":"a","StartDate":true}');
    // A well-formed answer passes STRICT: AWS's own Lambda example shape.
    assert.equal((await check(lambda, { StatusCode: 200, Payload: 'function output', ExecutedVersion: '$LATEST' })).status, 'SUCCEEDED');
  });

  it('the result must be JSON whatever the mode', async () => {
    // AWS's message has no parser detail (test_base_lambda_service_task_mock_is_not_json_string, AWS-validated 2026-02-27).
    await rejected(run(task(lambda), { mock: { result: 'not JSON string', fieldValidationMode: 'NONE' } }), 'ValidationException', 'Mocked result must be valid JSON');
  });
});

describe('TestState: validation', () => {
  it('rejects a mock on a state that takes none', async () => {
    for (const definition of [{ Type: 'Pass', End: true }, { Type: 'Succeed' }, { Type: 'Fail', Error: 'E' }]) {
      await rejected(run(definition, { mock: { result: '{}' } }), 'ValidationException', `State type '${definition.Type}' is not supported when a mock is specified`);
    }
  });

  it('rejects a mock with both or neither of result and errorOutput, and revealSecrets with a mock', async () => {
    const task = { Type: 'Task', Resource: lambda, End: true };
    const both = 'A test mock should have only one of the following fields: [result, errorOutput].';
    await rejected(run(task, { mock: { result: '{}', errorOutput: { error: 'E' } } }), 'ValidationException', both);
    await rejected(run(task, { mock: {} }), 'ValidationException', both);
    await rejected(run(task, { mock: { result: '{}' }, revealSecrets: true }), 'ValidationException', 'TestState does not support RevealSecrets when a mock is specified.');
  });

  it('rejects a definition AWS would not accept, and input that is not JSON', async () => {
    await rejected(run({ Type: 'Pass' }), 'InvalidDefinition', /This object should have only one of the following fields: \[Next, End\]/);
    await rejected(testState({ definition: '{not json' }, env), 'InvalidDefinition', /Invalid State Machine Definition/);
    await rejected(run({ Type: 'Pass', End: true }, { input: '{' }), 'InvalidExecutionInput', /Invalid State Machine Execution Input/);
  });

  // test_state_mock_validation::test_parallel_state_empty_branches (AWS-validated 2026-02-27) and
  // test_state_configuration's $$.State.Name (2025-11-13): a lone state is named StateName, so a
  // Map whose inner state is called TestState (LocalStack's base_map_state template) is no duplicate.
  it('runs a lone state as StateName, the name in AWS\'s errors and context', async () => {
    await rejected(run({ Type: 'Parallel', Branches: [], End: true }, { mock: { result: '[]' } }), 'InvalidDefinition', "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/StateName/Branches'");
    const result = await run({ Type: 'Pass', Parameters: { 'name.$': '$$.State.Name' }, End: true });
    assert.deepEqual(JSON.parse(result.output!), { name: 'StateName' });
    const inner = { Type: 'Task', Resource: lambda, End: true };
    const map = { Type: 'Map', ItemProcessor: { StartAt: 'TestState', States: { TestState: inner } }, End: true };
    assert.equal((await run(map, { input: '[1]', mock: { result: '[1]' } })).status, 'SUCCEEDED');
  });

  // test_state_context_object_validation_failures[INVALID_EXECUTION_ID_TYPE, INVALID_MAP, INVALID_EXECUTION_FIELD,
  // INVALID_FIELD] and test_state_context_object_invalid_states[TOKEN_TASK_NOT_SYNC] (AWS-validated 2025-12-03).
  it('rejects a context AWS would not accept, with AWS\'s messages', async () => {
    const task = (resource: string) => ({ Type: 'Task', Resource: resource, End: true });
    const mock = { result: '{}', fieldValidationMode: 'NONE' as const };
    const cases: Array<[unknown, string]> = [
      [{ Execution: { Id: 1 } }, 'Execution.Id must be a string'],
      [{ Map: {} }, "'Map' field is not supported when mocking a Context object"],
      [{ Execution: { pokemon: 'squirtle' } }, "Field 'pokemon' is not allowed"],
      [{ Pokedex: {} }, "Field 'Pokedex' is not allowed"],
      [{ Task: { Token: 't' } }, "Context object contains 'Task' when state is not a Task state with a '.sync' or '.waitForTaskToken' service integration pattern"],
    ];
    for (const [context, message] of cases) {
      await rejected(run(task(lambda), { mock, context: JSON.stringify(context) }), 'ValidationException', `Invalid Context object provided: ${message}`);
    }
    // test_state_wait_task_context_object: a .waitForTaskToken Task reads the given token.
    const waiting = { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', Parameters: { 'token.$': '$$.Task.Token' }, End: true };
    const result = await run(waiting, { mock: { result: '{}' }, context: '{"Task":{"Token":"abcd123"}}', inspectionLevel: 'DEBUG' });
    assert.deepEqual(inspected(result).afterParameters, { token: 'abcd123' });
  });

  it('rejects a stateName the machine does not have, with AWS\'s message', async () => {
    const machine = { StartAt: 'A', States: { A: { Type: 'Pass', End: true } } };
    await rejected(run(machine, { stateName: 'Missing' }), 'ValidationException', 'State not found in definition');
    await rejected(run(machine, { stateName: '"invalid"' }), 'ValidationException', 'State not found in definition');
  });
});
