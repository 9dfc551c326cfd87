import { AccessDeniedException } from '../aws-protocol/api-errors';
import type { AccessKey } from './keys-file';
import { evaluatePolicy } from './policy';
import { claimedAccessKeyId, verifySigV4, type SignableRequest } from './sigv4';

/**
 * Who is calling, as far as the server can tell. With `STEPSTONE_AUTH=sigv4` the actor is the
 * access key id the signature proves. With auth off nothing is proven: the actor is
 * `anonymous`, or `unverified:<key id>` when the request claims a key id, so the audit trail
 * never records a claim as fact, and no client can pass for the engine's own actor (`engine`).
 */
export interface Identity {
  readonly actor: string;
  readonly verified: boolean;
}

export type AuthMode = 'none' | 'sigv4';

export const ANONYMOUS_ACTOR = 'anonymous';
export const UNVERIFIED_ACTOR_PREFIX = 'unverified:';

/**
 * The one door every surface calls (AWS JSON, audit, mock configuration; gRPC and the console
 * likewise): `authenticate` once per request, then `authorize` per action and resource.
 */
export interface Authenticator {
  readonly mode: AuthMode;
  /** Verifies the request (sigv4) or describes the unverified caller (none); throws AWS's error. */
  authenticate(request: SignableRequest): Identity;
  /** Throws AccessDeniedException unless the identity's policy allows `action` on `resource`. */
  authorize(identity: Identity, action: string, resource: string): void;
  /** Whether `authorize` would pass: for answers that leave out what the caller may not see. */
  allows(identity: Identity, action: string, resource: string): boolean;
}

export interface AuthenticatorOptions {
  readonly mode: AuthMode;
  readonly keys: ReadonlyMap<string, AccessKey>;
  readonly region: string;
  readonly account: string;
  /** The wall clock the skew limit is measured against (never the fast test clock). */
  readonly now?: () => Date;
}

/** The SigV4 service name of Step Functions, which every credential scope must name. */
export const SIGNING_SERVICE = 'states';

export function createAuthenticator(options: AuthenticatorOptions): Authenticator {
  const now = options.now ?? (() => new Date());
  if (options.mode === 'none') {
    return {
      mode: 'none',
      authenticate: (request) => ({ actor: unverifiedActor(claimedAccessKeyId(request.headers)), verified: false }),
      authorize: () => undefined,
      allows: () => true,
    };
  }
  const decide = (identity: Identity, action: string, resource: string) => {
    const key = identity.verified ? options.keys.get(identity.actor) : undefined;
    return key ? evaluatePolicy(key.policy, action, resource) : 'implicit-deny';
  };
  return {
    mode: 'sigv4',
    authenticate(request) {
      const accessKeyId = verifySigV4(request, {
        region: options.region,
        service: SIGNING_SERVICE,
        secretOf: (id) => options.keys.get(id)?.secretAccessKey,
        now: now(),
      });
      return { actor: accessKeyId, verified: true };
    },
    authorize(identity, action, resource) {
      const decision = decide(identity, action, resource);
      if (decision === 'allow') return;
      // AWS's AccessDenied message shape (IAM User Guide, "Troubleshoot access denied error messages").
      const user = `arn:aws:iam::${options.account}:user/${identity.actor}`;
      const reason = decision === 'explicit-deny' ? 'with an explicit deny in an identity-based policy' : `because no identity-based policy allows the ${action} action`;
      throw new AccessDeniedException(`User: ${user} is not authorized to perform: ${action} on resource: ${resource} ${reason}`);
    },
    allows: (identity, action, resource) => decide(identity, action, resource) === 'allow',
  };
}

/** A claimed key id kept only when it looks like one (word characters), marked as unverified. */
function unverifiedActor(claimed: string | undefined): string {
  return claimed !== undefined && /^\w{1,128}$/.test(claimed) ? `${UNVERIFIED_ACTOR_PREFIX}${claimed}` : ANONYMOUS_ACTOR;
}
