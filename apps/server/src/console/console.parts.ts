import { ConsoleApiController } from './console-api.controller';
import { ConsoleRedirectController } from './console.controller';
import { ConsoleSessionController } from './console-session.controller';
import { ConsoleStatic } from './console-static';

/** The console's controllers and providers, spread into AppModule (one registration each). */
export const CONSOLE_CONTROLLERS = [ConsoleRedirectController, ConsoleSessionController, ConsoleApiController];
export const CONSOLE_PROVIDERS = [ConsoleStatic];
