import { IsInt, IsNumber, IsOptional, Max, Min } from 'class-validator';
import { IsArnMember, IsLongArnMember, IsPageSize, IsPageToken, awsMessage as m } from '../aws-protocol/constraints';

/** Request shapes of the Map Run actions (API_DescribeMapRun, API_ListMapRuns, API_UpdateMapRun). */

export class MapRunArnDto {
  @IsLongArnMember({ required: true })
  mapRunArn!: string;
}

export class ListMapRunsDto {
  @IsArnMember({ required: true })
  executionArn!: string;

  @IsPageSize(1000)
  maxResults?: number;

  @IsPageToken(3096)
  nextToken?: string;
}

export class UpdateMapRunDto extends MapRunArnDto {
  /** MaxConcurrency: minimum 0 (0: no limit). */
  @IsOptional()
  @IsInt({ message: m.integer })
  @Min(0, { message: m.min(0) })
  maxConcurrency?: number;

  /** ToleratedFailureCount (a Long): minimum 0. */
  @IsOptional()
  @IsInt({ message: m.integer })
  @Min(0, { message: m.min(0) })
  toleratedFailureCount?: number;

  /** ToleratedFailurePercentage (a Float): 0 to 100. */
  @IsOptional()
  @IsNumber({}, { message: (args) => `Value at '${args.property}' failed to satisfy constraint: Member must be a number` })
  @Min(0, { message: m.min(0) })
  @Max(100, { message: m.max(100) })
  toleratedFailurePercentage?: number;
}
