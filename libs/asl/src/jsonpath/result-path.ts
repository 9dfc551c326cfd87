import { StatesError, StatesErrorName } from '../errors/states-error';
import { isObject } from './evaluate-path';
import { toJsonText } from './json-text';
import { JsonPathSyntaxError, parsePath, type PathSegment } from './path-parser';

/**
 * ResultPath: where the state's result goes in its raw input.
 *
 * - absent or `$`: the result replaces the input;
 * - null: the result is discarded and the input passes through;
 * - a reference path (`$.a.b`, `$.a[0]`): the result is written there in a copy of the
 *   input, creating missing objects on the way. The caller's input is never mutated.
 *
 * A path that cannot be applied (a step through a string, number, array or null; an index
 * outside an array; anything but names and indexes) fails with States.ResultPathMatchFailure.
 */
export function applyResultPath(resultPath: string | null | undefined, rawInput: unknown, result: unknown): unknown {
  if (resultPath === undefined || resultPath === '$') return result;
  if (resultPath === null) return rawInput;
  let segments: readonly PathSegment[];
  try {
    if (!resultPath.startsWith('$') || resultPath.startsWith('$$')) throw resultPathMatchFailure(resultPath, rawInput);
    const parsed = parsePath(resultPath);
    if (!parsed.segments.every(isWritableSegment)) throw resultPathMatchFailure(resultPath, rawInput);
    segments = parsed.segments;
  } catch (error) {
    if (error instanceof JsonPathSyntaxError) throw resultPathMatchFailure(resultPath, rawInput);
    throw error;
  }
  const written = writeAt(rawInput, segments, 0, result);
  if (written === FAILED) throw resultPathMatchFailure(resultPath, rawInput);
  return written;
}

// Top-level functions, not closures made per call: the hot path of every Task and Catch runs here.
function isWritableSegment(segment: PathSegment): boolean {
  return segment.kind === 'name' || segment.kind === 'index';
}

function resultPathMatchFailure(resultPath: string, rawInput: unknown): StatesError {
  return new StatesError(StatesErrorName.ResultPathMatchFailure, `Unable to apply ResultPath "${resultPath}" to input "${toJsonText(rawInput)}"`);
}

const FAILED: unique symbol = Symbol('failed');

function writeAt(node: unknown, segments: readonly PathSegment[], at: number, value: unknown): unknown {
  if (at === segments.length) return value;
  const segment = segments[at];
  if (segment.kind === 'name') {
    if (!isObject(node)) return FAILED;
    const child = Object.prototype.hasOwnProperty.call(node, segment.name) ? node[segment.name] : {};
    const written = writeAt(child, segments, at + 1, value);
    if (written === FAILED) return FAILED;
    return { ...node, [segment.name]: written };
  }
  if (segment.kind === 'index') {
    if (!Array.isArray(node)) return FAILED;
    const index = segment.index < 0 ? node.length + segment.index : segment.index;
    if (index < 0 || index >= node.length) return FAILED;
    const written = writeAt(node[index], segments, at + 1, value);
    if (written === FAILED) return FAILED;
    const copy = [...node];
    copy[index] = written;
    return copy;
  }
  return FAILED;
}
