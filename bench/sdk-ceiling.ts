/**
 * How fast @aws-sdk/client-sfn itself can go on this machine: StartExecution against a stub
 * HTTP server (another process) that answers at once. The durable figures cannot exceed this
 * ceiling, since the clients share the machine's cores with the server.
 */
import { spawn } from 'node:child_process';
import { StartExecutionCommand } from '@aws-sdk/client-sfn';
import { benchClient } from './sfn';

const STUB = `require('node:http').createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
    response.end('{"executionArn":"arn:aws:states:us-east-1:123456789012:execution:stub:x","startDate":1700000000}');
  });
}).listen(0, '127.0.0.1', function () { console.log(this.address().port); });`;

export interface SdkCeiling {
  readonly callsPerSec: number;
  readonly cpuMicrosPerCall: number;
}

export async function measureSdkCeiling(calls: number, clients: number): Promise<SdkCeiling> {
  const stub = spawn(process.execPath, ['-e', STUB], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const port = await new Promise<number>((resolve, reject) => {
      stub.stdout!.once('data', (chunk: Buffer) => resolve(Number(chunk.toString('utf8').trim())));
      stub.once('exit', (code) => reject(new Error(`stub server exited (${code})`)));
    });
    const client = benchClient(`http://127.0.0.1:${port}`, clients);
    const send = () =>
      client.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:123456789012:stateMachine:stub', name: 'x', input: '{}' }));
    const run = async (count: number) => {
      let next = 0;
      await Promise.all(Array.from({ length: clients }, async () => { while (next++ < count) await send(); }));
    };
    await run(Math.min(500, calls));
    const cpuBefore = process.cpuUsage();
    const started = performance.now();
    await run(calls);
    const seconds = (performance.now() - started) / 1000;
    const cpu = process.cpuUsage(cpuBefore);
    client.destroy();
    return { callsPerSec: calls / seconds, cpuMicrosPerCall: (cpu.user + cpu.system) / calls };
  } finally {
    stub.kill();
  }
}
