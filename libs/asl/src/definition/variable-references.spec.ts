import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { variableReferencesOf } from './variable-references';

// Definitions and answers as AWS's DescribeStateMachine recorded them (LocalStack's
// test_sfn_api_variable_references snapshot, recorded against AWS on 2024-11-20).
describe('variableReferencesOf', () => {
  it('counts `key.$` paths, not a plain "$name" string', () => {
    const definition = {
      StartAt: 'State0',
      States: {
        State0: { Type: 'Pass', Parameters: { result: '$result' }, Assign: { result: 'foobar' }, Next: 'State1' },
        State1: { Type: 'Pass', ResultPath: '$.result', Parameters: { 'result.$': '$result' }, End: true },
      },
    };
    assert.deepEqual(variableReferencesOf(definition), { State1: ['result'] });
  });

  it('counts Choice operands and Assign paths, sorted', () => {
    const definition = {
      StartAt: 'Setup',
      States: {
        Setup: { Type: 'Pass', Assign: { guess: 'the_guess', answer: 'the_answer' }, Next: 'CheckAnswer' },
        CheckAnswer: { Type: 'Choice', Choices: [{ Variable: '$guess', StringEqualsPath: '$answer', Next: 'CorrectAnswer' }], Default: 'WrongAnswer' },
        CorrectAnswer: { Type: 'Pass', Result: { state: 'CORRECT' }, End: true },
        WrongAnswer: { Type: 'Pass', Assign: { 'guess.$': '$answer' }, Result: { state: 'WRONG' }, Next: 'CheckAnswer' },
      },
    };
    assert.deepEqual(variableReferencesOf(definition), { CheckAnswer: ['answer', 'guess'], WrongAnswer: ['answer'] });
  });

  it('counts Wait, Fail, InputPath, OutputPath and Map limit paths', () => {
    const definition = {
      StartAt: 'Wait',
      States: {
        Wait: { Type: 'Wait', SecondsPath: '$waitTime', Next: 'Until' },
        Until: { Type: 'Wait', TimestampPath: '$startAt', Next: 'In' },
        In: { Type: 'Pass', InputPath: '$theAnswer', OutputPath: '$answer', ResultPath: '$.theAnswer', Next: 'Map' },
        Map: {
          Type: 'Map',
          ItemsPath: '$.Values',
          MaxConcurrencyPath: '$maxConcurrency',
          ToleratedFailurePercentagePath: '$toleratedFailurePercentage',
          ToleratedFailureCountPath: '$toleratedFailureCount',
          ItemReader: { ReaderConfig: { InputType: 'JSON', MaxItemsPath: '$maxItems' }, Resource: 'arn:aws:states:::s3:getObject', Parameters: { 'Bucket.$': '$.Bucket' } },
          ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
          Next: 'Fail',
        },
        Fail: { Type: 'Fail', CausePath: '$causeVar', ErrorPath: '$errorVar' },
      },
    };
    assert.deepEqual(variableReferencesOf(definition), {
      Wait: ['waitTime'],
      Until: ['startAt'],
      In: ['answer', 'theAnswer'],
      Map: ['maxConcurrency', 'maxItems', 'toleratedFailureCount', 'toleratedFailurePercentage'],
      Fail: ['causeVar', 'errorVar'],
    });
  });

  it('counts the path arguments of intrinsic functions, nested, and the inner states of a Map by their own names', () => {
    const definition = {
      StartAt: 'Start',
      States: {
        Start: { Type: 'Pass', Assign: { AnswerTemplate: "It's {}!", Question: 'Q' }, Next: 'MapIterateState' },
        MapIterateState: {
          Type: 'Map',
          ItemSelector: { 'AnnouncePokemon.$': 'States.Format($AnswerTemplate, $$.Map.Item.Value)' },
          ItemProcessor: {
            ProcessorConfig: { Mode: 'INLINE' },
            StartAt: 'Pass',
            States: {
              Pass: { Type: 'Pass', Parameters: { 'Question.$': '$Question', 'Answer.$': '$.AnnouncePokemon' }, Next: 'Summate' },
              Summate: { Type: 'Pass', Assign: { 'Sum.$': 'States.MathAdd(States.MathAdd($yCurrent, $xCurrent), $bias)' }, End: true },
            },
          },
          End: true,
        },
      },
    };
    assert.deepEqual(variableReferencesOf(definition), { MapIterateState: ['AnswerTemplate'], Pass: ['Question'], Summate: ['bias', 'xCurrent', 'yCurrent'] });
  });

  it('leaves the response out when nothing is referenced: context paths, $states and JSONata function calls are not variables', () => {
    assert.equal(variableReferencesOf({ StartAt: 'A', States: { A: { Type: 'Pass', Result: { answer: 42 }, Assign: { 'theAnswer.$': '$.answer' }, End: true } } }), undefined);
    const jsonata = {
      StartAt: 'CheckResult',
      States: {
        CheckResult: {
          Type: 'Choice',
          QueryLanguage: 'JSONata',
          Choices: [
            { Condition: '{% $states.input.result.done %}', Next: 'Done' },
            { Condition: '{% $not($states.input.result.done) %}', Next: 'Done' },
          ],
        },
        Done: { Type: 'Pass', End: true },
      },
    };
    assert.equal(variableReferencesOf(jsonata), undefined);
  });

  it('counts the variables of JSONata expressions, not the ones an expression binds itself', () => {
    const definition = {
      QueryLanguage: 'JSONata',
      StartAt: 'Use',
      States: {
        Use: { Type: 'Pass', Output: '{% ($doubled := $count * 2; $doubled + $offset + $sum($states.input.values)) %}', Assign: { total: '{% $total + 1 %}' }, End: true },
      },
    };
    assert.deepEqual(variableReferencesOf(definition), { Use: ['count', 'offset', 'total'] });
  });
});
