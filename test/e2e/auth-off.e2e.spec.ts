import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startServer, type RunningServer, SERVER_ENTRY } from '../support/server';

const repoRoot = path.resolve(__dirname, '..', '..');
const definition = JSON.stringify({ StartAt: 'Done', States: { Done: { Type: 'Pass', End: true } } });

/** Starts main.ts with `env` and returns its exit code and output (for servers that must refuse to start). */
function startRefused(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...SERVER_ENTRY], {
      cwd: repoRoot,
      env: { ...process.env, PORT: '0', STEPSTONE_GRPC_PORT: '0', STEPSTONE_DATA: path.join(repoRoot, '.tmp', 'never-created'), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

describe('with authentication off (the default)', () => {
  let server: RunningServer;
  before(async () => {
    server = await startServer();
  });
  after(async () => {
    await server?.dispose();
  });

  it("records a claimed key id as 'unverified:<id>', never as fact, even one named 'engine', and ignores X-Forwarded-For", async () => {
    const date = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    const response = await fetch(server.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-amz-json-1.0',
        'x-amz-target': 'AWSStepFunctions.CreateStateMachine',
        'x-forwarded-for': '203.0.113.9',
        authorization: `AWS4-HMAC-SHA256 Credential=engine/${date.slice(0, 8)}/us-east-1/states/aws4_request, SignedHeaders=host, Signature=${'0'.repeat(64)}`,
      },
      body: JSON.stringify({ name: 'claimed', definition, roleArn: 'arn:aws:iam::123456789012:role/r' }),
    });
    assert.equal(response.status, 200, await response.clone().text());
    const audit = (await (await fetch(`${server.endpoint}/audit`)).json()) as { entries: Array<{ actor: string; sourceIp: string }> };
    assert.deepEqual(
      audit.entries.map((entry) => [entry.actor, entry.sourceIp]),
      [['unverified:engine', '127.0.0.1']],
    );
  });
});

describe('binding without authentication', () => {
  it('refuses a non-loopback address in one line with exit code 1', async () => {
    const refused = await startRefused({ HOST: '0.0.0.0' });
    assert.equal(refused.code, 1, refused.output);
    assert.equal(
      refused.output.trim(),
      'stepstone: refusing to listen on 0.0.0.0 without authentication: set STEPSTONE_AUTH=sigv4 and STEPSTONE_KEYS_FILE, or STEPSTONE_ALLOW_INSECURE=1 to accept unauthenticated callers',
    );
  });

  it('refuses sigv4 without a keys file, and a keys file that does not parse, naming the problem', async () => {
    const noFile = await startRefused({ HOST: '127.0.0.1', STEPSTONE_AUTH: 'sigv4' });
    assert.equal(noFile.code, 1);
    assert.match(noFile.output.trim(), /^stepstone: STEPSTONE_AUTH=sigv4 needs STEPSTONE_KEYS_FILE/);
    const missing = await startRefused({ HOST: '127.0.0.1', STEPSTONE_AUTH: 'sigv4', STEPSTONE_KEYS_FILE: '/nonexistent/keys.json' });
    assert.equal(missing.code, 1);
    assert.equal(missing.output.trim(), 'stepstone: STEPSTONE_KEYS_FILE /nonexistent/keys.json: cannot read it (ENOENT)');
  });

  it('listens on a non-loopback address when STEPSTONE_ALLOW_INSECURE=1 says so', async (t) => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'stepstone-insecure-'));
    t.after(() => rmSync(dataDir, { recursive: true, force: true }));
    const child = spawn(process.execPath, [...SERVER_ENTRY], {
      cwd: repoRoot,
      env: { ...process.env, HOST: '0.0.0.0', PORT: '0', STEPSTONE_GRPC_PORT: '0', STEPSTONE_ALLOW_INSECURE: '1', STEPSTONE_DATA: dataDir },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let output = '';
    const listening = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), 30_000);
      const onData = (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (/stepstone listening on http:\/\/0\.0\.0\.0:/.test(output)) {
          clearTimeout(timer);
          resolve(true);
        }
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('exit', () => resolve(false));
    });
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
    assert.ok(listening, output);
  });
});
