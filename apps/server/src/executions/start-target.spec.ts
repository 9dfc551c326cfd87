import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { routeByWeight } from './start-target';

const v1 = 'arn:aws:states:us-east-1:123456789012:stateMachine:m:1';
const v2 = 'arn:aws:states:us-east-1:123456789012:stateMachine:m:2';

describe('routeByWeight', () => {
  it('splits 10,000 execution names 80/20 within one percent', () => {
    const routing = [
      { stateMachineVersionArn: v1, weight: 80 },
      { stateMachineVersionArn: v2, weight: 20 },
    ];
    let onTwo = 0;
    for (let i = 0; i < 10_000; i += 1) if (routeByWeight(routing, `alias\nrun-${i}`) === v2) onTwo += 1;
    assert.ok(Math.abs(onTwo - 2_000) <= 100, `version 2 got ${onTwo} of 10000`);
  });

  it('sends the same name to the same version every time', () => {
    const routing = [
      { stateMachineVersionArn: v1, weight: 50 },
      { stateMachineVersionArn: v2, weight: 50 },
    ];
    const first = Array.from({ length: 50 }, (_, i) => routeByWeight(routing, `n-${i}`));
    assert.deepEqual(Array.from({ length: 50 }, (_, i) => routeByWeight(routing, `n-${i}`)), first);
    assert.ok(first.includes(v1) && first.includes(v2));
  });

  it('never picks a version of weight 0', () => {
    const routing = [
      { stateMachineVersionArn: v1, weight: 0 },
      { stateMachineVersionArn: v2, weight: 100 },
    ];
    for (let i = 0; i < 1_000; i += 1) assert.equal(routeByWeight(routing, `n-${i}`), v2);
  });
});
