/**
 * ResultWriter (Distributed Map), as AWS's "ResultWriter (Map)" page describes it:
 * - with Resource `arn:aws:states:::s3:putObject` and Parameters/Arguments {Bucket, Prefix},
 *   the child executions' results are written under `<Prefix>/<map run id>/` as
 *   SUCCEEDED_0.json, FAILED_0.json, PENDING_0.json (one file per status that has results)
 *   and manifest.json; the Map's result is `{ MapRunArn, ResultWriterDetails: { Bucket, Key } }`
 *   with Key the manifest's;
 * - WriterConfig { Transformation: NONE | COMPACT | FLATTEN, OutputType: JSON | JSONL } shapes
 *   the results (NONE: each child's metadata with Input/Output as text; COMPACT: the outputs;
 *   FLATTEN: the outputs with arrays flattened one level; failed children always as NONE).
 *   Without Resource the shaped results are the Map's result itself.
 */
export interface ChildResult {
  readonly index: number;
  readonly status: 'SUCCEEDED' | 'FAILED' | 'PENDING';
  readonly input: unknown;
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly startDate: string;
  readonly stopDate?: string;
}

export interface WriterSettings {
  readonly transformation: 'NONE' | 'COMPACT' | 'FLATTEN';
  readonly outputType: 'JSON' | 'JSONL';
}

export interface ResultDestination {
  readonly bucket: string;
  readonly prefix: string;
}

export interface WrittenObject {
  readonly bucket: string;
  readonly key: string;
  readonly body: string;
}

export function writerSettings(resultWriter: Readonly<Record<string, unknown>>): WriterSettings {
  const config = (resultWriter.WriterConfig ?? {}) as Record<string, unknown>;
  const exporting = typeof resultWriter.Resource === 'string';
  const transformation = config.Transformation === 'COMPACT' || config.Transformation === 'FLATTEN' || config.Transformation === 'NONE'
    ? config.Transformation
    : exporting ? 'NONE' : 'COMPACT';
  return { transformation, outputType: config.OutputType === 'JSONL' ? 'JSONL' : 'JSON' };
}

export function toResultDestination(parameters: unknown): ResultDestination {
  const fields = (parameters ?? {}) as Record<string, unknown>;
  return { bucket: String(fields.Bucket ?? ''), prefix: typeof fields.Prefix === 'string' ? fields.Prefix : '' };
}

/** A child execution as AWS lists it with Transformation NONE. */
function childMetadata(child: ChildResult, mapRunArn: string): Record<string, unknown> {
  const runId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
  const name = `${runId}_${child.index}`;
  const executionArn = mapRunArn.replace(':mapRun:', ':execution:').replace(/:[^:]+$/, `:${name}`);
  const stateMachineArn = mapRunArn.replace(':mapRun:', ':stateMachine:').replace(/:[^:]+$/, '');
  return {
    ExecutionArn: executionArn,
    Input: JSON.stringify(child.input ?? null),
    InputDetails: { Included: true },
    Name: name,
    ...(child.status === 'SUCCEEDED' ? { Output: JSON.stringify(child.output ?? null), OutputDetails: { Included: true } } : {}),
    ...(child.status === 'FAILED' ? { Error: child.error, Cause: child.cause } : {}),
    RedriveCount: 0,
    RedriveStatus: 'NOT_REDRIVABLE',
    RedriveStatusReason: `Execution is ${child.status} and cannot be redriven`,
    StartDate: child.startDate,
    StateMachineArn: stateMachineArn,
    Status: child.status,
    ...(child.stopDate ? { StopDate: child.stopDate } : {}),
  };
}

/** The results shaped by WriterConfig (the Map's result when nothing is exported). */
export function shapeResults(children: readonly ChildResult[], settings: WriterSettings, mapRunArn: string): unknown[] {
  const shaped: unknown[] = [];
  for (const child of children) {
    if (settings.transformation === 'NONE' || child.status !== 'SUCCEEDED') shaped.push(childMetadata(child, mapRunArn));
    else if (settings.transformation === 'FLATTEN' && Array.isArray(child.output)) shaped.push(...child.output);
    else shaped.push(child.output ?? null);
  }
  return shaped;
}

/** The objects to write and the Map's result that names the manifest. */
export function planResultWrite(
  children: readonly ChildResult[],
  settings: WriterSettings,
  destination: ResultDestination,
  mapRunArn: string,
): { objects: WrittenObject[]; result: { MapRunArn: string; ResultWriterDetails: { Bucket: string; Key: string } } } {
  const runId = mapRunArn.slice(mapRunArn.lastIndexOf(':') + 1);
  const folder = destination.prefix === '' ? runId : `${destination.prefix.replace(/\/+$/, '')}/${runId}`;
  const extension = settings.outputType === 'JSONL' ? 'jsonl' : 'json';
  const objects: WrittenObject[] = [];
  const resultFiles: Record<string, Array<{ Key: string; Size: number }>> = { FAILED: [], PENDING: [], SUCCEEDED: [] };
  for (const status of ['SUCCEEDED', 'FAILED', 'PENDING'] as const) {
    const ofStatus = children.filter((child) => child.status === status);
    if (ofStatus.length === 0) continue;
    const shaped = shapeResults(ofStatus, settings, mapRunArn);
    const body = settings.outputType === 'JSONL' ? shaped.map((entry) => JSON.stringify(entry)).join('\n') + '\n' : JSON.stringify(shaped);
    const key = `${folder}/${status}_0.${extension}`;
    objects.push({ bucket: destination.bucket, key, body });
    resultFiles[status].push({ Key: key, Size: Buffer.byteLength(body, 'utf8') });
  }
  const manifestKey = `${folder}/manifest.json`;
  const manifest = { DestinationBucket: destination.bucket, MapRunArn: mapRunArn, ResultFiles: resultFiles };
  objects.push({ bucket: destination.bucket, key: manifestKey, body: JSON.stringify(manifest) });
  return { objects, result: { MapRunArn: mapRunArn, ResultWriterDetails: { Bucket: destination.bucket, Key: manifestKey } } };
}
