import { finishChildren, mockedChildren } from '../children';
import type { Decision } from '../decision';
import type { Step } from '../decision-support';
import { containerInput } from './map';

/**
 * Starts a Parallel: its effective input (Arguments, or InputPath then Parameters) goes to
 * every branch; the branches run in this decision as far as they can. A Parallel with no
 * branches finishes at once.
 */
export async function startParallel(d: Decision, threadId: string, definition: Record<string, any>, language: 'JSONPath' | 'JSONata'): Promise<Step> {
  let effective = await containerInput(d, threadId, definition, language);
  d.inspect(language === 'JSONata' ? 'afterArguments' : 'afterInputPath', effective);
  if (language === 'JSONPath' && definition.Parameters !== undefined) effective = d.payload(definition.Parameters, d.scope(threadId, effective));
  if (language === 'JSONPath') d.inspect('afterParameters', effective);
  d.emit(threadId, 'ParallelStateStarted');
  const mocked = d.env.testState?.children;
  if (mocked) return mockedChildren(d, threadId, mocked);
  const book = d.cursorOf(threadId).children!;
  book.running.forEach((childId, index) => {
    const branch = (definition.Branches as Array<Record<string, any>>)[index];
    d.schedule(childId, { kind: 'enter', name: branch.StartAt as string, input: effective });
  });
  if (book.total === 0) return finishChildren(d, threadId);
  return { kind: 'blocked' };
}
