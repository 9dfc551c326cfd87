import { QueryLanguage, State, StateMachineDefinition } from './types';

/**
 * The query language a state runs with: its own `QueryLanguage`, else the machine's, else
 * JSONPath (Step Functions guide, "Selecting the query language"). States inside a Map's
 * ItemProcessor or a Parallel branch fall back to the machine's top-level setting, not to
 * the enclosing state's.
 */
export function queryLanguageOf(state: Pick<State, 'QueryLanguage'>, definition: Pick<StateMachineDefinition, 'QueryLanguage'>): QueryLanguage {
  return state.QueryLanguage ?? definition.QueryLanguage ?? QueryLanguage.JSONPath;
}
