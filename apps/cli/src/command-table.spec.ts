import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS, loadCommand, runCli } from './command-table';

function capture() {
  const out: string[] = [];
  const err: string[] = [];
  return { io: { out: (text: string) => out.push(text), err: (text: string) => err.push(text) }, out, err };
}

describe('stepstone command table', () => {
  it('lists every command in --help', async () => {
    const { io, out } = capture();
    assert.equal(await runCli(['--help'], io), 0);
    for (const name of ['verify', 'audit', 'replay', 'projections', 'worker']) assert.match(out.join('\n'), new RegExp(`^  ${name} `, 'm'));
  });

  it('refuses an unknown command with exit code 2', async () => {
    const { io, err } = capture();
    assert.equal(await runCli(['frobnicate'], io), 2);
    assert.match(err.join('\n'), /unknown command 'frobnicate'/);
  });

  it('loads every command module, each with a run()', async () => {
    for (const [name, entry] of Object.entries(COMMANDS)) {
      if (name === 'serve') continue; // its module starts the server on import
      const command = await loadCommand(name, entry);
      assert.equal(typeof command.run, 'function', name);
    }
  });

  it('refuses a module without run()', async () => {
    await assert.rejects(loadCommand('hollow', { usage: 'hollow', summary: '', load: async () => ({}) }), /hollow: the command's module exports no run\(\)/);
  });
});
