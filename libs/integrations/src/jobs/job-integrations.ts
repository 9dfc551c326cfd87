import { batchSubmitJob } from './batch-submit-job';
import { ecsRunTask } from './ecs-run-task';
import { glueStartJobRun } from './glue-start-job-run';
import { sageMakerCreateTrainingJob, sageMakerCreateTransformJob } from './sagemaker-jobs';
import type { JobIntegration } from './sync-job';

const JOB_INTEGRATIONS: readonly JobIntegration[] = [batchSubmitJob, ecsRunTask, glueStartJobRun, sageMakerCreateTrainingJob, sageMakerCreateTransformJob];

/** The job integration behind `arn:aws:states:::<service>:<action>`, if it is one. */
export function jobIntegrationFor(service: string, action: string): JobIntegration | undefined {
  return JOB_INTEGRATIONS.find((integration) => integration.service === service && integration.action === action);
}
