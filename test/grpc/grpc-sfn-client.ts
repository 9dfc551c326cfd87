import type { SFNClient } from '@aws-sdk/client-sfn';
import { grpcTestClient } from '../support/grpc-client';

/**
 * The gRPC API behind the AWS SDK client's `send`: each SDK command (`StartExecutionCommand`)
 * becomes the RPC of the same action name with the same input, and the answer comes back in
 * the SDK's shapes (Dates, AWS error names). Lets the conformance runner written for the SDK
 * run unchanged through gRPC.
 */
export function grpcSfnClient(address: string): SFNClient {
  const client = grpcTestClient(address);
  const adapter = {
    send(command: { constructor: { name: string }; input: Record<string, unknown> }, options?: { abortSignal?: AbortSignal }) {
      const action = command.constructor.name.replace(/Command$/, '');
      return client.call(action, command.input, { sdkShapes: true, ...(options?.abortSignal ? { signal: options.abortSignal } : {}) });
    },
    destroy: () => client.close(),
  };
  return adapter as unknown as SFNClient;
}
