import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { asOfRecording, explainedByAwsRuleChange, matches, unverifiedFieldTokens } from './compare';

/** The comparator is loose only where the recording tooling normalised a value. */
describe('comparing with recorded AWS values', () => {
  const recordedInput = { TimestampValue: 'timestamp', Other: 'kept' };

  it('takes a time-value token ("timestamp", "date") for any string, valid timestamp or not', () => {
    assert.equal(matches(recordedInput, { TimestampValue: '2016-13-05T21:29:29Z', Other: 'kept' }, []), true);
    assert.equal(matches(recordedInput, '{"TimestampValue": "05-12-2016T21:29:29Z", "Other": "kept"}', []), true);
    assert.equal(matches({ at: 'date' }, { at: '2024-01-01T00:00:00.000Z' }, []), true);
    assert.equal(matches({ EnteredTime: 'entered-time' }, { EnteredTime: '2024-01-01T00:00:00.000Z' }, []), true);
  });

  it('still fails a real mismatch next to a token', () => {
    assert.equal(matches(recordedInput, { TimestampValue: '2016-12-05T21:29:29Z', Other: 'changed' }, []), false);
  });

  it('does not take a number, a missing key or an extra key for a time-value token', () => {
    assert.equal(matches(recordedInput, { TimestampValue: 1480973369, Other: 'kept' }, []), false);
    assert.equal(matches(recordedInput, { Other: 'kept' }, []), false);
    assert.equal(matches(recordedInput, { TimestampValue: 'x', Other: 'kept', Extra: 1 }, []), false);
  });

  it('reads a time-value word inside a longer string literally (causes keep the real text)', () => {
    const cause = 'The TimestampPath parameter does not reference a valid timestamp: $.TimestampValue == timestamp';
    assert.equal(matches(cause, cause.replace('== timestamp', '== 2016-12-05T21:29:29'), []), false);
  });

  it('takes an angle-bracket token for any value, and matches the text around an embedded one literally', () => {
    assert.equal(matches({ id: '<uuid:1>' }, { id: '2e6c…' }, []), true);
    assert.equal(matches({ id: '<uuid:1>' }, {}, []), false);
    assert.equal(matches('arn:aws:states:<region>:1:execution:m:<uuid:1>', 'arn:aws:states:us-east-1:1:execution:m:abc', []), true);
    assert.equal(matches('arn:aws:states:<region>:1:execution:m:<uuid:1>', 'arn:aws:states:us-east-1:2:execution:m:abc', []), false);
  });

  it('takes a numbered token with a token inside (<<task_token>:1>) as one token', () => {
    assert.equal(matches({ TaskToken: '<<task_token>:1>' }, { TaskToken: 'AQCEAAAAKgAAAAMAAAAA' }, []), true);
    assert.equal(matches({ TaskToken: '<<task_token>:1>' }, {}, []), false);
    assert.equal(matches('token=<<task_token>:1>;', 'token=AQCE;', []), true);
    assert.equal(matches('token=<<task_token>:1>;', 'token=AQCE!', []), false);
  });
});

describe('AWS history rule changes over time', () => {
  const recorded = [
    { type: 'MapRunStarted', id: 4, previousEventId: 3 },
    { type: 'MapRunSucceeded', id: 5, previousEventId: 4 },
    { type: 'MapStateSucceeded', id: 6, previousEventId: 5 },
    { type: 'MapStateExited', id: 7, previousEventId: 5 },
  ];
  const produced = recorded.map((event) => (event.type === 'MapStateExited' ? { ...event, previousEventId: 4 } : event));

  it("accepts today's MapStateExited link (MapRunStarted) for a recording made under the earlier rule", () => {
    assert.equal(explainedByAwsRuleChange('2024-06-19T12:38:58+00:00', recorded[3], produced[3], recorded, produced), true);
  });

  it('holds a recording made after the change to the current rule', () => {
    assert.equal(explainedByAwsRuleChange('2025-01-09T10:28:03+00:00', recorded[3], produced[3], recorded, produced), false);
  });

  it('does not excuse a link to any other event', () => {
    const wrong = { ...produced[3], previousEventId: 6 };
    assert.equal(explainedByAwsRuleChange('2024-06-19T12:38:58+00:00', recorded[3], wrong, recorded, [...produced.slice(0, 3), wrong]), false);
    assert.equal(explainedByAwsRuleChange(undefined, recorded[3], produced[3], recorded, produced), false);
  });
});

describe('context object fields AWS added after a recording', () => {
  const execution = { Id: 'arn:1', Input: {}, Name: 'n', RoleArn: 'r', StartTime: 't', RedriveCount: 0 };
  const recorded = { Payload: { ThisContextObject: { Execution: { Id: 'arn:1', Input: {}, Name: 'n', RoleArn: 'r', StartTime: 't' } } } };
  const produced = JSON.stringify({ Payload: { ThisContextObject: { Execution: execution } } });

  it('leaves $$.Execution.RedriveCount out for a recording made before redrive (2023-11-15)', () => {
    assert.equal(matches(recorded, asOfRecording('2023-10-24T15:26:06+00:00', produced), []), true);
  });

  it('keeps it for a later recording, where its absence is a mismatch', () => {
    assert.equal(matches(recorded, asOfRecording('2024-07-15T00:00:00+00:00', produced), []), false);
  });

  it('touches only Execution objects, and gives untouched text back byte for byte', () => {
    const other = { RedriveCount: 0, Name: 'n' };
    assert.deepEqual(asOfRecording('2023-10-24', other), other);
    const text = '{"a": 1.0}';
    assert.equal(asOfRecording('2023-10-24', text), text);
  });
});

describe('fields the recording did not verify', () => {
  it("takes a value recorded as its own field's path for any value, in those details only", () => {
    const recorded = { name: 'Branch1', output: 'stateExitedEventDetails.output' };
    const produced = { name: 'Branch1', output: '{"Payload":1}' };
    assert.equal(matches(recorded, produced, unverifiedFieldTokens('stateExitedEventDetails', recorded)), true);
    assert.equal(matches(recorded, produced, unverifiedFieldTokens('executionSucceededEventDetails', recorded)), false);
    assert.equal(matches(recorded, { ...produced, name: 'Branch2' }, unverifiedFieldTokens('stateExitedEventDetails', recorded)), false);
  });
});
