import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { queryLanguageOf } from './effective-query-language';
import { parseDefinition } from './parse-definition';

describe('parseDefinition', () => {
  test('returns the definition when AWS would accept it', () => {
    const result = parseDefinition('{"StartAt":"S","States":{"S":{"Type":"Succeed"}}}');
    assert.equal(result.ok, true);
    if (result.ok) assert.equal(result.definition.StartAt, 'S');
  });
  test('rejects a JSON syntax error as INVALID_JSON_DESCRIPTION', () => {
    const result = parseDefinition('{"StartAt": ');
    assert.equal(result.ok, false);
    if (!result.ok) {
      assert.equal(result.error, 'InvalidDefinition');
      assert.equal(result.diagnostics[0]?.code, 'INVALID_JSON_DESCRIPTION');
      assert.match(result.message, /^Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: /);
    }
  });
  test('rejects an empty definition as not a JSON object, without a location (AWS, recorded)', () => {
    const result = parseDefinition('');
    assert.deepEqual(result.diagnostics, [{ severity: 'ERROR', code: 'SCHEMA_VALIDATION_FAILED', message: 'Definition must be a valid JSON object' }]);
  });
  test('rejects JSON that is not an object the same way', () => {
    assert.deepEqual(parseDefinition('[]').diagnostics.map((d) => d.message), ['Definition must be a valid JSON object']);
  });
  test("describes a bare word as Jackson does, with Jackson's position (AWS, recorded)", () => {
    const source = '[Source: (String)"not a definition"; line: 1, column: 4]';
    const result = parseDefinition('not a definition');
    assert.deepEqual(result.diagnostics, [
      {
        severity: 'ERROR',
        code: 'INVALID_JSON_DESCRIPTION',
        message: `Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at ${source}`,
        location: source,
      },
    ]);
    assert.equal(
      result.ok ? undefined : result.message,
      `Invalid State Machine Definition: 'INVALID_JSON_DESCRIPTION: Unrecognized token 'not': was expecting (JSON String, Number, Array, Object or token 'null', 'true' or 'false')\n at ${source}'`,
    );
  });
  test('describes a single-quoted field name as Jackson does', () => {
    const [diagnostic] = parseDefinition("{'StartAt': 'S'}").diagnostics;
    assert.match(diagnostic?.message ?? '', /^Unexpected character \(''' \(code 39\)\): was expecting double-quote to start field name\n at \[Source: /);
  });
  test("gives CreateStateMachine's message for a schema failure", () => {
    const result = parseDefinition('{"Comment":"BASE_INVALID_DER","StartAt":"State_1"}');
    assert.equal(result.ok ? undefined : result.message, "Invalid State Machine Definition: 'SCHEMA_VALIDATION_FAILED: These fields are required: [States] at /'");
  });
  test('applies EXPRESS-only rules when asked', () => {
    const text = '{"StartAt":"S","States":{"S":{"Type":"Task","Resource":"arn:aws:states:::states:startExecution.sync","End":true}}}';
    assert.equal(parseDefinition(text).ok, true);
    assert.equal(parseDefinition(text, { stateMachineType: 'EXPRESS' }).ok, false);
  });
});

describe('queryLanguageOf', () => {
  test('defaults to JSONPath', () => assert.equal(queryLanguageOf({}, {}), 'JSONPath'));
  test('inherits the machine language', () => assert.equal(queryLanguageOf({}, { QueryLanguage: 'JSONata' }), 'JSONata'));
  test("prefers the state's own language", () => assert.equal(queryLanguageOf({ QueryLanguage: 'JSONata' }, { QueryLanguage: 'JSONPath' }), 'JSONata'));
});
