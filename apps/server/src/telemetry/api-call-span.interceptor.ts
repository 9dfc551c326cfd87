import { Injectable, type CallHandler, type ExecutionContext, type NestInterceptor } from '@nestjs/common';
import { SpanKind, SpanStatusCode, trace, type Span } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import { Observable } from 'rxjs';
import { isApiError } from '../aws-protocol/api-errors';
import { TARGET_PREFIX } from '../aws-protocol/aws-json.controller';

/**
 * One span per API call, named by the AWS action (`StepFunctions.StartExecution`), with the
 * AWS error name when the call fails. Registered only when telemetry is on.
 */
@Injectable()
export class ApiCallSpanInterceptor implements NestInterceptor {
  private readonly tracer = trace.getTracer('stepstone');

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const target = String(request.headers['x-amz-target'] ?? '');
    const action = target.startsWith(TARGET_PREFIX) ? target.slice(TARGET_PREFIX.length) : `${request.method} ${request.routeOptions?.url ?? request.url}`;
    const span = this.tracer.startSpan(`StepFunctions.${action}`, {
      kind: SpanKind.SERVER,
      attributes: { 'rpc.system': 'aws-api', 'rpc.service': 'AWSStepFunctions', 'rpc.method': action },
    });
    return new Observable((subscriber) =>
      next.handle().subscribe({
        next: (value) => subscriber.next(value),
        error: (error: unknown) => {
          endWithError(span, error);
          subscriber.error(error);
        },
        complete: () => {
          span.end();
          subscriber.complete();
        },
      }),
    );
  }
}

function endWithError(span: Span, error: unknown): void {
  const name = isApiError(error) ? error.name : error instanceof Error ? error.name : 'InternalFailure';
  span.setAttribute('aws.error_name', name);
  // Client errors are the caller's, not the server's: only a 5xx marks the span as failed.
  const status = isApiError(error) ? error.status : 500;
  if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: name });
  span.end();
}
