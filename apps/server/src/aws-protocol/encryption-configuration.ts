import { applyDecorators } from '@nestjs/common';
import { IsOptional, ValidateBy, type ValidationArguments } from 'class-validator';
import { EncryptionType, type EncryptionConfiguration } from '@stepstone/projections';
import { InvalidEncryptionConfiguration } from './api-errors';
import { awsMessage } from './constraints';

/**
 * encryptionConfiguration of CreateStateMachine, UpdateStateMachine and CreateActivity
 * (API_EncryptionConfiguration): `type` required, one of AWS_OWNED_KEY and
 * CUSTOMER_MANAGED_KMS_KEY; `kmsKeyId` 1–2048 characters; `kmsDataKeyReusePeriodSeconds` an
 * integer 60–900. A member that breaks its constraint is a ValidationException worded as the
 * other members' (`Value 'X' at 'encryptionConfiguration.type' failed to satisfy constraint:
 * ...`); members that fit together badly are InvalidEncryptionConfiguration, checked by
 * `normalizeEncryption` in the handler.
 */
const ENCRYPTION_TYPES = [EncryptionType.AWS_OWNED_KEY, EncryptionType.CUSTOMER_MANAGED_KMS_KEY] as const;
const MAX_KMS_KEY_ID_LENGTH = 2048;
const MIN_REUSE_PERIOD = 60;
const MAX_REUSE_PERIOD = 900;

/** The first constraint the value breaks, in AWS's wording, or undefined when it keeps them all. */
export function encryptionConfigurationProblem(value: unknown, property = 'encryptionConfiguration'): string | undefined {
  const at = (member: string, memberValue: unknown) => ({ property: `${property}.${member}`, value: memberValue }) as ValidationArguments;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return awsMessage.object({ property, value } as ValidationArguments);
  const { type, kmsKeyId, kmsDataKeyReusePeriodSeconds } = value as Record<string, unknown>;
  if (type === undefined || type === null) return awsMessage.notNull(at('type', type));
  if (typeof type !== 'string') return awsMessage.string(at('type', type));
  if (!(ENCRYPTION_TYPES as readonly string[]).includes(type)) return awsMessage.enumeration(ENCRYPTION_TYPES)(at('type', type));
  if (kmsKeyId !== undefined && kmsKeyId !== null) {
    if (typeof kmsKeyId !== 'string') return awsMessage.string(at('kmsKeyId', kmsKeyId));
    if (kmsKeyId.length < 1) return awsMessage.minLength(1)(at('kmsKeyId', kmsKeyId));
    if (kmsKeyId.length > MAX_KMS_KEY_ID_LENGTH) return awsMessage.maxLength(MAX_KMS_KEY_ID_LENGTH)(at('kmsKeyId', kmsKeyId));
  }
  if (kmsDataKeyReusePeriodSeconds !== undefined && kmsDataKeyReusePeriodSeconds !== null) {
    const period = kmsDataKeyReusePeriodSeconds;
    if (typeof period !== 'number' || !Number.isInteger(period)) return awsMessage.integer(at('kmsDataKeyReusePeriodSeconds', period));
    if (period < MIN_REUSE_PERIOD) return awsMessage.min(MIN_REUSE_PERIOD)(at('kmsDataKeyReusePeriodSeconds', period));
    if (period > MAX_REUSE_PERIOD) return awsMessage.max(MAX_REUSE_PERIOD)(at('kmsDataKeyReusePeriodSeconds', period));
  }
  return undefined;
}

/** An optional encryptionConfiguration member, checked member by member. */
export function IsEncryptionConfiguration(): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    ValidateBy({
      name: 'isEncryptionConfiguration',
      validator: {
        validate: (value: unknown, args?: ValidationArguments) => encryptionConfigurationProblem(value, args?.property) === undefined,
        defaultMessage: (args?: ValidationArguments) => encryptionConfigurationProblem(args?.value, args?.property) ?? '',
      },
    }),
  );
}

/**
 * The configuration as stored and described: a customer managed key needs its kmsKeyId
 * (InvalidEncryptionConfiguration otherwise, as the API reference names that case); an AWS
 * owned key keeps only its type, since kmsKeyId and the reuse period "only apply to customer
 * managed keys" (API_EncryptionConfiguration). Members the shape does not declare are dropped.
 * Stepstone encrypts nothing with KMS: the key is recorded and returned, never called.
 */
export function normalizeEncryption(value: EncryptionConfiguration): EncryptionConfiguration {
  if (value.type === 'AWS_OWNED_KEY') return { type: 'AWS_OWNED_KEY' };
  if (value.kmsKeyId === undefined || value.kmsKeyId === null) {
    throw new InvalidEncryptionConfiguration('kmsKeyId must be specified when the encryption type is CUSTOMER_MANAGED_KMS_KEY');
  }
  return {
    type: 'CUSTOMER_MANAGED_KMS_KEY',
    kmsKeyId: value.kmsKeyId,
    ...(value.kmsDataKeyReusePeriodSeconds !== undefined && value.kmsDataKeyReusePeriodSeconds !== null
      ? { kmsDataKeyReusePeriodSeconds: value.kmsDataKeyReusePeriodSeconds }
      : {}),
  };
}
