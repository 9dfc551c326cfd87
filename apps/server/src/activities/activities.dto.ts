import { IsArray, IsDefined, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import type { EncryptionConfiguration, Tag } from '@stepstone/projections';
import { IsArnMember, IsPageSize, IsPageToken, awsMessage as m } from '../aws-protocol/constraints';
import { IsEncryptionConfiguration } from '../aws-protocol/encryption-configuration';

/** Request shapes of the activity and task actions (API reference, "Request Syntax"). */

export class CreateActivityDto {
  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  name!: string;

  @IsOptional()
  @IsArray({ message: m.list })
  tags?: Tag[];

  @IsEncryptionConfiguration()
  encryptionConfiguration?: EncryptionConfiguration;
}

export class ActivityArnDto {
  @IsArnMember({ required: true })
  activityArn!: string;
}

export class ListActivitiesDto {
  @IsPageSize(1000)
  maxResults?: number;

  @IsPageToken(1024)
  nextToken?: string;
}

export class GetActivityTaskDto extends ActivityArnDto {
  @IsOptional()
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(80, { message: m.maxLength(80) })
  workerName?: string;
}

export class TaskTokenDto {
  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(2048, { message: m.maxLength(2048) })
  taskToken!: string;
}

/** `output`'s 256 KiB limit counts UTF-8 bytes, so it is checked in the handler, not here. */
export class SendTaskSuccessDto extends TaskTokenDto {
  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  output!: string;
}

export class SendTaskFailureDto extends TaskTokenDto {
  @IsOptional()
  @IsString({ message: m.string })
  @MaxLength(256, { message: m.maxLength(256) })
  error?: string;

  @IsOptional()
  @IsString({ message: m.string })
  @MaxLength(32768, { message: m.maxLength(32768) })
  cause?: string;
}
