import { isTaskFailure, TaskFailure } from '../task-failure';
import { awsJson, startResult, stringField, withoutMetadata } from './job-shapes';
import type { JobIntegration, ServiceSend } from './sync-job';

const MAP_MEMBERS = new Set(['hyperParameters', 'environment']);

/** What differs between SageMaker's training and transform jobs. */
interface SageMakerJobKind {
  readonly action: 'createTrainingJob' | 'createTransformJob';
  readonly noun: 'TrainingJob' | 'TransformJob';
}

/**
 * `arn:aws:states:::sagemaker:createTrainingJob[.sync]` and `createTransformJob[.sync]` (Step
 * Functions guide, "Create and manage Amazon SageMaker AI jobs"; no `.waitForTaskToken`). The
 * result is the create call's `<Noun>Arn`; `.sync` polls Describe<Noun> until Completed (the
 * description is the result) or Failed/Stopped (`States.TaskFailed`, the description as cause).
 * The job name is the caller's and unique per account and region, so a task re-dispatched after
 * a crash whose create call was answered `ResourceInUse` follows the job it already created.
 */
function sageMakerJob(kind: SageMakerJobKind): JobIntegration {
  const nameField = `${kind.noun}Name`;
  const arnField = `${kind.noun}Arn`;
  const statusField = `${kind.noun}Status`;
  const describe = async (send: ServiceSend, name: string) => send(`describe${kind.noun}`, { [nameField]: name });
  return {
    service: 'sagemaker',
    action: kind.action,
    packageSuffix: 'sagemaker',
    async start(send, parameters, context) {
      try {
        const output = await send(kind.action, parameters);
        return startResult(output, awsJson(withoutMetadata(output)) as Record<string, unknown>, 'application/x-amz-json-1.1');
      } catch (error) {
        const name = stringField(parameters, nameField);
        if (!context.recovering || !name || !isTaskFailure(error) || error.error !== 'SageMaker.ResourceInUseException') throw error;
        const existing = await describe(send, name);
        return startResult(existing, { [arnField]: existing[arnField] }, 'application/x-amz-json-1.1');
      }
    },
    async describe(send, started) {
      const output = await describe(send, nameOf(started));
      const description = awsJson(withoutMetadata(output), MAP_MEMBERS);
      const status = output[statusField];
      if (status === 'Completed') return { state: 'succeeded', output: description };
      if (status === 'Failed' || status === 'Stopped') return { state: 'failed', cause: JSON.stringify(description) };
      return { state: 'running' };
    },
    async stop(send, started) {
      await send(`stop${kind.noun}`, { [nameField]: nameOf(started) });
    },
  };

  /** The name is the ARN's last segment (`arn:aws:sagemaker:…:training-job/<name>`). */
  function nameOf(started: Record<string, unknown>): string {
    const arn = stringField(started, arnField);
    const name = arn?.slice(arn.lastIndexOf('/') + 1);
    if (!name) throw new TaskFailure('States.Runtime', `${kind.action} answered without a ${arnField}`);
    return name;
  }
}

export const sageMakerCreateTrainingJob = sageMakerJob({ action: 'createTrainingJob', noun: 'TrainingJob' });
export const sageMakerCreateTransformJob = sageMakerJob({ action: 'createTransformJob', noun: 'TransformJob' });
