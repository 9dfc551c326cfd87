import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { loadConfig, StartupRefusal } from './config';
import { logEachRequest } from './infrastructure/request-log';
import { stopOnSignals } from './infrastructure/shutdown';

/**
 * Largest request body accepted. Definitions may be 1 MiB and inputs 256 KiB; beyond this the
 * request is refused before parsing, so a huge body cannot tie up the process.
 */
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  // fastify's own pino logger, one line per request (request-log.ts) instead of its two.
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES, logger: { level: config.logLevel }, disableRequestLogging: true });
  // Bodies stay raw text: the controller parses them, so malformed JSON gets AWS's error
  // (SerializationException) from the one exception filter instead of fastify's default.
  const fastify = adapter.getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));
  logEachRequest(fastify);

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bodyParser: false,
    logger: ['error', 'warn'],
  });
  stopOnSignals(app);
  await app.listen(config.port, config.host);
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const clockNote = config.clock === 'fast' ? ', clock: fast (timers do not sleep)' : '';
  console.log(`stepstone listening on http://${config.host}:${port} (store: sqlite ${config.databaseFile}${clockNote})`);
}

bootstrap().catch((error: unknown) => {
  // A refused configuration is the operator's to fix: one line, no stack trace.
  console.error(error instanceof StartupRefusal ? `stepstone: ${error.message}` : error);
  process.exit(1);
});
