import { validateSync, type ValidationError } from 'class-validator';
import { ValidationException } from './api-errors';

/** A DTO class: its decorators say what a valid request holds. */
export type DtoClass<T extends object> = new () => T;

/**
 * Turns a request body into its DTO and checks it. Explicit (not a ValidationPipe) because tsx
 * emits no decorator metadata, so a pipe would not know the metatype. The DTOs' messages are
 * AWS's constraint texts; they are joined as AWS joins them:
 * `2 validation errors detected: Value null at 'name' failed to ...; Value null at ...`.
 *
 * Synchronous: no constraint is async, and `validate` would allocate a promise per constraint
 * on every request. The body is freshly parsed JSON, so its fields are taken over as they are
 * (no class-transformer copy: no DTO declares nested types to convert to).
 */
export function validateRequest<T extends object>(dto: DtoClass<T>, body: Record<string, unknown>): T {
  const instance = new dto();
  for (const key of Object.keys(body)) {
    // defineProperty: a `__proto__` key stays a plain field instead of replacing the prototype
    // (which would hide the class, and with it every constraint).
    Object.defineProperty(instance, key, { value: body[key], writable: true, enumerable: true, configurable: true });
  }
  const errors = validateSync(instance, { forbidUnknownValues: false, stopAtFirstError: true });
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
