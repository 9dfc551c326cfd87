import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { startTelemetry, telemetryRequested } from './start-telemetry';

const sdkLoaded = (): boolean => Object.keys(require.cache).some((file) => file.includes(`${'@opentelemetry'}/sdk-node`));

describe('startTelemetry', () => {
  it('stays off without an OTEL_* variable, and does not even load the SDK (it was most of the start-up time)', () => {
    assert.equal(telemetryRequested({}), false);
    assert.equal(startTelemetry({ serviceName: 'test', env: {} }), undefined);
    assert.equal(sdkLoaded(), false);
  });

  it('is off when OTEL_SDK_DISABLED is true, whatever else is set', () => {
    assert.equal(telemetryRequested({ OTEL_SDK_DISABLED: 'TRUE', OTEL_TRACES_EXPORTER: 'console' }), false);
    assert.equal(telemetryRequested({ OTEL_TRACES_EXPORTER: 'console' }), true);
  });
});
