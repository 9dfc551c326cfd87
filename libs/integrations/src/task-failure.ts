/**
 * A failure a Task's Retry/Catch sees: AWS's error name (`Lambda.ResourceNotFoundException`,
 * `States.Http.StatusCode.404`, a handler's `CustomError`) and its cause text. Integrations
 * throw it; the dispatcher turns it into a `failed` outcome.
 */
export class TaskFailure extends Error {
  constructor(
    readonly error: string,
    readonly causeText: string,
  ) {
    super(`${error}: ${causeText}`);
    this.name = 'TaskFailure';
  }
}

export function isTaskFailure(error: unknown): error is TaskFailure {
  return error instanceof TaskFailure;
}
