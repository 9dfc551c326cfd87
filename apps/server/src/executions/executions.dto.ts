import { IsBoolean, IsDefined, IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import { awsMessage as m } from '../aws-protocol/constraints';

/** Request shapes of the execution actions (API reference, "Request Syntax"). */

const MAX_ARN_LENGTH = 256;
const executionStatuses = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'] as const;

export class StartExecutionDto {
  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(MAX_ARN_LENGTH, { message: m.maxLength(MAX_ARN_LENGTH) })
  stateMachineArn!: string;

  /** Length and characters are checked by `assertValidName`, which reports them as AWS does. */
  @IsOptional()
  @IsString({ message: m.string })
  name?: string;

  /** The 256 KiB limit is in UTF-8 bytes, checked by the handler. */
  @IsOptional()
  @IsString({ message: m.string })
  input?: string;

  @IsOptional()
  @IsString({ message: m.string })
  @MaxLength(256, { message: m.maxLength(256) })
  traceHeader?: string;
}

export class ExecutionArnDto {
  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(MAX_ARN_LENGTH, { message: m.maxLength(MAX_ARN_LENGTH) })
  executionArn!: string;
}

export class DescribeExecutionDto extends ExecutionArnDto {
  @IsOptional()
  @IsIn(['METADATA_ONLY', 'NONE'], { message: m.enumeration(['METADATA_ONLY', 'NONE']) })
  includedData?: 'METADATA_ONLY' | 'NONE';
}

export class StopExecutionDto extends ExecutionArnDto {
  @IsOptional()
  @IsString({ message: m.string })
  @MaxLength(256, { message: m.maxLength(256) })
  error?: string;

  @IsOptional()
  @IsString({ message: m.string })
  @MaxLength(32768, { message: m.maxLength(32768) })
  cause?: string;
}

export class ListExecutionsDto {
  /** Required unless `mapRunArn` is given; Map Runs are not supported yet, so required here. */
  @IsDefined({ message: m.notNull })
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(MAX_ARN_LENGTH, { message: m.maxLength(MAX_ARN_LENGTH) })
  stateMachineArn!: string;

  @IsOptional()
  @IsIn(executionStatuses, { message: m.enumeration(executionStatuses) })
  statusFilter?: (typeof executionStatuses)[number];

  @IsOptional()
  @IsInt({ message: m.integer })
  @Min(0, { message: m.min(0) })
  @Max(1000, { message: m.max(1000) })
  maxResults?: number;

  @IsOptional()
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(3096, { message: m.maxLength(3096) })
  nextToken?: string;
}

export class GetExecutionHistoryDto extends ExecutionArnDto {
  @IsOptional()
  @IsInt({ message: m.integer })
  @Min(0, { message: m.min(0) })
  @Max(1000, { message: m.max(1000) })
  maxResults?: number;

  @IsOptional()
  @IsBoolean({ message: m.boolean })
  reverseOrder?: boolean;

  @IsOptional()
  @IsBoolean({ message: m.boolean })
  includeExecutionData?: boolean;

  @IsOptional()
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(3096, { message: m.maxLength(3096) })
  nextToken?: string;
}
