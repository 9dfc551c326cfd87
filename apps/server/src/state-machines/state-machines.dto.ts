import { IsArray, IsBoolean, IsDefined, IsIn, IsObject, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { EncryptionConfiguration, LoggingConfiguration, Tag, TracingConfiguration } from '@stepstone/projections';
import { IsArnMember, IsIncludedData, IsPageSize, IsPageToken, awsMessage as m, type IncludedData } from '../aws-protocol/constraints';
import { IsEncryptionConfiguration } from '../aws-protocol/encryption-configuration';

/** Request shapes of the state machine actions (API reference, "Request Syntax"). */

const stateMachineTypes = ['STANDARD', 'EXPRESS'] as const;
const MAX_DEFINITION_LENGTH = 1_048_576;

export class CreateStateMachineDto {
  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  name!: string;

  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(MAX_DEFINITION_LENGTH, { message: m.maxLength(MAX_DEFINITION_LENGTH) })
  definition!: string;

  @IsArnMember({ required: true })
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

  @IsEncryptionConfiguration()
  encryptionConfiguration?: EncryptionConfiguration;

  @IsOptional()
  @IsBoolean({ message: m.boolean })
  publish?: boolean;

  @IsOptional()
  @IsString({ message: m.string })
  versionDescription?: string;
}

export class StateMachineArnDto {
  @IsArnMember({ required: true })
  stateMachineArn!: string;
}

export class UpdateStateMachineDto extends StateMachineArnDto {
  @IsOptional()
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(MAX_DEFINITION_LENGTH, { message: m.maxLength(MAX_DEFINITION_LENGTH) })
  definition?: string;

  @IsArnMember({ required: false })
  roleArn?: string;

  @IsOptional()
  @IsObject({ message: m.object })
  loggingConfiguration?: LoggingConfiguration;

  @IsOptional()
  @IsObject({ message: m.object })
  tracingConfiguration?: TracingConfiguration;

  @IsEncryptionConfiguration()
  encryptionConfiguration?: EncryptionConfiguration;

  @IsOptional()
  @IsBoolean({ message: m.boolean })
  publish?: boolean;

  @IsOptional()
  @IsString({ message: m.string })
  versionDescription?: string;
}

export class DescribeStateMachineDto extends StateMachineArnDto {
  @IsIncludedData()
  includedData?: IncludedData;
}

export class ListStateMachinesDto {
  @IsPageSize(1000)
  maxResults?: number;

  @IsPageToken(1024)
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

  @IsPageSize(100)
  maxResults?: number;
}

export class ResourceArnDto {
  @IsArnMember({ required: true })
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
