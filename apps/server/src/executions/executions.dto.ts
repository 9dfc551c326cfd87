import { IsBoolean, IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { IsArnMember, IsIncludedData, IsLongArnMember, IsPageSize, IsPageToken, awsMessage as m, type IncludedData } from '../aws-protocol/constraints';

/** Request shapes of the execution actions (API reference, "Request Syntax"). */

/** In the order AWS lists them in statusFilter's enum error (LocalStack's snapshot test_state_machine_status_filter, recorded against AWS). */
const executionStatuses = ['SUCCEEDED', 'TIMED_OUT', 'PENDING_REDRIVE', 'ABORTED', 'FAILED', 'RUNNING'] as const;
const executionRedriveFilters = ['REDRIVEN', 'NOT_REDRIVEN'] as const;

export class StartExecutionDto {
  @IsArnMember({ required: true })
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

/**
 * StartSyncExecution's request: StartExecution's members and `includedData`. AWS documents it
 * only as leaving out "the encrypted definition", which this response never holds: it is
 * checked against its enum and changes nothing in the answer (API_StartSyncExecution).
 */
export class StartSyncExecutionDto extends StartExecutionDto {
  @IsIncludedData()
  includedData?: IncludedData;
}

export class ExecutionArnDto {
  @IsArnMember({ required: true })
  executionArn!: string;
}

/** DescribeExecution and DescribeStateMachineForExecution: an execution ARN and `includedData`. */
export class DescribeExecutionDto extends ExecutionArnDto {
  @IsIncludedData()
  includedData?: IncludedData;
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

export class RedriveExecutionDto extends ExecutionArnDto {
  /** Idempotency token: the same token while the redrive runs returns that redrive. */
  @IsOptional()
  @IsString({ message: m.string })
  @MinLength(1, { message: m.minLength(1) })
  @MaxLength(64, { message: m.maxLength(64) })
  clientToken?: string;
}

export class ListExecutionsDto {
  /** One of `stateMachineArn` and `mapRunArn`, not both (the handler checks). */
  @IsArnMember({ required: false })
  stateMachineArn?: string;

  /** The child workflow executions of a Map Run (a LongArn: up to 2000 characters). */
  @IsLongArnMember({ required: false })
  mapRunArn?: string;

  @IsOptional()
  @IsIn(executionStatuses, { message: m.enumeration(executionStatuses) })
  statusFilter?: (typeof executionStatuses)[number];

  /** Only executions (or a Map Run's children) that have been redriven, or only those never redriven. */
  @IsOptional()
  @IsIn(executionRedriveFilters, { message: m.enumeration(executionRedriveFilters) })
  redriveFilter?: (typeof executionRedriveFilters)[number];

  @IsPageSize(1000)
  maxResults?: number;

  @IsPageToken(3096)
  nextToken?: string;
}

export class GetExecutionHistoryDto extends ExecutionArnDto {
  @IsPageSize(1000)
  maxResults?: number;

  @IsOptional()
  @IsBoolean({ message: m.boolean })
  reverseOrder?: boolean;

  @IsOptional()
  @IsBoolean({ message: m.boolean })
  includeExecutionData?: boolean;

  @IsPageToken(3096)
  nextToken?: string;
}
