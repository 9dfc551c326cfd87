import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { IntrinsicParseError, isIntrinsicCall, parseIntrinsic } from './parse-intrinsic';

describe('parseIntrinsic', () => {
  it('parses literals, paths and nested calls', () => {
    const call = parseIntrinsic("States.Format('a {} b', $.x, $$.Execution.Name, $var.y[0], 1.5, -1, true, null, States.UUID())");
    assert.equal(call.name, 'States.Format');
    assert.deepEqual(
      call.args.map((a) => a.kind),
      ['string', 'path', 'path', 'path', 'number', 'number', 'boolean', 'null', 'call'],
    );
    assert.deepEqual(call.args[1], { kind: 'path', path: '$.x' });
    assert.deepEqual(call.args[3], { kind: 'path', path: '$var.y[0]' });
    assert.deepEqual(call.args[5], { kind: 'number', value: -1 });
  });

  it('parses a call without arguments and tolerates spaces', () => {
    assert.deepEqual(parseIntrinsic('States.Array()').args, []);
    assert.equal(parseIntrinsic('States.Array( 1 ,  2 )').args.length, 2);
  });

  it('unescapes \\\' \\{ \\} and \\\\ in string literals and keeps the raw text', () => {
    const [arg] = parseIntrinsic("States.Format('it\\'s \\{\\} \\\\ {}', 1)").args;
    assert.deepEqual(arg, { kind: 'string', value: "it's {} \\ {}", raw: "it\\'s \\{\\} \\\\ {}" });
  });

  it('keeps commas and parentheses inside path brackets and filters', () => {
    const call = parseIntrinsic("States.Array($.a[?(@.x == 'a,b')], $['k,)'])");
    assert.deepEqual(call.args, [
      { kind: 'path', path: "$.a[?(@.x == 'a,b')]" },
      { kind: 'path', path: "$['k,)']" },
    ]);
  });

  it('rejects \\" inside a string literal (corpus: ESCAPE_SEQUENCES_ILLEGAL_INTRINSIC_FUNCTION)', () => {
    assert.throws(() => parseIntrinsic('States.StringToJson(\'{"text":"An \\"escaped double quote\\" here"}\')'), IntrinsicParseError);
    assert.throws(() => parseIntrinsic("States.Format('He said, \\\"Hello, {}!\\\"', 'Test \\\"Name\\\" Here')"), IntrinsicParseError);
  });

  it('rejects malformed calls, reporting the position', () => {
    const cases: Array<[string, number]> = [
      ['States.Nope(1)', 0],
      ['States.Array(1', 14],
      ["States.Array('x)", 13],
      ['States.Array(1 2)', 15],
      ['States.Array(1) extra', 16],
      ['States.Array(foo)', 13],
      ['States.Array($.a[)', 13],
      ['States.Array(1,)', 15],
    ];
    for (const [expression, position] of cases) {
      assert.throws(
        () => parseIntrinsic(expression),
        (e: unknown) => e instanceof IntrinsicParseError && e.position === position,
        expression,
      );
    }
  });
});

describe('isIntrinsicCall', () => {
  it('recognises the call shape only', () => {
    assert.equal(isIntrinsicCall('States.Format()'), true);
    assert.equal(isIntrinsicCall('States.Array ('), true);
    assert.equal(isIntrinsicCall('$.x'), false);
    assert.equal(isIntrinsicCall('States.Format'), false);
    assert.equal(isIntrinsicCall(' States.Format()'), false);
  });
});
