import { existsSync } from 'node:fs';
import path from 'node:path';
import fastifyStatic from '@fastify/static';
import { Inject, Injectable, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';

/** Where `scripts/build-console.mjs` (run by `npm ci`'s postinstall) writes the console. */
// Found through the package's own name, so it holds from the sources and from the runtime bundle (dist/) alike.
export const CONSOLE_DIST = path.join(path.dirname(require.resolve('stepstone/package.json')), 'apps', 'console', 'dist');

/**
 * Serves the built console under /console/ from the same process as the API: no CDN, nothing
 * fetched from elsewhere. Registered on fastify directly (before `listen`), beside Nest's routes.
 */
@Injectable()
export class ConsoleStatic implements OnModuleInit {
  constructor(@Inject(HttpAdapterHost) private readonly adapterHost: HttpAdapterHost) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    if (!existsSync(path.join(CONSOLE_DIST, 'index.html'))) {
      console.warn(`console: not built (no ${CONSOLE_DIST}/index.html); run 'npm run build:console'`);
      fastify.get('/console/', (_request, reply) => {
        void reply.code(503).type('text/plain; charset=utf-8').send("The console is not built: run 'npm run build:console', then restart.");
      });
      return;
    }
    void fastify.register(fastifyStatic, { root: CONSOLE_DIST, prefix: '/console/', index: 'index.html', wildcard: true });
  }
}
