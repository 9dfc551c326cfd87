import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { TaskFailure } from '../task-failure';
import { httpAllowListFrom } from './http-allow';
import { invokeHttp } from './http-invoke';

describe('http:invoke destinations', () => {
  let server: Server;
  let endpoint = '';
  let calls = 0;
  before(async () => {
    server = createServer((_request, response) => {
      calls++;
      response.setHeader('content-type', 'application/json').end('{"ok":true}');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    endpoint = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/admin`;
  });
  after(() => server.close());
  const refused = (error: unknown) => error instanceof TaskFailure && error.error === 'States.Http.Socket' && /not allowed/.test(error.causeText);

  it('by default reach no loopback, private, link-local or metadata address, and send nothing', async () => {
    const defaults = httpAllowListFrom(undefined);
    for (const url of [endpoint, 'http://localhost:1/', 'http://169.254.169.254/latest/meta-data', 'http://10.0.0.1/', 'http://[::1]:1/', 'http://0.0.0.0:1/', 'http://[::ffff:127.0.0.1]:1/']) {
      await assert.rejects(invokeHttp({ ApiEndpoint: url, Method: 'GET' }, 5_000, defaults), refused, url);
    }
    await assert.rejects(defaults.check(new URL('file:///etc/passwd')), TaskFailure);
    assert.equal(calls, 0);
  });

  it('reach what the operator allows, by CIDR or host name', async () => {
    for (const setting of ['127.0.0.0/8', '127.0.0.1', 'localhost,127.0.0.1', '*']) {
      const result = await invokeHttp({ ApiEndpoint: endpoint, Method: 'GET' }, 5_000, httpAllowListFrom(setting));
      assert.deepEqual(result.ResponseBody, { ok: true }, setting);
    }
    await assert.rejects(invokeHttp({ ApiEndpoint: endpoint, Method: 'GET' }, 5_000, httpAllowListFrom('10.0.0.0/8,api.example.com')), refused);
  });
});
