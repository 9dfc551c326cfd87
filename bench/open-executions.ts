/**
 * Part 3: executions parked in a Wait state. They are started through the server over HTTP
 * (the way they would really arrive), then the server's RSS is read from /proc; then the
 * server is killed with SIGKILL and started again: the time until it listens again is the
 * re-arm time, since recovery (reload open executions, re-arm their timers in the heap) runs
 * before the port opens. Canary executions whose Wait ends 2 s after the kill must all
 * SUCCEED after the restart: proof that recovery re-armed timers and that they fire.
 */
import { StartExecutionCommand, type SFNClient } from '@aws-sdk/client-sfn';
import { createMachine } from './durable';
import type { ServerProcess } from './server-process';
import { listAll, waitUntilNoneRunning } from './sfn';

const PARKED = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'ticket.$': '$.ticket', parked: true }, Next: 'Park' },
    Park: { Type: 'Wait', Seconds: 86_400, Next: 'Done' },
    Done: { Type: 'Succeed' },
  },
};

const CANARY = {
  StartAt: 'Park',
  States: { Park: { Type: 'Wait', SecondsPath: '$.seconds', Next: 'Done' }, Done: { Type: 'Succeed' } },
};

export interface ParkResult {
  readonly stateMachineArn: string;
  readonly seconds: number;
  readonly startsPerSec: number;
}

export async function parkExecutions(client: SFNClient, count: number, clients: number): Promise<ParkResult> {
  const stateMachineArn = await createMachine(client, 'parked', PARKED);
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async () => {
      while (next < count) {
        const index = next++;
        await client.send(new StartExecutionCommand({ stateMachineArn, name: `p${index}`, input: JSON.stringify({ ticket: index }) }));
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  return { stateMachineArn, seconds, startsPerSec: count / seconds };
}

export interface RestartResult {
  readonly rearmSeconds: number;
  readonly rssAfterRestartMiB: number;
  readonly stillRunning: number;
  readonly canariesSucceeded: number;
  readonly canaries: number;
}

/** kill -9, restart, time to listening; then count what is RUNNING and wait for the canaries. */
export async function killAndRestart(
  server: ServerProcess,
  connect: () => SFNClient,
  parkedArn: string,
  canaryMachineName: string,
  canaries: number,
): Promise<RestartResult> {
  let client = connect();
  const canaryArn = await createMachine(client, canaryMachineName, CANARY);
  await Promise.all(
    Array.from({ length: canaries }, (_, index) =>
      client.send(new StartExecutionCommand({ stateMachineArn: canaryArn, name: `c${index}`, input: JSON.stringify({ seconds: 2 }) })),
    ),
  );
  client.destroy();
  await server.kill('SIGKILL');
  const rearmSeconds = await server.restart();
  const rssAfterRestartMiB = server.rssMiB();
  client = connect();
  await waitUntilNoneRunning(client, canaryArn, 60_000);
  const canariesSucceeded = (await listAll(client, canaryArn, 'SUCCEEDED')).length;
  const stillRunning = (await listAll(client, parkedArn, 'RUNNING')).length;
  client.destroy();
  return { rearmSeconds, rssAfterRestartMiB, stillRunning, canariesSucceeded, canaries };
}
