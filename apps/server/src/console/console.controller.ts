import { Controller, Get, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { PublicRoute } from '../auth/auth.guard';
import { UnknownOperationException } from '../aws-protocol/api-errors';

/**
 * `GET /` from a browser (Accept: text/html) goes to the console; any other GET / keeps the
 * AWS endpoint's answer, and `POST /` (the AWS JSON API) is untouched. Public: a browser
 * carries no signature, and the console asks it to sign in once there.
 */
@Controller()
@PublicRoute()
export class ConsoleRedirectController {
  @Get('/')
  root(@Req() request: FastifyRequest, @Res() reply: FastifyReply): void {
    if (!/\btext\/html\b/.test(request.headers.accept ?? '')) throw new UnknownOperationException('Only POST / with X-Amz-Target is served');
    void reply.redirect('/console/', 302);
  }

  @Get('/console')
  console(@Res() reply: FastifyReply): void {
    void reply.redirect('/console/', 301);
  }
}
