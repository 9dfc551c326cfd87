// The only door into @stepstone/telemetry: OpenTelemetry set-up from OTEL_* variables, execution
// traces and metrics built from the store's feed, and a timed event store.
export { shutdownTelemetry, startTelemetry, telemetryRequested } from './start-telemetry';
export type { StartTelemetryOptions, TelemetryHandle } from './start-telemetry';
export { emitExecutionTrace, isTerminalEventType, TraceAttribute } from './execution-trace';
export type { ExecutionTraceInput, TracedState } from './execution-trace';
export { observeExecutions } from './execution-observer';
export type { ExecutionObserver, ObserveExecutionsOptions } from './execution-observer';
export { instrumentEventStore } from './instrumented-store';
