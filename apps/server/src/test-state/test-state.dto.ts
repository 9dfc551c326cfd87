import { IsBoolean, IsDefined, IsIn, IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsArnMember, awsMessage as m } from '../aws-protocol/constraints';
import { oneValidationError } from '../aws-protocol/arns';

/** TestState's request (API reference, "TestState", Request Syntax); roleArn is optional since November 2025. */
const MAX_DEFINITION_LENGTH = 1_048_576;
const MAX_DATA_LENGTH = 262_144;
const inspectionLevels = ['INFO', 'DEBUG', 'TRACE'] as const;
const fieldValidationModes = ['STRICT', 'PRESENT', 'NONE'] as const;

export class TestStateDto {
  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(MAX_DEFINITION_LENGTH, { message: m.maxLength(MAX_DEFINITION_LENGTH) })
  definition!: string;

  @IsArnMember({ required: false })
  roleArn?: string;

  @IsOptional()
  @IsString({ message: m.string })
  @MaxLength(MAX_DATA_LENGTH, { message: m.maxLength(MAX_DATA_LENGTH) })
  input?: string;

  @IsOptional()
  @IsIn(inspectionLevels, { message: m.enumeration(inspectionLevels) })
  inspectionLevel?: (typeof inspectionLevels)[number];

  @IsOptional()
  @IsBoolean({ message: m.boolean })
  revealSecrets?: boolean;

  @IsOptional()
  @IsString({ message: m.string })
  @MaxLength(MAX_DATA_LENGTH, { message: m.maxLength(MAX_DATA_LENGTH) })
  variables?: string;

  @IsOptional()
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(80, { message: m.maxLength(80) })
  stateName?: string;

  @IsOptional()
  @IsString({ message: m.string })
  @MaxLength(MAX_DATA_LENGTH, { message: m.maxLength(MAX_DATA_LENGTH) })
  context?: string;

  /** MockInput: checked member by member in `testStateMembers` (the DTO check is one level deep). */
  @IsOptional()
  @IsObject({ message: m.object })
  mock?: Record<string, unknown>;

  /** TestStateConfiguration, likewise. */
  @IsOptional()
  @IsObject({ message: m.object })
  stateConfiguration?: Record<string, unknown>;
}

export interface TestStateMembers {
  readonly mock?: {
    readonly result?: string;
    readonly errorOutput?: { readonly error?: string; readonly cause?: string };
    readonly fieldValidationMode?: (typeof fieldValidationModes)[number];
  };
  readonly stateConfiguration?: {
    readonly retrierRetryCount?: number;
    readonly errorCausedByState?: string;
    readonly mapIterationFailureCount?: number;
    readonly mapItemReaderData?: string;
  };
}

/** The nested members, with AWS's constraint messages and dotted member names. */
export function testStateMembers(dto: TestStateDto): TestStateMembers {
  const mock = dto.mock;
  const configuration = dto.stateConfiguration;
  const text = (value: unknown, member: string, max = MAX_DATA_LENGTH): string | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw oneValidationError(`Value at '${member}' failed to satisfy constraint: Member must be a string`);
    if (value.length > max) throw oneValidationError(`Value at '${member}' failed to satisfy constraint: Member must have length less than or equal to ${max}`);
    return value;
  };
  const count = (value: unknown, member: string): number | undefined => {
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'number' || !Number.isInteger(value)) throw oneValidationError(`Value at '${member}' failed to satisfy constraint: Member must be an integer`);
    if (value < 0) throw oneValidationError(`Value '${value}' at '${member}' failed to satisfy constraint: Member must have value greater than or equal to 0`);
    return value;
  };
  let errorOutput: NonNullable<TestStateMembers['mock']>['errorOutput'];
  if (mock?.errorOutput !== undefined && mock.errorOutput !== null) {
    if (typeof mock.errorOutput !== 'object' || Array.isArray(mock.errorOutput)) {
      throw oneValidationError("Value at 'mock.errorOutput' failed to satisfy constraint: Member must be a structure");
    }
    const given = mock.errorOutput as Record<string, unknown>;
    errorOutput = { error: text(given.error, 'mock.errorOutput.error'), cause: text(given.cause, 'mock.errorOutput.cause') };
  }
  const mode = mock?.fieldValidationMode;
  if (mode !== undefined && mode !== null && !fieldValidationModes.includes(mode as never)) {
    throw oneValidationError(`Value '${String(mode)}' at 'mock.fieldValidationMode' failed to satisfy constraint: Member must satisfy enum value set: [${fieldValidationModes.join(', ')}]`);
  }
  return {
    ...(mock
      ? {
          mock: {
            result: text(mock.result, 'mock.result'),
            errorOutput,
            fieldValidationMode: (mode ?? undefined) as (typeof fieldValidationModes)[number] | undefined,
          },
        }
      : {}),
    ...(configuration
      ? {
          stateConfiguration: {
            retrierRetryCount: count(configuration.retrierRetryCount, 'stateConfiguration.retrierRetryCount'),
            errorCausedByState: text(configuration.errorCausedByState, 'stateConfiguration.errorCausedByState', 80),
            mapIterationFailureCount: count(configuration.mapIterationFailureCount, 'stateConfiguration.mapIterationFailureCount'),
            mapItemReaderData: text(configuration.mapItemReaderData, 'stateConfiguration.mapItemReaderData'),
          },
        }
      : {}),
  };
}
