import { integrationPatternOfResource, parseArn, parseTaskResource, stripPatternSuffix } from '../arn/arn';

/**
 * Task `Resource` rules AWS applies at definition time: optimized service integrations
 * (`arn:<partition>:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]`) must name
 * an integration Step Functions offers, `aws-sdk:` integrations accept any action, and EXPRESS
 * machines refuse activities, `.sync` and `.waitForTaskToken` (Step Functions guide,
 * "Integrating services" and "Standard vs Express workflows").
 */

/** Optimized integrations and their actions, from "Integrating optimized services". */
const OPTIMIZED_INTEGRATIONS: Readonly<Record<string, readonly string[]>> = {
  lambda: ['invoke'],
  sns: ['publish'],
  sqs: ['sendMessage'],
  dynamodb: ['getItem', 'putItem', 'updateItem', 'deleteItem'],
  states: ['startExecution'],
  events: ['putEvents'],
  apigateway: ['invoke'],
  http: ['invoke'],
  batch: ['submitJob'],
  ecs: ['runTask'],
  glue: ['startJobRun'],
  'glue-databrew': ['startJobRun'],
  athena: ['startQueryExecution', 'stopQueryExecution', 'getQueryExecution', 'getQueryResults'],
  codebuild: ['startBuild', 'stopBuild', 'batchDeleteBuilds', 'batchGetReports', 'startBuildBatch', 'stopBuildBatch', 'retryBuildBatch', 'retryBuild', 'deleteBuildBatch'],
  eks: ['createCluster', 'deleteCluster', 'createFargateProfile', 'deleteFargateProfile', 'createNodegroup', 'deleteNodegroup', 'runJob', 'call'],
  elasticmapreduce: ['createCluster', 'terminateCluster', 'addStep', 'cancelStep', 'setClusterTerminationProtection', 'modifyInstanceFleetByName', 'modifyInstanceGroupByName'],
  'emr-containers': ['createVirtualCluster', 'deleteVirtualCluster', 'startJobRun'],
  'emr-serverless': ['createApplication', 'startApplication', 'stopApplication', 'deleteApplication', 'startJobRun', 'cancelJobRun'],
  sagemaker: ['createEndpoint', 'createEndpointConfig', 'createHyperParameterTuningJob', 'createLabelingJob', 'createModel', 'createProcessingJob', 'createTrainingJob', 'createTransformJob', 'updateEndpoint'],
  mediaconvert: ['createJob'],
  bedrock: ['invokeModel', 'createModelCustomizationJob'],
};


export interface ResourceFinding {
  readonly message: string;
}

/** What AWS would say about `resource` in a machine of `type`, or undefined. */
export function checkTaskResource(resource: string, type: 'STANDARD' | 'EXPRESS'): ResourceFinding | undefined {
  if (type === 'EXPRESS') {
    if (parseTaskResource(resource).kind === 'activity') return { message: 'Express state machine does not support Activity ARN' };
    const suffix = integrationPatternOfResource(resource);
    if (suffix === 'sync' || suffix === 'sync:2') return { message: "Express state machine does not support '.sync' service integration" };
    // AWS's text has two spaces before " at" for this one (corpus: test_illegal_callbacks WAIT_FOR_TASK_TOKEN).
    if (suffix === 'waitForTaskToken') return { message: "Express state machine does not support '.waitForTaskToken' service integration " };
  }
  // Only `arn:<partition>:states:::<target>` names an integration; other ARNs are checked elsewhere.
  const fields = parseArn(resource);
  if (!fields || fields.partition === '' || fields.service !== 'states' || fields.region !== '' || fields.account !== '' || fields.resource === '') return undefined;
  const target = stripPatternSuffix(fields.resource);
  if (target.startsWith('aws-sdk:')) return undefined;
  const [service = '', action = ''] = target.split(':', 2);
  if (OPTIMIZED_INTEGRATIONS[service]?.includes(action) === true) return undefined;
  return {
    message: `The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`,
  };
}
