import { IsArray, IsDefined, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsArnMember, IsPageSize, IsPageToken, awsMessage as m } from '../aws-protocol/constraints';

/** Request shapes of the version and alias actions (API reference, "Request Syntax"). */

const MAX_DESCRIPTION_LENGTH = 256;
const MAX_LONG_ARN_LENGTH = 2000;

export class PublishStateMachineVersionDto {
  @IsArnMember({ required: true })
  stateMachineArn!: string;

  @IsOptional()
  @IsString({ message: m.string })
  revisionId?: string;

  @IsOptional()
  @IsString({ message: m.string })
  @MaxLength(MAX_DESCRIPTION_LENGTH, { message: m.maxLength(MAX_DESCRIPTION_LENGTH) })
  description?: string;
}

export class ListVersionsOrAliasesDto {
  @IsArnMember({ required: true })
  stateMachineArn!: string;

  @IsPageSize(1000)
  maxResults?: number;

  @IsPageToken(1024)
  nextToken?: string;
}

export class StateMachineVersionArnDto {
  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(MAX_LONG_ARN_LENGTH, { message: m.maxLength(MAX_LONG_ARN_LENGTH) })
  stateMachineVersionArn!: string;
}

export class StateMachineAliasArnDto {
  @IsArnMember({ required: true })
  stateMachineAliasArn!: string;
}

/** `name` and each routing item are checked by the handler, which words them as AWS does. */
export class CreateStateMachineAliasDto {
  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  name!: string;

  @IsOptional()
  @IsString({ message: m.string })
  @MaxLength(MAX_DESCRIPTION_LENGTH, { message: m.maxLength(MAX_DESCRIPTION_LENGTH) })
  description?: string;

  @IsDefined({ message: m.notNull })
  @IsArray({ message: m.list })
  routingConfiguration!: unknown[];
}

export class UpdateStateMachineAliasDto extends StateMachineAliasArnDto {
  @IsOptional()
  @IsString({ message: m.string })
  @MaxLength(MAX_DESCRIPTION_LENGTH, { message: m.maxLength(MAX_DESCRIPTION_LENGTH) })
  description?: string;

  @IsOptional()
  @IsArray({ message: m.list })
  routingConfiguration?: unknown[];
}
