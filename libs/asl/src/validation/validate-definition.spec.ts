import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { formatInvalidDefinitionMessage } from './diagnostic';
import { validateDefinition } from './validate-definition';

type Def = Record<string, unknown>;

/** A one-state machine around `state`, named S. */
function machine(state: Def, extra: Def = {}): Def {
  return { StartAt: 'S', States: { S: state }, ...extra };
}

const PROCESSOR = { StartAt: 'P', States: { P: { Type: 'Pass', End: true } } };

interface InvalidCase {
  readonly name: string;
  readonly definition: unknown;
  readonly type?: 'STANDARD' | 'EXPRESS';
  /** `CODE: message at location`, in order. */
  readonly errors: readonly string[];
}

const valid: readonly { name: string; definition: Def; type?: 'STANDARD' | 'EXPRESS' }[] = [
  { name: 'a single Pass state', definition: machine({ Type: 'Pass', End: true }) },
  {
    name: 'a Distributed Map whose WriterConfig holds listed values (ResultWriter page)',
    definition: machine({
      Type: 'Map',
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      ResultWriter: { WriterConfig: { Transformation: 'FLATTEN', OutputType: 'JSONL' } },
      End: true,
    }),
  },
  {
    name: 'a JSONata Map whose processor states fall back to the machine language',
    definition: {
      StartAt: 'M',
      QueryLanguage: 'JSONPath',
      States: {
        M: {
          Type: 'Map',
          QueryLanguage: 'JSONata',
          ItemProcessor: { ProcessorConfig: { Mode: 'INLINE' }, StartAt: 'P', States: { P: { Type: 'Pass', QueryLanguage: 'JSONPath', End: true } } },
          End: true,
        },
      },
    },
  },
  {
    name: 'payload templates with paths, context paths, variables and nested intrinsics',
    definition: machine({
      Type: 'Pass',
      Parameters: {
        'a.$': '$.items[1:5]',
        'b.$': '$$.Execution.Id',
        'c.$': '$myVar.x',
        'd.$': "States.ArrayGetItem(States.StringSplit($$.StateMachine.Name, '-'), 0)",
        'e.$': "States.Format('a \\{\\} \\\\ \\' {}', $.x)",
        'f.$': '$.users[?(@.status == 0)]',
        nested: { 'g.$': "$['quoted name']" },
      },
      End: true,
    }),
  },
  {
    name: 'a retrier with IntervalSeconds 0 and a machine TimeoutSeconds of 0 (both measured as accepted)',
    definition: machine({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 0 }], End: true }, { TimeoutSeconds: 0 }),
  },
  ...[
    'arn:aws:states:::lambda:invoke.waitForTaskToken',
    'arn:aws:states:::ecs:runTask.waitForTaskToken',
    'arn:aws:states:::states:startExecution.sync:2',
    'arn:aws:states:::batch:submitJob.sync',
    'arn:aws:states:::aws-sdk:s3:listObjectsV2.waitForTaskToken',
    'arn:aws:lambda:us-east-1:123456789012:function:f:$LATEST',
    'arn:aws:states:us-east-1:123456789012:activity:a',
  ].map((resource) => ({ name: `the Task Resource ${resource}`, definition: machine({ Type: 'Task', Resource: resource, End: true }) })),
  { name: 'a ResultPath whose quoted name holds * and ..', definition: machine({ Type: 'Pass', ResultPath: "$['a*b..c']", End: true }) },
  { name: 'static Result keeps .$ keys literal', definition: machine({ Type: 'Pass', Result: { 'x.$': 'not a path' }, End: true }) },
  {
    name: 'JSONata Arguments/Output that parse',
    definition: machine({ Type: 'Pass', Output: { a: '{% $states.input.a + 1 %}' }, End: true }, { QueryLanguage: 'JSONata' }),
  },
  { name: 'a JSONata Wait timestamp expression', definition: machine({ Type: 'Wait', Timestamp: "{% '2016-03-14T01:59:00Z' %}", End: true }, { QueryLanguage: 'JSONata' }) },
  { name: 'a Wait with an offset timestamp', definition: machine({ Type: 'Wait', Timestamp: '2016-03-14T01:59:00.123+02:00', End: true }) },
  {
    name: 'Retry/Catch with States.ALL last and alone',
    definition: {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:states:::lambda:invoke',
          Retry: [{ ErrorEquals: ['States.Timeout'], MaxAttempts: 2, BackoffRate: 1.5 }, { ErrorEquals: ['States.ALL'] }],
          Catch: [{ ErrorEquals: ['States.ALL'], Next: 'F' }],
          TimeoutSeconds: 10,
          HeartbeatSeconds: 5,
          End: true,
        },
        F: { Type: 'Fail', Error: 'E', CausePath: "States.Format('{}', $.Cause)" },
      },
    },
  },
  { name: 'an aws-sdk integration with any action', definition: machine({ Type: 'Task', Resource: 'arn:aws:states:::aws-sdk:dynamodb:query', End: true }) },
  { name: 'a .sync integration in a STANDARD machine', definition: machine({ Type: 'Task', Resource: 'arn:aws:states:::states:startExecution.sync:2', End: true }) },
  // AWS's Fail state page lists the intrinsics ErrorPath and CausePath may call; an argument may be any call.
  {
    name: 'a Fail whose ErrorPath and CausePath call string-returning intrinsics, one with a nested number call',
    definition: machine({ Type: 'Fail', ErrorPath: "States.Format('{}', States.MathAdd($.a, 1))", CausePath: 'States.ArrayGetItem($.causes, 0)' }),
  },
];

const invalid: readonly InvalidCase[] = [
  { name: 'an empty object', definition: {}, errors: ['SCHEMA_VALIDATION_FAILED: These fields are required: [States, StartAt] at /'] },
  { name: 'a definition that is not an object', definition: [], errors: ['SCHEMA_VALIDATION_FAILED: Definition must be a valid JSON object'] },
  {
    name: 'an unknown top-level field',
    definition: machine({ Type: 'Pass', End: true }, { Coment: 'typo' }),
    errors: ["SCHEMA_VALIDATION_FAILED: Field 'Coment' is not supported at /"],
  },
  {
    name: 'a field the state type does not support',
    definition: machine({ Type: 'Pass', End: true, TimeoutSeconds: 3 }),
    errors: ["SCHEMA_VALIDATION_FAILED: Field 'TimeoutSeconds' is not supported at /States/S"],
  },
  {
    name: 'a JSONPath state under a JSONata machine',
    definition: machine({ Type: 'Pass', End: true, QueryLanguage: 'JSONPath' }, { QueryLanguage: 'JSONata' }),
    errors: ["SCHEMA_VALIDATION_FAILED: 'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine at /States/S"],
  },
  {
    name: 'a JSONata-only field in a JSONPath state',
    definition: machine({ Type: 'Pass', End: true, Output: 1 }),
    errors: ["SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage at /States/S"],
  },
  {
    name: 'a JSONPath-only field in a JSONata state',
    definition: machine({ Type: 'Pass', End: true, InputPath: '$' }, { QueryLanguage: 'JSONata' }),
    errors: ["SCHEMA_VALIDATION_FAILED: The QueryLanguage is set to 'JSONata', but field 'InputPath' is only supported for the 'JSONPath' QueryLanguage at /States/S"],
  },
  {
    name: 'an illegal escape in an intrinsic string',
    definition: machine({ Type: 'Pass', Parameters: { 'parsed.$': "States.Format('He said, \\\"Hi {}\\\"', 'x')" }, End: true }),
    errors: ["SCHEMA_VALIDATION_FAILED: The value for the field 'parsed.$' must be a valid JSONPath or a valid intrinsic function call at /States/S/Parameters"],
  },
  {
    name: 'an unknown intrinsic function',
    definition: machine({ Type: 'Pass', Parameters: { 'x.$': 'States.Nope($.a)' }, End: true }),
    errors: ["SCHEMA_VALIDATION_FAILED: The value for the field 'x.$' must be a valid JSONPath or a valid intrinsic function call at /States/S/Parameters"],
  },
  {
    name: 'a timestamp without a zone',
    definition: machine({ Type: 'Wait', Timestamp: '2016-12-05T21:29:29', End: true }),
    errors: ['SCHEMA_VALIDATION_FAILED: String does not match RFC3339 timestamp at /States/S/Timestamp'],
  },
  {
    name: 'a Wait with two durations',
    definition: machine({ Type: 'Wait', Seconds: 1, SecondsPath: '$.s', End: true }),
    errors: ['SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp] at /States/S'],
  },
  {
    name: 'Credentials without RoleArn',
    definition: machine({ Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Credentials: {}, End: true }),
    errors: ["SCHEMA_VALIDATION_FAILED: The field 'RoleArn' is required but was missing at /States/S/Credentials"],
  },
  {
    name: 'an optimized integration action that does not exist',
    definition: machine({ Type: 'Task', Resource: 'arn:aws:states:::dynamodb:query', End: true }),
    errors: [
      'SCHEMA_VALIDATION_FAILED: The resource provided arn:aws:states:::dynamodb:query is not recognized. The value is not a valid resource ARN, or the resource is not available in this region. at /States/S/Resource',
    ],
  },
  {
    name: 'an activity in an EXPRESS machine',
    type: 'EXPRESS',
    definition: machine({ Type: 'Task', Resource: 'arn:aws:states:us-east-1:111122223333:activity:A', End: true }),
    errors: ['SCHEMA_VALIDATION_FAILED: Express state machine does not support Activity ARN at /States/S/Resource'],
  },
  {
    name: 'States.ALL not alone and not last',
    definition: machine({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      Retry: [{ ErrorEquals: ['States.ALL', 'X'] }, { ErrorEquals: ['Y'] }],
      End: true,
    }),
    errors: [
      "SCHEMA_VALIDATION_FAILED: 'States.ALL' must appear alone in 'ErrorEquals' at /States/S/Retry[0]/ErrorEquals",
      "SCHEMA_VALIDATION_FAILED: 'States.ALL' must appear in the last 'ErrorEquals' of the list at /States/S/Retry[0]/ErrorEquals",
    ],
  },
  {
    name: 'a JSONata expression that does not parse',
    definition: machine({ Type: 'Pass', Output: '{% $states.input. %}', End: true }, { QueryLanguage: 'JSONata' }),
    errors: [
      "SCHEMA_VALIDATION_FAILED: The JSONata expression '{% $states.input. %}' specified for the field is invalid: Unexpected end of expression at /States/S/Output",
    ],
  },
  {
    name: 'Next and End together',
    definition: { StartAt: 'S', States: { S: { Type: 'Pass', Next: 'T', End: true }, T: { Type: 'Succeed' } } },
    errors: ['SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [Next, End] at /States/S'],
  },
  {
    name: 'neither Next nor End',
    definition: { StartAt: 'S', States: { S: { Type: 'Pass' } } },
    errors: ['SCHEMA_VALIDATION_FAILED: This object should have only one of the following fields: [Next, End] at /States/S'],
  },
  {
    name: 'a Wait with no time field',
    definition: machine({ Type: 'Wait', End: true }),
    errors: ['SCHEMA_VALIDATION_FAILED: This object should have only one of the following fields: [SecondsPath, Seconds, TimestampPath, Timestamp] at /States/S'],
  },
  ...(
    [
      ['Task', 'TimeoutSeconds', 'TimeoutSecondsPath', { Resource: 'arn:aws:states:::lambda:invoke', TimeoutSeconds: 5, TimeoutSecondsPath: '$.t' }],
      ['Task', 'HeartbeatSeconds', 'HeartbeatSecondsPath', { Resource: 'arn:aws:states:::lambda:invoke', HeartbeatSeconds: 5, HeartbeatSecondsPath: '$.h' }],
      ['Map', 'MaxConcurrency', 'MaxConcurrencyPath', { ItemProcessor: PROCESSOR, MaxConcurrency: 1, MaxConcurrencyPath: '$.m' }],
      ['Map', 'ToleratedFailureCount', 'ToleratedFailureCountPath', { ItemProcessor: PROCESSOR, ToleratedFailureCount: 1, ToleratedFailureCountPath: '$.c' }],
      ['Map', 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath', { ItemProcessor: PROCESSOR, ToleratedFailurePercentage: 1, ToleratedFailurePercentagePath: '$.p' }],
      ['Map', 'ItemProcessor', 'Iterator', { ItemProcessor: PROCESSOR, Iterator: PROCESSOR }],
    ] as const
  ).map(([type, field, twin, fields]) => ({
    name: `a ${type} with both ${field} and ${twin}`,
    definition: machine({ Type: type, ...fields, End: true }),
    errors: [`SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [${field}, ${twin}] at /States/S`],
  })),
  {
    name: 'a Fail with Error and ErrorPath, Cause and CausePath',
    definition: machine({ Type: 'Fail', Error: 'E', ErrorPath: '$.e', Cause: 'C', CausePath: '$.c' }),
    errors: [
      'SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [Error, ErrorPath] at /States/S',
      'SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [Cause, CausePath] at /States/S',
    ],
  },
  {
    // AWS's Fail state page: ErrorPath/CausePath may use "an intrinsic function that returns a string",
    // and lists them; AWS's ASL language service flags these two (its "Fail state ErrorPath and
    // CausePath Intrinsic functions invalid" test).
    name: 'a Fail whose ErrorPath and CausePath call intrinsics that do not return a string',
    definition: machine({ Type: 'Fail', ErrorPath: 'States.StringToJson($.escapedJsonString)', CausePath: 'States.MathAdd($.value1, $.step)' }),
    errors: ['ErrorPath', 'CausePath'].map(
      (field) =>
        `SCHEMA_VALIDATION_FAILED: The field '${field}' may only call an intrinsic function that returns a string: [States.Format, States.JsonToString, States.ArrayGetItem, States.Base64Encode, States.Base64Decode, States.Hash, States.UUID] at /States/S/${field}`,
    ),
  },
  {
    name: 'a Map with neither ItemProcessor nor Iterator',
    definition: machine({ Type: 'Map', End: true }),
    errors: ['SCHEMA_VALIDATION_FAILED: This object should have only one of the following fields: [ItemProcessor, Iterator] at /States/S'],
  },
  {
    name: 'an ItemReader with MaxItems and MaxItemsPath, an ItemBatcher with MaxItemsPerBatch and its Path',
    definition: machine({
      Type: 'Map',
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      ItemReader: { Resource: 'arn:aws:states:::s3:getObject', ReaderConfig: { InputType: 'JSON', MaxItems: 1, MaxItemsPath: '$.m' } },
      ItemBatcher: { MaxItemsPerBatch: 2, MaxItemsPerBatchPath: '$.b' },
      End: true,
    }),
    errors: [
      'SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [MaxItems, MaxItemsPath] at /States/S/ItemReader/ReaderConfig',
      'SCHEMA_VALIDATION_FAILED: There should only be one of the following fields: [MaxItemsPerBatch, MaxItemsPerBatchPath] at /States/S/ItemBatcher',
    ],
  },
  {
    name: 'a Wait of more than 99999999 seconds (AWS: cfn-lint#4075)',
    definition: machine({ Type: 'Wait', Seconds: 10000000000000000, End: true }),
    errors: ['SCHEMA_VALIDATION_FAILED: Maximum value is 99999999 at /States/S/Seconds'],
  },
  {
    name: 'numbers out of range or of the wrong type on a Task and its retrier',
    definition: machine({
      Type: 'Task',
      Resource: 'arn:aws:states:::lambda:invoke',
      TimeoutSeconds: 0,
      HeartbeatSeconds: '5',
      Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: -1, MaxAttempts: 1.5, BackoffRate: 0.5, MaxDelaySeconds: 31622401 }],
      End: true,
    }),
    errors: [
      'SCHEMA_VALIDATION_FAILED: Minimum value is 1 at /States/S/TimeoutSeconds',
      'SCHEMA_VALIDATION_FAILED: Expected value of type Integer at /States/S/HeartbeatSeconds',
      'SCHEMA_VALIDATION_FAILED: Minimum value is 0 at /States/S/Retry[0]/IntervalSeconds',
      'SCHEMA_VALIDATION_FAILED: Expected value of type Integer at /States/S/Retry[0]/MaxAttempts',
      'SCHEMA_VALIDATION_FAILED: Maximum value is 31622400 at /States/S/Retry[0]/MaxDelaySeconds',
      'SCHEMA_VALIDATION_FAILED: Minimum value is 1 at /States/S/Retry[0]/BackoffRate',
    ],
  },
  {
    name: 'Map limits out of range',
    definition: machine({ Type: 'Map', ItemProcessor: PROCESSOR, MaxConcurrency: -1, ToleratedFailureCount: -2, ToleratedFailurePercentage: 100.5, End: true }),
    errors: [
      'SCHEMA_VALIDATION_FAILED: Minimum value is 0 at /States/S/MaxConcurrency',
      'SCHEMA_VALIDATION_FAILED: Minimum value is 0 at /States/S/ToleratedFailureCount',
      'SCHEMA_VALIDATION_FAILED: Maximum value is 100 at /States/S/ToleratedFailurePercentage',
    ],
  },
  {
    name: 'an unknown state Type (AWS lists the eight it knows)',
    definition: machine({ Type: 'Bogus', End: true }),
    errors: ["SCHEMA_VALIDATION_FAILED: The field 'Type' should have one of these values: [Task, Wait, Pass, Succeed, Fail, Choice, Parallel, Map] at /States/S/Type"],
  },
  {
    name: 'empty Branches',
    definition: machine({ Type: 'Parallel', Branches: [], End: true }),
    errors: ['SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/S/Branches'],
  },
  {
    name: 'empty Choices, an empty And and an empty ErrorEquals',
    definition: {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [], Default: 'D' },
        D: { Type: 'Choice', Choices: [{ And: [], Next: 'E' }], Default: 'E' },
        E: { Type: 'Task', Resource: 'arn:aws:states:::lambda:invoke', Retry: [{ ErrorEquals: [] }], End: true },
      },
    },
    errors: [
      'SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/C/Choices',
      'SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/D/Choices[0]/And',
      'SCHEMA_VALIDATION_FAILED: Value cannot be empty at /States/E/Retry[0]/ErrorEquals',
    ],
  },
  ...['create', '${LambdaArn}', 'arn:aws:lambda', 'arn::lambda:us-east-1:123456789012:function:f', 'arn:aws:lambda:us-east-1:123456789012:'].map((resource) => ({
    name: `a Task Resource that is not an ARN: ${resource}`,
    definition: machine({ Type: 'Task', Resource: resource, End: true }),
    errors: ['SCHEMA_VALIDATION_FAILED: Value is not a valid resource ARN at /States/S/Resource'],
  })),
  ...[
    'arn:aws:states:::lambda:invoke.sync',
    'arn:aws:states:::sqs:sendMessage.sync',
    'arn:aws:states:::dynamodb:putItem.waitForTaskToken',
    'arn:aws:states:::batch:submitJob.waitForTaskToken',
    'arn:aws:states:::glue:startJobRun.waitForTaskToken',
    'arn:aws:states:::ecs:runTask.sync:2',
    'arn:aws:states:::aws-sdk:s3:listObjectsV2.sync',
    'arn:aws:states:::constructor:invoke',
  ].map((resource) => ({
    name: `an integration pattern or service AWS does not offer: ${resource}`,
    definition: machine({ Type: 'Task', Resource: resource, End: true }),
    errors: [
      `SCHEMA_VALIDATION_FAILED: The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region. at /States/S/Resource`,
    ],
  })),
  {
    name: 'a path field that is not a JSONPath',
    definition: machine({ Type: 'Pass', InputPath: 'input', End: true }),
    errors: ['SCHEMA_VALIDATION_FAILED: Value must be a valid JSONPath. at /States/S/InputPath'],
  },
  {
    // A fuzzed definition once got through with a string here and crashed the fold that read it.
    name: "a catcher's Assign that is not an object, in either query language",
    definition: {
      StartAt: 'Fan',
      States: {
        Fan: { Type: 'Parallel', Branches: [{ StartAt: 'A', States: { A: { Type: 'Pass', End: true } } }], Catch: [{ ErrorEquals: ['States.ALL'], Assign: '$', Next: 'Join' }], Next: 'Join' },
        Join: {
          Type: 'Parallel',
          QueryLanguage: 'JSONata',
          Branches: [{ StartAt: 'B', States: { B: { Type: 'Pass', End: true } } }],
          Catch: [{ ErrorEquals: ['States.ALL'], Assign: '{% $states.errorOutput %}', Next: 'F' }],
          Next: 'F',
        },
        F: { Type: 'Fail' },
      },
    },
    errors: [
      "SCHEMA_VALIDATION_FAILED: The field 'Assign' must be a JSON object at /States/Fan/Catch[0]/Assign",
      "SCHEMA_VALIDATION_FAILED: The field 'Assign' must be a JSON object at /States/Join/Catch[0]/Assign",
    ],
  },
  {
    // A string here passed and was evaluated as the rule's variables: the fold read its characters as names and threw.
    name: "a choice rule's Assign that is not an object, in either query language",
    definition: {
      StartAt: 'C',
      States: {
        C: { Type: 'Choice', Choices: [{ Variable: '$.n', IsPresent: true, Assign: '$.n', Next: 'D' }], Default: 'D' },
        D: { Type: 'Choice', QueryLanguage: 'JSONata', Choices: [{ Condition: '{% true %}', Assign: '{% $states.input %}', Next: 'E' }], Default: 'E' },
        E: { Type: 'Succeed' },
      },
    },
    errors: [
      "SCHEMA_VALIDATION_FAILED: The field 'Assign' must be a JSON object at /States/C/Choices[0]/Assign",
      "SCHEMA_VALIDATION_FAILED: The field 'Assign' must be a JSON object at /States/D/Choices[0]/Assign",
    ],
  },
  {
    name: 'ResultPath, ItemsPath and a Catch ResultPath that address more than one node',
    definition: {
      StartAt: 'M',
      States: {
        M: {
          Type: 'Map',
          ItemsPath: '$..items',
          ItemProcessor: PROCESSOR,
          ResultPath: '$.out[*]',
          Catch: [{ ErrorEquals: ['States.ALL'], ResultPath: '$.errors[?(@.x)]', Next: 'F' }],
          End: true,
        },
        F: { Type: 'Fail' },
      },
    },
    errors: [
      'SCHEMA_VALIDATION_FAILED: Value is not a Reference Path at /States/M/ResultPath',
      'SCHEMA_VALIDATION_FAILED: Value is not a Reference Path at /States/M/ItemsPath',
      'SCHEMA_VALIDATION_FAILED: Value is not a Reference Path at /States/M/Catch[0]/ResultPath',
    ],
  },
  {
    // The States Language makes these Reference Paths: awslabs/statelint's StateMachine.j2119
    // ("A Task State MAY have a referencePath field named \"TimeoutSecondsPath\"", the same for
    // HeartbeatSecondsPath and a Wait's SecondsPath and TimestampPath).
    name: "a Task's TimeoutSecondsPath/HeartbeatSecondsPath and a Wait's SecondsPath/TimestampPath that select more than one node",
    definition: {
      StartAt: 'T',
      States: {
        T: {
          Type: 'Task',
          Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f',
          TimeoutSecondsPath: '$.timeouts[*]',
          HeartbeatSecondsPath: '$..heartbeat',
          Next: 'W',
        },
        W: { Type: 'Wait', SecondsPath: '$.waits[?(@ > 1)]', Next: 'U' },
        U: { Type: 'Wait', TimestampPath: '$.at[0:1]', End: true },
      },
    },
    errors: [
      'SCHEMA_VALIDATION_FAILED: Value is not a Reference Path at /States/T/TimeoutSecondsPath',
      'SCHEMA_VALIDATION_FAILED: Value is not a Reference Path at /States/T/HeartbeatSecondsPath',
      'SCHEMA_VALIDATION_FAILED: Value is not a Reference Path at /States/W/SecondsPath',
      'SCHEMA_VALIDATION_FAILED: Value is not a Reference Path at /States/U/TimestampPath',
    ],
  },
  {
    name: "a Choice Variable given an intrinsic call, and a …Path operand that is not a Reference Path",
    definition: machine({
      Type: 'Choice',
      Choices: [
        { Variable: 'States.ArrayLength($.Arns)', NumericEquals: 0, Next: 'S' },
        { Variable: '$.a', NumericEqualsPath: '$.b[0:2]', Next: 'S' },
      ],
    }),
    errors: [
      "SCHEMA_VALIDATION_FAILED: Value is not a Reference Path: Reference path didn't start with '$' at /States/S/Choices[0]/Variable",
      'SCHEMA_VALIDATION_FAILED: Value is not a Reference Path at /States/S/Choices[1]/NumericEqualsPath',
    ],
  },
  {
    name: 'a Distributed Map without ExecutionType, reading CSV without CSVHeaderLocation from a resource that is not S3',
    definition: machine({
      Type: 'Map',
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED' }, StartAt: 'P', States: { P: { Type: 'Pass', End: true } } },
      ItemReader: { Resource: 'arn:aws:states:::dynamodb:getItem', ReaderConfig: { InputType: 'CSV', CSVDelimiter: 'DASH' } },
      End: true,
    }),
    errors: [
      'SCHEMA_VALIDATION_FAILED: These fields are required: [ExecutionType] at /States/S/ItemProcessor/ProcessorConfig',
      "SCHEMA_VALIDATION_FAILED: The field 'Resource' does not match any of the allowed values at /States/S/ItemReader/Resource",
      "SCHEMA_VALIDATION_FAILED: The field 'CSVHeaderLocation' is required at /States/S/ItemReader/ReaderConfig",
      // ItemReader page: CSVDelimiter "accepts one of the values COMMA (default), PIPE, SEMICOLON, SPACE, TAB".
      'SCHEMA_VALIDATION_FAILED: Value should be one of the following: [COMMA, PIPE, SEMICOLON, SPACE, TAB] at /States/S/ItemReader/ReaderConfig/CSVDelimiter',
    ],
  },
  {
    name: 'an inline Map with an ExecutionType, and a Mode AWS does not know',
    definition: {
      StartAt: 'A',
      States: {
        A: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'INLINE', ExecutionType: 'EXPRESS' }, ...PROCESSOR }, Next: 'B' },
        B: { Type: 'Map', ItemProcessor: { ProcessorConfig: { Mode: 'PARALLEL' }, StartAt: 'Q', States: { Q: { Type: 'Pass', End: true } } }, End: true },
      },
    },
    errors: [
      "SCHEMA_VALIDATION_FAILED: Field 'ExecutionType' is not supported at /States/A/ItemProcessor/ProcessorConfig/ExecutionType",
      'SCHEMA_VALIDATION_FAILED: Value should be one of the following: [INLINE, DISTRIBUTED] at /States/B/ItemProcessor/ProcessorConfig/Mode',
    ],
  },
  {
    name: 'WriterConfig values the ResultWriter page does not list (Transformation NONE, COMPACT or FLATTEN; OutputType JSON or JSONL)',
    definition: machine({
      Type: 'Map',
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...PROCESSOR },
      ResultWriter: { WriterConfig: { Transformation: 'SHRINK', OutputType: 'CSV' } },
      End: true,
    }),
    errors: [
      'SCHEMA_VALIDATION_FAILED: Value should be one of the following: [NONE, COMPACT, FLATTEN] at /States/S/ResultWriter/WriterConfig/Transformation',
      'SCHEMA_VALIDATION_FAILED: Value should be one of the following: [JSON, JSONL] at /States/S/ResultWriter/WriterConfig/OutputType',
    ],
  },
  {
    name: 'a Choice rule with both Variable and And',
    definition: machine({ Type: 'Choice', Choices: [{ Variable: '$.a', And: [{ Variable: '$.b', IsNull: true }], Next: 'S' }] }),
    errors: ['SCHEMA_VALIDATION_FAILED: The object must have only one of the following fields, [And, Or, Not, Variable, Condition] at /States/S/Choices[0]'],
  },
  {
    name: 'a Next target that does not exist, and an unreachable state',
    definition: { StartAt: 'pass1', States: { pass1: { Type: 'Pass', Next: 'pass3' }, pass2: { Type: 'Pass', End: true } } },
    errors: ["MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next", 'MISSING_TRANSITION_TARGET: State "pass2" is not reachable. at /States/pass2'],
  },
  {
    name: 'a StartAt naming no state',
    definition: { StartAt: 'Nope', States: { S: { Type: 'Pass', End: true } } },
    errors: ["MISSING_TRANSITION_TARGET: Missing 'Next' target: Nope at /StartAt", 'MISSING_TRANSITION_TARGET: State "S" is not reachable. at /States/S'],
  },
  {
    name: 'a loop with no terminal state',
    definition: { StartAt: 'A', States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Pass', Next: 'A' } } },
    errors: ['MISSING_END_STATE: Workflow has no terminal state'],
  },
  {
    name: 'a dangling target inside a Map processor',
    definition: machine({ Type: 'Map', ItemProcessor: { StartAt: 'P', States: { P: { Type: 'Pass', Next: 'Q' }, Z: { Type: 'Succeed' } } }, End: true }),
    errors: [
      "MISSING_TRANSITION_TARGET: Missing 'Next' target: Q at /States/S/ItemProcessor/States/P/Next",
      'MISSING_TRANSITION_TARGET: State "Z" is not reachable. at /States/S/ItemProcessor/States/Z',
    ],
  },
  {
    name: 'a Choice rule without Next',
    definition: machine({ Type: 'Choice', Choices: [{ Variable: '$.a', StringEquals: 'x' }], Default: 'S' }),
    errors: ['SCHEMA_VALIDATION_FAILED: These fields are required: [Next] at /States/S/Choices[0]'],
  },
  {
    name: 'a state name longer than 80 characters',
    definition: { StartAt: 'x'.repeat(81), States: { ['x'.repeat(81)]: { Type: 'Succeed' } } },
    errors: [`INVALID_STATE_NAME: State name '${'x'.repeat(81)}' exceeds the maximum length of 80 at /States/${'x'.repeat(81)}`],
  },
];

describe('validateDefinition', () => {
  describe('valid', () => {
    for (const c of valid) {
      test(`accepts ${c.name}`, () => {
        assert.deepEqual(validateDefinition(c.definition, { stateMachineType: c.type }).diagnostics, []);
      });
    }
  });
  describe('invalid', () => {
    for (const c of invalid) {
      test(`rejects ${c.name}`, () => {
        const { diagnostics } = validateDefinition(c.definition, { stateMachineType: c.type });
        assert.deepEqual(
          diagnostics.map((d) => (d.location === undefined ? `${d.code}: ${d.message}` : `${d.code}: ${d.message} at ${d.location}`)),
          c.errors,
        );
      });
    }
  });
});

/** A Distributed Map labelled `label`, in a one-state machine. */
function labelled(label: unknown): Def {
  return machine({ Type: 'Map', Label: label, ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, ...PROCESSOR }, End: true });
}

function errorsOf(definition: unknown): string[] {
  return validateDefinition(definition).diagnostics.map((d) => `${d.code}: ${d.message} at ${d.location}`);
}

// AWS refused each of these at CreateStateMachine (LocalStack's AWS-validated
// test_map_state_label_invalid_char_fail[…], _empty_fail and _too_long_fail, 2024-07-20); the
// characters are the Developer Guide's list for the Distributed Map's Label.
describe('a Map Label', () => {
  const forbidden = [...' ?*<>{}[]:;,\\|^~$#%&`"', ...Array.from({ length: 0x20 }, (_, i) => String.fromCharCode(i)), ...Array.from({ length: 0x21 }, (_, i) => String.fromCharCode(0x7f + i))];
  test('refuses every character AWS refuses', () => {
    for (const character of forbidden) {
      assert.deepEqual(errorsOf(labelled(`label_${character}`)), [`SCHEMA_VALIDATION_FAILED: The field 'Label' contains an invalid character: ${JSON.stringify(character)} at /States/S/Label`], `U+${character.charCodeAt(0).toString(16)}`);
    }
  });
  test('accepts letters, digits, - _ . / and 40 characters', () => {
    for (const label of ['label_-.', 'a/b', 'x'.repeat(40), 'étiquette']) assert.deepEqual(errorsOf(labelled(label)), [], label);
  });
  test('refuses an empty label, 41 characters, a label that is no string, and a label used twice', () => {
    assert.deepEqual(errorsOf(labelled('')), ["SCHEMA_VALIDATION_FAILED: The field 'Label' must not be empty at /States/S/Label"]);
    assert.deepEqual(errorsOf(labelled('x'.repeat(41))), ["SCHEMA_VALIDATION_FAILED: The field 'Label' must be at most 40 characters at /States/S/Label"]);
    assert.deepEqual(errorsOf(labelled(7)), ["SCHEMA_VALIDATION_FAILED: The field 'Label' must be a string at /States/S/Label"]);
    const map = (label: string, next: Def) => ({
      Type: 'Map',
      Label: label,
      ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: `${label}${'End' in next ? 2 : 1}`, States: { [`${label}${'End' in next ? 2 : 1}`]: { Type: 'Pass', End: true } } },
      ...next,
    });
    assert.deepEqual(errorsOf({ StartAt: 'A', States: { A: map('same', { Next: 'B' }), B: map('same', { End: true }) } }), [
      'SCHEMA_VALIDATION_FAILED: Duplicate Map Label: same at /States/B/Label',
    ]);
  });
});

describe('formatInvalidDefinitionMessage', () => {
  test("joins every ERROR with ', ' inside one pair of quotes, as CreateStateMachine does", () => {
    const { diagnostics } = validateDefinition({ StartAt: 'pass1', States: { pass1: { Type: 'Pass', Next: 'pass3' }, pass2: { Type: 'Pass', End: true } } });
    assert.equal(
      formatInvalidDefinitionMessage(diagnostics),
      "Invalid State Machine Definition: 'MISSING_TRANSITION_TARGET: Missing 'Next' target: pass3 at /States/pass1/Next, MISSING_TRANSITION_TARGET: State \"pass2\" is not reachable. at /States/pass2'",
    );
  });
  test('omits the location when AWS gives none', () => {
    assert.equal(
      formatInvalidDefinitionMessage([{ severity: 'ERROR', code: 'MISSING_END_STATE', message: 'Workflow has no terminal state' }]),
      "Invalid State Machine Definition: 'MISSING_END_STATE: Workflow has no terminal state'",
    );
  });
  test('leaves out warnings', () => {
    assert.equal(
      formatInvalidDefinitionMessage([
        { severity: 'WARNING', code: 'NO_DOLLAR', message: 'w' },
        { severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'These fields are required: [States]', location: '/' },
      ]),
      "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'",
    );
  });
});
