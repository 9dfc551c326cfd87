/**
 * Not a test: CPU time per execution of one in-process workload, Stepstone and
 * aws-local-stepfunctions in one process, round after round (the rate of a short time-boxed
 * run on a shared machine is mostly warm-up and load; CPU per execution is steadier).
 *
 *   node --import tsx bench/cpu-per-execution.ts [--workload Retry|"Single Pass"] [--engine stepstone|peer|both]
 *                                                [--rounds 5] [--executions 3000] [--concurrency 50] [--sources]
 *
 * Stepstone runs bundled as it ships (engine-bundle.ts), as in run.ts; `--sources` runs it through tsx.
 *
 * `--profile FILE` writes a V8 CPU profile (.cpuprofile) of the rounds after the first two
 * (warm-up and module loading left out); use it with `--engine` to profile one engine.
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import os from 'node:os';
import { loadBundledInProcess } from './engine-bundle';
import { peerEngine, stepstoneEngine as stepstoneFromSources } from './inprocess';
import { installPeerPolyfills } from './peer-polyfill';
import { FLOOR_WORKLOADS, WORKLOADS } from './workloads';

function option(name: string, fallback: string): string {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 && process.argv[at + 1] ? process.argv[at + 1] : fallback;
}

async function inFlight(run: () => Promise<unknown>, executions: number, concurrency: number): Promise<void> {
  let left = executions;
  const lane = async () => {
    while (left > 0) {
      left -= 1;
      await run();
    }
  };
  await Promise.all(Array.from({ length: concurrency }, lane));
}

async function main(): Promise<void> {
  installPeerPolyfills();
  const match = option('workload', 'Retry');
  const engines = option('engine', 'both');
  const rounds = Number(option('rounds', '5'));
  const executions = Number(option('executions', '3000'));
  const concurrency = Number(option('concurrency', '50'));
  const candidates = [...WORKLOADS, ...FLOOR_WORKLOADS];
  const workload = candidates.find((candidate) => candidate.name.includes(match));
  if (!workload) throw new Error(`no workload matches ${match}: ${candidates.map((w) => w.name).join(', ')}`);
  const keepAlive = setInterval(() => {}, 1_000);
  const sources = process.argv.includes('--sources');
  const stepstoneEngine = sources ? stepstoneFromSources : (await loadBundledInProcess()).stepstoneEngine;
  console.log(`${workload.name}: ${executions} executions per round, ${concurrency} in flight, Stepstone ${sources ? 'from sources' : 'bundled'}, load ${os.loadavg()[0].toFixed(2)}`);
  const profileFile = process.argv.includes('--profile') ? option('profile', 'cpu.cpuprofile') : undefined;
  const session = profileFile ? new Session() : undefined;
  session?.connect();
  const peer = peerEngine(workload);
  for (let round = 1; round <= rounds; round += 1) {
    if (session && round === Math.min(3, rounds)) {
      await session.post('Profiler.enable');
      await session.post('Profiler.start');
    }
    const line: string[] = [];
    for (const name of ['stepstone', 'peer'] as const) {
      if (engines !== 'both' && engines !== name) continue;
      // A fresh in-memory store per round: the store keeps every event.
      const engine = name === 'stepstone' ? stepstoneEngine(workload) : peer;
      const cpu = process.cpuUsage();
      const wall = performance.now();
      await inFlight(engine.run, executions, concurrency);
      const used = process.cpuUsage(cpu);
      const elapsed = performance.now() - wall;
      if (engine !== peer) await engine.close();
      const cpuPerExecution = (used.user + used.system) / executions;
      line.push(`${name} ${cpuPerExecution.toFixed(0)} µs CPU/exec, ${((executions / elapsed) * 1000).toFixed(0)} exec/s`);
    }
    console.log(`round ${round}: ${line.join('; ')}`);
  }
  if (session && profileFile) {
    const { profile } = await session.post('Profiler.stop');
    writeFileSync(profileFile, JSON.stringify(profile));
    session.disconnect();
  }
  clearInterval(keepAlive);
}

void main();
