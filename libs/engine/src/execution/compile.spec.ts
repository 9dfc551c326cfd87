import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compileState } from './compile';
import { internDefinition } from './payload-cache';

function statesOf(definition: unknown): Readonly<Record<string, Readonly<Record<string, any>>>> {
  return internDefinition(JSON.stringify(definition)).object.States;
}

describe('compileState: a state definition compiled once into a typed, frozen form', () => {
  const definition = {
    StartAt: 'Legacy',
    States: {
      Legacy: { Type: 'Map', ItemsPath: '$.items', Parameters: { 'v.$': '$$.Map.Item.Value' }, Iterator: { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } }, Next: 'Spread' },
      Spread: {
        Type: 'Map',
        ItemReader: { Resource: 'arn:aws:states:::s3:getObject', Parameters: { Bucket: 'b', Key: 'k' } },
        ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
        MaxConcurrencyPath: '$.max',
        Next: 'Call',
      },
      Call: { Type: 'Task', Resource: 'arn:aws:states:::sqs:sendMessage.waitForTaskToken', TimeoutSeconds: 30, HeartbeatSecondsPath: '$.beat', Next: 'Fn' },
      Fn: { Type: 'Task', Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f', Next: 'Stop' },
      Stop: { Type: 'Fail', ErrorPath: "States.Format('E{}', $.n)", Cause: '{% $states.input.why %}', QueryLanguage: 'JSONata' },
    },
  };
  const states = statesOf(definition);

  it('resolves the legacy Iterator and Parameters of a Map', () => {
    const legacy = compileState(states.Legacy).map!;
    assert.equal(legacy.processor, states.Legacy.Iterator);
    assert.deepEqual(legacy.itemSelector, { 'v.$': '$$.Map.Item.Value' });
    assert.equal(legacy.distributed, false);
    const spread = compileState(states.Spread).map!;
    assert.equal(spread.distributed, true);
    assert.equal(spread.readsItems, true);
  });

  it('parses each Task resource once: family, token, and the events\' resourceType/resource', () => {
    const call = compileState(states.Call).task!;
    assert.deepEqual([call.family, call.byToken, call.described], ['Task', true, { resourceType: 'sqs', resource: 'sendMessage.waitForTaskToken' }]);
    const fn = compileState(states.Fn).task!;
    assert.deepEqual([fn.family, fn.byToken, fn.resource.kind], ['LambdaFunction', false, 'lambda-function']);
  });

  it('classifies dynamic fields as literal, path, intrinsic or JSONata', () => {
    assert.deepEqual(compileState(states.Call).fields, { TimeoutSeconds: { kind: 'literal', value: 30 }, HeartbeatSeconds: { kind: 'path', path: '$.beat' } });
    assert.deepEqual(compileState(states.Spread).fields, { MaxConcurrency: { kind: 'path', path: '$.max' } });
    assert.deepEqual(compileState(states.Stop).fields, {
      Error: { kind: 'intrinsic', call: "States.Format('E{}', $.n)" },
      Cause: { kind: 'jsonata', expression: '{% $states.input.why %}' },
    });
    assert.equal(compileState(states.Stop).queryLanguage, 'JSONata');
  });

  it('compiles once per definition text, frozen', () => {
    const again = statesOf(JSON.parse(JSON.stringify(definition)));
    assert.equal(compileState(again.Call), compileState(states.Call), 'the same text interns to the same compiled state');
    assert.ok(Object.isFrozen(compileState(states.Call)));
    assert.ok(Object.isFrozen(compileState(states.Call).fields));
  });
});
