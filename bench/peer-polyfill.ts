/**
 * aws-local-stepfunctions 3.0.0 declares node >= 22. On Node 20 everything the workloads use
 * runs except one call: every Task state races its work against a timeout made with
 * `Promise.withResolvers` (ES2024, Node 22), so the Retry loop (the only workload with a Task)
 * fails with "Promise.withResolvers is not a function" without this polyfill. It is
 * installed only in the bench process, only when missing, and follows the spec's shape.
 */
interface Resolvers<T> {
  promise: Promise<T>;
  resolve: (value: T | PromiseLike<T>) => void;
  reject: (reason?: unknown) => void;
}

export function installPeerPolyfills(): string[] {
  const installed: string[] = [];
  const promise = Promise as unknown as { withResolvers?: <T>() => Resolvers<T> };
  if (typeof promise.withResolvers !== 'function') {
    promise.withResolvers = <T>(): Resolvers<T> => {
      let resolve!: Resolvers<T>['resolve'];
      let reject!: Resolvers<T>['reject'];
      const created = new Promise<T>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise: created, resolve, reject };
    };
    installed.push('Promise.withResolvers');
  }
  return installed;
}
