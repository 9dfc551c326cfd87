/**
 * Errors the API returns, by AWS's names letter for letter (API reference, "Errors" of each
 * action). Each class has a literal `name`; all join `ApiError`, which one filter renders as
 * `{"__type": name, "message": ...}` (aws-json-exception.filter.ts). The messages follow what
 * AWS returns, e.g. `State Machine Does Not Exist: '<arn>'`.
 */
abstract class ApiErrorBase extends Error {
  abstract override readonly name: string;
  /** HTTP status: 400 for the caller's mistakes, as AWS JSON 1.0 services answer them. */
  readonly status: number = 400;
}

/** AWS's ValidationExceptionReason values (API reference, ValidationException's `reason`). */
export type ValidationExceptionReason = 'API_DOES_NOT_SUPPORT_LABELED_ARNS' | 'MISSING_REQUIRED_PARAMETER' | 'CANNOT_UPDATE_COMPLETED_MAP_RUN' | 'INVALID_ROUTING_CONFIGURATION';

export class ValidationException extends ApiErrorBase {
  override readonly name = 'ValidationException' as const;
  constructor(
    message: string,
    /** Sent as the body's `reason` member, which the AWS SDKs expose on the error. */
    readonly reason?: ValidationExceptionReason,
  ) {
    super(message);
  }
}

/** The body is not JSON (the protocol layer's error, before any action runs). */
export class SerializationException extends ApiErrorBase {
  override readonly name = 'SerializationException' as const;
}

export class UnknownOperationException extends ApiErrorBase {
  override readonly name = 'UnknownOperationException' as const;
}

export class InvalidArn extends ApiErrorBase {
  override readonly name = 'InvalidArn' as const;
  /** `detail`: the ARN, or AWS's reason when it gives one ('Invalid ARN prefix: <value>'). */
  constructor(detail: string) {
    super(`Invalid Arn: '${detail}'`);
  }
}

export class InvalidName extends ApiErrorBase {
  override readonly name = 'InvalidName' as const;
  constructor(name: string) {
    super(`Invalid Name: '${name}'`);
  }
}

export class InvalidDefinition extends ApiErrorBase {
  override readonly name = 'InvalidDefinition' as const;
}

export class InvalidExecutionInput extends ApiErrorBase {
  override readonly name = 'InvalidExecutionInput' as const;
  constructor(detail: string) {
    super(`Invalid State Machine Execution Input: '${detail}'`);
  }
}

export class InvalidToken extends ApiErrorBase {
  override readonly name = 'InvalidToken' as const;
  constructor(token: string) {
    super(`Invalid Token: '${token}'`);
  }
}

/**
 * encryptionConfiguration whose members are each valid but do not fit together: a customer
 * managed key without its kmsKeyId (API reference, InvalidEncryptionConfiguration).
 */
export class InvalidEncryptionConfiguration extends ApiErrorBase {
  override readonly name = 'InvalidEncryptionConfiguration' as const;
}

/** A loggingConfiguration CreateStateMachine or UpdateStateMachine cannot use (API_CreateStateMachine, "Errors"). */
export class InvalidLoggingConfiguration extends ApiErrorBase {
  override readonly name = 'InvalidLoggingConfiguration' as const;
  constructor(detail: string) {
    super(`Invalid Logging Configuration: ${detail}`);
  }
}

export class MissingRequiredParameter extends ApiErrorBase {
  override readonly name = 'MissingRequiredParameter' as const;
}

export class StateMachineDoesNotExist extends ApiErrorBase {
  override readonly name = 'StateMachineDoesNotExist' as const;
  constructor(arn: string) {
    super(`State Machine Does Not Exist: '${arn}'`);
  }
}

export class StateMachineAlreadyExists extends ApiErrorBase {
  override readonly name = 'StateMachineAlreadyExists' as const;
  constructor(arn: string) {
    super(`State Machine Already Exists: '${arn}'`);
  }
}

/** DeleteStateMachine was called while executions run; the machine goes once they end. */
export class StateMachineDeleting extends ApiErrorBase {
  override readonly name = 'StateMachineDeleting' as const;
  constructor(arn: string) {
    super(`State Machine is being deleted: '${arn}'`);
  }
}

/** More versions (1000) or aliases (100) than AWS allows for one state machine. */
export class ServiceQuotaExceededException extends ApiErrorBase {
  override readonly name = 'ServiceQuotaExceededException' as const;
}

export class StateMachineTypeNotSupported extends ApiErrorBase {
  override readonly name = 'StateMachineTypeNotSupported' as const;
  constructor() {
    super('This operation is not supported by this type of state machine');
  }
}

export class ExecutionDoesNotExist extends ApiErrorBase {
  override readonly name = 'ExecutionDoesNotExist' as const;
  constructor(arn: string) {
    super(`Execution Does Not Exist: '${arn}'`);
  }
}

export class ExecutionAlreadyExists extends ApiErrorBase {
  override readonly name = 'ExecutionAlreadyExists' as const;
  constructor(arn: string) {
    super(`Execution Already Exists: '${arn}'`);
  }
}

/** RedriveExecution on an execution AWS would not redrive; the message is AWS's redriveStatusReason. */
export class ExecutionNotRedrivable extends ApiErrorBase {
  override readonly name = 'ExecutionNotRedrivable' as const;
}

export class ActivityDoesNotExist extends ApiErrorBase {
  override readonly name = 'ActivityDoesNotExist' as const;
  constructor(arn: string) {
    super(`Activity Does Not Exist: '${arn}'`);
  }
}

/** A task token of ours that names no task that was ever scheduled. */
export class TaskDoesNotExist extends ApiErrorBase {
  override readonly name = 'TaskDoesNotExist' as const;
  constructor() {
    super("Task Does Not Exist: 'Provided task does not exist'");
  }
}

/** The token's task closed (completed, failed, timed out, or its execution ended). */
export class TaskTimedOut extends ApiErrorBase {
  override readonly name = 'TaskTimedOut' as const;
  constructor() {
    super("Task Timed Out: 'Provided task does not exist anymore'");
  }
}

export class InvalidOutput extends ApiErrorBase {
  override readonly name = 'InvalidOutput' as const;
  constructor(detail: string) {
    super(`Invalid Output: '${detail}'`);
  }
}

export class ResourceNotFound extends ApiErrorBase {
  override readonly name = 'ResourceNotFound' as const;
  constructor(arn: string, message = `Resource not found: '${arn}'`) {
    super(message);
  }

  /** An alias ARN that names no alias: AWS's message does not repeat the ARN. */
  static alias(arn: string): ResourceNotFound {
    return new ResourceNotFound(arn, 'Request references a resource that does not exist.');
  }
}

/** An append kept losing to another writer; the caller may retry. */
export class ConflictException extends ApiErrorBase {
  override readonly name = 'ConflictException' as const;
}

/**
 * Authentication and authorisation (Common Errors of the AWS API reference; messages as AWS
 * sends them). Raised by apps/server/src/auth before any action runs.
 */
export class MissingAuthenticationToken extends ApiErrorBase {
  override readonly name = 'MissingAuthenticationToken' as const;
  /** 403 as AWS sends it; the console's session check answers 401, which tells it to sign in. */
  constructor(
    message = 'The request must contain either a valid (registered) AWS access key ID or X.509 certificate.',
    override readonly status: number = 403,
  ) {
    super(message);
  }
}

/**
 * A console session that is over: past its TTL, signed out, or made by another server process
 * (sessions live in the process that signed in). AWS's name for expired credentials; 401, as
 * the console's other sign-in answers, so the console shows its sign-in form again.
 */
export class ExpiredTokenException extends ApiErrorBase {
  override readonly name = 'ExpiredTokenException' as const;
  override readonly status = 401;
}

/** The Authorization header lacks a part SigV4 needs. */
export class IncompleteSignature extends ApiErrorBase {
  override readonly name = 'IncompleteSignature' as const;
}

/** The access key id is not one of the configured keys (or temporary credentials were sent). */
export class UnrecognizedClientException extends ApiErrorBase {
  override readonly name = 'UnrecognizedClientException' as const;
  constructor() {
    super('The security token included in the request is invalid.');
  }
}

/** The signature does not verify, its scope is wrong, or its time is outside the skew limit. */
export class InvalidSignatureException extends ApiErrorBase {
  override readonly name = 'InvalidSignatureException' as const;
}

export class AccessDeniedException extends ApiErrorBase {
  override readonly name = 'AccessDeniedException' as const;
  constructor(
    message: string,
    override readonly status: number = 400,
  ) {
    super(message);
  }
}

/** Anything unexpected: logged, and reported without internals. */
export class InternalFailure extends ApiErrorBase {
  override readonly name = 'InternalFailure' as const;
  override readonly status = 500;
}

/** AWS's answer when requests come faster than it admits them (HTTP 400, as its JSON 1.0 services send it). */
export class ThrottlingException extends ApiErrorBase {
  override readonly name = 'ThrottlingException' as const;
}

export type ApiError =
  | ThrottlingException
  | ValidationException
  | SerializationException
  | UnknownOperationException
  | InvalidArn
  | InvalidName
  | InvalidDefinition
  | InvalidExecutionInput
  | InvalidEncryptionConfiguration
  | InvalidLoggingConfiguration
  | InvalidToken
  | MissingRequiredParameter
  | StateMachineDoesNotExist
  | StateMachineAlreadyExists
  | StateMachineTypeNotSupported
  | StateMachineDeleting
  | ServiceQuotaExceededException
  | ExecutionDoesNotExist
  | ExecutionAlreadyExists
  | ExecutionNotRedrivable
  | ActivityDoesNotExist
  | TaskDoesNotExist
  | TaskTimedOut
  | InvalidOutput
  | ResourceNotFound
  | ConflictException
  | MissingAuthenticationToken
  | ExpiredTokenException
  | IncompleteSignature
  | UnrecognizedClientException
  | InvalidSignatureException
  | AccessDeniedException
  | InternalFailure;

export function isApiError(error: unknown): error is ApiError {
  return error instanceof ApiErrorBase;
}
