/**
 * The shape of an Amazon States Language definition, after `parseDefinition` and
 * `validateDefinition` accepted it. Field names are AWS's, letter for letter
 * (https://states-language.net/ and the Step Functions developer guide).
 *
 * Values that may be a JSONPath (`...Path`), a JSONata expression (`{% ... %}`) or a literal
 * are typed as their widest JSON form; the evaluators narrow them.
 */

export type JsonValue = null | boolean | number | string | readonly JsonValue[] | { readonly [key: string]: JsonValue };
export type JsonObject = { readonly [key: string]: JsonValue };

export const QueryLanguage = { JSONPath: 'JSONPath', JSONata: 'JSONata' } as const;
export type QueryLanguage = (typeof QueryLanguage)[keyof typeof QueryLanguage];

export const StateType = {
  Pass: 'Pass',
  Task: 'Task',
  Choice: 'Choice',
  Wait: 'Wait',
  Succeed: 'Succeed',
  Fail: 'Fail',
  Parallel: 'Parallel',
  Map: 'Map',
} as const;
export type StateType = (typeof StateType)[keyof typeof StateType];

export interface StateMachineDefinition {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
  readonly TimeoutSeconds?: number;
  readonly Version?: string;
  readonly QueryLanguage?: QueryLanguage;
}

/** Fields every state may carry. */
interface BaseState {
  readonly Type: StateType;
  readonly Comment?: string;
  readonly QueryLanguage?: QueryLanguage;
}

/** `Next` xor `End` (Choice, Succeed and Fail have neither). */
interface Transition {
  readonly Next?: string;
  readonly End?: boolean;
}

/** JSONPath-only data-flow fields. */
interface JsonPathInputOutput {
  readonly InputPath?: string | null;
  readonly OutputPath?: string | null;
}

/** JSONata-only output field, and Assign (both languages). */
interface JsonataOutput {
  readonly Output?: JsonValue;
  readonly Assign?: JsonObject;
}

export interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly IntervalSeconds?: number;
  readonly MaxAttempts?: number;
  readonly BackoffRate?: number;
  readonly MaxDelaySeconds?: number;
  readonly JitterStrategy?: 'FULL' | 'NONE';
  readonly Comment?: string;
}

export interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly ResultPath?: string | null;
  readonly Output?: JsonValue;
  readonly Assign?: JsonObject;
  readonly Comment?: string;
}

interface ErrorHandling {
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
}

export interface PassState extends BaseState, Transition, JsonPathInputOutput, JsonataOutput {
  readonly Type: 'Pass';
  readonly Parameters?: JsonValue;
  readonly Result?: JsonValue;
  readonly ResultPath?: string | null;
}

export interface Credentials {
  readonly RoleArn?: string;
  readonly RoleArnPath?: string;
}

export interface TaskState extends BaseState, Transition, JsonPathInputOutput, JsonataOutput, ErrorHandling {
  readonly Type: 'Task';
  readonly Resource: string;
  readonly Parameters?: JsonValue;
  readonly Arguments?: JsonValue;
  readonly ResultSelector?: JsonObject;
  readonly ResultPath?: string | null;
  readonly TimeoutSeconds?: number | string;
  readonly TimeoutSecondsPath?: string;
  readonly HeartbeatSeconds?: number | string;
  readonly HeartbeatSecondsPath?: string;
  readonly Credentials?: Credentials;
}

/** A JSONPath Choice rule: a comparison on `Variable`, or a boolean combination. */
export interface ChoiceRule {
  readonly Variable?: string;
  readonly And?: readonly ChoiceRule[];
  readonly Or?: readonly ChoiceRule[];
  readonly Not?: ChoiceRule;
  /** JSONata Choice rules use `Condition` instead of `Variable` + operator. */
  readonly Condition?: string | boolean;
  readonly Next?: string;
  readonly Output?: JsonValue;
  readonly Assign?: JsonObject;
  readonly Comment?: string;
  /** The comparison operator (`StringEquals`, `NumericLessThanPath`, `IsPresent`...). */
  readonly [operator: string]: JsonValue | readonly ChoiceRule[] | ChoiceRule | undefined;
}

export interface ChoiceState extends BaseState, JsonPathInputOutput, JsonataOutput {
  readonly Type: 'Choice';
  readonly Choices: readonly ChoiceRule[];
  readonly Default?: string;
}

export interface WaitState extends BaseState, Transition, JsonPathInputOutput, JsonataOutput {
  readonly Type: 'Wait';
  readonly Seconds?: number | string;
  readonly Timestamp?: string;
  readonly SecondsPath?: string;
  readonly TimestampPath?: string;
}

export interface SucceedState extends BaseState, JsonPathInputOutput {
  readonly Type: 'Succeed';
  readonly Output?: JsonValue;
}

export interface FailState extends BaseState {
  readonly Type: 'Fail';
  readonly Error?: string;
  readonly ErrorPath?: string;
  readonly Cause?: string;
  readonly CausePath?: string;
}

/** A nested state machine: a Parallel branch or a Map's ItemProcessor/Iterator. */
export interface SubStateMachine {
  readonly Comment?: string;
  readonly StartAt: string;
  readonly States: Readonly<Record<string, State>>;
}

export interface ParallelState extends BaseState, Transition, JsonPathInputOutput, JsonataOutput, ErrorHandling {
  readonly Type: 'Parallel';
  readonly Branches: readonly SubStateMachine[];
  readonly Parameters?: JsonValue;
  readonly Arguments?: JsonValue;
  readonly ResultSelector?: JsonObject;
  readonly ResultPath?: string | null;
}

export const ProcessorMode = { INLINE: 'INLINE', DISTRIBUTED: 'DISTRIBUTED' } as const;
export type ProcessorMode = (typeof ProcessorMode)[keyof typeof ProcessorMode];

export interface ProcessorConfig {
  readonly Mode?: ProcessorMode;
  readonly ExecutionType?: 'STANDARD' | 'EXPRESS';
}

export interface ItemProcessor extends SubStateMachine {
  readonly ProcessorConfig?: ProcessorConfig;
}

export interface ItemReader {
  readonly Resource: string;
  readonly ReaderConfig?: JsonObject;
  readonly Parameters?: JsonObject;
  readonly Arguments?: JsonValue;
}

export interface ItemBatcher {
  readonly MaxItemsPerBatch?: number | string;
  readonly MaxItemsPerBatchPath?: string;
  readonly MaxInputBytesPerBatch?: number | string;
  readonly MaxInputBytesPerBatchPath?: string;
  readonly BatchInput?: JsonValue;
}

export interface ResultWriter {
  readonly Resource?: string;
  readonly Parameters?: JsonObject;
  readonly Arguments?: JsonValue;
  readonly WriterConfig?: JsonObject;
}

export interface MapState extends BaseState, Transition, JsonPathInputOutput, JsonataOutput, ErrorHandling {
  readonly Type: 'Map';
  readonly ItemProcessor?: ItemProcessor;
  /** Deprecated alias of ItemProcessor, still accepted by AWS. */
  readonly Iterator?: SubStateMachine;
  readonly ItemsPath?: string;
  readonly Items?: JsonValue;
  readonly ItemSelector?: JsonValue;
  /** Deprecated alias of ItemSelector. */
  readonly Parameters?: JsonValue;
  readonly ItemReader?: ItemReader;
  readonly ItemBatcher?: ItemBatcher;
  readonly ResultWriter?: ResultWriter;
  readonly ResultSelector?: JsonObject;
  readonly ResultPath?: string | null;
  readonly MaxConcurrency?: number | string;
  readonly MaxConcurrencyPath?: string;
  readonly ToleratedFailureCount?: number | string;
  readonly ToleratedFailureCountPath?: string;
  readonly ToleratedFailurePercentage?: number | string;
  readonly ToleratedFailurePercentagePath?: string;
  readonly Label?: string;
}

export type State =
  | PassState
  | TaskState
  | ChoiceState
  | WaitState
  | SucceedState
  | FailState
  | ParallelState
  | MapState;
