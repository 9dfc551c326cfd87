import { IsArray, IsBoolean, IsDefined, IsIn, IsInt, IsObject, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import type { LoggingConfiguration, Tag, TracingConfiguration } from '@stepstone/projections';
import { awsMessage as m } from '../aws-protocol/constraints';

/** Request shapes of the state machine actions (API reference, "Request Syntax"). */

const stateMachineTypes = ['STANDARD', 'EXPRESS'] as const;
const MAX_DEFINITION_LENGTH = 1_048_576;
const MAX_ARN_LENGTH = 256;

export class CreateStateMachineDto {
  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  name!: string;

  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(MAX_DEFINITION_LENGTH, { message: m.maxLength(MAX_DEFINITION_LENGTH) })
  definition!: string;

  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(MAX_ARN_LENGTH, { message: m.maxLength(MAX_ARN_LENGTH) })
  roleArn!: string;

  @IsOptional()
  @IsIn(stateMachineTypes, { message: m.enumeration(stateMachineTypes) })
  type?: 'STANDARD' | 'EXPRESS';

  @IsOptional()
  @IsObject({ message: m.object })
  loggingConfiguration?: LoggingConfiguration;

  @IsOptional()
  @IsObject({ message: m.object })
  tracingConfiguration?: TracingConfiguration;

  @IsOptional()
  @IsArray({ message: m.list })
  tags?: Tag[];

  @IsOptional()
  @IsBoolean({ message: m.boolean })
  publish?: boolean;

  @IsOptional()
  @IsString({ message: m.string })
  versionDescription?: string;
}

export class StateMachineArnDto {
  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(MAX_ARN_LENGTH, { message: m.maxLength(MAX_ARN_LENGTH) })
  stateMachineArn!: string;
}

export class UpdateStateMachineDto extends StateMachineArnDto {
  @IsOptional()
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(MAX_DEFINITION_LENGTH, { message: m.maxLength(MAX_DEFINITION_LENGTH) })
  definition?: string;

  @IsOptional()
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(MAX_ARN_LENGTH, { message: m.maxLength(MAX_ARN_LENGTH) })
  roleArn?: string;

  @IsOptional()
  @IsObject({ message: m.object })
  loggingConfiguration?: LoggingConfiguration;

  @IsOptional()
  @IsObject({ message: m.object })
  tracingConfiguration?: TracingConfiguration;
}

export class ListStateMachinesDto {
  @IsOptional()
  @IsInt({ message: m.integer })
  @Min(0, { message: m.min(0) })
  @Max(1000, { message: m.max(1000) })
  maxResults?: number;

  @IsOptional()
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(1024, { message: m.maxLength(1024) })
  nextToken?: string;
}

export class ValidateStateMachineDefinitionDto {
  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  @MaxLength(MAX_DEFINITION_LENGTH, { message: m.maxLength(MAX_DEFINITION_LENGTH) })
  definition!: string;

  @IsOptional()
  @IsIn(stateMachineTypes, { message: m.enumeration(stateMachineTypes) })
  type?: 'STANDARD' | 'EXPRESS';

  @IsOptional()
  @IsIn(['ERROR', 'WARNING'], { message: m.enumeration(['ERROR', 'WARNING']) })
  severity?: 'ERROR' | 'WARNING';

  @IsOptional()
  @IsInt({ message: m.integer })
  @Min(0, { message: m.min(0) })
  @Max(100, { message: m.max(100) })
  maxResults?: number;
}

export class ResourceArnDto {
  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(MAX_ARN_LENGTH, { message: m.maxLength(MAX_ARN_LENGTH) })
  resourceArn!: string;
}

export class TagResourceDto extends ResourceArnDto {
  @IsDefined({ message: m.notNull })
  @IsArray({ message: m.list })
  tags!: Tag[];
}

export class UntagResourceDto extends ResourceArnDto {
  @IsDefined({ message: m.notNull })
  @IsArray({ message: m.list })
  @IsString({ each: true, message: m.string })
  tagKeys!: string[];
}
