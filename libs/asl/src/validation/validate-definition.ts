import { QueryLanguage, StateType } from '../definition/types';
import { Diagnostic, DiagnosticCode, DiagnosticSeverity, hasErrors } from './diagnostic';
import { isJsonataExpression, jsonataSyntaxError } from './jsonata-syntax';
import { isReferencePath, isValidIntrinsicCall, isValidJsonPath, isValidPathOrIntrinsic } from './path-syntax';
import { parseIntrinsic, STRING_RESULT_INTRINSICS } from '../intrinsics/parse-intrinsic';
import { checkTaskResource } from './resource-arn';
import { COMPARISON_OPERATOR_NAMES } from '../choice/comparison-operators';
import { CSV_DELIMITER_NAMES } from '../map/item-reader';
import { isRfc3339Timestamp } from './timestamp-syntax';

export interface ValidateDefinitionOptions {
  readonly stateMachineType?: 'STANDARD' | 'EXPRESS';
}

export interface ValidationResult {
  readonly diagnostics: readonly Diagnostic[];
}

type Obj = Record<string, unknown>;

const MAX_STATE_NAME_LENGTH = 80;

interface Range {
  readonly min: number;
  readonly max?: number;
}

/**
 * The ranges AWS enforces on numeric fields given as literals, answered as 'Minimum value is N' /
 * 'Maximum value is N' (AWS: "Maximum value is 99999999 at /States/Wait/Seconds",
 * aws-cloudformation/cfn-lint#4075; the rest measured with ValidateStateMachineDefinition by
 * cdk-preflight's pf-sfn-asl-numeric-ranges): a Wait's Seconds "from 0 up to 99999999" (Wait
 * page), Retry's IntervalSeconds 0 accepted, MaxDelaySeconds up to 31622400 (366 days).
 */
const MAX_SECONDS = 99_999_999;
const RANGES = {
  MachineTimeoutSeconds: { min: 0 },
  TimeoutSeconds: { min: 1, max: MAX_SECONDS },
  HeartbeatSeconds: { min: 1, max: MAX_SECONDS },
  Seconds: { min: 0, max: MAX_SECONDS },
  MaxConcurrency: { min: 0 },
  ToleratedFailureCount: { min: 0 },
  ToleratedFailurePercentage: { min: 0, max: 100 },
  IntervalSeconds: { min: 0, max: MAX_SECONDS },
  MaxAttempts: { min: 0, max: MAX_SECONDS },
  MaxDelaySeconds: { min: 1, max: 31_622_400 },
  BackoffRate: { min: 1 },
} as const satisfies Record<string, Range>;

/** A Wait's Seconds, a literal here and a JSONata result at run time (Wait page: "from 0 to 99999999"). */
export const WAIT_SECONDS_RANGE = RANGES.Seconds;

/** A Wait's time fields, one of which is required, in the order AWS's messages list them. */
const WAIT_TIME_FIELDS = ['SecondsPath', 'Seconds', 'TimestampPath', 'Timestamp'];

/** A state's Type, in the order AWS lists them when one is unknown (AWS's TestState answer recorded in localstack's test_test_state_machine_scenarios snapshot). */
const STATE_TYPES_AS_AWS_LISTS_THEM = ['Task', 'Wait', 'Pass', 'Succeed', 'Fail', 'Choice', 'Parallel', 'Map'] as const;

/** An empty array where one item at least is required (AWS's TestState answer recorded in localstack's test_state_mock_validation snapshot: "Value cannot be empty at /States/StateName/Branches"). */
const EMPTY_ARRAY = 'Value cannot be empty';

/** Fields every state accepts, whatever its type. */
const COMMON_FIELDS = ['Type', 'Comment', 'QueryLanguage'];

/** Per state type, the fields AWS accepts (either query language). */
const STATE_FIELDS: Readonly<Record<StateType, readonly string[]>> = {
  Pass: ['Next', 'End', 'InputPath', 'OutputPath', 'Parameters', 'Result', 'ResultPath', 'Output', 'Assign'],
  Task: [
    'Next', 'End', 'Resource', 'InputPath', 'OutputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'Arguments', 'Output',
    'Assign', 'Retry', 'Catch', 'TimeoutSeconds', 'TimeoutSecondsPath', 'HeartbeatSeconds', 'HeartbeatSecondsPath', 'Credentials',
  ],
  Choice: ['Choices', 'Default', 'InputPath', 'OutputPath', 'Output', 'Assign'],
  Wait: ['Next', 'End', 'Seconds', 'Timestamp', 'SecondsPath', 'TimestampPath', 'InputPath', 'OutputPath', 'Output', 'Assign'],
  Succeed: ['InputPath', 'OutputPath', 'Output'],
  Fail: ['Error', 'ErrorPath', 'Cause', 'CausePath'],
  Parallel: [
    'Next', 'End', 'Branches', 'InputPath', 'OutputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'Arguments', 'Output', 'Assign',
    'Retry', 'Catch',
  ],
  Map: [
    'Next', 'End', 'ItemProcessor', 'Iterator', 'ItemsPath', 'Items', 'ItemSelector', 'Parameters', 'ItemReader', 'ItemBatcher',
    'ResultWriter', 'ResultSelector', 'ResultPath', 'MaxConcurrency', 'MaxConcurrencyPath', 'ToleratedFailureCount',
    'ToleratedFailureCountPath', 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath', 'Label', 'InputPath', 'OutputPath',
    'Output', 'Assign', 'Retry', 'Catch',
  ],
};

/** Fields that only exist for JSONPath states (Step Functions guide, "JSONata" page). */
const JSONPATH_ONLY_FIELDS: ReadonlySet<string> = new Set([
  'InputPath', 'OutputPath', 'Parameters', 'ResultSelector', 'ResultPath', 'ItemsPath', 'Result', 'TimeoutSecondsPath',
  'HeartbeatSecondsPath', 'SecondsPath', 'TimestampPath', 'ErrorPath', 'CausePath', 'MaxConcurrencyPath', 'ToleratedFailureCountPath',
  'ToleratedFailurePercentagePath', 'Iterator',
]);
/** Fields that only exist for JSONata states. */
const JSONATA_ONLY_FIELDS: ReadonlySet<string> = new Set(['Arguments', 'Output', 'Items']);

/** JSONPath Choice comparison operators: the evaluator's one table (Step Functions guide, "Choice workflow state"). */
const CHOICE_OPERATORS: ReadonlySet<string> = new Set(COMPARISON_OPERATOR_NAMES);

/** AWS's answer, without a location, for a definition that is not a JSON object (recorded for an empty text). */
export const NOT_A_JSON_OBJECT = 'Definition must be a valid JSON object';

/**
 * Checks a parsed definition the way ValidateStateMachineDefinition and CreateStateMachine
 * do, and returns every finding at once. Schema findings come first; as on AWS, the
 * transition analysis (missing targets, unreachable states, no terminal state) runs only on
 * a definition whose schema is valid.
 */
export function validateDefinition(definition: unknown, options: ValidateDefinitionOptions = {}): ValidationResult {
  const v = new Validator(options.stateMachineType ?? 'STANDARD');
  if (!isObject(definition)) return { diagnostics: [{ severity: DiagnosticSeverity.ERROR, code: DiagnosticCode.SCHEMA_VALIDATION_FAILED, message: NOT_A_JSON_OBJECT }] };
  v.checkTopLevel(definition);
  if (hasErrors(v.diagnostics)) return { diagnostics: v.diagnostics };
  v.checkTransitions(definition, '');
  return { diagnostics: v.diagnostics };
}

class Validator {
  readonly diagnostics: Diagnostic[] = [];
  private readonly stateNames = new Set<string>();
  private readonly mapLabels = new Set<string>();
  private topLanguage: QueryLanguage = QueryLanguage.JSONPath;

  constructor(private readonly type: 'STANDARD' | 'EXPRESS') {}

  schema(location: string, message: string): void {
    this.add(DiagnosticCode.SCHEMA_VALIDATION_FAILED, message, location);
  }

  private add(code: DiagnosticCode, message: string, location?: string): void {
    this.diagnostics.push(location === undefined ? { severity: DiagnosticSeverity.ERROR, code, message } : { severity: DiagnosticSeverity.ERROR, code, message, location });
  }

  checkTopLevel(def: Obj): void {
    const missing = ['States', 'StartAt'].filter((f) => !(f in def));
    if (missing.length > 0) this.schema('/', `These fields are required: [${missing.join(', ')}]`);
    this.unknownFields(def, ['Comment', 'StartAt', 'States', 'TimeoutSeconds', 'Version', 'QueryLanguage'], '/');
    if ('QueryLanguage' in def) {
      if (def.QueryLanguage === QueryLanguage.JSONata || def.QueryLanguage === QueryLanguage.JSONPath) this.topLanguage = def.QueryLanguage;
      else this.invalidQueryLanguage('/QueryLanguage');
    }
    this.optionalString(def, 'Comment', '/Comment');
    this.optionalString(def, 'Version', '/Version');
    // The machine's own TimeoutSeconds accepts 0 (measured; a Task's does not).
    if ('TimeoutSeconds' in def) this.integer(def.TimeoutSeconds, '/TimeoutSeconds', RANGES.MachineTimeoutSeconds);
    this.checkContainer(def, '');
  }

  /** `StartAt` + `States` of the machine, a Parallel branch or a Map's processor. */
  private checkContainer(container: Obj, prefix: string): void {
    if ('StartAt' in container && typeof container.StartAt !== 'string') this.schema(`${prefix}/StartAt`, "The field 'StartAt' must be a string");
    if (!('States' in container)) return;
    const states = container.States;
    if (!isObject(states)) {
      this.schema(`${prefix}/States`, "The field 'States' must be a JSON object");
      return;
    }
    for (const [name, state] of Object.entries(states)) this.checkState(name, state, `${prefix}/States/${name}`);
  }

  private checkState(name: string, state: unknown, at: string): void {
    if (name.length > MAX_STATE_NAME_LENGTH) {
      this.add(DiagnosticCode.INVALID_STATE_NAME, `State name '${name}' exceeds the maximum length of ${MAX_STATE_NAME_LENGTH}`, at);
    }
    if (this.stateNames.has(name)) this.add(DiagnosticCode.DUPLICATE_STATE_NAME, `Duplicate State name: ${name}`, at);
    this.stateNames.add(name);
    if (!isObject(state)) {
      this.schema(at, 'The state must be a JSON object');
      return;
    }
    if (!('Type' in state)) {
      this.schema(at, 'These fields are required: [Type]');
      return;
    }
    const type = state.Type;
    if (typeof type !== 'string' || !Object.hasOwn(STATE_FIELDS, type)) {
      this.schema(`${at}/Type`, `The field 'Type' should have one of these values: [${STATE_TYPES_AS_AWS_LISTS_THEM.join(', ')}]`);
      return;
    }
    const stateType = type as StateType;
    const language = this.languageOf(state, at);
    this.unknownFields(state, [...COMMON_FIELDS, ...STATE_FIELDS[stateType]], at);
    this.languageFields(state, language, at);
    this.optionalString(state, 'Comment', `${at}/Comment`);
    if (stateType !== 'Choice' && stateType !== 'Succeed' && stateType !== 'Fail') this.nextOrEnd(state, at);
    this.dataFlow(state, language, at);
    switch (stateType) {
      case 'Pass':
        break;
      case 'Task':
        this.task(state, language, at);
        break;
      case 'Choice':
        this.choice(state, language, at);
        break;
      case 'Wait':
        this.wait(state, language, at);
        break;
      case 'Succeed':
        break;
      case 'Fail':
        this.fail(state, language, at);
        break;
      case 'Parallel':
        this.parallel(state, at);
        break;
      case 'Map':
        this.map(state, language, at);
        break;
      default: {
        const never: never = stateType;
        return never;
      }
    }
    if ('Retry' in state) this.retry(state.Retry, `${at}/Retry`);
    if ('Catch' in state) this.catchers(state.Catch, language, `${at}/Catch`);
  }

  /**
   * A state's own QueryLanguage wins over the machine's; a JSONata machine cannot have
   * JSONPath states (corpus: INVALID_DOWNGRADE_QUERY_LANGUAGE).
   */
  private languageOf(state: Obj, at: string): QueryLanguage {
    if (!('QueryLanguage' in state)) return this.topLanguage;
    const own = state.QueryLanguage;
    if (own !== QueryLanguage.JSONPath && own !== QueryLanguage.JSONata) {
      this.invalidQueryLanguage(`${at}/QueryLanguage`);
      return this.topLanguage;
    }
    if (own === QueryLanguage.JSONPath && this.topLanguage === QueryLanguage.JSONata) {
      this.schema(at, "'QueryLanguage' can not be 'JSONPath' if set to 'JSONata' for whole state machine");
    }
    return own;
  }

  private invalidQueryLanguage(at: string): void {
    this.schema(at, "The field 'QueryLanguage' must be one of [JSONPath, JSONata]");
  }

  private languageFields(state: Obj, language: QueryLanguage, at: string): void {
    for (const field of Object.keys(state)) {
      if (language === QueryLanguage.JSONPath && JSONATA_ONLY_FIELDS.has(field)) {
        this.schema(at, `The QueryLanguage is set to 'JSONPath', but field '${field}' is only supported for the 'JSONata' QueryLanguage`);
      }
      if (language === QueryLanguage.JSONata && JSONPATH_ONLY_FIELDS.has(field)) {
        this.schema(at, `The QueryLanguage is set to 'JSONata', but field '${field}' is only supported for the 'JSONPath' QueryLanguage`);
      }
    }
  }

  private unknownFields(obj: Obj, allowed: readonly string[], at: string): void {
    for (const field of Object.keys(obj)) if (!allowed.includes(field)) this.schema(at, `Field '${field}' is not supported`);
  }

  private nextOrEnd(state: Obj, at: string): void {
    const hasNext = 'Next' in state;
    const end = state.End;
    if ('End' in state && typeof end !== 'boolean') this.schema(`${at}/End`, "The field 'End' must be a boolean");
    if (hasNext && typeof state.Next !== 'string') this.schema(`${at}/Next`, "The field 'Next' must be a string");
    if (hasNext && end === true) this.schema(at, tooManyOf(['Next', 'End']));
    if (!hasNext && end !== true) this.schema(at, noneOf(['Next', 'End']));
  }

  /** InputPath/OutputPath/ResultPath, payload templates, Assign, Output, per language. */
  private dataFlow(state: Obj, language: QueryLanguage, at: string): void {
    if (language === QueryLanguage.JSONPath) {
      for (const field of ['InputPath', 'OutputPath']) {
        if (!(field in state) || state[field] === null) continue;
        this.jsonPath(state[field], field, `${at}/${field}`);
      }
      if ('ResultPath' in state && state.ResultPath !== null) this.referencePath(state.ResultPath, `${at}/ResultPath`);
      for (const field of ['Parameters', 'ResultSelector']) {
        if (field in state) this.payloadTemplate(state[field], `${at}/${field}`);
      }
      if ('Assign' in state) this.payloadTemplate(state.Assign, `${at}/Assign`);
    } else {
      for (const field of ['Arguments', 'Output', 'Assign']) if (field in state) this.jsonataValue(state[field], `${at}/${field}`);
    }
    if ('Assign' in state && !isObject(state.Assign)) this.schema(`${at}/Assign`, "The field 'Assign' must be a JSON object");
  }

  /** A path field (InputPath, SecondsPath…): AWS's words, measured by cdk-preflight (pf-sfn-asl-jsonpath-syntax). */
  private jsonPath(value: unknown, _field: string, at: string): void {
    if (typeof value !== 'string' || !isValidJsonPath(value)) this.schema(at, 'Value must be a valid JSONPath.');
  }

  /**
   * A Reference Path (ResultPath, ItemsPath, a Choice's Variable and `…Path` operands, a Task's
   * TimeoutSecondsPath/HeartbeatSecondsPath, a Wait's SecondsPath/TimestampPath): one node,
   * so no wildcard, filter, slice or deep scan (States Language spec, "Reference Paths").
   * AWS: "Value is not a Reference Path: Reference path didn't start with '$'" for a Choice
   * Variable given an intrinsic call (recorded by Terraform users); the bare sentence for a
   * wildcard in ResultPath/ItemsPath, which otherwise read as any path field (measured by
   * cdk-preflight).
   */
  private referencePath(value: unknown, at: string, inChoice = false): void {
    if (typeof value === 'string' && !value.startsWith('$')) {
      this.schema(at, inChoice ? "Value is not a Reference Path: Reference path didn't start with '$'" : 'Value must be a valid JSONPath.');
    } else if (typeof value !== 'string' || !isValidJsonPath(value) || !isReferencePath(value)) this.schema(at, 'Value is not a Reference Path');
  }

  /**
   * A JSONPath payload template: keys ending in `.$` take a path or an intrinsic call.
   * AWS reports the containing field's location (corpus: ESCAPE_SEQUENCES_ILLEGAL_INTRINSIC_FUNCTION).
   */
  private payloadTemplate(value: unknown, at: string): void {
    if (Array.isArray(value)) {
      for (const item of value) this.payloadTemplate(item, at);
      return;
    }
    if (!isObject(value)) return;
    for (const [key, child] of Object.entries(value)) {
      if (key.endsWith('.$')) {
        if (typeof child !== 'string' || !isValidPathOrIntrinsic(child)) {
          this.schema(at, `The value for the field '${key}' must be a valid JSONPath or a valid intrinsic function call`);
        }
      } else {
        this.payloadTemplate(child, at);
      }
    }
  }

  /** Every `{% %}` string inside a JSONata-mode value must parse. */
  private jsonataValue(value: unknown, at: string): void {
    if (typeof value === 'string') {
      if (value.startsWith('{%') || value.endsWith('%}')) this.jsonataString(value, at);
      return;
    }
    if (Array.isArray(value)) {
      for (const item of value) this.jsonataValue(item, at);
      return;
    }
    if (isObject(value)) for (const child of Object.values(value)) this.jsonataValue(child, at);
  }

  private jsonataString(value: string, at: string): void {
    if (!isJsonataExpression(value)) {
      this.schema(at, `The JSONata expression '${value}' is not enclosed in '{%' and '%}'`);
      return;
    }
    const error = jsonataSyntaxError(value);
    if (error !== undefined) this.schema(at, `The JSONata expression '${value}' specified for the field is invalid: ${error}`);
  }

  /** A number field that JSONata states may also give as `{% %}`, JSONPath states as `...Path`. */
  private numberOrExpression(state: Obj, field: string, language: QueryLanguage, at: string, check: (n: unknown) => void): void {
    const value = state[field];
    if (value === undefined) return;
    if (language === QueryLanguage.JSONata && typeof value === 'string') {
      this.jsonataString(value, `${at}/${field}`);
      return;
    }
    check(value);
  }

  private task(state: Obj, language: QueryLanguage, at: string): void {
    if (!('Resource' in state)) this.schema(at, 'These fields are required: [Resource]');
    else if (typeof state.Resource !== 'string') this.schema(`${at}/Resource`, "The field 'Resource' must be a string");
    else {
      const finding = checkTaskResource(state.Resource, this.type);
      if (finding !== undefined) this.schema(`${at}/Resource`, finding.message);
    }
    this.exclusive(state, 'TimeoutSeconds', 'TimeoutSecondsPath', at);
    this.exclusive(state, 'HeartbeatSeconds', 'HeartbeatSecondsPath', at);
    this.numberOrExpression(state, 'TimeoutSeconds', language, at, (n) => this.integer(n, `${at}/TimeoutSeconds`, RANGES.TimeoutSeconds));
    this.numberOrExpression(state, 'HeartbeatSeconds', language, at, (n) => this.integer(n, `${at}/HeartbeatSeconds`, RANGES.HeartbeatSeconds));
    // Reference Paths, one node each (States Language spec; awslabs/statelint's StateMachine.j2119:
    // "A Task State MAY have a referencePath field named \"TimeoutSecondsPath\"", likewise Heartbeat).
    for (const field of ['TimeoutSecondsPath', 'HeartbeatSecondsPath']) if (field in state) this.referencePath(state[field], `${at}/${field}`);
    const timeout = state.TimeoutSeconds;
    const heartbeat = state.HeartbeatSeconds;
    if (typeof timeout === 'number' && typeof heartbeat === 'number' && heartbeat >= timeout) {
      this.schema(`${at}/HeartbeatSeconds`, "The field 'HeartbeatSeconds' must be smaller than the field 'TimeoutSeconds'");
    }
    if ('Credentials' in state) this.credentials(state.Credentials, language, `${at}/Credentials`);
  }

  /** Credentials needs a role: RoleArn (or RoleArnPath in JSONPath states). */
  private credentials(value: unknown, language: QueryLanguage, at: string): void {
    if (!isObject(value)) {
      this.schema(at, "The field 'Credentials' must be a JSON object");
      return;
    }
    const hasPath = language === QueryLanguage.JSONPath && ('RoleArnPath' in value || 'RoleArn.$' in value);
    if (!('RoleArn' in value) && !hasPath) this.schema(at, "The field 'RoleArn' is required but was missing");
    if (language === QueryLanguage.JSONata && typeof value.RoleArn === 'string' && value.RoleArn.startsWith('{%')) {
      this.jsonataString(value.RoleArn, `${at}/RoleArn`);
    }
    if (language === QueryLanguage.JSONPath && 'RoleArnPath' in value) this.jsonPath(value.RoleArnPath, 'RoleArnPath', `${at}/RoleArnPath`);
  }

  private choice(state: Obj, language: QueryLanguage, at: string): void {
    if ('Default' in state && typeof state.Default !== 'string') this.schema(`${at}/Default`, "The field 'Default' must be a string");
    if (!('Choices' in state)) {
      this.schema(at, 'These fields are required: [Choices]');
      return;
    }
    const choices = state.Choices;
    if (!this.nonEmptyArray(choices, 'Choices', `${at}/Choices`)) return;
    choices.forEach((rule, i) => this.choiceRule(rule, language, `${at}/Choices[${i}]`, true));
  }

  private choiceRule(rule: unknown, language: QueryLanguage, at: string, topLevel: boolean): void {
    if (!isObject(rule)) {
      this.schema(at, 'A choice rule must be a JSON object');
      return;
    }
    if (topLevel && !('Next' in rule)) this.schema(at, 'These fields are required: [Next]');
    if (topLevel && 'Next' in rule && typeof rule.Next !== 'string') this.schema(`${at}/Next`, "The field 'Next' must be a string");
    // As a state's Assign: names to values, in either language (the rule's variables are folded as one).
    if (topLevel && 'Assign' in rule && !isObject(rule.Assign)) this.schema(`${at}/Assign`, "The field 'Assign' must be a JSON object");
    const extra = topLevel ? ['Next', 'Comment', 'Assign', 'Output'] : ['Comment'];
    if (language === QueryLanguage.JSONata) {
      this.unknownFields(rule, ['Condition', ...extra], at);
      if (!('Condition' in rule)) this.schema(at, 'These fields are required: [Condition]');
      else if (typeof rule.Condition === 'string') this.jsonataString(rule.Condition, `${at}/Condition`);
      else if (typeof rule.Condition !== 'boolean') this.schema(`${at}/Condition`, "The field 'Condition' must be a JSONata expression");
      if ('Output' in rule) this.jsonataValue(rule.Output, `${at}/Output`);
      if ('Assign' in rule) this.jsonataValue(rule.Assign, `${at}/Assign`);
      return;
    }
    if (topLevel && 'Output' in rule) {
      this.schema(at, "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage");
    }
    if ('Assign' in rule) this.payloadTemplate(rule.Assign, `${at}/Assign`);
    const combinators = ['And', 'Or', 'Not'].filter((f) => f in rule);
    const operators = Object.keys(rule).filter((f) => CHOICE_OPERATORS.has(f));
    this.unknownFields(rule, ['Variable', 'And', 'Or', 'Not', ...CHOICE_OPERATORS, ...extra], at);
    // One of And/Or/Not/Variable (AWS's words, measured by cdk-preflight: pf-sfn-asl-choice-rules).
    if (combinators.length + ('Variable' in rule ? 1 : 0) !== 1) {
      this.schema(at, 'The object must have only one of the following fields, [And, Or, Not, Variable, Condition]');
      return;
    }
    if (combinators.length + operators.length !== 1) {
      this.schema(at, 'A choice rule must have exactly one comparison operator or one of [And, Or, Not]');
      return;
    }
    const [combinator] = combinators;
    if (combinator === 'Not') {
      this.choiceRule(rule.Not, language, `${at}/Not`, false);
      return;
    }
    if (combinator !== undefined) {
      const list = rule[combinator];
      if (this.nonEmptyArray(list, combinator, `${at}/${combinator}`)) list.forEach((r, i) => this.choiceRule(r, language, `${at}/${combinator}[${i}]`, false));
      return;
    }
    if (!('Variable' in rule)) this.schema(at, 'These fields are required: [Variable]');
    else this.referencePath(rule.Variable, `${at}/Variable`, true);
    const operator = operators[0] ?? '';
    this.comparisonValue(operator, rule[operator], `${at}/${operator}`);
  }

  private comparisonValue(operator: string, value: unknown, at: string): void {
    if (operator.endsWith('Path')) {
      this.referencePath(value, at, true);
      return;
    }
    if (operator.startsWith('Is') || operator === 'BooleanEquals') {
      if (typeof value !== 'boolean') this.schema(at, `The field '${operator}' must be a boolean`);
    } else if (operator.startsWith('String')) {
      if (typeof value !== 'string') this.schema(at, `The field '${operator}' must be a string`);
    } else if (operator.startsWith('Numeric')) {
      if (typeof value !== 'number') this.schema(at, `The field '${operator}' must be a number`);
    } else if (operator.startsWith('Timestamp')) {
      if (typeof value !== 'string' || !isRfc3339Timestamp(value)) this.schema(at, 'String does not match RFC3339 timestamp');
    }
  }

  /** Exactly one of Seconds, Timestamp, SecondsPath, TimestampPath. */
  private wait(state: Obj, language: QueryLanguage, at: string): void {
    this.exactlyOne(state, WAIT_TIME_FIELDS, at);
    this.numberOrExpression(state, 'Seconds', language, at, (n) => this.integer(n, `${at}/Seconds`, RANGES.Seconds));
    const timestamp = state.Timestamp;
    if (timestamp !== undefined) {
      // `{% %}` only means an expression in a JSONata state; elsewhere it is just a bad date
      // (corpus: test_wait_timestamp_invalid JSONATA).
      if (language === QueryLanguage.JSONata && typeof timestamp === 'string' && timestamp.startsWith('{%')) {
        this.jsonataString(timestamp, `${at}/Timestamp`);
      } else if (typeof timestamp !== 'string' || !isRfc3339Timestamp(timestamp)) {
        this.schema(`${at}/Timestamp`, 'String does not match RFC3339 timestamp');
      }
    }
    // Reference Paths too (statelint's StateMachine.j2119: "A Wait State MAY have a referencePath field named \"SecondsPath\"").
    for (const field of ['SecondsPath', 'TimestampPath']) if (field in state) this.referencePath(state[field], `${at}/${field}`);
  }

  private fail(state: Obj, language: QueryLanguage, at: string): void {
    this.exclusive(state, 'Error', 'ErrorPath', at);
    this.exclusive(state, 'Cause', 'CausePath', at);
    for (const field of ['Error', 'Cause']) {
      const value = state[field];
      if (value === undefined) continue;
      if (typeof value !== 'string') this.schema(`${at}/${field}`, `The field '${field}' must be a string`);
      else if (language === QueryLanguage.JSONata && value.startsWith('{%')) this.jsonataString(value, `${at}/${field}`);
    }
    for (const field of ['ErrorPath', 'CausePath']) {
      if (!(field in state)) continue;
      const value = state[field];
      if (typeof value !== 'string' || !isValidPathOrIntrinsic(value)) {
        this.schema(`${at}/${field}`, `The value for the field '${field}' must be a valid JSONPath or a valid intrinsic function call`);
      } else if (!isValidJsonPath(value) && !returnsString(value)) {
        this.schema(`${at}/${field}`, `The field '${field}' may only call an intrinsic function that returns a string: [${[...STRING_RESULT_INTRINSICS].join(', ')}]`);
      }
    }
  }

  private parallel(state: Obj, at: string): void {
    if (!('Branches' in state)) {
      this.schema(at, 'These fields are required: [Branches]');
      return;
    }
    const branches = state.Branches;
    if (!this.nonEmptyArray(branches, 'Branches', `${at}/Branches`)) return;
    branches.forEach((branch, i) => this.subMachine(branch, `${at}/Branches[${i}]`, ['StartAt', 'States', 'Comment']));
  }

  private subMachine(value: unknown, at: string, allowed: readonly string[]): void {
    if (!isObject(value)) {
      this.schema(at, 'The value must be a JSON object');
      return;
    }
    const missing = ['States', 'StartAt'].filter((f) => !(f in value));
    if (missing.length > 0) this.schema(at, `These fields are required: [${missing.join(', ')}]`);
    this.unknownFields(value, allowed, at);
    this.checkContainer(value, at);
  }

  private map(state: Obj, language: QueryLanguage, at: string): void {
    const hasProcessor = 'ItemProcessor' in state;
    this.exactlyOne(state, ['ItemProcessor', 'Iterator'], at);
    this.exclusive(state, 'ItemSelector', 'Parameters', at);
    this.exclusive(state, 'ItemsPath', 'Items', at);
    const processorField = hasProcessor ? 'ItemProcessor' : 'Iterator';
    const processor = state[processorField];
    if (processor !== undefined) {
      this.subMachine(processor, `${at}/${processorField}`, ['StartAt', 'States', 'Comment', 'ProcessorConfig']);
      if (isObject(processor) && 'ProcessorConfig' in processor) this.processorConfig(processor.ProcessorConfig, `${at}/${processorField}/ProcessorConfig`);
    }
    if (language === QueryLanguage.JSONPath) {
      if ('ItemsPath' in state) this.referencePath(state.ItemsPath, `${at}/ItemsPath`);
      if ('ItemSelector' in state) this.payloadTemplate(state.ItemSelector, `${at}/ItemSelector`);
      for (const field of ['MaxConcurrencyPath', 'ToleratedFailureCountPath', 'ToleratedFailurePercentagePath']) {
        if (field in state) this.jsonPath(state[field], field, `${at}/${field}`);
      }
    } else {
      for (const field of ['Items', 'ItemSelector']) if (field in state) this.jsonataValue(state[field], `${at}/${field}`);
    }
    this.exclusive(state, 'MaxConcurrency', 'MaxConcurrencyPath', at);
    this.exclusive(state, 'ToleratedFailureCount', 'ToleratedFailureCountPath', at);
    this.exclusive(state, 'ToleratedFailurePercentage', 'ToleratedFailurePercentagePath', at);
    this.numberOrExpression(state, 'MaxConcurrency', language, at, (n) => this.integer(n, `${at}/MaxConcurrency`, RANGES.MaxConcurrency));
    this.numberOrExpression(state, 'ToleratedFailureCount', language, at, (n) => this.integer(n, `${at}/ToleratedFailureCount`, RANGES.ToleratedFailureCount));
    this.numberOrExpression(state, 'ToleratedFailurePercentage', language, at, (n) =>
      this.number(n, `${at}/ToleratedFailurePercentage`, RANGES.ToleratedFailurePercentage),
    );
    if ('Label' in state) this.mapLabel(state.Label, `${at}/Label`);
    if ('ItemReader' in state) this.itemReader(state.ItemReader, language, `${at}/ItemReader`);
    if ('ResultWriter' in state) this.resultWriter(state.ResultWriter, language, `${at}/ResultWriter`);
    if ('ItemBatcher' in state && !isObject(state.ItemBatcher)) this.schema(`${at}/ItemBatcher`, "The field 'ItemBatcher' must be a JSON object");
    else if (isObject(state.ItemBatcher)) {
      this.exclusive(state.ItemBatcher, 'MaxItemsPerBatch', 'MaxItemsPerBatchPath', `${at}/ItemBatcher`);
      this.exclusive(state.ItemBatcher, 'MaxInputBytesPerBatch', 'MaxInputBytesPerBatchPath', `${at}/ItemBatcher`);
    }
  }

  /**
   * A Map's Label names its Map Runs in their ARNs (Developer Guide, Distributed Map state
   * fields): 1 to 40 characters, none of the characters the guide forbids, unique in the
   * definition. AWS refused each forbidden character at creation
   * (LocalStack's test_map_state_label_invalid_char_fail, _empty_fail, _too_long_fail, AWS, 2024-07-20).
   */
  private mapLabel(label: unknown, at: string): void {
    if (typeof label !== 'string') return this.schema(at, "The field 'Label' must be a string");
    if (label.length === 0) return this.schema(at, "The field 'Label' must not be empty");
    if ([...label].length > MAX_LABEL_LENGTH) return this.schema(at, `The field 'Label' must be at most ${MAX_LABEL_LENGTH} characters`);
    const forbidden = FORBIDDEN_LABEL_CHARACTER.exec(label);
    if (forbidden) return this.schema(at, `The field 'Label' contains an invalid character: ${JSON.stringify(forbidden[0])}`);
    if (this.mapLabels.has(label)) return this.schema(at, `Duplicate Map Label: ${label}`);
    this.mapLabels.add(label);
  }

  private processorConfig(value: unknown, at: string): void {
    if (!isObject(value)) {
      this.schema(at, "The field 'ProcessorConfig' must be a JSON object");
      return;
    }
    this.unknownFields(value, ['Mode', 'ExecutionType'], at);
    if ('Mode' in value && value.Mode !== 'INLINE' && value.Mode !== 'DISTRIBUTED') this.schema(`${at}/Mode`, oneOfValues(['INLINE', 'DISTRIBUTED']));
    // AWS's words, measured by cdk-preflight (pf-sfn-asl-map-distributed): a Distributed Map
    // names its child executions' type, an inline one may not.
    if (value.Mode === 'DISTRIBUTED' && !('ExecutionType' in value)) this.schema(at, 'These fields are required: [ExecutionType]');
    if (value.Mode !== 'DISTRIBUTED' && 'ExecutionType' in value) this.schema(`${at}/ExecutionType`, "Field 'ExecutionType' is not supported");
    else if ('ExecutionType' in value && value.ExecutionType !== 'STANDARD' && value.ExecutionType !== 'EXPRESS') {
      this.schema(`${at}/ExecutionType`, oneOfValues(['STANDARD', 'EXPRESS']));
    }
  }

  private itemReader(value: unknown, language: QueryLanguage, at: string): void {
    if (!isObject(value)) {
      this.schema(at, "The field 'ItemReader' must be a JSON object");
      return;
    }
    if (!('Resource' in value)) this.schema(at, 'These fields are required: [Resource]');
    this.unknownFields(value, ['Resource', 'ReaderConfig', 'Parameters', 'Arguments'], at);
    this.resourceParameters(value, language, at);
    // An ItemReader reads from S3 (ItemReader page); AWS's words measured by cdk-preflight.
    if (typeof value.Resource === 'string' && !ITEM_READER_RESOURCE.test(value.Resource)) {
      this.schema(`${at}/Resource`, "The field 'Resource' does not match any of the allowed values");
    }
    if ('ReaderConfig' in value && !isObject(value.ReaderConfig)) this.schema(`${at}/ReaderConfig`, "The field 'ReaderConfig' must be a JSON object");
    else if (isObject(value.ReaderConfig)) this.readerConfig(value.ReaderConfig, `${at}/ReaderConfig`);
  }

  private readerConfig(config: Obj, at: string): void {
    this.exclusive(config, 'MaxItems', 'MaxItemsPath', at);
    if (config.InputType === 'CSV' && !('CSVHeaderLocation' in config)) this.schema(at, "The field 'CSVHeaderLocation' is required");
    if (config.InputType === 'JSON' && 'CSVHeaderLocation' in config) this.schema(`${at}/CSVHeaderLocation`, "Field 'CSVHeaderLocation' is not supported");
    if (config.CSVHeaderLocation === 'GIVEN' && !('CSVHeaders' in config)) this.schema(at, 'These fields are required: [CSVHeaders]');
    if ('CSVDelimiter' in config && !CSV_DELIMITER_NAMES.includes(config.CSVDelimiter as string)) this.schema(`${at}/CSVDelimiter`, oneOfValues(CSV_DELIMITER_NAMES));
  }

  private resultWriter(value: unknown, language: QueryLanguage, at: string): void {
    if (!isObject(value)) {
      this.schema(at, "The field 'ResultWriter' must be a JSON object");
      return;
    }
    this.unknownFields(value, ['Resource', 'Parameters', 'Arguments', 'WriterConfig'], at);
    if (!('Resource' in value) && !('WriterConfig' in value)) this.schema(at, 'These fields are required: [Resource]');
    this.resourceParameters(value, language, at);
    // WriterConfig's values (ResultWriter page): Transformation NONE, COMPACT or FLATTEN; OutputType JSON or JSONL.
    if (isObject(value.WriterConfig)) {
      const config = value.WriterConfig;
      for (const [field, values] of [['Transformation', ['NONE', 'COMPACT', 'FLATTEN']], ['OutputType', ['JSON', 'JSONL']]] as const) {
        if (field in config && !(values as readonly unknown[]).includes(config[field])) this.schema(`${at}/WriterConfig/${field}`, oneOfValues(values));
      }
    }
  }

  private resourceParameters(value: Obj, language: QueryLanguage, at: string): void {
    if ('Resource' in value && typeof value.Resource !== 'string') this.schema(`${at}/Resource`, "The field 'Resource' must be a string");
    if (language === QueryLanguage.JSONPath) {
      if ('Arguments' in value) this.schema(at, "The QueryLanguage is set to 'JSONPath', but field 'Arguments' is only supported for the 'JSONata' QueryLanguage");
      if ('Parameters' in value) this.payloadTemplate(value.Parameters, `${at}/Parameters`);
    } else {
      if ('Parameters' in value) this.schema(at, "The QueryLanguage is set to 'JSONata', but field 'Parameters' is only supported for the 'JSONPath' QueryLanguage");
      if ('Arguments' in value) this.jsonataValue(value.Arguments, `${at}/Arguments`);
    }
  }

  /** Retriers: ErrorEquals required; `States.ALL` alone and only in the last retrier. */
  private retry(value: unknown, at: string): void {
    if (!Array.isArray(value)) {
      this.schema(at, "The field 'Retry' must be an array");
      return;
    }
    value.forEach((retrier, i) => {
      const here = `${at}[${i}]`;
      if (!isObject(retrier)) {
        this.schema(here, 'A retrier must be a JSON object');
        return;
      }
      this.unknownFields(retrier, ['ErrorEquals', 'IntervalSeconds', 'MaxAttempts', 'BackoffRate', 'MaxDelaySeconds', 'JitterStrategy', 'Comment'], here);
      this.errorEquals(retrier, here, i === value.length - 1);
      for (const field of ['IntervalSeconds', 'MaxAttempts', 'MaxDelaySeconds'] as const) {
        if (field in retrier) this.integer(retrier[field], `${here}/${field}`, RANGES[field]);
      }
      if ('BackoffRate' in retrier) this.number(retrier.BackoffRate, `${here}/BackoffRate`, RANGES.BackoffRate);
      if ('JitterStrategy' in retrier && retrier.JitterStrategy !== 'FULL' && retrier.JitterStrategy !== 'NONE') {
        this.schema(`${here}/JitterStrategy`, "The field 'JitterStrategy' must be one of [FULL, NONE]");
      }
    });
  }

  private catchers(value: unknown, language: QueryLanguage, at: string): void {
    if (!Array.isArray(value)) {
      this.schema(at, "The field 'Catch' must be an array");
      return;
    }
    value.forEach((catcher, i) => {
      const here = `${at}[${i}]`;
      if (!isObject(catcher)) {
        this.schema(here, 'A catcher must be a JSON object');
        return;
      }
      this.unknownFields(catcher, ['ErrorEquals', 'Next', 'ResultPath', 'Output', 'Assign', 'Comment'], here);
      if (!('Next' in catcher)) this.schema(here, 'These fields are required: [Next]');
      else if (typeof catcher.Next !== 'string') this.schema(`${here}/Next`, "The field 'Next' must be a string");
      this.errorEquals(catcher, here, i === value.length - 1);
      if (language === QueryLanguage.JSONPath) {
        if ('Output' in catcher) this.schema(here, "The QueryLanguage is set to 'JSONPath', but field 'Output' is only supported for the 'JSONata' QueryLanguage");
        if ('ResultPath' in catcher && catcher.ResultPath !== null) this.referencePath(catcher.ResultPath, `${here}/ResultPath`);
        if ('Assign' in catcher) this.payloadTemplate(catcher.Assign, `${here}/Assign`);
      } else {
        if ('ResultPath' in catcher) this.schema(here, "The QueryLanguage is set to 'JSONata', but field 'ResultPath' is only supported for the 'JSONPath' QueryLanguage");
        for (const field of ['Output', 'Assign']) if (field in catcher) this.jsonataValue(catcher[field], `${here}/${field}`);
      }
      // As a state's Assign: names to values, in either language (the fold reads it as one).
      if ('Assign' in catcher && !isObject(catcher.Assign)) this.schema(`${here}/Assign`, "The field 'Assign' must be a JSON object");
    });
  }

  private errorEquals(obj: Obj, at: string, isLast: boolean): void {
    if (!('ErrorEquals' in obj)) {
      this.schema(at, 'These fields are required: [ErrorEquals]');
      return;
    }
    const errors = obj.ErrorEquals;
    if (Array.isArray(errors) && errors.length === 0) {
      this.schema(`${at}/ErrorEquals`, EMPTY_ARRAY);
      return;
    }
    if (!Array.isArray(errors) || errors.some((e) => typeof e !== 'string')) {
      this.schema(`${at}/ErrorEquals`, "The field 'ErrorEquals' must be a non-empty array of strings");
      return;
    }
    if (errors.includes('States.ALL')) {
      if (errors.length > 1) this.schema(`${at}/ErrorEquals`, "'States.ALL' must appear alone in 'ErrorEquals'");
      if (!isLast) this.schema(`${at}/ErrorEquals`, "'States.ALL' must appear in the last 'ErrorEquals' of the list");
    }
  }

  /** An array that must hold something: AWS's words for an empty one (Branches, Choices, And/Or, ErrorEquals). */
  private nonEmptyArray(value: unknown, field: string, at: string): value is unknown[] {
    if (!Array.isArray(value)) this.schema(at, `The field '${field}' must be a non-empty array`);
    else if (value.length === 0) this.schema(at, EMPTY_ARRAY);
    return Array.isArray(value) && value.length > 0;
  }

  private exclusive(state: Obj, a: string, b: string, at: string): void {
    if (a in state && b in state) this.schema(at, tooManyOf([a, b]));
  }

  /** One field of `fields` is required, and only one. */
  private exactlyOne(state: Obj, fields: readonly string[], at: string): void {
    const present = fields.filter((f) => f in state).length;
    if (present === 0) this.schema(at, noneOf(fields));
    else if (present > 1) this.schema(at, tooManyOf(fields));
  }

  private optionalString(obj: Obj, field: string, at: string): void {
    if (field in obj && typeof obj[field] !== 'string') this.schema(at, `The field '${field}' must be a string`);
  }

  /** An integer field in its range, in AWS's words (RANGES). */
  private integer(value: unknown, at: string, range: Range): void {
    if (typeof value !== 'number' || !Number.isInteger(value)) this.schema(at, 'Expected value of type Integer');
    else this.inRange(value, at, range);
  }

  private number(value: unknown, at: string, range: Range): void {
    if (typeof value !== 'number') this.schema(at, 'Expected value of type Number');
    else this.inRange(value, at, range);
  }

  private inRange(value: number, at: string, { min, max }: Range): void {
    if (value < min) this.schema(at, `Minimum value is ${min}`);
    else if (max !== undefined && value > max) this.schema(at, `Maximum value is ${max}`);
  }

  /**
   * Transition analysis per container (machine, branch, processor): every target exists,
   * some state terminates, every state is reachable. Messages recorded from AWS
   * (serverless-step-functions#250, localstack#12487): a dangling target is always called
   * 'Next' whatever field holds it; a missing terminal state suppresses the reachability walk.
   */
  checkTransitions(container: Obj, prefix: string): void {
    const states = container.States as Record<string, Obj>;
    const names = new Set(Object.keys(states));
    const edges = new Map<string, string[]>();
    const missing = (target: string, at: string): void => this.add(DiagnosticCode.MISSING_TRANSITION_TARGET, `Missing 'Next' target: ${target}`, at);
    const startAt = container.StartAt as string;
    if (!names.has(startAt)) missing(startAt, `${prefix}/StartAt`);
    let hasTerminal = false;
    for (const [name, state] of Object.entries(states)) {
      const at = `${prefix}/States/${name}`;
      const targets: string[] = [];
      const follow = (target: unknown, where: string): void => {
        if (typeof target !== 'string') return;
        if (names.has(target)) targets.push(target);
        else missing(target, where);
      };
      if (state.End === true || state.Type === 'Succeed' || state.Type === 'Fail') hasTerminal = true;
      follow(state.Next, `${at}/Next`);
      if (Array.isArray(state.Choices)) state.Choices.forEach((rule: Obj, i) => follow(rule.Next, `${at}/Choices[${i}]/Next`));
      follow(state.Default, `${at}/Default`);
      if (Array.isArray(state.Catch)) state.Catch.forEach((c: Obj, i) => follow(c.Next, `${at}/Catch[${i}]/Next`));
      edges.set(name, targets);
      if (Array.isArray(state.Branches)) state.Branches.forEach((b: Obj, i) => this.checkTransitions(b, `${at}/Branches[${i}]`));
      const processor = state.ItemProcessor ?? state.Iterator;
      if (isObject(processor)) this.checkTransitions(processor, `${at}/${'ItemProcessor' in state ? 'ItemProcessor' : 'Iterator'}`);
    }
    if (!hasTerminal) {
      this.add(DiagnosticCode.MISSING_END_STATE, 'Workflow has no terminal state');
      return;
    }
    const reached = new Set<string>();
    const queue = names.has(startAt) ? [startAt] : [];
    while (queue.length > 0) {
      const name = queue.pop() as string;
      if (reached.has(name)) continue;
      reached.add(name);
      queue.push(...(edges.get(name) ?? []));
    }
    for (const name of names) {
      if (!reached.has(name)) this.add(DiagnosticCode.MISSING_TRANSITION_TARGET, `State "${name}" is not reachable.`, `${prefix}/States/${name}`);
    }
  }
}

/**
 * AWS's words for a group of fields of which at most one may be set (a field and its `…Path`
 * twin, Next and End), and for a group of which one is required and none was set. Measured with
 * ValidateStateMachineDefinition by cdk-preflight's rules (pf-sfn-asl-path-exclusive,
 * pf-sfn-asl-next-end, pf-sfn-asl-wait-timing); AWS lists a Wait's fields in the order below.
 */
function tooManyOf(fields: readonly string[]): string {
  return `There should only be one of the following fields: [${fields.join(', ')}]`;
}

function noneOf(fields: readonly string[]): string {
  return `This object should have only one of the following fields: [${fields.join(', ')}]`;
}

/** AWS's words for an enumerated field given another value (measured by cdk-preflight). */
function oneOfValues(values: readonly string[]): string {
  return `Value should be one of the following: [${values.join(', ')}]`;
}

const MAX_LABEL_LENGTH = 40;
/**
 * What a Map Label must not contain (Developer Guide, Distributed Map state fields): whitespace,
 * the wildcards ? and *, the brackets < > { } [ ], the specials : ; , \ | ^ ~ $ # % & ` and ", and
 * control characters (U+0000–001F, U+007F–009F). Unlike a name's rule, `/` is not among them.
 */
// eslint-disable-next-line no-control-regex
const FORBIDDEN_LABEL_CHARACTER = /[\s?*<>{}[\]:;,\\|^~$#%&`"\u0000-\u001f\u007f-\u009f]/u;

/** The resources an ItemReader may name: S3's getObject and listObjectsV2. */
const ITEM_READER_RESOURCE = /^arn:[^:]+:states:::s3:(getObject|listObjectsV2)$/;

function isObject(value: unknown): value is Obj {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Whether an ErrorPath/CausePath intrinsic call (already checked as one) names a string-returning function. */
function returnsString(call: string): boolean {
  if (!isValidIntrinsicCall(call)) return true;
  try {
    return STRING_RESULT_INTRINSICS.has(parseIntrinsic(call.trim()).name);
  } catch {
    // A call the parser refuses is reported where the engine evaluates it, as before.
    return true;
  }
}
