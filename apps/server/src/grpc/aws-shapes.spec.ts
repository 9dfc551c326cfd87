import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fromMessage, toMessage } from './aws-shapes';
import { loadStepstoneRoot } from './grpc-protos';

const root = loadStepstoneRoot();

describe('AWS JSON ↔ stepstone.v1 messages', () => {
  it('carries a history event through a wire round trip unchanged: millisecond timestamps, every JSON kind in its details', () => {
    const HistoryEvent = root.lookupType('stepstone.v1.HistoryEvent');
    const aws = {
      timestamp: 1767225600.123,
      type: 'MapIterationFailed',
      id: 7,
      previousEventId: 0,
      mapIterationFailedEventDetails: { name: 'Map', index: 0, nested: { ok: false, none: null, list: [1, 'two', { three: 3 }] } },
    };
    const wire = HistoryEvent.encode(HistoryEvent.fromObject(toMessage(HistoryEvent, aws))).finish();
    const decoded = HistoryEvent.toObject(HistoryEvent.decode(wire), { longs: Number, oneofs: true });
    assert.deepEqual(fromMessage(HistoryEvent, decoded), aws);
  });

  it('drops what the message does not define and reads timestamps as the caller asks', () => {
    const Response = root.lookupType('stepstone.v1.StartExecutionResponse');
    const message = toMessage(Response, { executionArn: 'arn:x', startDate: 1.5, somethingElse: true });
    assert.deepEqual(message, { executionArn: 'arn:x', startDate: { seconds: 1, nanos: 500_000_000 } });
    assert.deepEqual(fromMessage(Response, message, (seconds) => new Date(seconds * 1000)), { executionArn: 'arn:x', startDate: new Date(1500) });
  });
});
