import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { pendingEffects } from './effects';
import type { ExecutionState } from './execution-state';
import type { ExecutionEvent } from './history-event';
import { fixedEnv, given, startCommand } from './testing/decider-specification';

const T0 = '2024-01-01T00:00:00.000Z';

function taskMachine(resource: string, extra: Record<string, unknown> = {}) {
  return { StartAt: 'Work', States: { Work: { Type: 'Task', Resource: resource, End: true, ...extra } } };
}

function openToken(state: ExecutionState): string {
  const task = pendingEffects(state).find((effect) => effect.kind === 'task');
  assert.ok(task && task.kind === 'task', 'a task is open');
  return task.token;
}

function deadlinesOf(state: ExecutionState) {
  return pendingEffects(state)
    .filter((effect) => effect.kind === 'task-deadline')
    .map((effect) => (effect.kind === 'task-deadline' ? [effect.deadline, effect.at] : []));
}

function details(event: ExecutionEvent | undefined, field: string): Record<string, unknown> {
  assert.ok(event, 'event exists');
  return event[field] as Record<string, unknown>;
}

const FUNCTION_ARN = 'arn:aws:lambda:us-east-1:123456789012:function:double';
const ACTIVITY_ARN = 'arn:aws:states:us-east-1:123456789012:activity:review';
const CALLBACK = 'arn:aws:states:::sqs:sendMessage.waitForTaskToken';

describe('decide: history events per task resource', () => {
  it('a Lambda function ARN writes LambdaFunctionScheduled/Started/Succeeded with the input and no resourceType', async () => {
    const started = await given().when(startCommand(taskMachine(FUNCTION_ARN, { TimeoutSeconds: 30 }), { n: 2 })).then(
      ['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled'],
      (events) => {
        assert.deepEqual(details(events[2], 'lambdaFunctionScheduledEventDetails'), {
          resource: FUNCTION_ARN,
          input: '{"n":2}',
          inputDetails: { truncated: false },
          timeoutInSeconds: 30,
        });
      },
    );
    const token = openToken(started.state);
    await given(started.events).when({ type: 'CompleteTask', token, output: '{"n":4}' }).then(
      ['LambdaFunctionStarted', 'LambdaFunctionSucceeded', 'TaskStateExited', 'ExecutionSucceeded'],
      (events, state) => {
        assert.equal(events[0].lambdaFunctionStartedEventDetails, undefined, 'AWS writes LambdaFunctionStarted without details');
        assert.deepEqual(details(events[1], 'lambdaFunctionSucceededEventDetails'), { output: '{"n":4}', outputDetails: { truncated: false } });
        assert.deepEqual(events.map((e) => [e.id, e.previousEventId]), [[4, 3], [5, 4], [6, 5], [7, 6]]);
        assert.equal(state.output, '{"n":4}');
      },
    );
  });

  it('a Lambda function ARN with Credentials writes taskCredentials into LambdaFunctionScheduled (test_cross_account_lambda_task, AWS 2024-12-04)', async () => {
    // LocalStack's AWS-validated snapshot records lambdaFunctionScheduledEventDetails as
    // {input, inputDetails, resource, taskCredentials: {roleArn}}; test_fixed_timeout_lambda
    // (2024-03-10) adds timeoutInSeconds when TimeoutSeconds is set, and nothing else.
    const roleArn = 'arn:aws:iam::111111111111:role/trusted';
    const input = { Payload: 'p', CredentialsRoleArn: roleArn };
    await given().when(startCommand(taskMachine(FUNCTION_ARN, { Credentials: { 'RoleArn.$': '$.CredentialsRoleArn' } }), input)).then(
      ['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled'],
      (events) => {
        assert.deepEqual(details(events[2], 'lambdaFunctionScheduledEventDetails'), {
          resource: FUNCTION_ARN,
          input: JSON.stringify(input),
          inputDetails: { truncated: false },
          taskCredentials: { roleArn },
        });
      },
    );
  });

  it('a Lambda function failure is LambdaFunctionFailed and Catch sees its error', async () => {
    const definition = taskMachine(FUNCTION_ARN, { Catch: [{ ErrorEquals: ['CustomError'], Next: 'Handled' }] });
    (definition.States as Record<string, unknown>).Handled = { Type: 'Pass', End: true };
    delete (definition.States.Work as Record<string, unknown>).End;
    (definition.States.Work as Record<string, unknown>).Next = 'Handled';
    const started = await given().when(startCommand(definition)).then(['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled']);
    await given(started.events).when({ type: 'FailTask', token: openToken(started.state), error: 'CustomError', cause: 'boom' }).then(
      ['LambdaFunctionStarted', 'LambdaFunctionFailed', 'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
      (events, state) => {
        assert.deepEqual(details(events[1], 'lambdaFunctionFailedEventDetails'), { cause: 'boom', error: 'CustomError' });
        assert.deepEqual(JSON.parse(state.output!), { Error: 'CustomError', Cause: 'boom' });
      },
    );
  });

  it('a Task on a missing activity fails with States.Runtime before ActivityScheduled, past a States.ALL Catch', async () => {
    const definition = taskMachine(ACTIVITY_ARN, { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Handled' }] });
    (definition.States as Record<string, unknown>).Handled = { Type: 'Pass', End: true };
    delete (definition.States.Work as Record<string, unknown>).End;
    (definition.States.Work as Record<string, unknown>).Next = 'Handled';
    const asked: string[] = [];
    const env = { ...fixedEnv(), activityExists: async (arn: string) => (asked.push(arn), false) };
    await given().when(startCommand(definition), env).then(['ExecutionStarted', 'TaskStateEntered', 'ExecutionFailed'], (events, state) => {
      // AWS's words (corpus: test_activity_task_on_deleted).
      assert.deepEqual(details(events[2], 'executionFailedEventDetails'), {
        error: 'States.Runtime',
        cause: `An error occurred while executing the state 'Work' (entered at the event id #2). The activity ${ACTIVITY_ARN} does not exist.`,
      });
      assert.equal(state.status, 'FAILED');
    });
    assert.deepEqual(asked, [ACTIVITY_ARN]);
    const existing = { ...fixedEnv(), activityExists: async () => true };
    await given().when(startCommand(definition), existing).then(['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled']);
  });

  it('an activity writes ActivityScheduled (heartbeat and timeout), ActivityStarted with the worker, ActivitySucceeded', async () => {
    const started = await given().when(startCommand(taskMachine(ACTIVITY_ARN, { TimeoutSeconds: 60, HeartbeatSeconds: 10 }), { v: 1 })).then(
      ['ExecutionStarted', 'TaskStateEntered', 'ActivityScheduled'],
      (events, state) => {
        assert.deepEqual(details(events[2], 'activityScheduledEventDetails'), {
          resource: ACTIVITY_ARN,
          input: '{"v":1}',
          inputDetails: { truncated: false },
          timeoutInSeconds: 60,
          heartbeatInSeconds: 10,
        });
        assert.deepEqual(deadlinesOf(state), [], 'an activity counts its deadlines from when a worker takes it');
      },
    );
    const token = openToken(started.state);
    const taken = await given(started.events)
      .when({ type: 'StartTask', token, workerName: 'worker-1' }, fixedEnv('2024-01-01T00:00:05.000Z'))
      .then(['ActivityStarted'], (events, state) => {
        assert.deepEqual(details(events[0], 'activityStartedEventDetails'), { workerName: 'worker-1' });
        assert.deepEqual(deadlinesOf(state), [
          ['timeout', '2024-01-01T00:01:05.000Z'],
          ['heartbeat', '2024-01-01T00:00:15.000Z'],
        ]);
      });
    await given(taken.events).when({ type: 'CompleteTask', token, output: '"done"' }).then(['ActivitySucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
  });

  it('.waitForTaskToken writes TaskSubmitted with the service response and stays open until the callback', async () => {
    const started = await given().when(startCommand(taskMachine(CALLBACK, { Parameters: { 'Token.$': '$$.Task.Token' } }))).then([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
    ]);
    const token = openToken(started.state);
    const submitted = await given(started.events)
      .when({ type: 'StartTask', token })
      .then(['TaskStarted']);
    const sent = await given(submitted.events).when({ type: 'SubmitTask', token, output: '{"MessageId":"m-1"}' }).then(['TaskSubmitted'], (events, state) => {
      assert.deepEqual(details(events[0], 'taskSubmittedEventDetails'), {
        output: '{"MessageId":"m-1"}',
        outputDetails: { truncated: false },
        resource: 'sendMessage.waitForTaskToken',
        resourceType: 'sqs',
      });
      assert.equal(openToken(state), token, 'the task is still open after TaskSubmitted');
    });
    await given(sent.events).when({ type: 'SubmitTask', token, output: '{}' }).then([], () => undefined);
    await given(sent.events).when({ type: 'CompleteTask', token, output: '{"ok":true}' }).then(['TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
  });

  it('.sync:2 keeps its resource whole in every Task event', async () => {
    const started = await given().when(startCommand(taskMachine('arn:aws:states:::states:startExecution.sync:2'))).then([
      'ExecutionStarted',
      'TaskStateEntered',
      'TaskScheduled',
    ]);
    await given(started.events).when({ type: 'StartTask', token: openToken(started.state) }).then(['TaskStarted'], (events) => {
      assert.deepEqual(details(events[0], 'taskStartedEventDetails'), { resource: 'startExecution.sync:2', resourceType: 'states' });
    });
  });
});

describe('decide: TimeoutSeconds and HeartbeatSeconds', () => {
  it('resolves TimeoutSecondsPath and a JSONata HeartbeatSeconds into the scheduled event', async () => {
    await given().when(startCommand(taskMachine(CALLBACK, { TimeoutSecondsPath: '$.limit' }), { limit: 42 })).then(
      ['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled'],
      (events, state) => {
        assert.equal(details(events[2], 'taskScheduledEventDetails').timeoutInSeconds, 42);
        assert.deepEqual(deadlinesOf(state), [['timeout', '2024-01-01T00:00:42.000Z']]);
      },
    );
    const jsonata = { QueryLanguage: 'JSONata', ...taskMachine(CALLBACK, { HeartbeatSeconds: '{% $states.input.beat %}' }) };
    await given().when(startCommand(jsonata, { beat: 7 })).then(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled'], (events) => {
      assert.equal(details(events[2], 'taskScheduledEventDetails').heartbeatInSeconds, 7);
    });
  });

  it('fails with States.Runtime when TimeoutSecondsPath selects nothing (AWS message)', async () => {
    await given().when(startCommand(taskMachine(CALLBACK, { TimeoutSecondsPath: '$.missing' }))).then(['ExecutionStarted', 'TaskStateEntered', 'ExecutionFailed'], (_events, state) => {
      assert.equal(state.error, 'States.Runtime');
      assert.equal(state.cause, "An error occurred while executing the state 'Work' (entered at the event id #2). Invalid path '$.missing' : No results for path: $['missing']");
    });
  });

  it("uses AWS's default TimeoutSeconds (99999999 s) without writing it into the event, and arms no timer past the execution's one-year limit", async () => {
    await given().when(startCommand(taskMachine(CALLBACK))).then(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled'], (events, state) => {
      assert.equal(details(events[2], 'taskScheduledEventDetails').timeoutInSeconds, undefined);
      assert.equal(events[2].x.timeoutSeconds, 99_999_999);
      // 99,999,999 s is about 3.2 years: the execution's own deadline (one year) comes first.
      assert.deepEqual(deadlinesOf(state), []);
      const executionTimeout = pendingEffects(state).find((effect) => effect.kind === 'execution-timeout');
      assert.ok(executionTimeout && executionTimeout.at < new Date(Date.parse(T0) + 99_999_999_000).toISOString());
    });
  });

  it('times out with States.Timeout at the deadline; an early timer decides nothing; a late completion is rejected', async () => {
    const started = await given().when(startCommand(taskMachine(FUNCTION_ARN, { TimeoutSeconds: 5 }))).then(['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled']);
    const token = openToken(started.state);
    await given(started.events).when({ type: 'TimeOutTask', token, deadline: 'timeout' }, fixedEnv('2024-01-01T00:00:04.999Z')).then([]);
    const timedOut = await given(started.events)
      .when({ type: 'TimeOutTask', token, deadline: 'timeout' }, fixedEnv('2024-01-01T00:00:05.000Z'))
      .then(['LambdaFunctionStarted', 'LambdaFunctionTimedOut', 'ExecutionFailed'], (events, state) => {
        assert.deepEqual(details(events[1], 'lambdaFunctionTimedOutEventDetails'), { error: 'States.Timeout' });
        assert.equal(state.error, 'States.Timeout');
      });
    await given(timedOut.events).when({ type: 'CompleteTask', token, output: '{}' }).then([]);
  });

  it('a heartbeat moves the HeartbeatSeconds deadline (hidden from history); a missed one is States.Timeout that Catch may call States.HeartbeatTimeout', async () => {
    const definition = taskMachine(CALLBACK, { HeartbeatSeconds: 10, Catch: [{ ErrorEquals: ['States.HeartbeatTimeout'], Next: 'Late' }] });
    delete (definition.States.Work as Record<string, unknown>).End;
    (definition.States.Work as Record<string, unknown>).Next = 'Late';
    (definition.States as Record<string, unknown>).Late = { Type: 'Pass', End: true };
    const started = await given().when(startCommand(definition)).then(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled']);
    const token = openToken(started.state);
    const beat = await given(started.events)
      .when({ type: 'HeartbeatTask', token }, fixedEnv('2024-01-01T00:00:08.000Z'))
      .then(['TaskHeartbeatRecorded'], (events, state) => {
        assert.ok(events[0].id < 0 && events[0].x.hidden, 'numbered apart and hidden from GetExecutionHistory');
        assert.equal(state.lastEventId, 3, "AWS's event ids do not move");
        assert.deepEqual(deadlinesOf(state).find(([kind]) => kind === 'heartbeat'), ['heartbeat', '2024-01-01T00:00:18.000Z']);
      });
    // The timer armed for the first deadline fires: the heartbeat moved it, so nothing happens.
    await given(beat.events).when({ type: 'TimeOutTask', token, deadline: 'heartbeat' }, fixedEnv('2024-01-01T00:00:10.000Z')).then([]);
    await given(beat.events)
      .when({ type: 'TimeOutTask', token, deadline: 'heartbeat' }, fixedEnv('2024-01-01T00:00:18.000Z'))
      .then(['TaskStarted', 'TaskTimedOut', 'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'], (events, state) => {
        assert.deepEqual(details(events[1], 'taskTimedOutEventDetails'), { error: 'States.Timeout', resource: 'sendMessage.waitForTaskToken', resourceType: 'sqs' });
        assert.deepEqual(JSON.parse(state.output!), { Error: 'States.Timeout', Cause: '' });
      });
  });

  it('a replay of the stream gives the same deadlines (re-armed after a restart)', async () => {
    const started = await given().when(startCommand(taskMachine(CALLBACK, { TimeoutSeconds: 600, HeartbeatSeconds: 5 }))).then(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled']);
    const token = openToken(started.state);
    const beat = await given(started.events).when({ type: 'HeartbeatTask', token }, fixedEnv('2024-01-01T00:00:03.000Z')).then(['TaskHeartbeatRecorded']);
    const replayed = await given(beat.events).when({ type: 'HeartbeatTask', token: 'not-a-token' }).then([]);
    assert.deepEqual(deadlinesOf(replayed.state), [
      ['timeout', '2024-01-01T00:10:00.000Z'],
      ['heartbeat', '2024-01-01T00:00:08.000Z'],
    ]);
  });

  it('a result over 256 KiB fails the task with States.DataLimitExceeded, which Catch can see', async () => {
    const definition = taskMachine('arn:aws:states:::lambda:invoke', { Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Big' }] });
    delete (definition.States.Work as Record<string, unknown>).End;
    (definition.States.Work as Record<string, unknown>).Next = 'Big';
    (definition.States as Record<string, unknown>).Big = { Type: 'Pass', End: true };
    const started = await given().when(startCommand(definition)).then(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled']);
    const output = JSON.stringify({ blob: 'x'.repeat(256 * 1024) });
    await given(started.events).when({ type: 'CompleteTask', token: openToken(started.state), output }).then(
      ['TaskStarted', 'TaskFailed', 'TaskStateExited', 'PassStateEntered', 'PassStateExited', 'ExecutionSucceeded'],
      (_events, state) => {
        assert.deepEqual(JSON.parse(state.output!), {
          Error: 'States.DataLimitExceeded',
          Cause: "The state/task 'lambda' returned a result with a size exceeding the maximum number of bytes service limit.",
        });
      },
    );
  });
});

describe('evolve: streams written before deadlines existed', () => {
  it('fold the same: an old TaskScheduled (no resolved timeout in its bookkeeping) arms no deadline and its task stays open', async () => {
    const started = await given().when(startCommand(taskMachine(CALLBACK))).then(['ExecutionStarted', 'TaskStateEntered', 'TaskScheduled']);
    const old = started.events.map((event) => {
      if (event.type !== 'TaskScheduled') return event;
      const { timeoutSeconds: _timeout, heartbeatSeconds: _heartbeat, ...x } = event.x;
      return { ...event, x };
    });
    const replayed = await given(old).when({ type: 'HeartbeatTask', token: 'unknown' }).then([]);
    assert.deepEqual(deadlinesOf(replayed.state), []);
    assert.equal(openToken(replayed.state), openToken(started.state));
    await given(old).when({ type: 'CompleteTask', token: openToken(started.state), output: '1' }).then(['TaskStarted', 'TaskSucceeded', 'TaskStateExited', 'ExecutionSucceeded']);
  });
});

describe('decide: task failures that end a branch', () => {
  it('aborts the Task state whose uncaught failure ends a Parallel branch, then fails the Parallel from the failure event', async () => {
    const definition = {
      StartAt: 'Both',
      States: { Both: { Type: 'Parallel', End: true, Branches: [{ StartAt: 'Call', States: { Call: { Type: 'Task', Resource: CALLBACK, End: true } } }] } },
    };
    const started = await given().when(startCommand(definition)).then(['ExecutionStarted', 'ParallelStateEntered', 'ParallelStateStarted', 'TaskStateEntered', 'TaskScheduled']);
    await given(started.events).when({ type: 'FailTask', token: openToken(started.state) }).then(
      ['TaskStarted', 'TaskFailed', 'TaskStateAborted', 'ParallelStateFailed', 'ExecutionFailed'],
      (events) => {
        assert.deepEqual(details(events[1], 'taskFailedEventDetails'), { resource: 'sendMessage.waitForTaskToken', resourceType: 'sqs' }, 'no error, no cause');
        assert.deepEqual(events.map((e) => [e.id, e.previousEventId]), [[6, 5], [7, 6], [8, 7], [9, 7], [10, 9]]);
      },
    );
  });

  it("times out all of a Map's tasks whose deadline passed together before the Map fails", async () => {
    const definition = {
      StartAt: 'Each',
      States: { Each: { Type: 'Map', End: true, ItemProcessor: { StartAt: 'Call', States: { Call: { Type: 'Task', Resource: FUNCTION_ARN, TimeoutSeconds: 5, End: true } } } } },
    };
    const started = await given().when(startCommand(definition, [1, 2])).then([
      'ExecutionStarted', 'MapStateEntered', 'MapStateStarted', 'MapIterationStarted', 'MapIterationStarted',
      'TaskStateEntered', 'LambdaFunctionScheduled', 'TaskStateEntered', 'LambdaFunctionScheduled',
    ]);
    const token = openToken(started.state);
    await given(started.events).when({ type: 'TimeOutTask', token, deadline: 'timeout' }, fixedEnv('2024-01-01T00:00:05.000Z')).then([
      'LambdaFunctionStarted', 'LambdaFunctionTimedOut', 'LambdaFunctionStarted', 'LambdaFunctionTimedOut',
      'TaskStateAborted', 'TaskStateAborted', 'MapIterationAborted', 'MapIterationFailed', 'MapStateFailed', 'ExecutionFailed',
    ]);
  });
});

describe('decide: mocks need the invocation and the test case', () => {
  it('counts schedulings of a state across retries (the invocation a mocked response is chosen by)', async () => {
    const definition = taskMachine(FUNCTION_ARN, { Retry: [{ ErrorEquals: ['States.ALL'], IntervalSeconds: 1, MaxAttempts: 2 }] });
    const command = { ...startCommand(definition), testCase: 'HappyPath' } as const;
    const started = await given().when(command).then(['ExecutionStarted', 'TaskStateEntered', 'LambdaFunctionScheduled'], (events, state) => {
      assert.equal(events[0].x.start?.testCase, 'HappyPath');
      assert.equal(events[0].executionStartedEventDetails && (events[0].executionStartedEventDetails as Record<string, unknown>).testCase, undefined);
      const task = pendingEffects(state).find((effect) => effect.kind === 'task');
      assert.equal(task?.kind === 'task' && task.invocation, 0);
    });
    const failed = await given(started.events).when({ type: 'FailTask', token: openToken(started.state), error: 'Boom' }).then(['LambdaFunctionStarted', 'LambdaFunctionFailed']);
    await given(failed.events).when({ type: 'FireTimer', threadId: '0', enteredEventId: 2 }, fixedEnv('2024-01-01T00:00:01.000Z')).then(['LambdaFunctionScheduled'], (_events, state) => {
      const task = pendingEffects(state).find((effect) => effect.kind === 'task');
      assert.equal(task?.kind === 'task' && task.invocation, 1);
    });
  });
});
