import { Inject } from '@nestjs/common';
import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { ExecutionRunner } from '@stepstone/engine';
import type { EventStore } from '@stepstone/event-store';
import { ExecutionAlreadyExists, InvalidArn, StateMachineTypeNotSupported, ValidationException } from '../aws-protocol/api-errors';
import { assertValidName, type Arns } from '../aws-protocol/arns';
import type { RequestContext } from '../aws-protocol/request-context';
import { optionalEpochSeconds, toEpochSeconds } from '../aws-protocol/timestamps';
import type { Projections } from '@stepstone/projections';
import { ARNS, EVENT_STORE, EXECUTION_RUNNER, ID_SOURCE, MOCK_CONFIG, PROJECTIONS, type IdSource, type MockConfigHolder } from '../infrastructure/tokens';
import { runningExecutions } from '../state-machines/versions';
import { resolveStartTarget, type StartTarget } from './start-target';
import { createStateMachineLoader, type LoadedStateMachine, type StateMachineState } from '../state-machines/state-machine-stream';
import { checkExecutionInput } from './check-input';
import type { StartExecutionDto, StartSyncExecutionDto } from './executions.dto';

export class StartExecutionCommand {
  constructor(
    readonly request: StartExecutionDto,
    readonly context: RequestContext,
  ) {}
}

export class StartSyncExecutionCommand {
  constructor(
    readonly request: StartSyncExecutionDto,
    readonly context: RequestContext,
  ) {}
}

interface CheckedStart {
  readonly machine: StateMachineState;
  readonly target: StartTarget;
  readonly name: string;
  readonly input: string;
  readonly testCase?: string;
}

/**
 * Step Functions Local runs a mock test case when StartExecution names the state machine as
 * `<stateMachineArn>#<TestCaseName>`; the test case is a name like any other.
 */
export function splitTestCase(arn: string): { stateMachineArn: string; testCase?: string } {
  const cut = arn.indexOf('#');
  if (cut < 0) return { stateMachineArn: arn };
  const testCase = arn.slice(cut + 1);
  if (testCase === '' || testCase.includes('#') || testCase.length > 80 || /[\s:/]/.test(testCase)) throw new InvalidArn(arn);
  return { stateMachineArn: arn.slice(0, cut), testCase };
}

/** Everything a start checks before the runner sees it: nothing is appended for a rejected request. */
async function checkStart(
  loadMachine: (name: string) => Promise<LoadedStateMachine>,
  arns: Arns,
  ids: IdSource,
  request: StartExecutionDto,
  mocks: MockConfigHolder,
  running: (stateMachineArn: string) => Promise<number>,
): Promise<CheckedStart> {
  const { stateMachineArn, testCase } = splitTestCase(request.stateMachineArn);
  const qualified = arns.parseStateMachineTarget(stateMachineArn);
  const name = request.name ?? ids();
  assertValidName(name);
  const input = checkExecutionInput(request.input);
  const { state } = await loadMachine(qualified.name);
  const count = state?.status === 'DELETING' ? await running(state.stateMachineArn) : 0;
  const target = resolveStartTarget(state, qualified, stateMachineArn, name, () => count);
  if (testCase !== undefined) assertTestCaseMocked(mocks, qualified.name, testCase);
  return { machine: state as StateMachineState, target, name, input, ...(testCase !== undefined ? { testCase } : {}) };
}

/**
 * A test case the mock configuration does not define would run against the real services,
 * which is never what a `#TestCase` start means: refused, nothing appended. Step Functions
 * Local documents no wording for this, so the message names what is missing and where it is read from.
 */
function assertTestCaseMocked(mocks: MockConfigHolder, machineName: string, testCase: string): void {
  const config = mocks.current;
  if (!config) {
    throw new ValidationException(
      `Test case '${testCase}' cannot run: no mock configuration is loaded (set STEPSTONE_MOCK_CONFIG or SFN_MOCK_CONFIG, or PUT /mock-config)`,
    );
  }
  if (!config.stateMachines.get(machineName)?.has(testCase)) {
    throw new ValidationException(`Test case '${testCase}' is not defined for state machine '${machineName}' in the mock configuration`);
  }
}

@CommandHandler(StartExecutionCommand)
export class StartExecutionHandler implements ICommandHandler<StartExecutionCommand> {
  private readonly loadMachine: (name: string) => Promise<LoadedStateMachine>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(EXECUTION_RUNNER) private readonly runner: ExecutionRunner,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
    @Inject(MOCK_CONFIG) private readonly mocks: MockConfigHolder,
    @Inject(PROJECTIONS) private readonly projections: Projections,
  ) {
    this.loadMachine = createStateMachineLoader(store);
    this.store = store;
  }

  private readonly store: EventStore;

  async execute({ request, context }: StartExecutionCommand) {
    const { machine, target, name, input, testCase } = await checkStart(this.loadMachine, this.arns, this.ids, request, this.mocks, (arn) =>
      runningExecutions(this.store, this.projections, arn),
    );
    // EXPRESS executions have their own ARN form (API_StartExecution): express:<machine>:<name>:<id>.
    const executionArn = target.type === 'EXPRESS' ? this.arns.expressExecution(machine.name, name, this.ids()) : this.arns.execution(machine.name, name);
    const outcome = await this.runner.start({
      ...(testCase !== undefined ? { testCase } : {}),
      executionArn,
      stateMachineArn: machine.stateMachineArn,
      name,
      executionType: target.type,
      definition: target.definition,
      input,
      roleArn: target.roleArn,
      ...(target.stateMachineAliasArn !== undefined ? { stateMachineAliasArn: target.stateMachineAliasArn } : {}),
      ...(target.stateMachineVersionArn !== undefined ? { stateMachineVersionArn: target.stateMachineVersionArn } : {}),
      caller: context,
      ...(request.traceHeader !== undefined ? { traceHeader: request.traceHeader } : {}),
    });
    // Same name and input while open: AWS answers with the existing execution (idempotent).
    if (outcome.kind === 'conflict') throw new ExecutionAlreadyExists(executionArn);
    // No wait for the read models here: every query catches up with the head first
    // (read-your-writes.ts), so a Describe or List sent after this answer sees the start,
    // and the start's latency is its commit alone, not the read models' next batch.
    return { executionArn, startDate: toEpochSeconds(outcome.startDate) };
  }
}

/** EXPRESS only; runs to completion in memory and answers with the result (nothing stored). */
@CommandHandler(StartSyncExecutionCommand)
export class StartSyncExecutionHandler implements ICommandHandler<StartSyncExecutionCommand> {
  private readonly loadMachine: (name: string) => Promise<LoadedStateMachine>;

  constructor(
    @Inject(EVENT_STORE) store: EventStore,
    @Inject(EXECUTION_RUNNER) private readonly runner: ExecutionRunner,
    @Inject(ARNS) private readonly arns: Arns,
    @Inject(ID_SOURCE) private readonly ids: IdSource,
    @Inject(MOCK_CONFIG) private readonly mocks: MockConfigHolder,
    @Inject(PROJECTIONS) private readonly projections: Projections,
  ) {
    this.loadMachine = createStateMachineLoader(store);
    this.store = store;
  }

  private readonly store: EventStore;

  async execute({ request, context }: StartSyncExecutionCommand) {
    const { machine, target, name, input, testCase } = await checkStart(this.loadMachine, this.arns, this.ids, request, this.mocks, (arn) =>
      runningExecutions(this.store, this.projections, arn),
    );
    if (target.type !== 'EXPRESS') throw new StateMachineTypeNotSupported();
    const executionArn = this.arns.expressExecution(machine.name, name, this.ids());
    const result = await this.runner.runSync({
      ...(testCase !== undefined ? { testCase } : {}),
      executionArn,
      stateMachineArn: machine.stateMachineArn,
      name,
      executionType: 'EXPRESS',
      definition: target.definition,
      input,
      roleArn: target.roleArn,
      ...(target.stateMachineAliasArn !== undefined ? { stateMachineAliasArn: target.stateMachineAliasArn } : {}),
      ...(target.stateMachineVersionArn !== undefined ? { stateMachineVersionArn: target.stateMachineVersionArn } : {}),
      caller: context,
      ...(request.traceHeader !== undefined ? { traceHeader: request.traceHeader } : {}),
    });
    return {
      executionArn,
      stateMachineArn: machine.stateMachineArn,
      name,
      startDate: toEpochSeconds(result.startDate),
      stopDate: optionalEpochSeconds(result.stopDate),
      status: result.status,
      input: result.input,
      inputDetails: { included: true },
      // AWS answers outputDetails for a failed execution too, with no output.
      ...(result.output !== undefined ? { output: result.output } : {}),
      outputDetails: { included: true },
      ...(result.error !== undefined ? { error: result.error } : {}),
      ...(result.cause !== undefined ? { cause: result.cause } : {}),
      ...(request.traceHeader !== undefined ? { traceHeader: request.traceHeader } : {}),
      billingDetails: billingDetailsOf(result.startDate, result.stopDate),
    };
  }
}

/**
 * What AWS would bill this Express execution (StartSyncExecution's billingDetails): the
 * duration rounded up to the next 100 ms, and memory in 64-MB chunks. AWS's recordings show
 * 64 MB for small executions; an execution's data here is bounded by the 256 KiB payload quota,
 * far below a second chunk, so it is always 64. Nothing is billed: it is AWS's figure.
 */
export function billingDetailsOf(startDate: string, stopDate: string): { billedDurationInMilliseconds: number; billedMemoryUsedInMB: number } {
  const elapsed = Math.max(0, Date.parse(stopDate) - Date.parse(startDate));
  const billedDurationInMilliseconds = Math.max(100, Math.ceil(elapsed / 100) * 100);
  return { billedDurationInMilliseconds, billedMemoryUsedInMB: 64 };
}
