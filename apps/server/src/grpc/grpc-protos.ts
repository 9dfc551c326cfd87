import path from 'node:path';
import { loadSync, type Options, type PackageDefinition } from '@grpc/proto-loader';
import protobuf from 'protobufjs';

/** proto/ at the repository root: the .proto files are the API's source of truth. */
// Found through the package's own name, so it holds from the sources and from the runtime bundle (dist/) alike.
export const PROTO_ROOT = path.join(path.dirname(require.resolve('stepstone/package.json')), 'proto');

/** The service files, relative to PROTO_ROOT. google/rpc's are loaded for the error details. */
export const PROTO_FILES = [
  'stepstone/v1/state_machines.proto',
  'stepstone/v1/executions.proto',
  'stepstone/v1/activities.proto',
  'google/rpc/status.proto',
  'google/rpc/error_details.proto',
] as const;

/** The services holding the AWS actions and the streams, by full name. */
export const STEPSTONE_SERVICES = ['stepstone.v1.StateMachines', 'stepstone.v1.Executions', 'stepstone.v1.Activities'] as const;

/**
 * How messages become JavaScript objects, on the server and in clients built from the same
 * files: lowerCamelCase field names (AWS's JSON names), unset fields absent (proto3 `optional`
 * keeps presence, so a missing parameter is reported as AWS reports it), 64-bit ids as numbers,
 * and the set member of each oneof named by a virtual field.
 */
export const PROTO_LOADER_OPTIONS: Options = {
  keepCase: false,
  longs: Number,
  enums: String,
  defaults: false,
  arrays: false,
  oneofs: true,
  includeDirs: [PROTO_ROOT],
};

export function loadStepstonePackage(): PackageDefinition {
  return loadSync([...PROTO_FILES], PROTO_LOADER_OPTIONS);
}

/**
 * The same files as protobufjs reflection: the AWS-shape converter reads field types from it,
 * and error details are encoded with it.
 */
export function loadStepstoneRoot(): protobuf.Root {
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => (path.isAbsolute(target) ? target : path.join(PROTO_ROOT, target));
  // google/protobuf/*.proto are protobufjs's bundled common types.
  root.loadSync([...PROTO_FILES], { keepCase: false }).resolveAll();
  return root;
}
