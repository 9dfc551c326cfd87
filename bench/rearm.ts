/**
 * Not a test: re-arm time alone, for profiling recovery without parking 100,000 executions
 * before every measurement (part 3 of `npm run bench` parks them anew each time).
 *
 *   node --import tsx bench/rearm.ts park DIR [COUNT]           # park COUNT (100,000) into DIR, then kill -9
 *   node --import tsx bench/rearm.ts time DIR [RUNS] [PROF_DIR]  # restart a copy of DIR RUNS (3) times
 *
 * `time` copies DIR for every run (recovery must see the data as the kill left it), starts
 * the real server on the copy and reports the seconds until it listens: recovery (reload open
 * executions, re-arm their timers) runs before the port opens. With PROF_DIR the first run is
 * started with `--cpu-prof` and stopped with SIGTERM so that the profile is written.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parkExecutions } from './open-executions';
import { launchServer } from './server-process';
import { benchClient } from './sfn';
import { figure, formatFigure } from './stats';

const CLIENTS = 32;

async function park(dataDir: string, count: number): Promise<void> {
  const server = await launchServer(dataDir);
  try {
    const client = benchClient(server.endpoint, CLIENTS);
    const parked = await parkExecutions(client, count, CLIENTS);
    client.destroy();
    console.log(`parked ${count} executions in ${parked.seconds.toFixed(1)} s; RSS ${server.rssMiB().toFixed(0)} MiB`);
  } finally {
    await server.kill('SIGKILL');
  }
}

async function time(template: string, runs: number, profileDir: string | undefined): Promise<void> {
  const seconds: number[] = [];
  for (let run = 0; run < runs; run += 1) {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stepstone-rearm-'));
    const profiled = profileDir !== undefined && run === 0;
    try {
      cpSync(template, dataDir, { recursive: true });
      const started = performance.now();
      const server = await launchServer(dataDir, profiled ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : []);
      const elapsed = (performance.now() - started) / 1000;
      seconds.push(elapsed);
      console.log(`run ${run + 1}: listening (all re-armed) after ${elapsed.toFixed(2)} s, RSS ${server.rssMiB().toFixed(0)} MiB${profiled ? ' (profiled)' : ''}`);
      await server.kill(profiled ? 'SIGTERM' : 'SIGKILL');
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  console.log(`re-arm: ${formatFigure(figure(seconds), 2)} s`);
}

async function main(): Promise<void> {
  const [mode, dataDir, count, profileDir] = process.argv.slice(2);
  if (mode === 'park' && dataDir) return park(dataDir, Number(count ?? 100_000));
  if (mode === 'time' && dataDir) return time(dataDir, Number(count ?? 3), profileDir);
  throw new Error('usage: bench/rearm.ts park DIR [COUNT] | time DIR [RUNS] [PROF_DIR]');
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
