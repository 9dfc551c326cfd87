#!/usr/bin/env node
// Takes the quadratic loops out of JSONata (run by `npm install`/`npm ci`, postinstall).
//
// jsonata 2.x merges two sorted halves by recursing once per element on `right.slice(1)` /
// `left.slice(1)`: every step copies what is left of one half, and the chain of awaits keeps
// each copy alive, so `$sort` (and the `^( )` order-by operator, which uses the same function)
// takes time and memory quadratic in the array's length. `$sort([1..200000])` in a state's
// expression exhausted a 4 GB heap and killed the process, and recovery would run it again.
// The replacement walks both halves with indexes: the same comparisons in the same order (the
// sort stays stable and calls the comparator exactly as before), without the copies.
//
// `$spread` and the `*` wildcard built their results with `append`, which copies the whole result
// for every item (`arr.concat(more)`): `$spread` of 20,000 objects held the event loop for 9.7 s.
// They now push in place, after the same size check, and turn a sequence into a plain array
// where `concat` did, so results keep their shape.
//
// Idempotent; if a jsonata release changes a function, that one is not patched and a warning
// says so (`libs/asl/src/jsonata/evaluate-jsonata.spec.ts` sorts 200,000 items and spreads
// 20,000 objects to notice).
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const MARKER = '/* stepstone: patched */';
const PATCHES = [
  {
    name: 'the merge of $sort and ^( )',
    original: `            var merge_iter = async function (result, left, right) {
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
            };`,
    replacement: `            var merge_iter = async function (result, left, right) { ${MARKER}
                var l = 0, r = 0;
                while (l < left.length && r < right.length) {
                    if (await comp(left[l], right[r])) result.push(right[r++]);
                    else result.push(left[l++]);
                }
                while (l < left.length) result.push(left[l++]);
                while (r < right.length) result.push(right[r++]);
            };`,
  },
  {
    name: '$spread',
    original: `                result = append.call(this, result, spread.call(this, arg[ii]));`,
    replacement: `                var spreadItems = spread.call(this, arg[ii]); ${MARKER}
                if (typeof spreadItems !== 'undefined') {
                    if (!Array.isArray(spreadItems)) spreadItems = [spreadItems];
                    if (this.options && result.length + spreadItems.length > this.options.sequence) {
                        throw { code: "D2015", stack: (new Error()).stack, value: result.length + spreadItems.length };
                    }
                    if (result.sequence === true) result = Array.prototype.slice.call(result);
                    for (var si = 0; si < spreadItems.length; si++) result.push(spreadItems[si]);
                }`,
  },
  {
    name: 'the * wildcard',
    original: `                    value = flatten(value);
                    results = fn.append.call(focus, results, value);`,
    replacement: `                    value = flatten(value); ${MARKER}
                    if (focus.options && results.length + value.length > focus.options.sequence) {
                        throw { code: "D2015", stack: (new Error()).stack, value: results.length + value.length };
                    }
                    if (results.sequence === true) results = Array.prototype.slice.call(results);
                    for (var wi = 0; wi < value.length; wi++) results.push(value[wi]);`,
  },
];

const require = createRequire(import.meta.url);
let file;
try {
  file = require.resolve('jsonata');
} catch {
  process.exit(0); // not installed (yet): nothing to patch
}
let source = readFileSync(file, 'utf8');
let changed = false;
for (const patch of PATCHES) {
  if (source.includes(patch.replacement)) continue;
  if (!source.includes(patch.original)) {
    console.warn(`stepstone: ${file} has no ${patch.name} to patch (a new jsonata release?); it may take quadratic time`);
    continue;
  }
  source = source.replace(patch.original, patch.replacement);
  changed = true;
}
if (changed) writeFileSync(file, source);
