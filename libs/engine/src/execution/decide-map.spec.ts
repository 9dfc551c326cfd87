import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EngineBehaviour } from './behaviour';
import { pendingEffects } from './effects';
import { evolve } from './evolve';
import { initialExecutionState } from './execution-state';
import { isHistoryEvent } from './history-event';
import type { ExecutionCommand } from './commands';
import { decideAndEvolve } from './decide';
import { fixedEnv, given, startCommand } from './testing/decider-specification';

const passItem = { StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } };
const distributedConfig = { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' };
/** A Map Run's child-workflow events (numbered below zero, out of the parent's history) for one item. */
const hiddenIteration = ['PassStateEntered', 'PassStateExited', 'MapIterationSucceeded'];

describe('decide: Map in distributed mode and its limits', () => {
  it('links MapStateExited of a Map Run at MapRunStarted', async () => {
    const definition = {
      StartAt: 'Each',
      States: { Each: { Type: 'Map', ItemProcessor: { ...passItem, ProcessorConfig: distributedConfig }, End: true } },
    };
    await given().when(startCommand(definition, [1, 2])).then(
      [
        'ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapItemsRecorded', 'MapRunStarted',
        'MapIterationStarted', 'MapIterationStarted', ...hiddenIteration, ...hiddenIteration,
        'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded',
      ],
      (events, state) => {
        const visible = events.filter((event) => event.id > 0).map((event) => [event.type, event.id, event.previousEventId]);
        assert.deepEqual(visible.slice(3, 7), [['MapRunStarted', 4, 3], ['MapRunSucceeded', 5, 4], ['MapStateSucceeded', 6, 5], ['MapStateExited', 7, 4]]);
        assert.deepEqual(JSON.parse(state.output!), [1, 2]);
      },
    );
  });

  it('runs a Map Run for the legacy Iterator with ProcessorConfig DISTRIBUTED', async () => {
    const definition = {
      StartAt: 'Each',
      States: { Each: { Type: 'Map', Parameters: { 'v.$': '$$.Map.Item.Value' }, Iterator: { ...passItem, ProcessorConfig: distributedConfig }, End: true } },
    };
    await given().when(startCommand(definition, ['a'])).then(
      [
        'ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapItemsRecorded', 'MapRunStarted',
        'MapIterationStarted', ...hiddenIteration,
        'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded',
      ],
      (_events, state) => assert.deepEqual(JSON.parse(state.output!), [{ v: 'a' }]),
    );
  });

  for (const [label, value, shown] of [['a string', 'many', 'many'], ['an object', {}, '{}'], ['a fraction', 1.5, '1.5']] as const) {
    it(`fails before MapStateStarted when MaxConcurrencyPath resolves to ${label}`, async () => {
      const definition = {
        StartAt: 'Each',
        States: { Each: { Type: 'Map', ItemsPath: '$.items', MaxConcurrencyPath: '$.limit', ItemProcessor: passItem, End: true } },
      };
      await given().when(startCommand(definition, { items: [1], limit: value })).then(['ExecutionStarted', 'MapStateEntered', 'ExecutionFailed'], (_events, state) => {
        assert.equal(state.error, 'States.Runtime');
        assert.equal(
          state.cause,
          `An error occurred while executing the state 'Each' (entered at the event id #2). The MaxConcurrencyPath field refers to value "${shown}" which is not a valid integer: $.limit`,
        );
      });
    });
  }

  it('reads ToleratedFailureCountPath after MapStateStarted (AWS fails it there)', async () => {
    const definition = {
      StartAt: 'Each',
      States: { Each: { Type: 'Map', ToleratedFailureCountPath: '$.tolerated', ItemsPath: '$.items', ItemProcessor: passItem, End: true } },
    };
    await given().when(startCommand(definition, { items: [1], tolerated: -1 })).then(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'ExecutionFailed'], (_events, state) => {
      assert.match(state.cause!, /ToleratedFailureCount cannot be negative\.$/);
    });
  });
  // AWS reads a path's value as text: LocalStack's snapshots test_reference_in_map_state
  // [MAP_STATE_REFERENCE_IN_MAX_CONCURRENCY_PATH] and [MAP_STATE_REFERENCE_IN_TOLERATED_FAILURE_PATH]
  // (AWS, 2024-11-18) run the Map with variables assigned "1".
  it('takes a number written as a string through MaxConcurrencyPath and ToleratedFailure…Path', async () => {
    const definition = {
      StartAt: 'Limits',
      States: {
        Limits: { Type: 'Pass', Assign: { limit: '1', count: '1', percentage: '1' }, Next: 'Each' },
        Each: {
          Type: 'Map', ItemsPath: '$.items', MaxConcurrencyPath: '$limit', ToleratedFailureCountPath: '$count',
          ToleratedFailurePercentagePath: '$percentage', ItemProcessor: passItem, End: true,
        },
      },
    };
    const iteration = ['MapIterationStarted', 'PassStateEntered', 'PassStateExited', 'MapIterationSucceeded'];
    const types = ['ExecutionStarted', 'PassStateEntered', 'PassStateExited', 'MapStateEntered', 'MapStateStarted', ...iteration, ...iteration, 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded'];
    await given().when(startCommand(definition, { items: [1, 2] })).then(types, (events, state) => {
      assert.deepEqual(JSON.parse(state.output!), [1, 2]);
      const started = events.find((event) => event.type === 'MapStateStarted')!;
      assert.deepEqual([started.x.maxConcurrency, started.x.toleratedFailureCount, started.x.toleratedFailurePercentage], [1, 1, 1]);
    });
  });

  it('keeps failing on a numeric string through MaxConcurrencyPath for an execution started before PathNumbersAsText', async () => {
    const definition = {
      StartAt: 'Each',
      States: { Each: { Type: 'Map', ItemsPath: '$.items', MaxConcurrencyPath: '$.limit', ItemProcessor: passItem, End: true } },
    };
    await given().when({ ...startCommand(definition, { items: [1], limit: '1' }), behaviour: EngineBehaviour.PagedListing } as ExecutionCommand)
      .then(['ExecutionStarted', 'MapStateEntered', 'ExecutionFailed'], (_events, state) => assert.match(state.cause!, /value "1" which is not a valid integer/));
  });
});

describe('decide: a JSONata Map limit must give a number', () => {
  const mapWith = (field: string, expression: string) => ({
    QueryLanguage: 'JSONata',
    StartAt: 'Each',
    States: { Each: { Type: 'Map', Items: [1, 2], [field]: expression, ItemProcessor: passItem, End: true } },
  });

  // Worded as AWS words a JSONata Items of the wrong type (LocalStack's snapshots
  // test_map_state_items_eval_jsonata_fail[*]); the engine used to read 'abc' as NaN, start no
  // iteration and leave the execution waiting for a year.
  it('fails with States.QueryEvaluationError when MaxConcurrency gives a string', async () => {
    await given().when(startCommand(mapWith('MaxConcurrency', "{% 'abc' %}"))).then(
      ['ExecutionStarted', 'MapStateEntered', 'EvaluationFailed', 'MapStateFailed', 'ExecutionFailed'],
      (_events, state) => {
        assert.equal(state.error, 'States.QueryEvaluationError');
        assert.match(state.cause!, /The JSONata expression ''abc'' specified for the field 'MaxConcurrency' returned an unexpected result type\. Expected 'integer', but was 'string' for value: "abc"$/);
      },
    );
  });

  it('fails on a fractional ToleratedFailureCount after MapStateStarted, and takes a fractional ToleratedFailurePercentage', async () => {
    await given().when(startCommand(mapWith('ToleratedFailureCount', '{% 1.5 %}'))).then(
      ['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'EvaluationFailed', 'MapStateFailed', 'ExecutionFailed'],
      (_events, state) => assert.match(state.cause!, /Expected 'integer', but was 'number' for value: 1\.5$/),
    );
    const iteration = ['MapIterationStarted', 'PassStateEntered', 'PassStateExited', 'MapIterationSucceeded'];
    await given().when(startCommand(mapWith('ToleratedFailurePercentage', '{% 12.5 %}'))).then(
      ['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapIterationStarted', 'MapIterationStarted', ...iteration.slice(1), ...iteration.slice(1), 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded'],
    );
  });
});

describe('decide: ItemReader, ItemBatcher and ResultWriter go through object-store effects', () => {
  const reader = { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON', MaxItemsPath: '$.max' }, Parameters: { 'Bucket.$': '$.bucket', Key: 'items.json' } };
  const distributed = { ...passItem, ProcessorConfig: distributedConfig };

  it('asks for the whole object after MapStateStarted, then starts the Map Run with the items read (before StreamedItems)', async () => {
    const definition = { StartAt: 'Each', States: { Each: { Type: 'Map', ItemReader: reader, ItemProcessor: distributed, End: true } } };
    const started = await given().when({ ...startCommand(definition, { bucket: 'in', max: 2 }), behaviour: EngineBehaviour.WaitRangeChecked } as ExecutionCommand).then(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted'], (events, state) => {
      assert.deepEqual(events[2].mapStateStartedEventDetails, { length: 0 });
      // Every execution also has its one-year execution deadline pending.
      assert.deepEqual(pendingEffects(state).filter((effect) => effect.kind !== 'execution-timeout'), [{ kind: 'read-items', threadId: '0', enteredEventId: 2, source: { action: 'getObject', bucket: 'in', key: 'items.json' } }]);
    });
    await given(started.events)
      .when({ type: 'CompleteItemRead', threadId: '0', enteredEventId: 2, body: '[{"n":1},{"n":2},{"n":3}]' })
      .then(
        ['MapItemsRecorded', 'MapRunStarted', 'MapIterationStarted', 'MapIterationStarted', ...hiddenIteration, ...hiddenIteration, 'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded'],
        (events, state) => {
          assert.equal(events[0].x.items, '[{"n":1},{"n":2}]', 'the items read, in a hidden event of their own');
          assert.equal(events[1].x.items, undefined, 'MapRunStarted carries none');
          assert.deepEqual(JSON.parse(state.output!), [{ n: 1 }, { n: 2 }]);
        },
      );
  });

  // LocalStack's snapshot test_map_item_reader_csv_max_items_paths[1.5]: AWS fails the state
  // with States.Runtime right after MapStateStarted; no Map Run starts, no MapStateFailed.
  it('fails the state with States.Runtime when MaxItemsPath gives no integer, before any Map Run', async () => {
    const definition = { StartAt: 'Each', States: { Each: { Type: 'Map', ItemReader: reader, ItemProcessor: distributed, End: true } } };
    await given().when(startCommand(definition, { bucket: 'in', max: 1.5 })).then(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'ExecutionFailed'], (_events, state) => {
      assert.equal(state.error, 'States.Runtime');
      assert.equal(state.cause, `An error occurred while executing the state 'Each' (entered at the event id #2). The MaxItemsPath field refers to value "1.5" which is not a valid integer: $.max`);
    });
  });

  it('fails the Map Run with States.ItemReaderFailed when the object cannot be read', async () => {
    const definition = { StartAt: 'Each', States: { Each: { Type: 'Map', ItemReader: reader, ItemProcessor: distributed, End: true } } };
    const started = await given().when(startCommand(definition, { bucket: 'in', max: 0 })).then(['ExecutionStarted', 'MapStateEntered', 'MapStateStarted']);
    await given(started.events)
      .when({ type: 'RecordItemBatch', threadId: '0', enteredEventId: 2, position: { offset: 0, count: 0 }, items: [], ends: [], done: true, failureCause: 'The specified key does not exist.' })
      .then(['MapRunStarted', 'MapRunFailed', 'MapStateFailed', 'ExecutionFailed'], (_events, state) => {
        assert.equal(state.error, 'States.ItemReaderFailed');
        assert.equal(state.cause, 'The specified key does not exist.');
      });
  });

  it('gives each child a batch { BatchInput, Items } of selected items', async () => {
    const definition = {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemSelector: { 'v.$': '$$.Map.Item.Value' },
          ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'job.$': '$.job' } },
          ItemsPath: '$.items',
          ItemProcessor: distributed,
          End: true,
        },
      },
    };
    await given().when(startCommand(definition, { job: 'j', items: [1, 2, 3] })).then(
      ['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapItemsRecorded', 'MapRunStarted', 'MapIterationStarted', 'MapIterationStarted', ...hiddenIteration, ...hiddenIteration, 'MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded'],
      (_events, state) => {
        assert.deepEqual(JSON.parse(state.output!), [
          { BatchInput: { job: 'j' }, Items: [{ v: 1 }, { v: 2 }] },
          { BatchInput: { job: 'j' }, Items: [{ v: 3 }] },
        ]);
      },
    );
  });

  it('writes the results through a write-results effect and outputs the manifest reference', async () => {
    const definition = {
      StartAt: 'Each',
      States: {
        Each: { Type: 'Map', ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'runs' } }, ItemProcessor: distributed, End: true },
      },
    };
    const ran = await given().when(startCommand(definition, ['a'])).then(
      ['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapItemsRecorded', 'MapRunStarted', 'MapIterationStarted', ...hiddenIteration],
      (_events, state) => {
        const [effect] = pendingEffects(state).filter((pending) => pending.kind !== 'execution-timeout');
        assert.equal(effect.kind, 'write-results');
        const keys = effect.kind === 'write-results' ? effect.objects.map((object) => `${object.bucket}/${object.key}`) : [];
        assert.deepEqual(keys, ['out/runs/00000000-0000-4000-8000-000000000001/SUCCEEDED_0.json', 'out/runs/00000000-0000-4000-8000-000000000001/manifest.json']);
      },
    );
    await given(ran.events).when({ type: 'CompleteResultWrite', threadId: '0', enteredEventId: 2 }).then(['MapRunSucceeded', 'MapStateSucceeded', 'MapStateExited', 'ExecutionSucceeded'], (_events, state) => {
      const output = JSON.parse(state.output!);
      assert.deepEqual(output.ResultWriterDetails, { Bucket: 'out', Key: 'runs/00000000-0000-4000-8000-000000000001/manifest.json' });
      assert.match(output.MapRunArn, /:mapRun:spec\/Each:00000000-0000-4000-8000-000000000001$/);
    });
    await given(ran.events)
      .when({ type: 'CompleteResultWrite', threadId: '0', enteredEventId: 2, failureCause: 'The specified bucket does not exist' })
      .then(['MapRunFailed', 'MapStateFailed', 'ExecutionFailed'], (_events, state) => assert.equal(state.error, 'States.ResultWriterFailed'));
  });
});

describe('decide: a Distributed Map records its items in bounded batches (EngineBehaviour.BatchedItems)', () => {
  const definition = {
    StartAt: 'Each',
    States: { Each: { Type: 'Map', MaxConcurrency: 1, ItemProcessor: { ...passItem, ProcessorConfig: distributedConfig }, End: true } },
  };
  const start = (command: ExecutionCommand) => decideAndEvolve(initialExecutionState, command, fixedEnv());

  it('stores 2,500 items in MapItemsRecorded events of at most 1,000, hidden, after a MapStateStarted without them', async () => {
    const items = Array.from({ length: 2_500 }, (_, index) => index);
    const { events, state } = await start(startCommand(definition, items));
    assert.deepEqual(events.slice(0, 7).map((event) => event.type), ['ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapItemsRecorded', 'MapItemsRecorded', 'MapItemsRecorded', 'MapRunStarted']);
    const started = events[2];
    assert.equal(started.x.items, undefined);
    assert.equal(started.x.batchedItems, true);
    assert.deepEqual(started.mapStateStartedEventDetails, { length: 2_500 });
    const recorded = events.filter((event) => event.type === 'MapItemsRecorded');
    assert.deepEqual(recorded.map((event) => (JSON.parse(event.x.items!) as unknown[]).length), [1_000, 1_000, 500]);
    assert.ok(recorded.every((event) => event.id < 0 && !isHistoryEvent(event)));
    assert.deepEqual(recorded.flatMap((event) => JSON.parse(event.x.items!) as unknown[]), items);
    // MapRunStarted keeps AWS's numbering: the hidden events took no history id.
    assert.deepEqual([events[6].id, events[6].previousEventId], [4, 3]);
    const book = state.threads['0'].cursor!.children!;
    assert.equal(book.total, 2_500);
    assert.deepEqual(book.items, items);
    assert.equal(book.results.length, 2_500);
    // The plain fold (a replay) gives the same book.
    const replayed = events.reduce(evolve, initialExecutionState).threads['0'].cursor!.children!;
    assert.deepEqual([replayed.total, replayed.items, replayed.results.length, replayed.nextIndex], [2_500, items, 2_500, book.nextIndex]);
  });

  it('cuts a batch at 256 KiB of item JSON', async () => {
    const item = 'x'.repeat(100 * 1024);
    const { events } = await start(startCommand(definition, [item, item, item, item, item]));
    const recorded = events.filter((event) => event.type === 'MapItemsRecorded');
    assert.deepEqual(recorded.map((event) => (JSON.parse(event.x.items!) as unknown[]).length), [2, 2, 1]);
    assert.ok(recorded.every((event) => event.x.items!.length <= 256 * 1024));
  });

  it('keeps every item in MapStateStarted for an execution started before it (BoundedDecisions)', async () => {
    const { events } = await start({ ...startCommand(definition, [1, 2, 3]), behaviour: EngineBehaviour.BoundedDecisions } as ExecutionCommand);
    assert.ok(!events.some((event) => event.type === 'MapItemsRecorded'));
    assert.equal(events.find((event) => event.type === 'MapStateStarted')!.x.items, '[1,2,3]');
  });
});
