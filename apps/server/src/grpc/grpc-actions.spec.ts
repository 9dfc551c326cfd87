import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';
import { getMetadataStorage } from 'class-validator';
import type protobuf from 'protobufjs';
import { ACTIONS } from '../aws-protocol/actions';
import { ACTIONS_NOT_OFFERED } from './grpc-actions';
import { PROTO_ROOT, STEPSTONE_SERVICES, loadStepstoneRoot } from './grpc-protos';

/**
 * The gRPC API offers the same actions as the AWS JSON endpoint (issue 17): an action added to
 * the ACTIONS table fails here until proto/ has its RPC, or it is listed, with a reason, in
 * ACTIONS_NOT_OFFERED and the README.
 */
const root = loadStepstoneRoot();
const methods = STEPSTONE_SERVICES.flatMap((service) =>
  root.lookupService(service).methodsArray.map((method) => {
    method.resolve();
    return { service, method };
  }),
);
const unary = new Map<string, protobuf.Method>(methods.filter(({ method }) => !method.responseStream).map(({ method }) => [method.name, method]));
const offered = Object.keys(ACTIONS).filter((action) => !Object.prototype.hasOwnProperty.call(ACTIONS_NOT_OFFERED, action));

/** The README's "The gRPC API" section, up to the next second-level heading. */
function readmeGrpcSection(): string {
  const readme = readFileSync(path.join(PROTO_ROOT, '..', 'README.md'), 'utf8');
  const start = readme.indexOf('\n## The gRPC API\n');
  assert.ok(start >= 0, 'the README has a "The gRPC API" section');
  const end = readme.indexOf('\n## ', start + 1);
  return readme.slice(start, end < 0 ? undefined : end);
}

describe('gRPC RPCs ↔ the AWS JSON ACTIONS table', () => {
  it('every AWS action not documented as not offered is a unary RPC of the same name', () => {
    const missing = offered.filter((action) => !unary.has(action));
    assert.deepEqual(missing, [], `AWS actions with no RPC in proto/stepstone/v1: ${missing.join(', ')}`);
  });

  it('every action documented as not offered is an AWS action without an RPC, with its reason', () => {
    for (const [action, reason] of Object.entries(ACTIONS_NOT_OFFERED)) {
      assert.ok(Object.prototype.hasOwnProperty.call(ACTIONS, action), `${action} is not in the ACTIONS table`);
      assert.ok(!unary.has(action), `${action} is listed as not offered, but proto/ has its RPC`);
      assert.ok(reason.trim().length > 0, `${action}: no reason given`);
    }
  });

  it('every unary RPC names an AWS action (the server refuses to start otherwise)', () => {
    const unknown = [...unary.keys()].filter((name) => !Object.prototype.hasOwnProperty.call(ACTIONS, name));
    assert.deepEqual(unknown, []);
  });

  it("every member of an action's request DTO is a field of its RPC's request message", () => {
    const missing: string[] = [];
    for (const action of offered) {
      const method = unary.get(action);
      if (!method) continue; // reported by the first test
      const fields = new Set(method.resolvedRequestType!.fieldsArray.map((field) => field.name));
      const members = new Set(getMetadataStorage().getTargetValidationMetadatas(ACTIONS[action].dto, '', true, false).map((metadata) => metadata.propertyName));
      for (const member of members) if (!fields.has(member)) missing.push(`${action}.${member}`);
    }
    assert.deepEqual(missing, [], `request members the .proto cannot carry: ${missing.join(', ')}`);
  });

  it("the README's gRPC section names every RPC, and every action not offered", () => {
    const section = readmeGrpcSection();
    const named = (name: string) => new RegExp(`\\b${name}\\b`).test(section);
    const unnamed = [...methods.map(({ method }) => method.name), ...Object.keys(ACTIONS_NOT_OFFERED)].filter((name) => !named(name));
    assert.deepEqual(unnamed, [], `not in the README's gRPC section: ${unnamed.join(', ')}`);
  });
});
