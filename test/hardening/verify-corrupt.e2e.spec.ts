import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, it } from 'node:test';
import { CLI_ENTRY } from '../support/server';

const repoRoot = path.resolve(__dirname, '..', '..');

describe('stepstone verify on a corrupt file', () => {
  it('reports it in one line, with no stack trace, and exits non-zero', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'stepstone-corrupt-'));
    try {
      writeFileSync(path.join(dir, 'stepstone.db'), Buffer.alloc(8192, 0x5a));
      const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
        const child = execFile(process.execPath, [...CLI_ENTRY, 'verify', '--all', '--data', dir], { cwd: repoRoot, timeout: 30_000 }, (_error, _stdout, stderr) =>
          resolve({ code: child.exitCode, stderr }),
        );
      });
      assert.notEqual(code, 0);
      const lines = stderr.trim().split('\n');
      assert.equal(lines.length, 1, stderr);
      assert.match(lines[0], /stepstone\.db/);
      assert.doesNotMatch(stderr, /\n\s+at /);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
