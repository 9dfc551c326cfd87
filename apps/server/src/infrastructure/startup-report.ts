import { Inject, Injectable, type OnApplicationBootstrap } from '@nestjs/common';
import { createLocalFunctions } from '@stepstone/integrations';
import type { ServerConfig } from '../config';
import { CONFIG, MOCK_CONFIG, type MockConfigHolder } from './tokens';

/**
 * Says at start-up which mock configuration and which local functions the server loaded, so a
 * Step Functions Local user sees at once whether `SFN_MOCK_CONFIG`/`STEPSTONE_MOCK_CONFIG` and
 * `STEPSTONE_LOCAL_FUNCTIONS` were picked up (and what they hold).
 */
@Injectable()
export class StartupReport implements OnApplicationBootstrap {
  constructor(
    @Inject(CONFIG) private readonly config: ServerConfig,
    @Inject(MOCK_CONFIG) private readonly mocks: MockConfigHolder,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    for (const line of await this.lines()) console.log(`stepstone: ${line}`);
  }

  async lines(): Promise<string[]> {
    const lines: string[] = [];
    const mocks = this.mocks.current;
    if (this.config.mockConfigFile && mocks) {
      const machines = [...mocks.stateMachines].map(([machine, testCases]) => `${machine}: ${[...testCases.keys()].join(', ')}`);
      lines.push(
        `mock configuration ${this.config.mockConfigFile}: ${plural(mocks.stateMachines.size, 'state machine')}${machines.length > 0 ? ` (${machines.join('; ')})` : ''}, ${plural(mocks.mockedResponses.size, 'mocked response')}`,
      );
    }
    const functionsFile = this.config.integrationEnv.STEPSTONE_LOCAL_FUNCTIONS;
    if (functionsFile) {
      try {
        const names = await createLocalFunctions(functionsFile).names();
        lines.push(`local functions ${functionsFile}: ${names.length > 0 ? names.join(', ') : 'none exported'}`);
      } catch (error) {
        lines.push(`local functions ${functionsFile}: cannot load (${error instanceof Error ? error.message : String(error)})`);
      }
    }
    return lines;
  }
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}
