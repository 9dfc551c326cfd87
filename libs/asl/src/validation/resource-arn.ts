import { IntegrationPattern, integrationPatternOfResource, parseArn, parseTaskResource, stripPatternSuffix } from '../arn/arn';

/**
 * Task `Resource` rules AWS applies at definition time: optimized service integrations
 * (`arn:<partition>:states:::<service>:<action>[.sync|.sync:2|.waitForTaskToken]`) must name
 * an integration Step Functions offers, `aws-sdk:` integrations accept any action, and EXPRESS
 * machines refuse activities, `.sync` and `.waitForTaskToken` (Step Functions guide,
 * "Integrating services" and "Standard vs Express workflows").
 */

/**
 * Optimized integrations, their actions and the patterns each service offers, from
 * "Integrating optimized services" (the table of Request Response / Run a Job (.sync) / Wait for
 * Callback (.waitForTaskToken) per service). A pattern the service does not offer makes the
 * resource "not recognized", as for an unknown action; `.sync:2` exists only for
 * states:startExecution. Services whose patterns differ per action (Bedrock, HTTP) list none.
 */
const RR = IntegrationPattern.RequestResponse;
const SYNC = IntegrationPattern.Sync;
const TOKEN = IntegrationPattern.WaitForTaskToken;
interface Integration {
  readonly actions: readonly string[];
  readonly patterns?: readonly IntegrationPattern[];
}
const OPTIMIZED_INTEGRATIONS: Readonly<Record<string, Integration>> = {
  lambda: { actions: ['invoke'], patterns: [RR, TOKEN] },
  sns: { actions: ['publish'], patterns: [RR, TOKEN] },
  sqs: { actions: ['sendMessage'], patterns: [RR, TOKEN] },
  dynamodb: { actions: ['getItem', 'putItem', 'updateItem', 'deleteItem'], patterns: [RR] },
  states: { actions: ['startExecution'], patterns: [RR, SYNC, IntegrationPattern.Sync2, TOKEN] },
  events: { actions: ['putEvents'], patterns: [RR, TOKEN] },
  apigateway: { actions: ['invoke'], patterns: [RR, TOKEN] },
  http: { actions: ['invoke'] },
  batch: { actions: ['submitJob'], patterns: [RR, SYNC] },
  ecs: { actions: ['runTask'], patterns: [RR, SYNC, TOKEN] },
  glue: { actions: ['startJobRun'], patterns: [RR, SYNC] },
  'glue-databrew': { actions: ['startJobRun'], patterns: [RR, SYNC] },
  athena: { actions: ['startQueryExecution', 'stopQueryExecution', 'getQueryExecution', 'getQueryResults'], patterns: [RR, SYNC] },
  codebuild: {
    actions: ['startBuild', 'stopBuild', 'batchDeleteBuilds', 'batchGetReports', 'startBuildBatch', 'stopBuildBatch', 'retryBuildBatch', 'retryBuild', 'deleteBuildBatch'],
    patterns: [RR, SYNC],
  },
  eks: { actions: ['createCluster', 'deleteCluster', 'createFargateProfile', 'deleteFargateProfile', 'createNodegroup', 'deleteNodegroup', 'runJob', 'call'], patterns: [RR, SYNC] },
  elasticmapreduce: {
    actions: ['createCluster', 'terminateCluster', 'addStep', 'cancelStep', 'setClusterTerminationProtection', 'modifyInstanceFleetByName', 'modifyInstanceGroupByName'],
    patterns: [RR, SYNC],
  },
  'emr-containers': { actions: ['createVirtualCluster', 'deleteVirtualCluster', 'startJobRun'], patterns: [RR, SYNC] },
  'emr-serverless': { actions: ['createApplication', 'startApplication', 'stopApplication', 'deleteApplication', 'startJobRun', 'cancelJobRun'], patterns: [RR, SYNC] },
  sagemaker: {
    actions: ['createEndpoint', 'createEndpointConfig', 'createHyperParameterTuningJob', 'createLabelingJob', 'createModel', 'createProcessingJob', 'createTrainingJob', 'createTransformJob', 'updateEndpoint'],
    patterns: [RR, SYNC],
  },
  mediaconvert: { actions: ['createJob'], patterns: [RR, SYNC] },
  bedrock: { actions: ['invokeModel', 'createModelCustomizationJob'] },
};

/** AWS SDK integrations offer Request Response and callbacks, never `.sync` ("AWS SDK service integrations"). */
const AWS_SDK_PATTERNS: readonly IntegrationPattern[] = [RR, TOKEN];

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
  const fields = parseArn(resource);
  // Not an ARN at all (AWS: "SCHEMA_VALIDATION_FAILED: Value is not a valid resource ARN at
  // /States/…/Resource", the answer CDK and Terraform users get for an unsubstituted placeholder).
  if (!fields || fields.partition === '' || fields.service === '' || fields.resource === '') return { message: 'Value is not a valid resource ARN' };
  // Only `arn:<partition>:states:::<target>` names an integration; other ARNs are checked elsewhere.
  if (fields.service !== 'states' || fields.region !== '' || fields.account !== '') return undefined;
  const pattern = integrationPatternOfResource(resource);
  const target = stripPatternSuffix(fields.resource);
  if (target.startsWith('aws-sdk:')) return AWS_SDK_PATTERNS.includes(pattern) ? undefined : notRecognized(resource);
  const [service = '', action = ''] = target.split(':', 2);
  return integrationOffersPattern(service, action, pattern) ? undefined : notRecognized(resource);
}

/** Whether the optimized integration `service:action` exists and offers `pattern` (the one table above). */
export function integrationOffersPattern(service: string, action: string, pattern: IntegrationPattern): boolean {
  const integration = Object.hasOwn(OPTIMIZED_INTEGRATIONS, service) ? OPTIMIZED_INTEGRATIONS[service] : undefined;
  return integration?.actions.includes(action) === true && (integration.patterns?.includes(pattern) ?? true);
}

function notRecognized(resource: string): ResourceFinding {
  return {
    message: `The resource provided ${resource} is not recognized. The value is not a valid resource ARN, or the resource is not available in this region.`,
  };
}
