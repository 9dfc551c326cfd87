import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { describeStoreSelection, openEventStore, StoreUnavailableError } from '@stepstone/event-store';
import { AppModule } from './app.module';
import { startTelemetry } from '@stepstone/telemetry';
import { loadConfig, StartupRefusal } from './config';
import { lockDataFolder } from './infrastructure/data-folder-lock';
import { logEachRequest } from './infrastructure/request-log';
import { stopOnSignals } from './infrastructure/shutdown';
import { CLUSTER_FEED_ANNOUNCEMENTS } from './infrastructure/cluster';
import { GrpcServer } from './grpc/grpc.server';

/**
 * Largest request body accepted. Definitions may be 1 MiB and inputs 256 KiB; beyond this the
 * request is refused before parsing, so a huge body cannot tie up the process.
 */
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // Before Nest builds anything, so every tracer and meter taken later is the configured one.
  // TelemetryService flushes it when the app closes.
  startTelemetry({ serviceName: 'stepstone', prometheusHost: config.host });
  if (config.store.kind === 'sqlite') lockDataFolder(config.dataDir);
  // Opened before Nest, so a store that cannot be reached is one line and exit 1 (see below).
  const store = await openEventStore(
    config.store.kind === 'sqlite'
      ? { ...config.store, backgroundCheckpointMs: 200 }
      : config.store.kind === 'postgres'
        ? { ...config.store, announcements: CLUSTER_FEED_ANNOUNCEMENTS }
        : config.store,
  );
  // fastify's own pino logger, one line per request (request-log.ts) instead of its two.
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, logger: { level: config.logLevel }, disableRequestLogging: true });
  // Bodies stay raw bytes: the controller decodes (refusing invalid UTF-8) and parses them, so malformed JSON gets AWS's error
  // (SerializationException) from the one exception filter instead of fastify's default. SigV4 hashes the same bytes.
  const fastify = adapter.getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'buffer' }, (_request, body, done) => done(null, body));
  logEachRequest(fastify);

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, store), adapter, {
    bodyParser: false,
    logger: ['error', 'warn'],
  });
  stopOnSignals(app);
  await app.listen(config.port, config.host);
  await app.get(GrpcServer).listen();
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const clockNote = config.clock === 'fast' ? ', clock: fast (timers do not sleep)' : '';
  console.log(`stepstone listening on http://${config.host}:${port} (store: ${describeStoreSelection(config.store)}${clockNote})`);
}

bootstrap().catch((error: unknown) => {
  // A refused configuration or an unreachable store is the operator's to fix: one line, no stack trace.
  console.error(error instanceof StartupRefusal || error instanceof StoreUnavailableError ? `stepstone: ${error.message}` : error);
  process.exit(1);
});
