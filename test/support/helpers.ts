import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';

/** Reads `read()` until `done` holds or the time is up; returns the last value (the test asserts on it). */
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

/** The SDK call fails with AWS's error `name` (HTTP 400) and, when given, its message. */
export async function rejectsWith(promise: Promise<unknown>, name: string, message?: string | RegExp): Promise<void> {
  await assert.rejects(promise, (error: any) => {
    assert.equal(error.name, name, `expected ${name}, got ${error.name}: ${error.message}`);
    assert.equal(error.$metadata?.httpStatusCode, 400);
    if (typeof message === 'string') assert.equal(error.message, message);
    else if (message) assert.match(error.message, message);
    return true;
  });
}

/** The whole body of a request to an in-test stand-in server. */
export function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    let text = '';
    request.setEncoding('utf8').on('data', (chunk: string) => (text += chunk)).on('end', () => resolve(text));
  });
}
