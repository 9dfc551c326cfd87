import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { after, describe, it } from 'node:test';
import { startServer, TEST_STORE, type RunningServer, SERVER_ENTRY } from '../support/server';

const repoRoot = path.resolve(__dirname, '..', '..');

describe('one server per SQLite data folder', () => {
  let server: RunningServer | undefined;
  after(async () => {
    await server?.dispose();
  });

  const skip = TEST_STORE === 'postgres' ? 'the lock guards the SQLite data folder; on PostgreSQL several servers share the store' : false;

  it('a second server on the same folder refuses to start with one line; after a SIGKILL the folder is free again', { skip }, async () => {
    server = await startServer();
    const second = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
      const child = spawn(process.execPath, [...SERVER_ENTRY], {
        cwd: repoRoot,
        env: { ...process.env, PORT: '0', STEPSTONE_GRPC_PORT: '0', HOST: '127.0.0.1', STEPSTONE_DATA: server!.dataDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`the second server did not exit:\n${output}`));
      }, 30_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        resolve({ code, output });
      });
    });
    assert.equal(second.code, 1);
    assert.equal(second.output.trim().split('\n').length, 1, second.output);
    assert.match(second.output.trim(), new RegExp(`^stepstone: another stepstone server \\(pid ${server.pid()}\\) already uses the data folder `));

    // A killed server leaves its lock file behind: the next start takes it over.
    await server.kill('SIGKILL');
    await server.restart();
    assert.ok(server.running());
  });
});
