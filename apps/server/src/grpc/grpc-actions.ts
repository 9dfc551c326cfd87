/**
 * AWS JSON actions (aws-protocol/actions.ts) that the gRPC API deliberately does not offer, each
 * with the reason the README's gRPC section gives. Every other action is a unary RPC of the same
 * name (grpc-actions.spec.ts checks it), so an action added to the AWS endpoint cannot be
 * forgotten here. Empty today: every action is offered.
 */
export const ACTIONS_NOT_OFFERED: Readonly<Record<string, string>> = {};
