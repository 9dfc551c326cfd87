/** Injection tokens: tsx does not emit decorator metadata, so every dependency is injected by token. */
export const CONFIG = Symbol('ServerConfig');
export const EVENT_STORE = Symbol('EventStore');
export const PROJECTIONS = Symbol('Projections');
export const EXECUTION_RUNNER = Symbol('ExecutionRunner');
export const CLOCK = Symbol('Clock');
export const ID_SOURCE = Symbol('IdSource');
export const ARNS = Symbol('Arns');

/** The wall clock, injected so handlers never read it themselves. */
export type Clock = () => Date;
/** Ids (revision ids, default execution names), injected for the same reason. */
export type IdSource = () => string;
