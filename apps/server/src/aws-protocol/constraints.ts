import { applyDecorators } from '@nestjs/common';
import { IsDefined, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength, type ValidationArguments } from 'class-validator';

/**
 * class-validator messages in AWS's wording (the Smithy model's constraint texts), so a DTO
 * violation reads like the ValidationException AWS sends.
 */
/**
 * A value as an error message quotes it. Never `String(value)` on a list or structure: a list
 * nested 20,000 deep overflows the stack in Array#toString (a fuzzed enum member answered
 * InternalFailure), and a megabyte-long text is not echoed back whole.
 */
export function quotedValue(value: unknown, maxQuotedLength = MAX_QUOTED_LENGTH): string {
  if (typeof value === 'string') return value.length > maxQuotedLength ? `${value.slice(0, maxQuotedLength)}...` : value;
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? '[...]' : '{...}';
  return String(value);
}

const MAX_QUOTED_LENGTH = 256;
const MAX_QUOTED_TOKEN_LENGTH = 8192;

export const awsMessage = {
  notNull: (args: ValidationArguments) => `Value null at '${args.property}' failed to satisfy constraint: Member must not be null`,
  string: (args: ValidationArguments) => `Value at '${args.property}' failed to satisfy constraint: Member must be a string`,
  boolean: (args: ValidationArguments) => `Value at '${args.property}' failed to satisfy constraint: Member must be a boolean`,
  integer: (args: ValidationArguments) => `Value at '${args.property}' failed to satisfy constraint: Member must be an integer`,
  list: (args: ValidationArguments) => `Value at '${args.property}' failed to satisfy constraint: Member must be a list`,
  object: (args: ValidationArguments) => `Value at '${args.property}' failed to satisfy constraint: Member must be a structure`,
  minLength: (min: number) => (args: ValidationArguments) =>
    `Value '${quotedValue(args.value)}' at '${args.property}' failed to satisfy constraint: Member must have length greater than or equal to ${min}`,
  /** Long values (definitions, inputs) are sensitive on AWS: the value is left out of the message. */
  maxLength: (max: number) => (args: ValidationArguments) =>
    `Value at '${args.property}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
  /**
   * A page token is not sensitive: AWS quotes a too-long one whole (LocalStack's snapshots
   * test_list_sms_pagination, 1,025 characters, and test_list_executions_pagination, 3,097,
   * recorded against AWS). Past MAX_QUOTED_TOKEN_LENGTH it is cut, as quotedValue cuts.
   */
  maxLengthQuoted: (max: number) => (args: ValidationArguments) =>
    `Value '${quotedValue(args.value, MAX_QUOTED_TOKEN_LENGTH)}' at '${args.property}' failed to satisfy constraint: Member must have length less than or equal to ${max}`,
  enumeration: (values: readonly string[]) => (args: ValidationArguments) =>
    `Value '${quotedValue(args.value)}' at '${args.property}' failed to satisfy constraint: Member must satisfy enum value set: [${values.join(', ')}]`,
  max: (max: number) => (args: ValidationArguments) =>
    `Value '${quotedValue(args.value)}' at '${args.property}' failed to satisfy constraint: Member must have value less than or equal to ${max}`,
  min: (min: number) => (args: ValidationArguments) =>
    `Value '${quotedValue(args.value)}' at '${args.property}' failed to satisfy constraint: Member must have value greater than or equal to ${min}`,
};

const MAX_ARN_LENGTH = 256;

/** An ARN member (stateMachineArn, executionArn, roleArn, resourceArn…): 1–256 characters. */
export function IsArnMember(options: { required: boolean }): PropertyDecorator {
  return applyDecorators(
    options.required ? IsDefined({ message: awsMessage.notNull }) : IsOptional(),
    IsString({ message: awsMessage.string }),
    MinLength(1, { message: awsMessage.minLength(1) }),
    MaxLength(MAX_ARN_LENGTH, { message: awsMessage.maxLength(MAX_ARN_LENGTH) }),
  );
}

/** A LongArn member (mapRunArn): 1–2000 characters. */
export function IsLongArnMember(options: { required: boolean }): PropertyDecorator {
  return applyDecorators(
    options.required ? IsDefined({ message: awsMessage.notNull }) : IsOptional(),
    IsString({ message: awsMessage.string }),
    MinLength(1, { message: awsMessage.minLength(1) }),
    MaxLength(2000, { message: awsMessage.maxLength(2000) }),
  );
}

/** A list action's optional `maxResults`: 0 (the default page) up to `max`. */
export function IsPageSize(max: number): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsInt({ message: awsMessage.integer }),
    Min(0, { message: awsMessage.min(0) }),
    Max(max, { message: awsMessage.max(max) }),
  );
}

/** A list action's optional `nextToken`. */
export function IsPageToken(maxLength: number): PropertyDecorator {
  return applyDecorators(
    IsOptional(),
    IsString({ message: awsMessage.string }),
    MinLength(1, { message: awsMessage.minLength(1) }),
    MaxLength(maxLength, { message: awsMessage.maxLengthQuoted(maxLength) }),
  );
}

/** IncludedData (API reference): ALL_DATA, the default, or METADATA_ONLY. */
export const INCLUDED_DATA = ['ALL_DATA', 'METADATA_ONLY'] as const;
export type IncludedData = (typeof INCLUDED_DATA)[number];

/** The optional `includedData` of DescribeStateMachine, DescribeStateMachineForExecution, DescribeExecution and StartSyncExecution. */
export function IsIncludedData(): PropertyDecorator {
  return applyDecorators(IsOptional(), IsIn(INCLUDED_DATA, { message: awsMessage.enumeration(INCLUDED_DATA) }));
}
