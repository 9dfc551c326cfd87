import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isLoopback, loadConfig, StartupRefusal } from './config';

describe('loadConfig', () => {
  it("honours Step Functions Local's SFN_MOCK_CONFIG, with STEPSTONE_MOCK_CONFIG first when both are set", () => {
    assert.equal(loadConfig({ SFN_MOCK_CONFIG: '/m/sfn.json' }).mockConfigFile, '/m/sfn.json');
    assert.equal(loadConfig({ SFN_MOCK_CONFIG: '/m/sfn.json', STEPSTONE_MOCK_CONFIG: '/m/ours.json' }).mockConfigFile, '/m/ours.json');
    assert.equal(loadConfig({}).mockConfigFile, undefined);
  });

  it('keeps auth off by default on loopback, and refuses a non-loopback host without auth unless told', () => {
    assert.deepEqual(loadConfig({}).auth, { mode: 'none' });
    assert.throws(() => loadConfig({ HOST: '0.0.0.0' }), (error: Error) => error instanceof StartupRefusal && /^refusing to listen on 0\.0\.0\.0 without authentication/.test(error.message));
    assert.throws(() => loadConfig({ HOST: '::' }), StartupRefusal);
    assert.deepEqual(loadConfig({ HOST: '0.0.0.0', STEPSTONE_ALLOW_INSECURE: '1' }).auth, { mode: 'none' });
    assert.deepEqual(loadConfig({ HOST: '0.0.0.0', STEPSTONE_AUTH: 'sigv4', STEPSTONE_KEYS_FILE: '/k.json' }).auth, { mode: 'sigv4', keysFile: '/k.json' });
    assert.throws(() => loadConfig({ STEPSTONE_AUTH: 'sigv4' }), /needs STEPSTONE_KEYS_FILE/);
    assert.throws(() => loadConfig({ STEPSTONE_AUTH: 'basic' }), /STEPSTONE_AUTH must be 'none' or 'sigv4'/);
  });

  it('reads the log level, refusing names pino does not know', () => {
    assert.equal(loadConfig({}).logLevel, 'info');
    assert.equal(loadConfig({ STEPSTONE_LOG_LEVEL: 'WARN' }).logLevel, 'warn');
    assert.throws(() => loadConfig({ STEPSTONE_LOG_LEVEL: 'verbose' }), /STEPSTONE_LOG_LEVEL must be one of/);
  });

  it('reads how long a console sign-in lasts, 12 hours unless told, refusing anything but a positive number', () => {
    assert.equal(loadConfig({}).consoleSessionHours, 12);
    assert.equal(loadConfig({ STEPSTONE_CONSOLE_SESSION_HOURS: '0.5' }).consoleSessionHours, 0.5);
    for (const bad of ['0', '-1', 'twelve', '']) {
      assert.throws(() => loadConfig({ STEPSTONE_CONSOLE_SESSION_HOURS: bad }), /STEPSTONE_CONSOLE_SESSION_HOURS must be a positive number of hours/, bad);
    }
  });

  it('knows loopback addresses', () => {
    for (const host of ['127.0.0.1', '127.1.2.3', '::1', '[::1]', 'localhost', '::ffff:127.0.0.1']) assert.ok(isLoopback(host), host);
    for (const host of ['0.0.0.0', '::', '10.0.0.1', '192.168.1.1', 'example.com', '128.0.0.1']) assert.ok(!isLoopback(host), host);
  });
});
