import { getMetadataStorage, validateSync, type ValidationError } from 'class-validator';
import { InvalidDefinition, InvalidExecutionInput, InvalidName, ValidationException } from './api-errors';

/** A DTO class: its decorators say what a valid request holds. */
export type DtoClass<T extends object> = new () => T;

const membersByDto = new WeakMap<DtoClass<object>, ReadonlySet<string>>();

/** The members a DTO declares (every one carries at least one constraint decorator). */
function membersOf(dto: DtoClass<object>): ReadonlySet<string> {
  let members = membersByDto.get(dto);
  if (!members) {
    members = new Set(getMetadataStorage().getTargetValidationMetadatas(dto, '', true, false).map((metadata) => metadata.propertyName));
    membersByDto.set(dto, members);
  }
  return members;
}

/**
 * Turns a request body into its DTO and checks it. Explicit (not a ValidationPipe) because tsx
 * emits no decorator metadata, so a pipe would not know the metatype. The DTOs' messages are
 * AWS's constraint texts; they are joined as AWS joins them:
 * `2 validation errors detected: Value null at 'name' failed to ...; Value null at ...`.
 *
 * Only the DTO's declared members are taken over, as the AWS JSON protocol ignores unknown
 * members: a body key such as `constructor` or `__proto__` can then neither shadow the class
 * that class-validator looks its constraints up by nor reach a command. A `null` member is an
 * absent member, as AWS reads it (required ones then fail "must not be null").
 *
 * Synchronous: no constraint is async, and `validate` would allocate a promise per constraint
 * on every request.
 */
export function validateRequest<T extends object>(dto: DtoClass<T>, body: Record<string, unknown>): T {
  const instance = new dto();
  for (const key of membersOf(dto)) {
    if (!Object.prototype.hasOwnProperty.call(body, key) || body[key] === null) continue;
    Object.defineProperty(instance, key, { value: body[key], writable: true, enumerable: true, configurable: true });
  }
  const errors = validateSync(instance, { forbidUnknownValues: false, stopAtFirstError: true });
  if (errors.length > 0) {
    const messages = errors.flatMap(messagesOf);
    const count = messages.length;
    throw new ValidationException(`${count} validation error${count === 1 ? '' : 's'} detected: ${messages.join('; ')}`);
  }
  rejectLoneSurrogates(instance as Record<string, unknown>);
  return instance;
}

function messagesOf(error: ValidationError): string[] {
  const own = Object.values(error.constraints ?? {});
  return [...own, ...(error.children ?? []).flatMap(messagesOf)];
}

/** With the `u` flag a surrogate range matches only unpaired halves. */
const loneSurrogate = /[\ud800-\udfff]/u;

/**
 * Text that holds a lone UTF-16 surrogate has no UTF-8 form: stored, it would be replaced and
 * the store's hashes would no longer match what was recorded. Each member is refused with the
 * error AWS gives for a bad value of that member.
 */
function rejectLoneSurrogates(request: Record<string, unknown>): void {
  for (const [member, value] of Object.entries(request)) {
    if (!holdsLoneSurrogate(value, 0)) continue;
    if (member === 'name' && typeof value === 'string') throw new InvalidName(value);
    if (member === 'input') throw new InvalidExecutionInput('Input holds an unpaired UTF-16 surrogate, which is not valid Unicode');
    if (member === 'definition') throw new InvalidDefinition('Definition holds an unpaired UTF-16 surrogate, which is not valid Unicode');
    throw new ValidationException(`1 validation error detected: Value at '${member}' failed to satisfy constraint: Member must be valid Unicode text`);
  }
}

function holdsLoneSurrogate(value: unknown, depth: number): boolean {
  if (typeof value === 'string') return loneSurrogate.test(value);
  if (value === null || typeof value !== 'object' || depth > 4) return false;
  return Object.entries(value).some(([key, item]) => loneSurrogate.test(key) || holdsLoneSurrogate(item, depth + 1));
}
