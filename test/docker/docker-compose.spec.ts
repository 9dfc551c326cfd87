import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadConfig } from '../../apps/server/src/config';
import { createLocalFunctions, parseMockConfig } from '@stepstone/integrations';
import { environmentNamesReadByCode, isKnownName, type KnownEnvironment } from '../support/env-names';

// docker-compose.yml cannot run here (no Docker engine), so this checks what can go wrong in it
// without one: every variable a service sets is one the code reads (a misspelt name is silently
// ignored by the server, which then runs on its defaults), each Stepstone service's environment
// is a configuration the server accepts, and the files it points at are mounted and valid.

const repoRoot = path.resolve(__dirname, '..', '..');

interface ComposeService {
  readonly build?: unknown;
  readonly image?: string;
  readonly environment?: Record<string, string | number | boolean | null> | string[];
  readonly volumes?: string[];
  readonly healthcheck?: { readonly test?: string[] | string };
  readonly depends_on?: Record<string, { condition?: string }> | string[];
  readonly ports?: string[];
}

function loadCompose(file = path.join(repoRoot, 'docker-compose.yml')): Record<string, ComposeService> {
  // `merge: true` resolves the `<<: *anchor` keys Compose understands.
  const document = parse(readFileSync(file, 'utf8'), { merge: true }) as { services?: Record<string, ComposeService> };
  assert.ok(document.services, 'docker-compose.yml has services');
  return document.services;
}

/** A service's environment as a map, from either of Compose's two forms. */
function environmentOf(service: ComposeService): Record<string, string> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return Object.fromEntries(
      environment.map((entry) => {
        const at = entry.indexOf('=');
        return at < 0 ? [entry, ''] : [entry.slice(0, at), entry.slice(at + 1)];
      }),
    );
  }
  return Object.fromEntries(Object.entries(environment).map(([name, value]) => [name, value === null ? '' : String(value)]));
}

const isStepstone = (service: ComposeService) => service.build !== undefined;

/** Names read by the images of the other services (their documentation), not by our code. */
const IMAGE_VARIABLES: ReadonlyArray<[RegExp, (name: string) => boolean]> = [
  [/^postgres:/, (name) => ['POSTGRES_USER', 'POSTGRES_PASSWORD', 'POSTGRES_DB', 'POSTGRES_INITDB_ARGS', 'PGDATA'].includes(name)],
  [/kurrentdb/, (name) => name.startsWith('KURRENTDB_')],
];

/** The names in a compose file's services that nothing reads, as `service: NAME`. */
function unknownNames(services: Record<string, ComposeService>, known: KnownEnvironment): string[] {
  const unknown: string[] = [];
  for (const [serviceName, service] of Object.entries(services)) {
    const accepts = isStepstone(service)
      ? (name: string) => isKnownName(known, name)
      : IMAGE_VARIABLES.find(([image]) => image.test(service.image ?? ''))?.[1] ?? (() => false);
    for (const name of Object.keys(environmentOf(service))) if (!accepts(name)) unknown.push(`${serviceName}: ${name}`);
  }
  return unknown;
}

/** The host path a container path comes from, through the service's bind mounts. */
function hostPathOf(service: ComposeService, containerPath: string): string | undefined {
  for (const volume of service.volumes ?? []) {
    const [source, target] = volume.split(':');
    if (!source.startsWith('.')) continue;
    if (containerPath === target) return path.join(repoRoot, source);
    if (containerPath.startsWith(`${target}/`)) return path.join(repoRoot, source, containerPath.slice(target.length + 1));
  }
  return undefined;
}

describe('docker-compose.yml', () => {
  const services = loadCompose();
  const known = environmentNamesReadByCode(repoRoot);
  const stepstones = Object.entries(services).filter(([, service]) => isStepstone(service));

  it('finds the names the configuration code reads (the scan itself works)', () => {
    for (const name of ['PORT', 'HOST', 'STEPSTONE_STORE', 'STEPSTONE_POSTGRES_URL', 'KURRENTDB_CONNECTION_STRING', 'STEPSTONE_KEYS_FILE', 'STEPSTONE_LOCAL_FUNCTIONS', 'STEPSTONE_MOCK_CONFIG', 'OTEL_SDK_DISABLED']) {
      assert.ok(known.names.has(name), `${name} is read somewhere in apps/ or libs/`);
    }
    assert.ok(known.prefixes.includes('STEPSTONE_ENDPOINT_'), 'names built at run time count by prefix');
    assert.equal(isKnownName(known, 'STEPSTONE_ENDPOINT_SQS'), true);
    assert.equal(isKnownName(known, 'OTEL_EXPORTER_OTLP_ENDPOINT'), true);
    assert.equal(isKnownName(known, 'STEPSTONE_STOR'), false);
    assert.equal(isKnownName(known, 'STEPSTONE_ENDPOINT_'), false);
  });

  it('has two Stepstone services on PostgreSQL, PostgreSQL, KurrentDB and a third Stepstone service on it', () => {
    const stores = stepstones.map(([, service]) => environmentOf(service).STEPSTONE_STORE).sort();
    assert.deepEqual(stores, ['kurrentdb', 'postgres', 'postgres']);
    assert.ok(Object.values(services).some((service) => service.image?.startsWith('postgres:')));
    assert.ok(Object.values(services).some((service) => service.image?.includes('kurrentdb')));
    const postgresUrls = stepstones.map(([, service]) => environmentOf(service)).filter((env) => env.STEPSTONE_STORE === 'postgres').map((env) => env.STEPSTONE_POSTGRES_URL);
    assert.equal(new Set(postgresUrls).size, 1, 'both PostgreSQL services share one store');
    const kurrent = stepstones.map(([, service]) => environmentOf(service)).find((env) => env.STEPSTONE_STORE === 'kurrentdb')!;
    assert.ok(!postgresUrls.includes(kurrent.STEPSTONE_POSTGRES_URL), 'the KurrentDB service keeps its index and read models in a database of its own');
  });

  it('sets no environment variable that nothing reads', () => {
    assert.deepEqual(unknownNames(services, known), []);
  });

  it('reports a misspelt name (the check can fail)', () => {
    const misspelt = {
      stepstone: { build: '.', environment: { STEPSTONE_STORE: 'postgres', STEPSTONE_POSTGRES_ULR: 'postgres://x@y/z' } },
      postgres: { image: 'postgres:16', environment: ['POSTGRES_USER=a', 'POSTGRES_PASWORD=b'] },
    };
    assert.deepEqual(unknownNames(misspelt, known), ['stepstone: STEPSTONE_POSTGRES_ULR', 'postgres: POSTGRES_PASWORD']);
  });

  it("each Stepstone service's environment is a configuration the server accepts, with SigV4 as the Dockerfile sets it", () => {
    for (const [name, service] of stepstones) {
      const env = environmentOf(service);
      const config = loadConfig(env);
      assert.equal(config.auth.mode, 'sigv4', `${name} listens beyond loopback only with authentication`);
      assert.equal(config.host, '0.0.0.0');
      assert.equal(config.port, 8083, `${name}: the health check asks port 8083`);
      assert.equal(config.store.kind, env.STEPSTONE_STORE);
      assert.ok(
        (service.ports ?? []).some((port) => port.endsWith(':8083')),
        `${name} publishes its HTTP port`,
      );
    }
  });

  it('checks /ready on every Stepstone service, and waits for healthy stores', () => {
    for (const [name, service] of stepstones) {
      assert.match(JSON.stringify(service.healthcheck?.test ?? ''), /127\.0\.0\.1:8083\/ready/, name);
      const dependsOn = service.depends_on;
      assert.ok(dependsOn && !Array.isArray(dependsOn), `${name} waits for its stores`);
      for (const [dependency, condition] of Object.entries(dependsOn)) {
        assert.equal(condition.condition, 'service_healthy', `${name} waits until ${dependency} is healthy`);
        assert.ok(services[dependency]?.healthcheck, `${dependency} has a health check`);
      }
    }
  });

  it('mounts the keys, the mock configuration and the local functions the environment names, and they load', async () => {
    for (const [name, service] of stepstones) {
      const env = environmentOf(service);
      for (const variable of ['STEPSTONE_KEYS_FILE', 'STEPSTONE_MOCK_CONFIG', 'STEPSTONE_LOCAL_FUNCTIONS']) {
        const hostPath = hostPathOf(service, env[variable] ?? '');
        assert.ok(hostPath && existsSync(hostPath), `${name}: ${variable}=${env[variable]} is mounted from a file of the repository`);
      }
      const mocks = parseMockConfig(readFileSync(hostPathOf(service, env.STEPSTONE_MOCK_CONFIG)!, 'utf8'));
      assert.deepEqual([...(mocks.stateMachines.get('Greeter')?.keys() ?? [])].sort(), ['GreetFails', 'HappyPath'], `${name}: the mock configuration's test cases`);
      assert.equal(mocks.mockedResponses.size, 2);
      const functions = createLocalFunctions(hostPathOf(service, env.STEPSTONE_LOCAL_FUNCTIONS));
      assert.deepEqual(await functions.names(), ['double', 'greet']);
      const keys = JSON.parse(readFileSync(hostPathOf(service, env.STEPSTONE_KEYS_FILE)!, 'utf8')) as unknown;
      assert.ok(keys && typeof keys === 'object');
    }
  });
});
