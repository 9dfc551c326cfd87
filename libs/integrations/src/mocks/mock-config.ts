import { readFileSync } from 'node:fs';

/**
 * Step Functions Local's mock configuration, in its own format (AWS "Configuration file for
 * mocked service integrations"): `StateMachines.<name>.TestCases.<case>.<state>` names a
 * mocked response; `MockedResponses.<name>` maps invocation numbers ("0") or inclusive ranges
 * ("1-2") to exactly one of `Return` (the task's result) or `Throw` (`Error`, `Cause`).
 */
export interface MockConfig {
  readonly stateMachines: ReadonlyMap<string, ReadonlyMap<string, ReadonlyMap<string, string>>>;
  readonly mockedResponses: ReadonlyMap<string, readonly MockedInvocations[]>;
}

export type MockedResponse =
  | { readonly kind: 'return'; readonly value: unknown }
  | { readonly kind: 'throw'; readonly error?: string; readonly cause?: string };

/** One `"from-to"` entry of a mocked response (both ends inclusive, 0-based). */
export interface MockedInvocations {
  readonly from: number;
  readonly to: number;
  readonly response: MockedResponse;
}

/** A mock configuration that cannot be used; the message names the field, as AWS's validation messages do. */
export class InvalidMockConfiguration extends Error {
  override readonly name = 'InvalidMockConfiguration';
}

export function loadMockConfig(file: string): MockConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new InvalidMockConfiguration(`Cannot read the mock configuration file '${file}': ${(error as Error).message}`);
  }
  return parseMockConfig(text);
}

/** Parses and checks a mock configuration (JSON text or an already parsed value). */
export function parseMockConfig(json: string | unknown): MockConfig {
  let document: unknown = json;
  if (typeof json === 'string') {
    try {
      document = JSON.parse(json);
    } catch (error) {
      throw new InvalidMockConfiguration(`The mock configuration is not valid JSON: ${(error as Error).message}`);
    }
  }
  const root = objectAt(document, '$');
  for (const key of Object.keys(root)) {
    if (key !== 'StateMachines' && key !== 'MockedResponses') throw new InvalidMockConfiguration(`Unknown field at $: '${key}' (expected StateMachines and MockedResponses)`);
  }
  const mockedResponses = new Map<string, MockedInvocations[]>();
  for (const [name, value] of Object.entries(objectAt(root.MockedResponses, '$.MockedResponses'))) {
    mockedResponses.set(name, parseMockedResponse(value, `$.MockedResponses.${name}`));
  }
  const stateMachines = new Map<string, Map<string, Map<string, string>>>();
  for (const [machine, value] of Object.entries(objectAt(root.StateMachines, '$.StateMachines'))) {
    const path = `$.StateMachines.${machine}`;
    const machineObject = objectAt(value, path);
    for (const key of Object.keys(machineObject)) {
      if (key !== 'TestCases') throw new InvalidMockConfiguration(`Unknown field at ${path}: '${key}' (expected TestCases)`);
    }
    const testCases = new Map<string, Map<string, string>>();
    for (const [testCase, states] of Object.entries(objectAt(machineObject.TestCases, `${path}.TestCases`))) {
      const casePath = `${path}.TestCases.${testCase}`;
      const mapping = new Map<string, string>();
      for (const [state, response] of Object.entries(objectAt(states, casePath))) {
        if (typeof response !== 'string') throw new InvalidMockConfiguration(`${casePath}.${state} must be the name of a mocked response (a string)`);
        if (!mockedResponses.has(response)) throw new InvalidMockConfiguration(`${casePath}.${state} refers to '${response}', which is not defined in MockedResponses`);
        mapping.set(state, response);
      }
      testCases.set(testCase, mapping);
    }
    stateMachines.set(machine, testCases);
  }
  return { stateMachines, mockedResponses };
}

function parseMockedResponse(value: unknown, path: string): MockedInvocations[] {
  const entries: MockedInvocations[] = [];
  for (const [range, body] of Object.entries(objectAt(value, path))) {
    const match = /^(\d+)(?:-(\d+))?$/.exec(range);
    if (!match) throw new InvalidMockConfiguration(`${path}: '${range}' is not an invocation number or range (e.g. "0" or "1-2")`);
    const from = Number(match[1]);
    const to = match[2] === undefined ? from : Number(match[2]);
    if (to < from) throw new InvalidMockConfiguration(`${path}: the range '${range}' ends before it starts`);
    const overlapping = entries.find((entry) => from <= entry.to && entry.from <= to);
    if (overlapping) {
      const other = overlapping.from === overlapping.to ? `${overlapping.from}` : `${overlapping.from}-${overlapping.to}`;
      throw new InvalidMockConfiguration(`${path}: the range '${range}' overlaps '${other}'`);
    }
    entries.push({ from, to, response: parseResponseBody(body, `${path}["${range}"]`) });
  }
  if (entries.length === 0) throw new InvalidMockConfiguration(`${path} defines no invocation`);
  return entries.sort((a, b) => a.from - b.from);
}

function parseResponseBody(value: unknown, path: string): MockedResponse {
  const body = objectAt(value, path);
  const keys = Object.keys(body);
  if (keys.length !== 1 || (keys[0] !== 'Return' && keys[0] !== 'Throw')) {
    throw new InvalidMockConfiguration(`${path} must contain exactly one of Return or Throw`);
  }
  if (keys[0] === 'Return') return { kind: 'return', value: body.Return };
  const thrown = objectAt(body.Throw, `${path}.Throw`);
  // Error may be left out: the task then fails the way SendTaskFailure without an error does.
  if (thrown.Error !== undefined && typeof thrown.Error !== 'string') throw new InvalidMockConfiguration(`${path}.Throw.Error must be a string`);
  if (thrown.Cause !== undefined && typeof thrown.Cause !== 'string') throw new InvalidMockConfiguration(`${path}.Throw.Cause must be a string`);
  for (const key of Object.keys(thrown)) {
    if (key !== 'Error' && key !== 'Cause') throw new InvalidMockConfiguration(`Unknown field at ${path}.Throw: '${key}' (expected Error and Cause)`);
  }
  return { kind: 'throw', ...(thrown.Error !== undefined ? { error: thrown.Error as string } : {}), ...(thrown.Cause !== undefined ? { cause: thrown.Cause as string } : {}) };
}

function objectAt(value: unknown, path: string): Record<string, unknown> {
  if (value === undefined) throw new InvalidMockConfiguration(`${path} is missing`);
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new InvalidMockConfiguration(`${path} must be a JSON object`);
  return value as Record<string, unknown>;
}
