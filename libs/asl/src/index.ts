// The only door into @stepstone/asl: the pure language core (no I/O, no clock, no randomness
// except what callers pass in). Named exports only, so the public surface stays reviewable.
export { StatesError, StatesErrorName, isStatesError } from './errors/states-error';
