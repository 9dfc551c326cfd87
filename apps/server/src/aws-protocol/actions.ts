import type { DtoClass } from './validate-request';
import {
  CreateActivityCommand,
  DeleteActivityCommand,
  DescribeActivityQuery,
  GetActivityTaskCommand,
  ListActivitiesQuery,
} from '../activities/activities.handler';
import { ActivityArnDto, CreateActivityDto, GetActivityTaskDto, ListActivitiesDto, SendTaskFailureDto, SendTaskSuccessDto, TaskTokenDto } from '../activities/activities.dto';
import { SendTaskFailureCommand, SendTaskHeartbeatCommand, SendTaskSuccessCommand } from '../activities/send-task.handler';
import {
  DescribeExecutionDto,
  GetExecutionHistoryDto,
  ListExecutionsDto,
  RedriveExecutionDto,
  StartExecutionDto,
  StartSyncExecutionDto,
  StopExecutionDto,
} from '../executions/executions.dto';
import {
  DescribeExecutionQuery,
  DescribeStateMachineForExecutionQuery,
  GetExecutionHistoryQuery,
  ListExecutionsQuery,
} from '../executions/execution-queries.handler';
import { StartExecutionCommand, StartSyncExecutionCommand } from '../executions/start-execution.handler';
import { RedriveExecutionCommand } from '../executions/redrive-execution.handler';
import { StopExecutionCommand } from '../executions/stop-execution.handler';
import { CreateStateMachineCommand } from '../state-machines/create-state-machine.handler';
import { DeleteStateMachineCommand } from '../state-machines/delete-state-machine.handler';
import {
  DescribeStateMachineQuery,
  ListStateMachinesQuery,
  ListTagsForResourceQuery,
  ValidateStateMachineDefinitionQuery,
} from '../state-machines/state-machine-queries.handler';
import {
  CreateStateMachineDto,
  ListStateMachinesDto,
  ResourceArnDto,
  DescribeStateMachineDto,
  StateMachineArnDto,
  TagResourceDto,
  UntagResourceDto,
  UpdateStateMachineDto,
  ValidateStateMachineDefinitionDto,
} from '../state-machines/state-machines.dto';
import { TagResourceCommand, UntagResourceCommand } from '../state-machines/tag-resource.handler';
import { UpdateStateMachineCommand } from '../state-machines/update-state-machine.handler';
import {
  CreateStateMachineAliasCommand,
  DeleteStateMachineAliasCommand,
  DescribeStateMachineAliasQuery,
  ListStateMachineAliasesQuery,
  UpdateStateMachineAliasCommand,
} from '../state-machines/aliases.handler';
import {
  CreateStateMachineAliasDto,
  ListVersionsOrAliasesDto,
  PublishStateMachineVersionDto,
  StateMachineAliasArnDto,
  StateMachineVersionArnDto,
  UpdateStateMachineAliasDto,
} from '../state-machines/versions-aliases.dto';
import { DeleteStateMachineVersionCommand, ListStateMachineVersionsQuery, PublishStateMachineVersionCommand } from '../state-machines/versions.handler';
import { DescribeMapRunQuery, ListMapRunsQuery, UpdateMapRunCommand } from '../map-runs/map-runs.handler';
import { ListMapRunsDto, MapRunArnDto, UpdateMapRunDto } from '../map-runs/map-runs.dto';
import { TestStateDto } from '../test-state/test-state.dto';
import { TestStateQuery } from '../test-state/test-state.handler';
import type { RequestContext } from './request-context';

/**
 * Each `X-Amz-Target: AWSStepFunctions.<Action>` maps to its request DTO and to the command
 * (changes state, records the caller) or query it is dispatched as.
 */
export type ActionRoute =
  | { readonly kind: 'command'; readonly dto: DtoClass<object>; readonly message: (dto: any, context: RequestContext) => object }
  | { readonly kind: 'query'; readonly dto: DtoClass<object>; readonly message: (dto: any) => object };

const command = <T extends object>(dto: DtoClass<T>, message: (dto: T, context: RequestContext) => object): ActionRoute => ({
  kind: 'command',
  dto,
  message,
});
const query = <T extends object>(dto: DtoClass<T>, message: (dto: T) => object): ActionRoute => ({ kind: 'query', dto, message });

export const ACTIONS: Readonly<Record<string, ActionRoute>> = {
  CreateStateMachine: command(CreateStateMachineDto, (dto, ctx) => new CreateStateMachineCommand(dto, ctx)),
  UpdateStateMachine: command(UpdateStateMachineDto, (dto, ctx) => new UpdateStateMachineCommand(dto, ctx)),
  DeleteStateMachine: command(StateMachineArnDto, (dto, ctx) => new DeleteStateMachineCommand(dto, ctx)),
  DescribeStateMachine: query(DescribeStateMachineDto, (dto) => new DescribeStateMachineQuery(dto)),
  ListStateMachines: query(ListStateMachinesDto, (dto) => new ListStateMachinesQuery(dto)),
  PublishStateMachineVersion: command(PublishStateMachineVersionDto, (dto, ctx) => new PublishStateMachineVersionCommand(dto, ctx)),
  ListStateMachineVersions: query(ListVersionsOrAliasesDto, (dto) => new ListStateMachineVersionsQuery(dto)),
  DeleteStateMachineVersion: command(StateMachineVersionArnDto, (dto, ctx) => new DeleteStateMachineVersionCommand(dto, ctx)),
  CreateStateMachineAlias: command(CreateStateMachineAliasDto, (dto, ctx) => new CreateStateMachineAliasCommand(dto, ctx)),
  DescribeStateMachineAlias: query(StateMachineAliasArnDto, (dto) => new DescribeStateMachineAliasQuery(dto)),
  UpdateStateMachineAlias: command(UpdateStateMachineAliasDto, (dto, ctx) => new UpdateStateMachineAliasCommand(dto, ctx)),
  DeleteStateMachineAlias: command(StateMachineAliasArnDto, (dto, ctx) => new DeleteStateMachineAliasCommand(dto, ctx)),
  ListStateMachineAliases: query(ListVersionsOrAliasesDto, (dto) => new ListStateMachineAliasesQuery(dto)),
  ValidateStateMachineDefinition: query(ValidateStateMachineDefinitionDto, (dto) => new ValidateStateMachineDefinitionQuery(dto)),
  TagResource: command(TagResourceDto, (dto, ctx) => new TagResourceCommand(dto, ctx)),
  UntagResource: command(UntagResourceDto, (dto, ctx) => new UntagResourceCommand(dto, ctx)),
  ListTagsForResource: query(ResourceArnDto, (dto) => new ListTagsForResourceQuery(dto)),
  StartExecution: command(StartExecutionDto, (dto, ctx) => new StartExecutionCommand(dto, ctx)),
  StartSyncExecution: command(StartSyncExecutionDto, (dto, ctx) => new StartSyncExecutionCommand(dto, ctx)),
  StopExecution: command(StopExecutionDto, (dto, ctx) => new StopExecutionCommand(dto, ctx)),
  RedriveExecution: command(RedriveExecutionDto, (dto, ctx) => new RedriveExecutionCommand(dto, ctx)),
  DescribeExecution: query(DescribeExecutionDto, (dto) => new DescribeExecutionQuery(dto)),
  DescribeStateMachineForExecution: query(DescribeExecutionDto, (dto) => new DescribeStateMachineForExecutionQuery(dto)),
  ListExecutions: query(ListExecutionsDto, (dto) => new ListExecutionsQuery(dto)),
  GetExecutionHistory: query(GetExecutionHistoryDto, (dto) => new GetExecutionHistoryQuery(dto)),
  CreateActivity: command(CreateActivityDto, (dto, ctx) => new CreateActivityCommand(dto, ctx)),
  DeleteActivity: command(ActivityArnDto, (dto, ctx) => new DeleteActivityCommand(dto, ctx)),
  DescribeActivity: query(ActivityArnDto, (dto) => new DescribeActivityQuery(dto)),
  ListActivities: query(ListActivitiesDto, (dto) => new ListActivitiesQuery(dto)),
  GetActivityTask: command(GetActivityTaskDto, (dto, ctx) => new GetActivityTaskCommand(dto, ctx)),
  SendTaskSuccess: command(SendTaskSuccessDto, (dto, ctx) => new SendTaskSuccessCommand(dto, ctx)),
  SendTaskFailure: command(SendTaskFailureDto, (dto, ctx) => new SendTaskFailureCommand(dto, ctx)),
  SendTaskHeartbeat: command(TaskTokenDto, (dto, ctx) => new SendTaskHeartbeatCommand(dto, ctx)),
  DescribeMapRun: query(MapRunArnDto, (dto) => new DescribeMapRunQuery(dto)),
  ListMapRuns: query(ListMapRunsDto, (dto) => new ListMapRunsQuery(dto)),
  UpdateMapRun: command(UpdateMapRunDto, (dto, ctx) => new UpdateMapRunCommand(dto, ctx)),
  TestState: query(TestStateDto, (dto) => new TestStateQuery(dto)),
};
