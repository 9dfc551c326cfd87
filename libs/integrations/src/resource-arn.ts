// Task resources are parsed by the one ARN parser in the language core (libs/asl/src/arn).
export { parseTaskResource, IntegrationPattern } from '@stepstone/asl';
export type { TaskResource } from '@stepstone/asl';
