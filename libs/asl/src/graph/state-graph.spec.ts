import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { parseDefinition } from '../definition/parse-definition';
import { StateMachineDefinition } from '../definition/types';
import { buildStateGraph, describeChoiceRule, StateGraph } from './state-graph';

function parsed(definition: object): StateMachineDefinition {
  const result = parseDefinition(JSON.stringify(definition));
  if (!result.ok) throw new Error(result.message);
  return result.definition;
}

function edgesOf(graph: StateGraph, kind: string): string[] {
  return graph.edges.filter((edge) => edge.kind === kind).map((edge) => `${edge.from} -> ${edge.to}${edge.label === undefined ? '' : ` [${edge.label}]`}`);
}

describe('buildStateGraph', () => {
  test('links Next, End, start and the end of Succeed and Fail', () => {
    const graph = buildStateGraph(
      parsed({
        StartAt: 'A',
        States: {
          A: { Type: 'Pass', Next: 'B' },
          B: { Type: 'Choice', Choices: [{ Variable: '$.ok', BooleanEquals: true, Next: 'Done' }], Default: 'Oops' },
          Done: { Type: 'Succeed' },
          Oops: { Type: 'Fail', Error: 'Bad' },
        },
      }),
    );
    assert.deepEqual(
      graph.nodes.map((node) => [node.id, node.type, node.groupId]),
      [
        ['A', 'Pass', 'root'],
        ['B', 'Choice', 'root'],
        ['Done', 'Succeed', 'root'],
        ['Oops', 'Fail', 'root'],
      ],
    );
    assert.deepEqual(edgesOf(graph, 'start'), ['root::start -> A']);
    assert.deepEqual(edgesOf(graph, 'next'), ['A -> B']);
    assert.deepEqual(edgesOf(graph, 'choice'), ['B -> Done [$.ok BooleanEquals true]']);
    assert.deepEqual(edgesOf(graph, 'default'), ['B -> Oops [Default]']);
    assert.deepEqual(edgesOf(graph, 'end'), ['Done -> root::end', 'Oops -> root::end [Bad]']);
    assert.deepEqual(graph.groups.map((group) => [group.id, group.kind, group.startAt]), [['root', 'root', 'A']]);
  });

  test('gives Retry a self-loop with AWS defaults and Catch an edge with its ErrorEquals', () => {
    const graph = buildStateGraph(
      parsed({
        StartAt: 'Call',
        States: {
          Call: {
            Type: 'Task',
            Resource: 'arn:aws:lambda:us-east-1:123456789012:function:f',
            Retry: [{ ErrorEquals: ['States.Timeout'] }, { ErrorEquals: ['Lambda.ServiceException', 'States.TaskFailed'], MaxAttempts: 5, IntervalSeconds: 2, BackoffRate: 1.5 }],
            Catch: [{ ErrorEquals: ['States.ALL'], Next: 'Recover' }],
            End: true,
          },
          Recover: { Type: 'Pass', End: true },
        },
      }),
    );
    const retries = graph.edges.filter((edge) => edge.kind === 'retry');
    assert.deepEqual(
      retries.map((edge) => [edge.from, edge.to, edge.errorEquals, edge.maxAttempts, edge.intervalSeconds, edge.backoffRate, edge.label]),
      [
        ['Call', 'Call', ['States.Timeout'], 3, 1, 2, 'States.Timeout (max 3)'],
        ['Call', 'Call', ['Lambda.ServiceException', 'States.TaskFailed'], 5, 2, 1.5, 'Lambda.ServiceException, States.TaskFailed (max 5)'],
      ],
    );
    const [catchEdge] = graph.edges.filter((edge) => edge.kind === 'catch');
    assert.deepEqual([catchEdge?.from, catchEdge?.to, catchEdge?.errorEquals], ['Call', 'Recover', ['States.ALL']]);
  });

  test('nests Parallel branches and Map processors (ItemProcessor and Iterator) as groups', () => {
    const graph = buildStateGraph(
      parsed({
        StartAt: 'Fan',
        States: {
          Fan: {
            Type: 'Parallel',
            Branches: [
              { StartAt: 'Work', States: { Work: { Type: 'Pass', End: true } } },
              { StartAt: 'Work2', States: { Work2: { Type: 'Wait', Seconds: 1, End: true } } },
            ],
            Next: 'Each',
          },
          Each: {
            Type: 'Map',
            ItemProcessor: { ProcessorConfig: { Mode: 'DISTRIBUTED', ExecutionType: 'STANDARD' }, StartAt: 'Item', States: { Item: { Type: 'Pass', End: true } } },
            Next: 'Old',
          },
          Old: { Type: 'Map', Iterator: { StartAt: 'Legacy', States: { Legacy: { Type: 'Succeed' } } }, End: true },
        },
      }),
    );
    assert.deepEqual(
      graph.groups.map((group) => [group.id, group.kind, group.parentNodeId, group.parentGroupId, group.branchIndex, group.mode]),
      [
        ['root', 'root', undefined, undefined, undefined, undefined],
        ['Fan#branch0', 'branch', 'Fan', 'root', 0, undefined],
        ['Fan#branch1', 'branch', 'Fan', 'root', 1, undefined],
        ['Each#items', 'item-processor', 'Each', 'root', undefined, 'DISTRIBUTED'],
        ['Old#items', 'item-processor', 'Old', 'root', undefined, 'INLINE'],
      ],
    );
    const legacy = graph.nodes.find((node) => node.name === 'Legacy');
    assert.deepEqual([legacy?.id, legacy?.groupId], ['Old#items/Legacy', 'Old#items']);
    assert.deepEqual(edgesOf(graph, 'start'), [
      'root::start -> Fan',
      'Fan#branch0::start -> Fan#branch0/Work',
      'Fan#branch1::start -> Fan#branch1/Work2',
      'Each#items::start -> Each#items/Item',
      'Old#items::start -> Old#items/Legacy',
    ]);
    assert.ok(edgesOf(graph, 'end').includes('Fan#branch1/Work2 -> Fan#branch1::end'));
    assert.deepEqual(edgesOf(graph, 'next'), ['Fan -> Each', 'Each -> Old']);
  });

  test('labels a JSONata Choice rule with its Condition', () => {
    const graph = buildStateGraph(
      parsed({
        QueryLanguage: 'JSONata',
        StartAt: 'C',
        States: {
          C: { Type: 'Choice', Choices: [{ Condition: '{% $states.input.n > 5 %}', Next: 'Big' }], Default: 'Small' },
          Big: { Type: 'Succeed' },
          Small: { Type: 'Succeed' },
        },
      }),
    );
    assert.deepEqual(edgesOf(graph, 'choice'), ['C -> Big [{% $states.input.n > 5 %}]']);
  });
});

describe('describeChoiceRule', () => {
  test('shows literals as JSON and Path operands bare', () => {
    assert.equal(describeChoiceRule({ Variable: '$.x', NumericGreaterThan: 5 }), '$.x NumericGreaterThan 5');
    assert.equal(describeChoiceRule({ Variable: '$.s', StringEquals: 'a' }), '$.s StringEquals "a"');
    assert.equal(describeChoiceRule({ Variable: '$.x', NumericLessThanPath: '$.y' }), '$.x NumericLessThanPath $.y');
  });
  test('nests And, Or and Not', () => {
    const rule = {
      And: [{ Variable: '$.a', IsPresent: true }, { Not: { Or: [{ Variable: '$.b', IsNull: true }, { Variable: '$.c', StringMatches: 'x*' }] } }],
    };
    assert.equal(describeChoiceRule(rule), '($.a IsPresent true) And (Not (($.b IsNull true) Or ($.c StringMatches "x*")))');
  });
});
