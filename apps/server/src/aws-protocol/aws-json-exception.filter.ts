import { Catch, HttpException, Logger, type ArgumentsHost, type ExceptionFilter } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { InternalFailure, isApiError, UnknownOperationException, ValidationException, type ApiError } from './api-errors';
import { AWS_JSON_CONTENT_TYPE, encodeJsonBody } from './aws-json.controller';

/**
 * The one place API errors become responses: `{"__type": name, "message": ...}` with the
 * status the error carries and `x-amzn-ErrorType`, which the AWS SDKs and the CLI read.
 * Nest's own HTTP errors (a GET, an unknown path) and unexpected failures are mapped too.
 * Only the console's session check answers 401; its body adds `authRequired: true`, which is
 * what makes the console show its sign-in form.
 */
@Catch()
export class AwsJsonExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('AwsJson');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = this.toApiError(exception);
    void reply
      .status(error.status)
      .header('content-type', AWS_JSON_CONTENT_TYPE)
      .header('x-amzn-ErrorType', error.name)
      .send(
        encodeJsonBody({
          __type: error.name,
          message: error.message,
          ...(error instanceof ValidationException && error.reason !== undefined ? { reason: error.reason } : {}),
          ...(error.status === 401 ? { authRequired: true } : {}),
        }),
      );
  }

  private toApiError(exception: unknown): ApiError {
    if (isApiError(exception)) return exception;
    if (exception instanceof HttpException && exception.getStatus() === 404) {
      return new UnknownOperationException('Only POST / with X-Amz-Target is served');
    }
    // fastify refuses bodies over the limit set in main.ts before any handler runs.
    if (isFastifyError(exception, 'FST_ERR_CTP_BODY_TOO_LARGE')) {
      return new ValidationException('Request body is too large');
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return new InternalFailure('An internal error occurred');
  }
}

function isFastifyError(exception: unknown, code: string): boolean {
  return exception instanceof Error && (exception as Error & { code?: unknown }).code === code;
}
