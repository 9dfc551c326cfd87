import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ConformanceCase } from './corpus';
import { recordedMockDocument } from './recorded-mocks';

/** Calls a recording lost the state of (`state: null`) are mocked only where one state fits. */
describe('recorded calls without a state name', () => {
  const branch = (name: string, functionPath: string) => ({
    StartAt: name,
    States: { [name]: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Parameters: { 'FunctionName.$': functionPath, 'Payload.$': '$.Payload' }, End: true } },
  });
  const call = (functionName: string, output: string) => ({ state: null, resource: 'invoke', resourceType: 'lambda', parameters: { FunctionName: functionName, Payload: [1] }, outcome: 'succeeded', output });
  const caseWith = (input: unknown): ConformanceCase =>
    ({
      id: 'unnamed-calls',
      definition: { StartAt: 'P', States: { P: { Type: 'Parallel', End: true, Branches: [branch('One', '$.first'), branch('Two', '$.second')] } } },
      input,
      service_calls: [call('f1', 'from one'), call('f2', 'from two')],
    }) as unknown as ConformanceCase;

  it("gives each call to the state whose Parameters, from the execution's input, are the recorded ones", () => {
    const document = recordedMockDocument(caseWith({ first: 'f1', second: 'f2', Payload: [1] }), 'm') as any;
    assert.deepEqual(document.StateMachines.m.TestCases.Recorded, { One: 'OneRecorded', Two: 'TwoRecorded' });
    assert.deepEqual(document.MockedResponses.OneRecorded, { 0: { Return: 'from one' } });
    assert.deepEqual(document.MockedResponses.TwoRecorded, { 0: { Return: 'from two' } });
  });

  it('mocks neither when both states would send the same parameters', () => {
    const document = recordedMockDocument(caseWith({ first: 'f1', second: 'f1', Payload: [1] }), 'm') as any;
    assert.deepEqual(document.StateMachines.m.TestCases.Recorded, {});
  });
});
