import { Metadata, status, type ServiceError } from '@grpc/grpc-js';
import type protobuf from 'protobufjs';
import { InternalFailure, isApiError, type ApiError } from '../aws-protocol/api-errors';

/**
 * Each AWS error name's gRPC status code (tabled in the README). Keyed by the ApiError union,
 * so a new API error does not compile until it is given a code here.
 */
export const GRPC_CODE_OF: Readonly<Record<ApiError['name'], status>> = {
  ValidationException: status.INVALID_ARGUMENT,
  SerializationException: status.INVALID_ARGUMENT,
  InvalidArn: status.INVALID_ARGUMENT,
  InvalidName: status.INVALID_ARGUMENT,
  InvalidDefinition: status.INVALID_ARGUMENT,
  InvalidExecutionInput: status.INVALID_ARGUMENT,
  InvalidEncryptionConfiguration: status.INVALID_ARGUMENT,
  InvalidLoggingConfiguration: status.INVALID_ARGUMENT,
  InvalidToken: status.INVALID_ARGUMENT,
  InvalidOutput: status.INVALID_ARGUMENT,
  MissingRequiredParameter: status.INVALID_ARGUMENT,
  UnknownOperationException: status.UNIMPLEMENTED,
  StateMachineDoesNotExist: status.NOT_FOUND,
  ExecutionDoesNotExist: status.NOT_FOUND,
  ActivityDoesNotExist: status.NOT_FOUND,
  TaskDoesNotExist: status.NOT_FOUND,
  ResourceNotFound: status.NOT_FOUND,
  StateMachineAlreadyExists: status.ALREADY_EXISTS,
  ExecutionAlreadyExists: status.ALREADY_EXISTS,
  StateMachineTypeNotSupported: status.FAILED_PRECONDITION,
  ExecutionNotRedrivable: status.FAILED_PRECONDITION,
  TaskTimedOut: status.FAILED_PRECONDITION,
  StateMachineDeleting: status.FAILED_PRECONDITION,
  ServiceQuotaExceededException: status.RESOURCE_EXHAUSTED,
  ConflictException: status.ABORTED,
  MissingAuthenticationToken: status.UNAUTHENTICATED,
  ExpiredTokenException: status.UNAUTHENTICATED,
  IncompleteSignature: status.UNAUTHENTICATED,
  UnrecognizedClientException: status.UNAUTHENTICATED,
  InvalidSignatureException: status.UNAUTHENTICATED,
  AccessDeniedException: status.PERMISSION_DENIED,
  ThrottlingException: status.RESOURCE_EXHAUSTED,
  InternalFailure: status.INTERNAL,
};

/** The trailer holding AWS's error name, readable without decoding the status details. */
export const ERROR_NAME_TRAILER = 'stepstone-error-name';
/** ErrorInfo.domain of every Stepstone error. */
export const ERROR_DOMAIN = 'states.stepstone.dev';
const STATUS_DETAILS_TRAILER = 'grpc-status-details-bin';

/**
 * An API error as a gRPC status: the code from GRPC_CODE_OF, AWS's message, the name in the
 * `stepstone-error-name` trailer, and a google.rpc.Status in `grpc-status-details-bin` whose one
 * detail is a google.rpc.ErrorInfo with `reason` = the name (what grpcurl and Google's client
 * libraries show). Anything that is not an API error is reported as InternalFailure.
 */
export function toServiceError(error: unknown, root: protobuf.Root, logError: (error: unknown) => void): Partial<ServiceError> {
  const apiError = isApiError(error) ? error : internalFailure(error, logError);
  const code = GRPC_CODE_OF[apiError.name];
  const metadata = new Metadata();
  metadata.set(ERROR_NAME_TRAILER, apiError.name);
  metadata.set(STATUS_DETAILS_TRAILER, encodeStatusDetails(root, code, apiError));
  return { code, details: apiError.message, metadata };
}

function internalFailure(error: unknown, logError: (error: unknown) => void): ApiError {
  logError(error);
  return new InternalFailure('An internal error occurred');
}

function encodeStatusDetails(root: protobuf.Root, code: status, error: ApiError): Buffer {
  const Status = root.lookupType('google.rpc.Status');
  const ErrorInfo = root.lookupType('google.rpc.ErrorInfo');
  const info = ErrorInfo.encode(ErrorInfo.fromObject({ reason: error.name, domain: ERROR_DOMAIN })).finish();
  // protobufjs's bundled google.protobuf.Any keeps the proto's field name, `type_url`.
  const detail = { type_url: 'type.googleapis.com/google.rpc.ErrorInfo', value: info };
  return Buffer.from(Status.encode(Status.fromObject({ code, message: error.message, details: [detail] })).finish());
}

/** A client's reading of the details: AWS's error name from ErrorInfo.reason. */
export function errorNameFromStatusDetails(root: protobuf.Root, details: Buffer): string | undefined {
  const Status = root.lookupType('google.rpc.Status');
  const ErrorInfo = root.lookupType('google.rpc.ErrorInfo');
  const decoded = Status.toObject(Status.decode(details)) as { details?: Array<{ type_url?: string; value: Uint8Array }> };
  const info = decoded.details?.find((detail) => detail.type_url?.endsWith('/google.rpc.ErrorInfo'));
  return info ? (ErrorInfo.toObject(ErrorInfo.decode(info.value)) as { reason?: string }).reason : undefined;
}
