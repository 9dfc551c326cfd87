/**
 * IAM identity-based policies, the part Stepstone needs (IAM User Guide, "Policy evaluation
 * logic" and "IAM JSON policy elements"): `Statement` entries with `Effect` Allow/Deny,
 * `Action`/`NotAction` and `Resource`/`NotResource` patterns where `*` matches any run of
 * characters and `?` one character. Evaluated as IAM does: an explicit Deny wins, then an
 * Allow, and anything not allowed is denied. Elements Stepstone cannot honour (Condition,
 * Principal) are refused when the keys file is read rather than silently ignored: ignoring a
 * Condition would widen an Allow or narrow a Deny.
 */
import { ANY_ONE, ANY_RUN, matchesWildcard, type WildcardToken } from '@stepstone/asl';

export interface PolicyStatement {
  readonly effect: 'Allow' | 'Deny';
  /** Exactly one of `actions`/`notActions` is set, and one of `resources`/`notResources`. */
  readonly actions?: readonly WildcardPattern[];
  readonly notActions?: readonly WildcardPattern[];
  readonly resources?: readonly WildcardPattern[];
  readonly notResources?: readonly WildcardPattern[];
}

export interface Policy {
  readonly statements: readonly PolicyStatement[];
}

export type PolicyDecision = 'allow' | 'explicit-deny' | 'implicit-deny';

export class InvalidPolicy extends Error {
  override readonly name = 'InvalidPolicy';
}

const knownStatementKeys = new Set(['Sid', 'Effect', 'Action', 'NotAction', 'Resource', 'NotResource']);

/** Checks a policy document and compiles its patterns; `where` names it in error messages. */
export function parsePolicy(document: unknown, where: string): Policy {
  if (!isRecord(document)) throw new InvalidPolicy(`${where} must be an IAM policy document (a JSON object with Statement)`);
  for (const key of Object.keys(document)) {
    if (key !== 'Version' && key !== 'Id' && key !== 'Statement') throw new InvalidPolicy(`${where}: unsupported policy element '${key}'`);
  }
  const raw = document.Statement;
  const statements = Array.isArray(raw) ? raw : raw === undefined ? [] : [raw];
  if (statements.length === 0) throw new InvalidPolicy(`${where}.Statement must hold at least one statement`);
  return { statements: statements.map((statement, index) => parseStatement(statement, `${where}.Statement[${index}]`)) };
}

function parseStatement(statement: unknown, where: string): PolicyStatement {
  if (!isRecord(statement)) throw new InvalidPolicy(`${where} must be an object`);
  for (const key of Object.keys(statement)) {
    if (!knownStatementKeys.has(key)) throw new InvalidPolicy(`${where}: unsupported statement element '${key}' (Stepstone evaluates Effect, Action, NotAction, Resource, NotResource)`);
  }
  const effect = statement.Effect;
  if (effect !== 'Allow' && effect !== 'Deny') throw new InvalidPolicy(`${where}.Effect must be 'Allow' or 'Deny'`);
  const action = exactlyOne(statement, 'Action', 'NotAction', where);
  const resource = exactlyOne(statement, 'Resource', 'NotResource', where);
  const actionPatterns = patterns(action.value, `${where}.${action.key}`, true);
  const resourcePatterns = patterns(resource.value, `${where}.${resource.key}`, false);
  return {
    effect,
    ...(action.key === 'Action' ? { actions: actionPatterns } : { notActions: actionPatterns }),
    ...(resource.key === 'Resource' ? { resources: resourcePatterns } : { notResources: resourcePatterns }),
  };
}

function exactlyOne(statement: Record<string, unknown>, positive: string, negative: string, where: string): { key: string; value: unknown } {
  const hasPositive = statement[positive] !== undefined;
  const hasNegative = statement[negative] !== undefined;
  if (hasPositive === hasNegative) throw new InvalidPolicy(`${where} must have exactly one of ${positive} or ${negative}`);
  return hasPositive ? { key: positive, value: statement[positive] } : { key: negative, value: statement[negative] };
}

function patterns(value: unknown, where: string, caseInsensitive: boolean): WildcardPattern[] {
  const list = typeof value === 'string' ? [value] : value;
  if (!Array.isArray(list) || list.length === 0 || !list.every((item) => typeof item === 'string' && item !== '')) {
    throw new InvalidPolicy(`${where} must be a non-empty string or a list of them`);
  }
  return (list as string[]).map((pattern) => wildcardPattern(pattern, caseInsensitive));
}

/** An IAM pattern, compiled: Action names compare case-insensitively, resources exactly. */
export interface WildcardPattern {
  readonly tokens: readonly WildcardToken[];
  readonly caseInsensitive: boolean;
}

/** IAM's wildcards: `*` any run of characters (none included), `?` exactly one. */
function wildcardPattern(pattern: string, caseInsensitive: boolean): WildcardPattern {
  const text = caseInsensitive ? pattern.toLowerCase() : pattern;
  return { tokens: Array.from(text, (character) => (character === '*' ? ANY_RUN : character === '?' ? ANY_ONE : character)), caseInsensitive };
}

function matchesPattern(pattern: WildcardPattern, value: string): boolean {
  return matchesWildcard(pattern.caseInsensitive ? value.toLowerCase() : value, pattern.tokens);
}

/** IAM's evaluation for one identity policy: explicit Deny, then Allow, else the implicit deny. */
export function evaluatePolicy(policy: Policy, action: string, resource: string): PolicyDecision {
  const applies = policy.statements.filter((statement) => matches(statement, action, resource));
  if (applies.some((statement) => statement.effect === 'Deny')) return 'explicit-deny';
  return applies.some((statement) => statement.effect === 'Allow') ? 'allow' : 'implicit-deny';
}

function matches(statement: PolicyStatement, action: string, resource: string): boolean {
  const actionMatches = statement.actions
    ? statement.actions.some((pattern) => matchesPattern(pattern, action))
    : !(statement.notActions ?? []).some((pattern) => matchesPattern(pattern, action));
  if (!actionMatches) return false;
  return statement.resources
    ? statement.resources.some((pattern) => matchesPattern(pattern, resource))
    : !(statement.notResources ?? []).some((pattern) => matchesPattern(pattern, resource));
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
