import type { Provider } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import type { ServerConfig } from '../config';
import { AUTHENTICATOR, AuthGuard } from './auth.guard';
import { createAuthenticator } from './authenticator';
import { CONSOLE_SESSIONS, createConsoleSessions } from './console-sessions';
import { loadKeysFile } from './keys-file';

/**
 * The Authenticator, the console's sessions and the guard that applies them to every HTTP
 * route. The keys file is read here, when the module is built, so a bad file stops start-up
 * with one line (main.ts).
 */
export function authProviders(config: ServerConfig): Provider[] {
  const keys = config.auth.mode === 'sigv4' && config.auth.keysFile ? loadKeysFile(config.auth.keysFile) : new Map();
  const authenticator = createAuthenticator({ mode: config.auth.mode, keys, region: config.region, account: config.account });
  const consoleSessions = createConsoleSessions({ authenticator, ttlMs: config.consoleSessionHours * 3_600_000 });
  return [
    { provide: AUTHENTICATOR, useValue: authenticator },
    { provide: CONSOLE_SESSIONS, useValue: consoleSessions },
    { provide: APP_GUARD, useClass: AuthGuard },
  ];
}
