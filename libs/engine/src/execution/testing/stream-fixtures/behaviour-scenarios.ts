import type { Scenario } from './drive';

export const LAMBDA_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:work';
export const LAMBDA_INVOKE = 'arn:aws:states:::lambda:invoke';

/**
 * The scenarios written when an engine behaviour version was added (x.start.behaviour = N): each
 * keeps the stream shape that version introduced, folded by today's code (scenarios.ts lists
 * them with the rest).
 */
export const BEHAVIOUR_SCENARIOS: readonly Scenario[] = [
  {
    name: 'behaviour-1-recorded',
    about: 'Written once ExecutionStarted records the engine behaviour version (x.start.behaviour = 1): a Task caught into a Wait',
    definition: {
      StartAt: 'Call',
      States: {
        Call: { Type: 'Task', Resource: LAMBDA_INVOKE, Parameters: { FunctionName: 'f' }, Catch: [{ ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failed', Next: 'Rest' }], Next: 'Rest' },
        Rest: { Type: 'Wait', Seconds: 1, End: true },
      },
    },
    input: { v: 1 },
    tasks: { Call: [{ kind: 'fail', error: 'States.TaskFailed', cause: 'down' }] },
  },
  {
    name: 'behaviour-3-batched-map-items',
    about: 'Written with EngineBehaviour.BatchedItems (x.start.behaviour = 3): Distributed Maps store their items in hidden MapItemsRecorded events, after MapStateStarted for items from the input, before MapRunStarted for items an ItemReader read (batched by ItemBatcher)',
    definition: {
      StartAt: 'Spread',
      States: {
        Spread: {
          Type: 'Map',
          ItemsPath: '$.items',
          MaxConcurrency: 2,
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Fine', States: { Fine: { Type: 'Pass', End: true } } },
          ResultPath: '$.spread',
          Next: 'Read',
        },
        Read: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON' }, Parameters: { Bucket: 'in', Key: 'items.json' } },
          ItemBatcher: { MaxItemsPerBatch: 2 },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Count',
            States: { Count: { Type: 'Pass', Parameters: { 'n.$': 'States.ArrayLength($.Items)' }, End: true } },
          },
          End: true,
        },
      },
    },
    input: { items: ['a', 'b', 'c'] },
    objects: { in: { 'items.json': JSON.stringify([{ a: 1 }, { a: 2 }, { a: 3 }, { a: 4 }, { a: 5 }]) } },
  },
  {
    name: 'behaviour-5-streamed-items',
    about: 'Written with EngineBehaviour.StreamedItems (x.start.behaviour = 5): an ItemReader object is read batch by batch (RecordItemBatch), each MapItemsRecorded recording how far it read (x.read: byte offset, items, CSV headers); a JSON array, then CSV with its first row as headers under ItemBatcher',
    definition: {
      StartAt: 'Json',
      States: {
        Json: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON', MaxItems: 3 }, Parameters: { Bucket: 'in', Key: 'items.json' } },
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Fine', States: { Fine: { Type: 'Pass', End: true } } },
          ResultPath: '$.json',
          Next: 'Csv',
        },
        Csv: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'CSV', CSVHeaderLocation: 'FIRST_ROW' }, Parameters: { Bucket: 'in', Key: 'rows.csv' } },
          ItemBatcher: { MaxItemsPerBatch: 2 },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Count',
            States: { Count: { Type: 'Pass', Parameters: { 'n.$': 'States.ArrayLength($.Items)' }, End: true } },
          },
          End: true,
        },
      },
    },
    input: {},
    objects: { in: { 'items.json': ' [{"a":1}, {"a":"é"} ,{"a":3},{"a":4}]', 'rows.csv': 'id,note\r\n1,"x, y"\r\n2,z\r\n3,\r\n' } },
  },
  {
    name: 'behaviour-6-map-redrive-concurrency',
    about: 'Written with EngineBehaviour.MapRedriveConcurrency (x.start.behaviour = 6): a Distributed Map (MaxConcurrency 1) fails past its tolerance and is redriven; MapRunRedriven records the children waiting to be redriven (x.redriveIndices), and each starts with its own hidden MapIterationStarted, one at a time, before the item never started',
    definition: {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          Label: 'each',
          MaxConcurrency: 1,
          ToleratedFailureCount: 1,
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Call',
            States: { Call: { Type: 'Task', Resource: LAMBDA_ARN, End: true } },
          },
          End: true,
        },
      },
    },
    input: ['a', 'b', 'c'],
    tasks: { Call: [{ kind: 'fail', error: 'Broken', cause: 'a failed' }, { kind: 'fail', error: 'Broken', cause: 'b failed' }] },
    redrive: true,
  },
  {
    name: 'behaviour-9-inline-map-redrive-concurrency',
    about: 'Written with EngineBehaviour.InlineMapRedriveConcurrency (x.start.behaviour = 9): an inline Map (MaxConcurrency 1) fails past its tolerance and is redriven; the iteration whose failure failed the Map resumes in its Task, and the one that failed within the tolerance waits (its book\'s redriveQueue, from the fold of ExecutionRedriven) and starts with its MapIterationStarted once room frees up, before the item never started',
    definition: {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          MaxConcurrency: 1,
          ToleratedFailureCount: 1,
          ItemProcessor: { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: LAMBDA_ARN, End: true } } },
          End: true,
        },
      },
    },
    input: ['a', 'b', 'c'],
    tasks: { Call: [{ kind: 'fail', error: 'Broken', cause: 'a failed' }, { kind: 'fail', error: 'Broken', cause: 'b failed' }] },
    redrive: true,
  },
  {
    name: 'behaviour-10-paged-listing',
    about: 'Written with EngineBehaviour.PagedListing (x.start.behaviour = 10): a Distributed Map reads an s3:listObjectsV2 listing page by page (RecordItemBatch), each page stored in MapItemsRecorded with the last key listed (x.read.after), MaxItems stopping the listing; then a Map over the whole prefix',
    definition: {
      StartAt: 'Some',
      States: {
        Some: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', ReaderConfig: { MaxItems: 2 }, Parameters: { Bucket: 'in', Prefix: 'logs/' } },
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Name', States: { Name: { Type: 'Pass', Parameters: { 'key.$': '$.Key' }, End: true } } },
          ResultPath: '$.some',
          Next: 'All',
        },
        All: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:listObjectsV2', Parameters: { Bucket: 'in', Prefix: 'logs/' } },
          ItemBatcher: { MaxItemsPerBatch: 2 },
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Count', States: { Count: { Type: 'Pass', Parameters: { 'n.$': 'States.ArrayLength($.Items)' }, End: true } } },
          End: true,
        },
      },
    },
    input: {},
    objects: { in: { 'logs/c.log': 'c', 'logs/a.log': 'aa', 'logs/b.log': 'bbb', 'other.txt': 'x' } },
  },
  {
    name: 'behaviour-13-path-numbers-parallel-retry',
    about: 'Written with EngineBehaviour.JsonataMapLimitsTyped (x.start.behaviour = 13, after PathNumbersAsText 11 and ParallelRetryUnrecorded 12): a Map whose MaxConcurrencyPath holds the string "1", then a Parallel retried once, whose retried attempt keeps its ParallelStateFailed hidden (x.hidden) and links the next ParallelStateStarted to the branch\'s last event',
    definition: {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          MaxConcurrencyPath: '$.limit',
          ItemProcessor: { StartAt: 'Echo', States: { Echo: { Type: 'Pass', End: true } } },
          ResultPath: '$.each',
          Next: 'Fan',
        },
        Fan: {
          Type: 'Parallel',
          Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 1, MaxAttempts: 2 }],
          Branches: [
            { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: LAMBDA_ARN, End: true } } },
            { StartAt: 'Calm', States: { Calm: { Type: 'Pass', End: true } } },
          ],
          End: true,
        },
      },
    },
    input: { items: [1, 2], limit: '1' },
    tasks: { Work: [{ kind: 'fail', error: 'Transient', cause: 'try again' }, { kind: 'succeed', output: { worked: true } }] },
  },
  {
    name: 'behaviour-14-stopped-wait',
    about: 'Written with EngineBehaviour.StoppedWaitUnrecorded (x.start.behaviour = 14): StopExecution while a Parallel branch waits and the other runs a Task; the Wait\'s WaitStateAborted is kept hidden (x.hidden) and the next event links past it',
    definition: {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: LAMBDA_ARN, End: true } } },
            { StartAt: 'Nap', States: { Nap: { Type: 'Wait', Seconds: 100, End: true } } },
          ],
          End: true,
        },
      },
    },
    input: { v: 14 },
    tasks: { Work: [{ kind: 'stop', error: 'Operator', cause: 'stopped while waiting' }] },
  },
  {
    name: 'behaviour-16-choice-assign-merged',
    about: 'Written with EngineBehaviour.ChoiceAssignMerged (x.start.behaviour = 16): a JSONPath Choice after a Task and a JSONata Choice, each matching a rule with its own Assign; ChoiceStateExited assigns the state\'s Assign and the rule\'s, the rule\'s value for the name both give',
    definition: {
      StartAt: 'Work',
      States: {
        Work: { Type: 'Task', Resource: LAMBDA_ARN, Next: 'Pick' },
        Pick: {
          Type: 'Choice',
          Choices: [{ Variable: '$.n', NumericEquals: 15, Assign: { picked: 'rule', 'n.$': '$.n' }, Next: 'Again' }],
          Default: 'Again',
          Assign: { picked: 'state', seen: true },
        },
        Again: {
          Type: 'Choice',
          QueryLanguage: 'JSONata',
          Choices: [{ Condition: '{% $picked = \'rule\' %}', Assign: { again: '{% $n + 1 %}' }, Next: 'Done' }],
          Default: 'Done',
          Assign: { twice: true },
        },
        Done: { Type: 'Succeed' },
      },
    },
    input: { v: 15 },
    tasks: { Work: [{ kind: 'succeed', output: { n: 15 } }] },
  },
  {
    name: 'behaviour-16-redrive-time',
    about: 'Written with EngineBehaviour.RedriveTimeInContext (x.start.behaviour = 16): a Task whose Parameters hold $$.Execution fails, the execution is redriven, and the Task\'s second TaskScheduled shows Execution.RedriveTime (the redrive\'s time) beside RedriveCount 1',
    definition: {
      StartAt: 'Work',
      States: { Work: { Type: 'Task', Resource: LAMBDA_INVOKE, Parameters: { FunctionName: 'f', 'Payload.$': '$$.Execution' }, End: true } },
    },
    input: { v: 15 },
    tasks: { Work: [{ kind: 'fail', error: 'Transient', cause: 'down' }, { kind: 'succeed', output: { done: true } }] },
    redrive: true,
  },
  {
    name: 'behaviour-15-jsonata-values',
    about: 'Written with EngineBehaviour.JsonataValuesAsAws (x.start.behaviour = 15): a JSONata Output holding 1/0 keeps "Infinity" as text and $range runs past 1000 items from a truncated start, then a Task whose result is a Wait Seconds past 99999999, which fails the Wait with States.QueryEvaluationError',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Divide',
      States: {
        Divide: { Type: 'Pass', Output: { ratio: '{% [1/0, -1/0] %}', steps: '{% $count($range(-1.7, 2000, 1)) %}' }, Next: 'Work' },
        Work: { Type: 'Task', Resource: LAMBDA_ARN, Arguments: { ratio: '{% $states.input.ratio %}' }, Next: 'Nap' },
        Nap: { Type: 'Wait', Seconds: '{% $states.input.s %}', End: true },
      },
    },
    input: { v: 18 },
    tasks: { Work: [{ kind: 'succeed', output: { s: 100_000_000 } }] },
  },
];
