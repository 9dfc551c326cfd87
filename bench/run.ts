/**
 * Not a test: Stepstone's speed, side by side with aws-local-stepfunctions (issue 7).
 *
 *   npm run bench                      # full run: medians of 3 runs, 100,000 parked executions
 *   npm run bench -- --quick           # about a minute: shorter runs, 5,000 parked executions
 *   npm run bench -- --json FILE       # also write the results as JSON (bench/results/ is ignored by git)
 *   npm run bench -- --only inprocess  # one part: inprocess | durable | open
 *   npm run bench -- --only inprocess --workload Retry  # in-process workloads whose name contains it
 *   npm run bench -- --sources         # in-process: Stepstone through tsx, module by module (default: bundled, as it ships)
 *
 * A full run starts each part in a process of its own (this script with --only): the SDK
 * clients of part 2 then do not share a heap with the engines and peers part 1 left behind,
 * and no part's figures depend on what ran before it.
 *
 * 1. In-process: the engine on an in-memory store vs aws-local-stepfunctions, same definitions,
 *    inputs and concurrency, alternating which goes first in each run.
 * 2. Durable: the real server over HTTP (@aws-sdk/client-sfn) on SQLite.
 * 3. Open work: executions parked in a Wait; server RSS; kill -9, restart, re-arm time.
 * Every figure is the median of >= 3 runs with its min–max spread.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { SFNClient } from '@aws-sdk/client-sfn';
import { SqliteDatabase, sqliteDriverModule } from '@stepstone/event-store';
import { measureLatency, measureThroughput } from './durable';
import { loadBundledInProcess } from './engine-bundle';
import { peerEngine, stepstoneEngine as stepstoneFromSources, timeBoxed } from './inprocess';
import { killAndRestart, parkExecutions } from './open-executions';
import { installPeerPolyfills } from './peer-polyfill';
import { measureSdkCeiling } from './sdk-ceiling';
import { launchServer, type ServerProcess } from './server-process';
import { benchClient } from './sfn';
import { figure, formatFigure, type Figure } from './stats';
import { WORKLOADS } from './workloads';

interface Settings {
  /** In-process: Stepstone as the runtime bundles it (engine-bundle.ts), or its sources through tsx. */
  readonly engineBuild: 'bundle' | 'sources';
  /** In-process workloads whose name contains this text; absent: all of them. */
  readonly workload?: string;
  readonly quick: boolean;
  readonly runs: number;
  readonly inprocessSeconds: number;
  readonly concurrency: number;
  readonly durableExecutions: number;
  readonly durableClients: number;
  readonly latencyRate: number;
  /** A rate this shared machine sustains, to show latency below saturation. */
  readonly latencyLowRate: number;
  readonly latencySeconds: number;
  readonly openExecutions: number;
  readonly openClients: number;
  readonly canaries: number;
}

type Part = 'inprocess' | 'durable' | 'open';
const PARTS: readonly Part[] = ['inprocess', 'durable', 'open'];

function parseArgs(argv: readonly string[]): { settings: Settings; jsonFile?: string; only?: Part; partFile?: string } {
  const quick = argv.includes('--quick');
  // Internal: where a part run as a child process writes its result for the parent.
  const partAt = argv.indexOf('--part-result');
  const partFile = partAt >= 0 ? argv[partAt + 1] : undefined;
  const jsonAt = argv.indexOf('--json');
  const onlyAt = argv.indexOf('--only');
  const jsonFile = jsonAt >= 0 ? argv[jsonAt + 1] : undefined;
  if (jsonAt >= 0 && !jsonFile) throw new Error('--json needs a file name');
  const only = onlyAt >= 0 ? argv[onlyAt + 1] : undefined;
  if (only !== undefined && !PARTS.includes(only as Part)) throw new Error('--only takes inprocess, durable or open');
  const workloadAt = argv.indexOf('--workload');
  const workload = workloadAt >= 0 ? argv[workloadAt + 1] : undefined;
  if (workloadAt >= 0 && !WORKLOADS.some((candidate) => workload !== undefined && candidate.name.includes(workload))) {
    throw new Error(`--workload matches none of: ${WORKLOADS.map((candidate) => candidate.name).join(', ')}`);
  }
  return {
    jsonFile,
    only: only as Part | undefined,
    partFile,
    settings: {
      engineBuild: argv.includes('--sources') ? 'sources' : 'bundle',
      ...(workload !== undefined ? { workload } : {}),
      quick,
      runs: 3,
      inprocessSeconds: quick ? 0.5 : 3,
      concurrency: 50,
      durableExecutions: quick ? 1_000 : 10_000,
      durableClients: 32,
      latencyRate: 500,
      latencyLowRate: 100,
      latencySeconds: quick ? 2 : 10,
      openExecutions: quick ? 5_000 : 100_000,
      openClients: 32,
      canaries: 100,
    },
  };
}

const cleanups = new Set<() => Promise<void> | void>();

async function withServer<T>(body: (server: ServerProcess, dataDir: string) => Promise<T>): Promise<T> {
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'stepstone-bench-'));
  let server: ServerProcess | undefined;
  const cleanup = async () => {
    await server?.kill('SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  };
  cleanups.add(cleanup);
  try {
    server = await launchServer(dataDir);
    return await body(server, dataDir);
  } finally {
    cleanups.delete(cleanup);
    await cleanup();
  }
}

interface InProcessRow {
  readonly workload: string;
  readonly transitionsPerExecution: number;
  readonly stepstoneExecPerSec: number;
  readonly peerExecPerSec: number;
  readonly ratio: number;
  readonly stepstoneTransitionsPerSec: number;
  readonly peerTransitionsPerSec: number;
  readonly spread: { readonly stepstone: Figure; readonly peer: Figure; readonly ratio: Figure };
}

async function runInProcess(settings: Settings): Promise<InProcessRow[]> {
  const stepstoneEngine = settings.engineBuild === 'bundle' ? (await loadBundledInProcess()).stepstoneEngine : stepstoneFromSources;
  const rows: InProcessRow[] = [];
  for (const workload of WORKLOADS) {
    if (settings.workload !== undefined && !workload.name.includes(settings.workload)) continue;
    const peer = peerEngine(workload);
    const warm = stepstoneEngine(workload);
    const transitions = await warm.transitionsPerExecution();
    // Warm both up (JIT) before the measured runs.
    await timeBoxed(warm.run, settings.inprocessSeconds / 2, settings.concurrency);
    await timeBoxed(peer.run, settings.inprocessSeconds / 2, settings.concurrency);
    await warm.close();
    const ours: number[] = [];
    const theirs: number[] = [];
    for (let run = 0; run < settings.runs; run += 1) {
      // Each measured run starts on an empty in-memory store, as the peer starts with nothing:
      // the store keeps every event, so a long-lived one would make later runs pay for earlier ones in GC.
      const stepstone = stepstoneEngine(workload);
      const order = run % 2 === 0 ? [stepstone, peer] : [peer, stepstone];
      for (const engine of order) {
        const result = await timeBoxed(engine.run, settings.inprocessSeconds, settings.concurrency);
        (engine === stepstone ? ours : theirs).push(result.execPerSec);
      }
      await stepstone.close();
    }
    await peer.close();
    const s = figure(ours);
    const p = figure(theirs);
    const ratio = figure(ours.map((value, index) => value / theirs[index]));
    rows.push({
      workload: workload.name,
      transitionsPerExecution: transitions,
      stepstoneExecPerSec: s.median,
      peerExecPerSec: p.median,
      ratio: ratio.median,
      stepstoneTransitionsPerSec: s.median * transitions,
      peerTransitionsPerSec: p.median * transitions,
      spread: { stepstone: s, peer: p, ratio },
    });
    console.error(`  ${workload.name}: stepstone ${formatFigure(s)} exec/s, peer ${formatFigure(p)} exec/s, ratio ${formatFigure(ratio, 2)}`);
  }
  return rows;
}

async function runDurable(settings: Settings) {
  return withServer(async (server) => {
    // A fresh client (and socket pool) per phase: a keep-alive socket left idle past the
    // server's keep-alive timeout while another phase keeps this process busy can be reused
    // just as the server closes it (ECONNRESET, and the SDK is told not to retry).
    const withClient = async <T>(name: string, sockets: number, phase: (client: SFNClient) => Promise<T>): Promise<T> => {
      const client = benchClient(server.endpoint, sockets);
      try {
        return await phase(client);
      } catch (error) {
        throw new Error(`bench: durable phase ${name} failed: ${String(error)}`, { cause: error });
      } finally {
        client.destroy();
      }
    };
    // Open loop: a start is sent when it is due. Sockets are capped so that a saturated server
    // does not get thousands of connections at once (an overflowing accept queue resets them);
    // a start that waits for a socket still counts the wait, from its scheduled time.
    const openLoop = 256;
    const throughput: number[] = [];
    const serverCpu: number[] = [];
    const clientCpu: number[] = [];
    const latency: Array<Awaited<ReturnType<typeof measureLatency>>> = [];
    const lowLatency: Array<Awaited<ReturnType<typeof measureLatency>>> = [];
    // Warm the server up (JIT, SQLite page cache) before the measured runs, as part 1 warms
    // both engines: the first measured run was otherwise a fifth slower and its p99 the worst.
    await withClient('warm-up', settings.durableClients, (client) =>
      measureThroughput(client, 'chain-warm-up', Math.round(settings.durableExecutions / 4), settings.durableClients, server.cpuMicros),
    );
    await withClient('warm-up latency', openLoop, (client) => measureLatency(client, 'chain-warm-up-latency', settings.latencyRate, 2));
    for (let run = 0; run < settings.runs; run += 1) {
      const t = await withClient(`throughput ${run + 1}`, settings.durableClients, (client) =>
        measureThroughput(client, `chain-throughput-${run}`, settings.durableExecutions, settings.durableClients, server.cpuMicros),
      );
      throughput.push(t.execPerSec);
      serverCpu.push(t.serverCpuMicrosPerExec);
      clientCpu.push(t.clientCpuMicrosPerExec);
      const l = await withClient(`latency ${settings.latencyRate}/s ${run + 1}`, openLoop, (client) => measureLatency(client, `chain-latency-${run}`, settings.latencyRate, settings.latencySeconds));
      latency.push(l);
      const low = await withClient(`latency ${settings.latencyLowRate}/s ${run + 1}`, openLoop, (client) =>
        measureLatency(client, `chain-latency-low-${run}`, settings.latencyLowRate, settings.latencySeconds),
      );
      lowLatency.push(low);
      console.error(
        `  run ${run + 1}: ${Math.round(t.execPerSec)} exec/s (CPU per execution: server ${Math.round(t.serverCpuMicrosPerExec)} µs, ` +
          `SDK clients ${Math.round(t.clientCpuMicrosPerExec)} µs); at ${Math.round(l.achievedStartsPerSec)} starts/s: ` +
          `start p50 ${l.p50StartMs.toFixed(1)} ms p99 ${l.p99StartMs.toFixed(1)} ms, end-to-end p99 ${l.p99EndToEndMs.toFixed(1)} ms; ` +
          `at ${settings.latencyLowRate}/s: start p99 ${low.p99StartMs.toFixed(1)} ms`,
      );
    }
    const ceilings = [];
    for (let run = 0; run < settings.runs; run += 1) ceilings.push(await measureSdkCeiling(settings.quick ? 1_000 : 3_000, settings.durableClients));
    const sdkCeiling = figure(ceilings.map((ceiling) => ceiling.callsPerSec));
    console.error(`  SDK client alone against a stub server: ${formatFigure(sdkCeiling)} calls/s`);
    const execPerSec = figure(throughput);
    const achieved = figure(latency.map((l) => l.achievedStartsPerSec));
    const p50Start = figure(latency.map((l) => l.p50StartMs));
    const p99Start = figure(latency.map((l) => l.p99StartMs));
    const p50EndToEnd = figure(latency.map((l) => l.p50EndToEndMs));
    const lowP50Start = figure(lowLatency.map((l) => l.p50StartMs));
    const lowP99Start = figure(lowLatency.map((l) => l.p99StartMs));
    const lowP99EndToEnd = figure(lowLatency.map((l) => l.p99EndToEndMs));
    const p99EndToEnd = figure(latency.map((l) => l.p99EndToEndMs));
    return {
      execPerSec: execPerSec.median,
      p50StartMs: p50Start.median,
      p99StartMs: p99Start.median,
      p50EndToEndMs: p50EndToEnd.median,
      p99EndToEndMs: p99EndToEnd.median,
      transitionsPerSec: execPerSec.median * 10,
      serverCpuMicrosPerExec: figure(serverCpu).median,
      clientCpuMicrosPerExec: figure(clientCpu).median,
      sdkCeilingCallsPerSec: sdkCeiling.median,
      sdkCeilingCpuMicrosPerCall: figure(ceilings.map((ceiling) => ceiling.cpuMicrosPerCall)).median,
      executionsPerRun: settings.durableExecutions,
      clients: settings.durableClients,
      startsPerSec: settings.latencyRate,
      achievedStartsPerSec: achieved.median,
      belowSaturation: {
        startsPerSec: settings.latencyLowRate,
        p50StartMs: lowP50Start.median,
        p99StartMs: lowP99Start.median,
        p99EndToEndMs: lowP99EndToEnd.median,
      },
      latencySeconds: settings.latencySeconds,
      spread: { execPerSec, achieved, p50Start, p99Start, p50EndToEnd, p99EndToEnd, sdkCeiling, lowP50Start, lowP99Start, lowP99EndToEnd },
    };
  });
}

async function runOpenExecutions(settings: Settings) {
  return withServer(async (server) => {
    const connect = () => benchClient(server.endpoint, settings.openClients);
    const client = connect();
    const parked = await parkExecutions(client, settings.openExecutions, settings.openClients);
    client.destroy();
    const rssParked = server.rssMiB();
    console.error(`  parked ${settings.openExecutions} executions in ${parked.seconds.toFixed(1)} s (${Math.round(parked.startsPerSec)} starts/s); RSS ${rssParked.toFixed(0)} MiB`);
    const restarts = [];
    for (let run = 0; run < settings.runs; run += 1) {
      const restart = await killAndRestart(server, connect, parked.stateMachineArn, `canary-${run}`, settings.canaries);
      if (restart.stillRunning !== settings.openExecutions) throw new Error(`bench: ${restart.stillRunning} of ${settings.openExecutions} parked executions RUNNING after restart`);
      if (restart.canariesSucceeded !== restart.canaries) throw new Error(`bench: ${restart.canariesSucceeded} of ${restart.canaries} canaries fired after restart`);
      restarts.push(restart);
      console.error(`  kill -9 + restart ${run + 1}: listening (all re-armed) after ${restart.rearmSeconds.toFixed(2)} s, RSS ${restart.rssAfterRestartMiB.toFixed(0)} MiB`);
    }
    const rearm = figure(restarts.map((r) => r.rearmSeconds));
    const rssAfterRestart = figure(restarts.map((r) => r.rssAfterRestartMiB));
    const rss = Math.max(rssParked, rssAfterRestart.median);
    return {
      count: settings.openExecutions,
      rssMiB: rss,
      rssParkedMiB: rssParked,
      rearmSeconds: rearm.median,
      parkStartsPerSec: parked.startsPerSec,
      canariesFiredAfterRestart: `${restarts.map((r) => r.canariesSucceeded).join('/')} of ${settings.canaries} per restart`,
      spread: { rearmSeconds: rearm, rssAfterRestartMiB: rssAfterRestart },
    };
  });
}

function versions() {
  const root = path.resolve(__dirname, '..');
  const packageVersion = (file: string) => (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  const memory = new SqliteDatabase(':memory:');
  const sqlite = memory.prepare('SELECT sqlite_version()').pluck().get() as string;
  memory.close();
  return {
    node: process.version,
    stepstone: packageVersion(path.join(root, 'package.json')),
    awsLocalStepfunctions: packageVersion(path.join(root, 'node_modules/aws-local-stepfunctions/package.json')),
    betterSqlite3: packageVersion(path.join(path.dirname(sqliteDriverModule), '..', 'package.json')),
    sqlite,
  };
}

function machine() {
  const cpus = os.cpus();
  return {
    cpuModel: cpus[0]?.model ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    loadAverageAtStart: os.loadavg().map((value) => Math.round(value * 100) / 100),
  };
}

function table(inprocess: InProcessRow[] | undefined, durable: Awaited<ReturnType<typeof runDurable>> | undefined, open: Awaited<ReturnType<typeof runOpenExecutions>> | undefined): string {
  const n = (value: number, digits = 0) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const lines: string[] = [];
  if (inprocess) {
    lines.push('| In-process workload | transitions/exec | Stepstone exec/s | aws-local-stepfunctions exec/s | ratio | Stepstone transitions/s |');
    lines.push('|---|---:|---:|---:|---:|---:|');
    for (const row of inprocess) {
      lines.push(
        `| ${row.workload} | ${row.transitionsPerExecution} | ${formatFigure(row.spread.stepstone)} | ${formatFigure(row.spread.peer)} | ` +
          `${formatFigure(row.spread.ratio, 2)}× | ${n(row.stepstoneTransitionsPerSec)} |`,
      );
    }
    lines.push('');
  }
  if (durable) {
    lines.push('| Durable (server, HTTP, SQLite), 10-Pass chain | median (min–max) |');
    lines.push('|---|---:|');
    lines.push(`| executions/s to terminal, ${durable.clients} concurrent clients | ${formatFigure(durable.spread.execPerSec)} |`);
    lines.push(`| starts/s the open loop achieved (target ${durable.startsPerSec}) | ${formatFigure(durable.spread.achieved)} |`);
    lines.push(`| StartExecution p50 at ${durable.startsPerSec} starts/s | ${formatFigure(durable.spread.p50Start, 1)} ms |`);
    lines.push(`| StartExecution p99 at ${durable.startsPerSec} starts/s | ${formatFigure(durable.spread.p99Start, 1)} ms |`);
    lines.push(`| start-to-SUCCEEDED p99 at ${durable.startsPerSec} starts/s | ${formatFigure(durable.spread.p99EndToEnd, 1)} ms |`);
    lines.push(`| StartExecution p50 / p99 at ${durable.belowSaturation.startsPerSec} starts/s | ${formatFigure(durable.spread.lowP50Start, 1)} / ${formatFigure(durable.spread.lowP99Start, 1)} ms |`);
    lines.push(`| start-to-SUCCEEDED p99 at ${durable.belowSaturation.startsPerSec} starts/s | ${formatFigure(durable.spread.lowP99EndToEnd, 1)} ms |`);
    lines.push(`| CPU per execution: server / SDK client | ${n(durable.serverCpuMicrosPerExec)} µs / ${n(durable.clientCpuMicrosPerExec)} µs |`);
    lines.push(`| ceiling: the SDK client alone against a stub server | ${formatFigure(durable.spread.sdkCeiling)} calls/s |`);
    lines.push('');
  }
  if (open) {
    lines.push('| Open work | value |');
    lines.push('|---|---:|');
    lines.push(`| executions parked in a Wait | ${n(open.count)} |`);
    lines.push(`| server RSS (max of parked / after restart) | ${n(open.rssMiB)} MiB |`);
    lines.push(`| kill -9 → restart → all timers re-armed | ${formatFigure(open.spread.rearmSeconds, 2)} s |`);
    lines.push('');
  }
  return lines.join('\n');
}

/** Runs one part as `bench/run.ts --only <part>` in a fresh Node process; resolves with its result. */
async function runPartInChild<T>(part: Part, settings: Settings): Promise<T> {
  const { quick, workload } = settings;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stepstone-bench-part-'));
  const resultFile = path.join(dir, 'result.json');
  const args = ['--import', 'tsx', path.join(__dirname, 'run.ts'), '--only', part, '--part-result', resultFile, ...(quick ? ['--quick'] : []), ...(workload !== undefined ? ['--workload', workload] : []), ...(settings.engineBuild === 'sources' ? ['--sources'] : [])];
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'ignore', 'inherit'], env: process.env });
  const stopChild = () => void child.kill('SIGTERM');
  cleanups.add(stopChild);
  try {
    const code = await new Promise<number | null>((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (exitCode) => resolve(exitCode));
    });
    if (code !== 0) throw new Error(`bench: part ${part} exited with code ${code}`);
    return JSON.parse(readFileSync(resultFile, 'utf8')) as T;
  } finally {
    cleanups.delete(stopChild);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const { settings, jsonFile, only, partFile } = parseArgs(process.argv.slice(2));
  const polyfills = installPeerPolyfills();
  // The SDK warns once per client that Node 20 leaves its support window; it says nothing
  // about the figures and would bury the table.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  // The runner's timer heap unrefs its OS timer (a server is kept alive by its port); keep
  // this process alive while in-process executions wait on zero-interval retries.
  const keepAlive = setInterval(() => {}, 1_000);
  const stop = async () => {
    for (const cleanup of [...cleanups]) await cleanup();
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const date = new Date().toISOString();
  if (!partFile) console.error(`stepstone bench (${settings.quick ? 'quick' : 'full'}), ${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(2)}; peer polyfills: ${polyfills.join(', ') || 'none'}`);
  let inprocess: InProcessRow[] | undefined;
  let durable: Awaited<ReturnType<typeof runDurable>> | undefined;
  let open: Awaited<ReturnType<typeof runOpenExecutions>> | undefined;
  if (only) {
    if (only === 'inprocess') {
      console.error(`1. in-process, concurrency ${settings.concurrency}, Stepstone ${settings.engineBuild === 'bundle' ? 'bundled as it ships' : 'from its sources (tsx)'}`);
      inprocess = await runInProcess(settings);
    } else if (only === 'durable') {
      console.error('2. durable over HTTP (SQLite)');
      durable = await runDurable(settings);
    } else {
      console.error(`3. ${settings.openExecutions} executions parked in a Wait`);
      open = await runOpenExecutions(settings);
    }
    if (partFile) writeFileSync(partFile, JSON.stringify(inprocess ?? durable ?? open));
  } else {
    inprocess = await runPartInChild<InProcessRow[]>('inprocess', settings);
    durable = await runPartInChild('durable', settings);
    open = await runPartInChild('open', settings);
  }
  if (partFile) {
    clearInterval(keepAlive);
    return;
  }
  clearInterval(keepAlive);
  console.log(table(inprocess, durable, open));
  if (jsonFile) {
    const results = {
      date,
      mode: settings.quick ? 'quick' : 'full',
      command: `npm run bench --${process.argv.slice(2).map((arg) => ` ${arg}`).join('')}`,
      machine: machine(),
      versions: versions(),
      peerPolyfills: polyfills,
      settings,
      ...(inprocess ? { inprocess } : {}),
      ...(durable ? { durable } : {}),
      ...(open ? { openExecutions: open } : {}),
    };
    mkdirSync(path.dirname(path.resolve(jsonFile)), { recursive: true });
    writeFileSync(jsonFile, `${JSON.stringify(results, null, 2)}\n`);
    console.error(`wrote ${jsonFile}`);
  }
}

main().catch(async (error: unknown) => {
  console.error(error);
  for (const cleanup of [...cleanups]) await cleanup();
  process.exit(1);
});
