import { Body, Controller, HttpCode, Inject, Put, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { InvalidMockConfiguration, parseMockConfig } from '@stepstone/integrations';
import { ValidationException } from '../aws-protocol/api-errors';
import { AUTHENTICATOR, identityOf } from '../auth/auth.guard';
import type { Authenticator } from '../auth/authenticator';
import { MOCK_CONFIG, type MockConfigHolder } from '../infrastructure/tokens';

export interface PutMockConfigResponse {
  /** The state machines the configuration names, each with its test cases. */
  readonly stateMachines: Record<string, readonly string[]>;
  readonly mockedResponses: readonly string[];
}

/**
 * `PUT /mock-config`: replaces the mock configuration (Step Functions Local's format, unchanged)
 * without a restart — the "uploaded through an API" way next to STEPSTONE_MOCK_CONFIG. Tasks
 * dispatched afterwards, of executions started as `<stateMachineArn>#<TestCase>`, are answered
 * from it; a task already answered keeps its answer. A configuration that does not parse is
 * refused with ValidationException naming the field, and the one in force stays. Not an AWS
 * action (Step Functions Local only reads a file), so plain JSON over PUT, like `GET /audit`.
 */
@Controller('mock-config')
export class MockConfigController {
  constructor(
    @Inject(MOCK_CONFIG) private readonly mocks: MockConfigHolder,
    @Inject(AUTHENTICATOR) private readonly authenticator: Authenticator,
  ) {}

  /** Authorised as `stepstone:PutMockConfig` on `*` (not an AWS action: `states:*` does not grant it). */
  @Put()
  @HttpCode(200)
  put(@Body() raw: unknown, @Req() request: FastifyRequest): PutMockConfigResponse {
    this.authenticator.authorize(identityOf(request), 'stepstone:PutMockConfig', '*');
    // Bodies arrive as bytes (main.ts); invalid UTF-8 is refused rather than replaced.
    let body: string;
    try {
      body = Buffer.isBuffer(raw) ? new TextDecoder('utf-8', { fatal: true }).decode(raw) : typeof raw === 'string' ? raw : '';
    } catch {
      throw new ValidationException('The request body is not valid UTF-8');
    }
    if (body.trim() === '') {
      throw new ValidationException('The request body must be a mock configuration: a JSON object with StateMachines and MockedResponses');
    }
    let config;
    try {
      config = parseMockConfig(body);
    } catch (error) {
      if (error instanceof InvalidMockConfiguration) throw new ValidationException(error.message);
      throw error;
    }
    this.mocks.current = config;
    const stateMachines: Record<string, string[]> = {};
    for (const [machine, testCases] of config.stateMachines) stateMachines[machine] = [...testCases.keys()];
    return { stateMachines, mockedResponses: [...config.mockedResponses.keys()] };
  }
}
