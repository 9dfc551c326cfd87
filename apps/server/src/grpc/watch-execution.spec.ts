import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import type { QueryBus } from '@nestjs/cqrs';
import { detailsFieldOf, executionStreamId } from '@stepstone/engine';
import { openSqliteEventStore, type EventStore } from '@stepstone/event-store';
import { createArns } from '../aws-protocol/arns';
import { loadStepstoneRoot } from './grpc-protos';
import type { StreamCall } from './stream-call';
import { watchExecution } from './watch-execution';

/**
 * WatchExecution follows the store port's subscription only: two handles on one SQLite file
 * stand for two server processes, one serving the watch, the other appending the execution.
 */
const arns = createArns('us-east-1', '123456789012');
const executionArn = arns.execution('machine', 'run');
const historyEventType = loadStepstoneRoot().lookupType('stepstone.v1.HistoryEvent');
const queryBusNotNeeded = {
  execute: () => assert.fail('the execution exists: no query is needed'),
} as unknown as QueryBus;

let timestamps = 0;
function historyEvent(id: number, type: string, details: Record<string, unknown> = {}, hidden = false) {
  const timestamp = new Date(Date.UTC(2026, 0, 1, 0, 0, 0, ++timestamps)).toISOString();
  const field = detailsFieldOf(type) ?? assert.fail(`no details field for ${type}`);
  return { type, data: { type, id, previousEventId: id - 1, timestamp, x: { v: 1, th: '0', ...(hidden ? { hidden } : {}) }, [field]: details } };
}

function collectingCall(): StreamCall<Record<string, unknown>> & { messages: Array<Record<string, unknown>>; ended: () => boolean } {
  const messages: Array<Record<string, unknown>> = [];
  let ended = false;
  return {
    messages,
    ended: () => ended,
    closed: new AbortController().signal,
    write: async (message) => void messages.push(message),
    end: () => void (ended = true),
    fail: (error) => assert.fail(`the watch failed: ${JSON.stringify(error)}`),
  };
}

describe('watchExecution over a store shared by two processes', { timeout: 20_000 }, () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-watch-'));
  const file = path.join(dir, 'stepstone.db');
  const serving: EventStore = openSqliteEventStore({ file, pollIntervalMs: 20 });
  const appending: EventStore = openSqliteEventStore({ file });
  after(async () => {
    await serving.close();
    await appending.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends the stored events, then those the other process appends, once each, skipping hidden ones, and ends at the terminal event', async () => {
    const streamId = executionStreamId(executionArn);
    await appending.append({
      streamId,
      expectedRevision: 'no_stream',
      events: [historyEvent(1, 'ExecutionStarted', { input: '{}' }), historyEvent(2, 'PassStateEntered', { name: 'A', input: '{}' })],
    });
    const call = collectingCall();
    const watching = watchExecution({ executionArn, afterEventId: 1 }, call, { store: serving, queryBus: queryBusNotNeeded, arns, historyEventType });

    await new Promise((resolve) => setTimeout(resolve, 100));
    assert.deepEqual(call.messages.map((message) => message.id), [2]);
    await appending.append({ streamId: 'execution-machine:other', expectedRevision: 'no_stream', events: [historyEvent(1, 'ExecutionStarted')] });
    await appending.append({ streamId, expectedRevision: 1, events: [historyEvent(3, 'PassStateExited', { name: 'A', output: '{"n":1}' })] });
    await appending.append({ streamId, expectedRevision: 2, events: [historyEvent(4, 'MapIterationStarted', { index: 0 }, true)] });
    await appending.append({ streamId, expectedRevision: 3, events: [historyEvent(5, 'ExecutionSucceeded', { output: '{"n":1}' })] });
    await watching;

    assert.ok(call.ended());
    assert.deepEqual(
      call.messages.map((message) => [message.id, message.type]),
      [
        [2, 'PassStateEntered'],
        [3, 'PassStateExited'],
        [5, 'ExecutionSucceeded'],
      ],
    );
    assert.deepEqual(call.messages[1].stateExitedEventDetails, { fields: { name: { stringValue: 'A' }, output: { stringValue: '{"n":1}' } } });
    assert.deepEqual(call.messages[1].timestamp, { seconds: 1767225600, nanos: 4_000_000 });
  });

  it('resumed after the last event, ends at once with nothing to send', async () => {
    const call = collectingCall();
    await watchExecution({ executionArn, afterEventId: 5 }, call, { store: serving, queryBus: queryBusNotNeeded, arns, historyEventType });
    assert.ok(call.ended());
    assert.deepEqual(call.messages, []);
  });
});
