import { plainToInstance, type ClassConstructor } from 'class-transformer';
import { validate, type ValidationError } from 'class-validator';
import { ValidationException } from './api-errors';

/**
 * Turns a request body into its DTO and checks it. Explicit (not a ValidationPipe) because tsx
 * emits no decorator metadata, so a pipe would not know the metatype. The DTOs' messages are
 * AWS's constraint texts; they are joined as AWS joins them:
 * `2 validation errors detected: Value null at 'name' failed to ...; Value null at ...`.
 */
export async function validateRequest<T extends object>(dto: ClassConstructor<T>, body: Record<string, unknown>): Promise<T> {
  const instance = plainToInstance(dto, body);
  const errors = await validate(instance, { forbidUnknownValues: false, stopAtFirstError: true });
  if (errors.length > 0) {
    const messages = errors.flatMap(messagesOf);
    const count = messages.length;
    throw new ValidationException(`${count} validation error${count === 1 ? '' : 's'} detected: ${messages.join('; ')}`);
  }
  return instance;
}

function messagesOf(error: ValidationError): string[] {
  const own = Object.values(error.constraints ?? {});
  return [...own, ...(error.children ?? []).flatMap(messagesOf)];
}
