/**
 * What bounding JSONata costs (issue 18): the same expressions evaluated plain, with
 * Stepstone's evaluation hooks (evaluateJsonataExpression), and through a worker thread (the
 * alternative: evaluation off the main event loop, paying a structured clone and a message
 * round trip per evaluation). Run: node --import tsx bench/jsonata-limits.ts
 */
import jsonata from 'jsonata';
import { Worker } from 'node:worker_threads';
import { evaluateJsonataExpression } from '@stepstone/asl';

const input = { items: Array.from({ length: 100 }, (_, i) => ({ name: `item-${i}`, price: i, tags: ['a', 'b'] })) };
const expressions = ['$states.input.items[price > 10].{ "n": name, "p": price * 2 }', '$sum($states.input.items.price)', '$states.input.items[0].name'];
const ROUNDS = 3_000;

async function time(label: string, run: (expression: string) => Promise<unknown>): Promise<void> {
  for (const expression of expressions) {
    for (let i = 0; i < 200; i++) await run(expression); // warm-up
    const started = performance.now();
    for (let i = 0; i < ROUNDS; i++) await run(expression);
    const perCall = ((performance.now() - started) * 1000) / ROUNDS;
    console.log(`${label.padEnd(8)} ${perCall.toFixed(1).padStart(7)} µs/eval  ${expression}`);
  }
}

async function main(): Promise<void> {
  const plain = new Map<string, jsonata.Expression>();
  await time('plain', (expression) => {
    let compiled = plain.get(expression);
    if (!compiled) plain.set(expression, (compiled = jsonata(expression)));
    return compiled.evaluate(undefined, { states: { input, context: {} } });
  });
  const env = { now: new Date(0) } as never;
  await time('hooks', (expression) => evaluateJsonataExpression(expression, { states: { input, context: {} }, variables: {} }, env));
  const worker = new Worker(
    `const jsonata = require('jsonata'); const { parentPort } = require('node:worker_threads');
     parentPort.on('message', async ({ expression, input }) => parentPort.postMessage(await jsonata(expression).evaluate(undefined, { states: { input, context: {} } })));`,
    { eval: true },
  );
  await time('worker', (expression) => new Promise((resolve) => {
    worker.once('message', resolve);
    worker.postMessage({ expression, input });
  }));
  await worker.terminate();
}

void main();
