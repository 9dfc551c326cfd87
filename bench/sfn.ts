/**
 * The SDK client the durable parts use: @aws-sdk/client-sfn over keep-alive HTTP, with as many
 * sockets as the benchmark has concurrent clients, and helpers that page ListExecutions.
 */
import { Agent } from 'node:http';
import { ListExecutionsCommand, SFNClient, type ExecutionListItem, type ExecutionStatus } from '@aws-sdk/client-sfn';

export function benchClient(endpoint: string, sockets: number): SFNClient {
  return new SFNClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDSTEPSTONEBENCH', secretAccessKey: 'bench' },
    maxAttempts: 1,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, maxSockets: sockets }) },
  });
}

/** Every execution of a machine with `status`, paging ListExecutions 1,000 at a time. */
export async function listAll(client: SFNClient, stateMachineArn: string, statusFilter: ExecutionStatus): Promise<ExecutionListItem[]> {
  const items: ExecutionListItem[] = [];
  let nextToken: string | undefined;
  do {
    const page = await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter, maxResults: 1000, nextToken }));
    items.push(...(page.executions ?? []));
    nextToken = page.nextToken;
  } while (nextToken);
  return items;
}

/**
 * Terminal detection for many executions at once: one ListExecutions(statusFilter RUNNING,
 * maxResults 1) per poll answers "is anything still running?" from the read model, instead
 * of one DescribeExecution per execution.
 */
export async function waitUntilNoneRunning(client: SFNClient, stateMachineArn: string, timeoutMs: number, pollMs = 25): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const page = await client.send(new ListExecutionsCommand({ stateMachineArn, statusFilter: 'RUNNING', maxResults: 1 }));
    if ((page.executions ?? []).length === 0) return;
    if (performance.now() > deadline) throw new Error(`bench: executions of ${stateMachineArn} still RUNNING after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
