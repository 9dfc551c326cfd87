import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { COMMANDS, CommandUnavailableError, loadCommand, runCli } from './command-table';

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

  it('loads a command module lazily, and names a module missing from the build instead of crashing', async () => {
    const verify = await loadCommand('verify', COMMANDS.verify);
    assert.equal(typeof verify.run, 'function');
    await assert.rejects(
      loadCommand('ghost', { usage: 'ghost', summary: 'not built', module: './commands/ghost.command' }),
      (error: unknown) => error instanceof CommandUnavailableError && /ghost\.command is missing/.test(error.message),
    );
  });

  it('lets a module that fails to load for another reason fail loudly', async () => {
    // A module that exists but throws while loading is a bug, not an absent command.
    await assert.rejects(loadCommand('broken', { usage: 'broken', summary: '', module: 'node:does-not-exist' }), (error: unknown) => !(error instanceof CommandUnavailableError));
  });
});
