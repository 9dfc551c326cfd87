import { BEHAVIOUR_SCENARIOS, LAMBDA_ARN, LAMBDA_INVOKE } from './behaviour-scenarios';
import type { Scenario } from './drive';

/**
 * The executions whose streams are kept as fixtures (streams/*.json): every state type, Map
 * (inline and distributed) and Parallel, retries, catches, callbacks, timeouts, redrive, in both
 * query languages. Add a scenario (never edit a written fixture) when a behaviour needs guarding.
 */
const SQS_CALLBACK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';
const ACTIVITY_ARN = 'arn:aws:states:us-east-1:123456789012:activity:review';
const transient = { kind: 'fail', error: 'Transient', cause: 'try again' } as const;

export const SCENARIOS: readonly Scenario[] = [
  {
    name: 'jsonpath-pass-choice-succeed',
    about: 'Pass (Parameters, Result, ResultPath, OutputPath, Assign, intrinsics), Choice (Variable/And/Not/IsPresent, Default), Succeed',
    definition: {
      Comment: 'pure states',
      StartAt: 'Shape',
      States: {
        Shape: {
          Type: 'Pass',
          Parameters: { 'order.$': '$.order', 'id.$': 'States.Format(\'o-{}\', $.order.id)', 'count.$': 'States.ArrayLength($.order.lines)', 'ctx.$': '$$.State.Name' },
          ResultPath: '$.shaped',
          Assign: { 'total.$': '$.order.total' },
          Next: 'Constant',
        },
        Constant: { Type: 'Pass', Result: { flag: true }, ResultPath: '$.constant', OutputPath: '$', Next: 'Route' },
        Route: {
          Type: 'Choice',
          Choices: [
            { And: [{ Variable: '$.shaped.count', NumericGreaterThan: 5 }, { Variable: '$.constant.flag', BooleanEquals: true }], Next: 'Big' },
            { Not: { Variable: '$.missing', IsPresent: true }, Next: 'Small' },
          ],
          Default: 'Big',
          Assign: { route: 'small' },
        },
        Big: { Type: 'Fail', Error: 'TooBig' },
        Small: { Type: 'Pass', Parameters: { 'total.$': '$total', 'route.$': '$route' }, Next: 'Done' },
        Done: { Type: 'Succeed', OutputPath: '$.total' },
      },
    },
    input: { order: { id: 7, total: 12.5, lines: [1, 2] } },
  },
  {
    name: 'jsonpath-wait-fail',
    about: 'Wait (Seconds, SecondsPath, TimestampPath) through the timer, then a Fail state with ErrorPath/CausePath',
    definition: {
      StartAt: 'Pause',
      States: {
        Pause: { Type: 'Wait', Seconds: 5, Next: 'PauseBy' },
        PauseBy: { Type: 'Wait', SecondsPath: '$.delay', Next: 'PauseUntil' },
        PauseUntil: { Type: 'Wait', TimestampPath: '$.until', Next: 'Stop' },
        Stop: { Type: 'Fail', ErrorPath: '$.error', CausePath: 'States.Format(\'waited {} s\', $.delay)' },
      },
    },
    input: { delay: 3, until: '2024-01-01T01:00:00Z', error: 'Done.Waiting' },
  },
  {
    name: 'jsonpath-task-retry-catch',
    about: 'A Lambda function Task retried (zero interval, then a backoff timer) and caught; a lambda:invoke Task with ResultSelector/ResultPath/OutputPath and TimeoutSecondsPath',
    definition: {
      StartAt: 'Invoke',
      States: {
        Invoke: {
          Type: 'Task',
          Resource: LAMBDA_INVOKE,
          Parameters: { FunctionName: 'work', 'Payload.$': '$' },
          ResultSelector: { 'body.$': '$.Payload', 'status.$': '$.StatusCode' },
          ResultPath: '$.invoked',
          OutputPath: '$.invoked',
          TimeoutSecondsPath: '$.body.timeout',
          Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 0, MaxAttempts: 1 }],
          Next: 'Flaky',
        },
        Flaky: {
          Type: 'Task',
          Resource: LAMBDA_ARN,
          HeartbeatSeconds: 30,
          TimeoutSeconds: 60,
          Retry: [
            { ErrorEquals: ['Transient'], IntervalSeconds: 0, MaxAttempts: 1 },
            { ErrorEquals: ['States.ALL'], IntervalSeconds: 2, BackoffRate: 2, MaxAttempts: 2, JitterStrategy: 'FULL' },
          ],
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.error', Next: 'Recovered' }],
          End: true,
        },
        Recovered: { Type: 'Pass', End: true },
      },
    },
    input: { body: { timeout: 10 } },
    tasks: {
      Invoke: [transient, { kind: 'succeed', output: { Payload: { timeout: 10 }, StatusCode: 200 } }],
      Flaky: [transient, { kind: 'fail', error: 'Other', cause: 'still failing' }, { kind: 'fail', error: 'Other' }, { kind: 'fail', error: 'Other', cause: 'last' }],
    },
  },
  {
    name: 'jsonpath-callbacks-activity-timeouts',
    about: '.waitForTaskToken (TaskSubmitted, a heartbeat, success; another failed and caught), an activity taken by a worker, a task timing out on its heartbeat',
    definition: {
      StartAt: 'Notify',
      States: {
        Notify: {
          Type: 'Task',
          Resource: SQS_CALLBACK,
          Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', MessageBody: { 'token.$': '$$.Task.Token' } },
          HeartbeatSeconds: 100,
          ResultPath: '$.reply',
          Next: 'Refuse',
        },
        Refuse: {
          Type: 'Task',
          Resource: SQS_CALLBACK,
          Parameters: { QueueUrl: 'https://sqs.us-east-1.amazonaws.com/123456789012/q', MessageBody: { 'token.$': '$$.Task.Token' } },
          Catch: [{ ErrorEquals: ['Rejected'], ResultPath: '$.rejection', Next: 'Review' }],
          End: true,
        },
        Review: { Type: 'Task', Resource: ACTIVITY_ARN, ResultPath: '$.review', Next: 'Slow' },
        Slow: {
          Type: 'Task',
          Resource: LAMBDA_INVOKE,
          Parameters: { FunctionName: 'slow' },
          HeartbeatSeconds: 5,
          Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], ResultPath: '$.timedOut', Next: 'Done' }],
          End: true,
        },
        Done: { Type: 'Succeed' },
      },
    },
    input: { user: 'u-1' },
    tasks: {
      Notify: [{ kind: 'callback', output: { approved: true }, heartbeat: true }],
      Refuse: [{ kind: 'callback', output: null, fail: { error: 'Rejected', cause: 'no' } }],
      Review: [{ kind: 'activity', workerName: 'worker-1', output: { ok: 1 } }],
      Slow: [{ kind: 'time-out' }],
    },
  },
  {
    name: 'jsonpath-parallel-retry',
    about: 'Parallel whose failing branch aborts its sibling, retried after a backoff, then succeeding; Parameters, ResultSelector',
    definition: {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Parallel',
          Parameters: { 'value.$': '$.value' },
          ResultSelector: { 'first.$': '$[0]', 'second.$': '$[1]' },
          Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 1, MaxAttempts: 2 }],
          Branches: [
            { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: LAMBDA_ARN, End: true } } },
            { StartAt: 'Hold', States: { Hold: { Type: 'Wait', Seconds: 10, Next: 'Calm' }, Calm: { Type: 'Pass', End: true } } },
          ],
          End: true,
        },
      },
    },
    input: { value: 42 },
    tasks: { Work: [transient, { kind: 'succeed', output: { worked: true } }] },
  },
  {
    name: 'jsonpath-inline-map',
    about: 'Inline Map (ItemsPath, ItemSelector with $$.Map.Item, MaxConcurrency) with a caught iteration failure; a legacy Iterator/Parameters Map',
    definition: {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          MaxConcurrency: 2,
          ItemSelector: { 'value.$': '$$.Map.Item.Value', 'index.$': '$$.Map.Item.Index' },
          ItemProcessor: {
            StartAt: 'Check',
            States: {
              Check: { Type: 'Choice', Choices: [{ Variable: '$.value', NumericEquals: 3, Next: 'Boom' }], Default: 'Keep' },
              Keep: { Type: 'Pass', End: true },
              Boom: { Type: 'Fail', Error: 'Three', Cause: 'three is bad' },
            },
          },
          ResultPath: '$.results',
          Catch: [{ ErrorEquals: ['Three'], ResultPath: '$.caught', Next: 'Legacy' }],
          Next: 'Legacy',
        },
        Legacy: {
          Type: 'Map',
          ItemsPath: '$.items',
          Parameters: { 'n.$': '$$.Map.Item.Value' },
          Iterator: { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: LAMBDA_ARN, End: true } } },
          End: true,
        },
      },
    },
    input: { items: [1, 2, 3, 4] },
  },
  {
    name: 'jsonpath-distributed-map',
    about: 'Distributed Map: items from the input with tolerated failures; then one reading its items from the object store, batching them and writing results',
    definition: {
      StartAt: 'Spread',
      States: {
        Spread: {
          Type: 'Map',
          ItemsPath: '$.items',
          ToleratedFailureCount: 1,
          MaxConcurrency: 3,
          Label: 'spread',
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' },
            StartAt: 'Odd',
            States: {
              Odd: { Type: 'Choice', Choices: [{ Variable: '$', NumericEquals: 2, Next: 'Bad' }], Default: 'Fine' },
              Fine: { Type: 'Pass', End: true },
              Bad: { Type: 'Fail', Error: 'Even' },
            },
          },
          ResultPath: '$.spread',
          Next: 'Read',
        },
        Read: {
          Type: 'Map',
          ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON', MaxItems: 5 }, Parameters: { Bucket: 'in', Key: 'items.json' } },
          ItemBatcher: { MaxItemsPerBatch: 2, BatchInput: { 'source.$': '$.source' } },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'EXPRESS' },
            StartAt: 'Count',
            States: { Count: { Type: 'Pass', Parameters: { 'n.$': 'States.ArrayLength($.Items)' }, End: true } },
          },
          ResultWriter: { Resource: 'arn:aws:states:::s3:putObject', Parameters: { Bucket: 'out', Prefix: 'runs' } },
          End: true,
        },
      },
    },
    input: { items: [1, 2, 3], source: 'fixture' },
    objects: { in: { 'items.json': JSON.stringify([{ a: 1 }, { a: 2 }, { a: 3 }]) }, out: {} },
  },
  {
    name: 'jsonpath-redrive',
    about: 'A Task fails the execution inside a Parallel and a Map; RedriveExecution runs the failed parts again and they succeed',
    definition: {
      StartAt: 'Fan',
      States: {
        Fan: {
          Type: 'Parallel',
          Branches: [
            { StartAt: 'Ok', States: { Ok: { Type: 'Pass', Result: 'ok', End: true } } },
            {
              StartAt: 'Each',
              States: {
                Each: {
                  Type: 'Map',
                  ItemsPath: '$.items',
                  ItemProcessor: { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: LAMBDA_ARN, End: true } } },
                  End: true,
                },
              },
            },
          ],
          Next: 'Finish',
        },
        Finish: { Type: 'Task', Resource: LAMBDA_INVOKE, Parameters: { FunctionName: 'finish' }, End: true },
      },
    },
    input: { items: ['a', 'b'] },
    tasks: { Call: [{ kind: 'succeed' }, { kind: 'fail', error: 'Broken', cause: 'b failed' }] },
    redrive: true,
  },
  {
    name: 'jsonpath-map-run-update-redrive',
    about: 'A Distributed Map whose Map Run is updated while it runs (MapRunUpdated, hidden), fails past its tolerance, and is redriven (MapRunRedriven)',
    definition: {
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          Label: 'each',
          MaxConcurrency: 1,
          ToleratedFailureCount: 0,
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
    updateMapRun: { maxConcurrency: 3 },
    tasks: { Call: [{ kind: 'succeed' }, { kind: 'fail', error: 'Broken', cause: 'b failed' }] },
    redrive: true,
  },
  {
    name: 'jsonata-all-states',
    about: 'QueryLanguage JSONata: Pass (Output, Assign), Choice (Condition, rule Output), Wait (Seconds expression), Task (Arguments, Output, retried and caught with Output), Parallel, Map (Items, ItemSelector), Succeed',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Prepare',
      States: {
        Prepare: { Type: 'Pass', Output: { 'items': '{% $states.input.values %}', 'n': '{% $count($states.input.values) %}' }, Assign: { seen: '{% $states.input.who %}' }, Next: 'Route' },
        Route: {
          Type: 'Choice',
          Choices: [{ Condition: '{% $states.input.n > 2 %}', Next: 'Pause', Output: { 'items': '{% $states.input.items %}', 'big': true } }],
          Default: 'Pause',
        },
        Pause: { Type: 'Wait', Seconds: '{% $count($states.input.items) %}', Next: 'Call' },
        Call: {
          Type: 'Task',
          Resource: LAMBDA_INVOKE,
          Arguments: { FunctionName: 'work', Payload: '{% $states.input %}' },
          Output: '{% $merge([$states.input, {"called": $states.result.Payload}]) %}',
          Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 0, MaxAttempts: 1 }],
          Catch: [{ ErrorEquals: ['States.ALL'], Output: '{% $merge([$states.input, {"error": $states.errorOutput.Error}]) %}', Assign: { failed: true }, Next: 'Both' }],
          Next: 'Both',
        },
        Both: {
          Type: 'Parallel',
          Arguments: '{% $states.input.items %}',
          Branches: [
            { StartAt: 'Sum', States: { Sum: { Type: 'Pass', Output: '{% $sum($states.input) %}', End: true } } },
            { StartAt: 'Who', States: { Who: { Type: 'Pass', Output: '{% $seen %}', End: true } } },
          ],
          Output: { 'sum': '{% $states.result[0] %}', 'who': '{% $states.result[1] %}', 'items': '{% $states.input.items %}' },
          Next: 'Each',
        },
        Each: {
          Type: 'Map',
          Items: '{% $states.input.items %}',
          ItemSelector: { 'value': '{% $states.context.Map.Item.Value %}', 'at': '{% $states.context.Map.Item.Index %}' },
          ItemProcessor: { StartAt: 'Double', States: { Double: { Type: 'Pass', Output: '{% $states.input.value * 2 %}', End: true } } },
          Next: 'End',
        },
        End: { Type: 'Succeed', Output: '{% $sum($states.input) %}' },
      },
    },
    input: { values: [1, 2, 3], who: 'fixture' },
    tasks: { Call: [transient, { kind: 'fail', error: 'Fatal', cause: 'gone' }] },
  },
  {
    name: 'jsonata-evaluation-failed-and-fail',
    about: 'JSONata: an expression error caught by a Catch, one uncaught (EvaluationFailed), and a Fail state with Error/Cause expressions',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Bad',
      States: {
        Bad: { Type: 'Pass', Output: '{% $states.input.nothing.deeper() %}', Next: 'Never' },
        Never: { Type: 'Fail', Error: '{% "Never." & $states.input.kind %}', Cause: '{% "because " & $string($states.input.n) %}' },
      },
    },
    input: { kind: 'reached', n: 1 },
  },
  {
    name: 'jsonata-fail-state',
    about: 'JSONata: a Task caught into a Fail state whose Error and Cause are expressions',
    definition: {
      QueryLanguage: 'JSONata',
      StartAt: 'Call',
      States: {
        Call: { Type: 'Task', Resource: LAMBDA_ARN, Arguments: '{% $states.input %}', Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Stop' }], Next: 'Stop' },
        Stop: { Type: 'Fail', Error: '{% "Stopped." & $states.input.Error %}', Cause: '{% $states.input.Cause %}' },
      },
    },
    input: { n: 1 },
    tasks: { Call: [{ kind: 'fail', error: 'Boom', cause: 'it broke' }] },
  },
  {
    name: 'jsonpath-stop-and-timeout',
    about: 'StopExecution while a Map waits on its tasks (every in-flight state aborted); the execution TimeoutSeconds is recorded',
    definition: {
      TimeoutSeconds: 300,
      StartAt: 'Each',
      States: {
        Each: {
          Type: 'Map',
          ItemsPath: '$.items',
          ItemProcessor: { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: LAMBDA_ARN, End: true } } },
          End: true,
        },
      },
    },
    input: { items: [1, 2] },
    tasks: { Call: [{ kind: 'stop', error: 'Manual', cause: 'stopped by the fixture' }] },
  },
  {
    name: 'jsonpath-execution-timeout',
    about: 'An execution whose TimeoutSeconds passes while it waits',
    definition: { TimeoutSeconds: 10, StartAt: 'Long', States: { Long: { Type: 'Wait', Seconds: 60, End: true } } },
    input: {},
  },
  ...BEHAVIOUR_SCENARIOS,
];
