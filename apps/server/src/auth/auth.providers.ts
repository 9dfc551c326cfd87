import type { Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { ServerConfig } from '../config';
import { AUTHENTICATOR, AuthGuard } from './auth.guard';
import { createAuthenticator } from './authenticator';
import { loadKeysFile } from './keys-file';

/**
 * The Authenticator and the guard that applies it to every HTTP route. The keys file is read
 * here, when the module is built, so a bad file stops start-up with one line (main.ts).
 */
export function authProviders(config: ServerConfig): Provider[] {
  const keys = config.auth.mode === 'sigv4' && config.auth.keysFile ? loadKeysFile(config.auth.keysFile) : new Map();
  const authenticator = createAuthenticator({ mode: config.auth.mode, keys, region: config.region, account: config.account });
  return [{ provide: AUTHENTICATOR, useValue: authenticator }, { provide: APP_GUARD, useClass: AuthGuard }];
}
