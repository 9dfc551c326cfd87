import { isExecutionArn } from '@stepstone/asl';

/**
 * Task tokens (`$$.Task.Token`, GetActivityTask's taskToken) name their execution, so
 * SendTaskSuccess/Failure/Heartbeat find the stream without an index that could be lost, and
 * end in a digest of (execution, thread, entered event, attempt), so they are deterministic: a
 * replay after a crash hands out the same token, and a token of a finished attempt matches no
 * open task (TaskDoesNotExist / TaskTimedOut, as AWS answers).
 */
const SEPARATOR = '.';

export function makeTaskToken(executionArn: string, digestHex: string): string {
  return `${encodedArn(executionArn)}${SEPARATOR}${digestHex}`;
}

/**
 * An execution's attempts each need a token: the encoded ARN of recent executions is kept
 * (bounded: a full cache starts over).
 */
const ENCODED_ARNS = new Map<string, string>();
const MAX_ENCODED_ARNS = 1_024;

function encodedArn(executionArn: string): string {
  let encoded = ENCODED_ARNS.get(executionArn);
  if (encoded === undefined) {
    if (ENCODED_ARNS.size >= MAX_ENCODED_ARNS) ENCODED_ARNS.clear();
    encoded = Buffer.from(executionArn, 'utf8').toString('base64url');
    ENCODED_ARNS.set(executionArn, encoded);
  }
  return encoded;
}

/** The execution a token belongs to, or undefined when the token is not one of ours (InvalidToken). */
export function executionArnOfTaskToken(token: string): string | undefined {
  const cut = token.indexOf(SEPARATOR);
  if (cut <= 0 || !/^[0-9a-f]{64}$/.test(token.slice(cut + 1))) return undefined;
  const arn = Buffer.from(token.slice(0, cut), 'base64url').toString('utf8');
  return isExecutionArn(arn) ? arn : undefined;
}
