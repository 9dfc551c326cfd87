import type { ServerWritableStream, ServiceError } from '@grpc/grpc-js';

/**
 * A server stream as the watches use it: writes that wait when the client reads slowly (so an
 * event store subscription, which awaits its handler, is paced by the client), one place that
 * ends the call with an error status, and one `closed` signal for whatever feeds the stream.
 */
export interface StreamCall<T> {
  readonly closed: AbortSignal;
  write(message: T): Promise<void>;
  end(): void;
  fail(error: Partial<ServiceError>): void;
}

export function streamCall<T>(call: ServerWritableStream<unknown, T>): StreamCall<T> {
  const closing = new AbortController();
  const close = () => closing.abort();
  call.once('cancelled', close);
  call.once('close', close);
  call.once('finish', close);
  return {
    closed: closing.signal,
    async write(message) {
      if (closing.signal.aborted) return;
      if (call.write(message)) return;
      await new Promise<void>((resolve) => {
        const done = () => {
          call.off('drain', done);
          closing.signal.removeEventListener('abort', done);
          resolve();
        };
        call.once('drain', done);
        closing.signal.addEventListener('abort', done, { once: true });
      });
    },
    end() {
      if (closing.signal.aborted) return;
      close();
      call.end();
    },
    fail(error) {
      if (closing.signal.aborted) return;
      close();
      call.emit('error', error);
    },
  };
}
