import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule } from './app.module';
import { loadConfig } from './config';
import { GrpcServer } from './grpc/grpc.server';

/**
 * Largest request body accepted. Definitions may be 1 MiB and inputs 256 KiB; beyond this the
 * request is refused before parsing, so a huge body cannot tie up the process.
 */
const BODY_LIMIT_BYTES = 4 * 1024 * 1024;

async function bootstrap(): Promise<void> {
  const config = loadConfig();
  const adapter = new FastifyAdapter({ bodyLimit: BODY_LIMIT_BYTES });
  // Bodies stay raw text: the controller parses them, so malformed JSON gets AWS's error
  // (SerializationException) from the one exception filter instead of fastify's default.
  const fastify = adapter.getInstance();
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => done(null, body));

  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bodyParser: false,
    logger: ['error', 'warn'],
  });
  app.enableShutdownHooks();
  await app.listen(config.port, config.host);
  await app.get(GrpcServer).listen();
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address !== null ? address.port : config.port;
  const clockNote = config.clock === 'fast' ? ', clock: fast (timers do not sleep)' : '';
  console.log(`stepstone listening on http://${config.host}:${port} (store: sqlite ${config.databaseFile}${clockNote})`);
}

bootstrap().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
