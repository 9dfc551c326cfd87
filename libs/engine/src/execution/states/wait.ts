import { WAIT_SECONDS_RANGE } from '@stepstone/asl';
import type { Decision } from '../decision';
import { type Failure, resolveReference, type Step, textOf, toFailure } from '../decision-support';
import { type JsonataStates, parseTimestamp, StatesError } from '../language';
import { stateFailed } from '../state-outcome';
import { decidesWith, EngineBehaviour } from '../behaviour';

/** A Wait's deadline is evaluated before its Entered event, which carries it. */
export async function enterWait(d: Decision, threadId: string, name: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata', input: unknown, inputText?: string): Promise<Step> {
  let wakeAt: string | undefined;
  let deadlineFailure: Failure | undefined;
  try {
    wakeAt = await waitDeadline(d, threadId, name, definition, language, input);
  } catch (error) {
    deadlineFailure = toFailure(error);
  }
  d.emitEntered(threadId, name, 'Wait', input, inputText, wakeAt);
  if (deadlineFailure) return stateFailed(d, threadId, { ...deadlineFailure, afterEntered: true });
  return d.executeEntered(threadId, 'Wait', definition, language);
}

export async function waitDeadline(d: Decision, threadId: string, name: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata', input: unknown): Promise<string> {
  const nowMs = d.env.now.getTime();
  const checksRange = decidesWith(d.state.start, EngineBehaviour.WaitRangeChecked);
  let seconds: unknown = definition.Seconds;
  let timestamp: unknown = definition.Timestamp;
  if (language === 'JSONata') {
    const states: JsonataStates = { input, context: d.context(threadId, { name, enteredTime: d.nowIso }) };
    if (typeof seconds === 'string') {
      seconds = await d.jsonata(threadId, seconds, states, 'Seconds');
      if (typeof seconds !== 'number' || !Number.isInteger(seconds) || seconds < 0) {
        throw new StatesError('States.QueryEvaluationError', `The Seconds field cannot be parsed as a non-negative integer: ${textOf(seconds)}`);
      }
      // The Wait page: a JSONata Seconds "must evaluate to an integer in the stated range" (0 to
      // 99999999), the range CreateStateMachine holds a literal to. The wording is Stepstone's:
      // no recording shows AWS's.
      if (seconds > WAIT_SECONDS_RANGE.max && decidesWith(d.state.start, EngineBehaviour.JsonataValuesAsAws)) {
        throw new StatesError('States.QueryEvaluationError', `The Seconds field must be an integer from ${WAIT_SECONDS_RANGE.min} to ${WAIT_SECONDS_RANGE.max}: ${textOf(seconds)}`);
      }
    }
    if (typeof definition.Timestamp === 'string') {
      timestamp = await d.jsonata(threadId, definition.Timestamp, states, 'Timestamp');
      if (typeof timestamp !== 'string' || !parseTimestamp(timestamp)) {
        throw new StatesError('States.QueryEvaluationError', `The Timestamp field cannot be parsed as an ISO-8601 extended offset date-time format string: ${textOf(timestamp)}`);
      }
    }
  } else {
    const scope = d.scope(threadId, d.selectInput(threadId, definition.InputPath, input));
    if (typeof definition.SecondsPath === 'string') {
      const path = definition.SecondsPath;
      seconds = resolveReference(path, scope, () => `The SecondsPath parameter does not reference an input value: ${path}`);
      if (typeof seconds !== 'number' || !Number.isInteger(seconds)) {
        throw new StatesError('States.Runtime', `The SecondsPath parameter cannot be parsed as a long value: ${path} == ${textOf(seconds)}`);
      }
      if (seconds < 0 && checksRange) throw new StatesError('States.Runtime', `The SecondsPath parameter references a negative value: ${path} == ${textOf(seconds)}`);
    }
    if (typeof definition.TimestampPath === 'string') {
      const path = definition.TimestampPath;
      timestamp = resolveReference(path, scope, () => `The TimestampPath parameter does not reference an input value: ${path}`);
      if (typeof timestamp !== 'string' || !parseTimestamp(timestamp)) {
        throw new StatesError('States.Runtime', `The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: ${path} == ${textOf(timestamp)}`);
      }
    }
  }
  let wakeMs = nowMs;
  if (seconds !== undefined) wakeMs = nowMs + (typeof seconds === 'number' ? Math.max(0, seconds) : 0) * 1000;
  else if (typeof timestamp === 'string') {
    const ms = Date.parse(timestamp);
    wakeMs = Number.isNaN(ms) ? nowMs : Math.max(ms, nowMs);
  }
  if (checksRange && wakeMs - nowMs > MAX_WAIT_DELAY_SECONDS * 1000) throw new StatesError('States.Runtime', 'Wait state delay is too long.');
  return new Date(wakeMs).toISOString();
}

/**
 * The longest delay a Wait accepts, however given: AWS holds it in a signed 32-bit count of
 * seconds, so a timestamp 24,855 days ahead waits and one 24,856 days ahead fails with
 * "Wait state delay is too long." (recorded in localstack's test_wait snapshot,
 * test_timestamp_too_far_in_future_boundary).
 */
const MAX_WAIT_DELAY_SECONDS = 2 ** 31 - 1;

/** The Wait's timer fired: OutputPath (or Output) and Assign, then the next state. */
export async function exitWait(d: Decision, threadId: string): Promise<Step> {
  const cursor = d.cursorOf(threadId);
  const definition = d.stateDefinition(threadId, cursor.name);
  const language = d.queryLanguageOf(threadId, definition);
  try {
    if (language === 'JSONata') {
      const states = d.jsonataStates(threadId, cursor.input);
      const output = 'Output' in definition ? await d.jsonata(threadId, definition.Output, states, 'Output') : cursor.input;
      return d.exitState(threadId, definition, output, await d.jsonataAssign(threadId, definition, states));
    }
    const effective = d.selectInput(threadId, definition.InputPath, cursor.input);
    const assigned = d.jsonPathAssign(definition, d.scope(threadId, effective));
    return d.exitState(threadId, definition, d.selectOutput(threadId, definition.OutputPath, effective), assigned);
  } catch (error) {
    return stateFailed(d, threadId, toFailure(error));
  }
}
