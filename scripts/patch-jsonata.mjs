#!/usr/bin/env node
// Makes JSONata's merge sort linear in memory (run by `npm install`/`npm ci`, postinstall).
//
// jsonata 2.x merges two sorted halves by recursing once per element on `right.slice(1)` /
// `left.slice(1)`: every step copies what is left of one half, and the chain of awaits keeps
// each copy alive, so `$sort` (and the `^( )` order-by operator, which uses the same function)
// takes time and memory quadratic in the array's length. `$sort([1..200000])` in a state's
// expression exhausted a 4 GB heap and killed the process, and recovery would run it again.
// The replacement walks both halves with indexes: the same comparisons in the same order (the
// sort stays stable and calls the comparator exactly as before), without the copies.
//
// Idempotent; if a jsonata release changes the function, nothing is patched and a warning says
// so (the spec `libs/asl/src/jsonata/evaluate-jsonata.spec.ts` sorts 200,000 items to notice).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const MARKER = '/* stepstone: merge without copies */';
const ORIGINAL = `            var merge_iter = async function (result, left, right) {
                if (left.length === 0) {
                    Array.prototype.push.apply(result, right);
                } else if (right.length === 0) {
                    Array.prototype.push.apply(result, left);
                } else if (await comp(left[0], right[0])) { // invoke the comparator function
                    // if it returns true - swap left and right
                    result.push(right[0]);
                    await merge_iter(result, left, right.slice(1));
                } else {
                    // otherwise keep the same order
                    result.push(left[0]);
                    await merge_iter(result, left.slice(1), right);
                }
            };`;
const REPLACEMENT = `            var merge_iter = async function (result, left, right) { ${MARKER}
                var l = 0, r = 0;
                while (l < left.length && r < right.length) {
                    if (await comp(left[l], right[r])) result.push(right[r++]);
                    else result.push(left[l++]);
                }
                while (l < left.length) result.push(left[l++]);
                while (r < right.length) result.push(right[r++]);
            };`;

const require = createRequire(import.meta.url);
let file;
try {
  file = require.resolve('jsonata');
} catch {
  process.exit(0); // not installed (yet): nothing to patch
}
const source = readFileSync(file, 'utf8');
if (source.includes(MARKER)) process.exit(0);
if (!source.includes(ORIGINAL)) {
  console.warn(`stepstone: ${file} has no merge sort to patch (a new jsonata release?); $sort may take quadratic memory`);
  process.exit(0);
}
writeFileSync(file, source.replace(ORIGINAL, REPLACEMENT));
