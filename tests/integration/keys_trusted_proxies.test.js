// Behind a load balancer (docs/keys.md "Client networks"): the client address a key's cidrs are
// checked against comes from X-Forwarded-For only when the peer is a trusted proxy, and then it
// is the rightmost hop that is not itself trusted. Tests connect from 127.0.0.1.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { TestEnv, assertApiError, chat, SUITE_TIMEOUT_MS } from '../harness/index.js';
import { scopedAccount } from '../harness/keys.js';

const HELLO = { model: 'mock-fixed', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 20 };
const xff = (value) => ({ 'x-forwarded-for': value });

describe('X-Forwarded-For from a trusted proxy', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv({ configure(config) { config.trusted_proxies = ['127.0.0.1/32']; } });
  let office;

  before(async () => {
    await env.start();
    office = await scopedAccount(env.admin, '1', { cidrs: ['203.0.113.0/24'] });
  });
  after(() => env.teardown());

  test('the forwarded client inside the key\'s networks is served', async () => {
    assert.equal((await chat(env.gateway, office.key, HELLO, xff('203.0.113.7'))).status, 200);
    // 127.0.0.1 is a trusted hop: the client is the address before it.
    assert.equal((await chat(env.gateway, office.key, HELLO, xff('203.0.113.7, 127.0.0.1'))).status, 200);
  });

  test('the rightmost untrusted hop decides: a spoofed leftmost entry does not pass', async () => {
    assertApiError(await chat(env.gateway, office.key, HELLO, xff('203.0.113.7, 198.51.100.9')), 403, 'ip_not_allowed');
    assertApiError(await chat(env.gateway, office.key, HELLO, xff('198.51.100.9')), 403, 'ip_not_allowed');
  });

  test('without the header the peer itself is the client', async () => {
    assertApiError(await chat(env.gateway, office.key, HELLO), 403, 'ip_not_allowed');
  });
});

describe('X-Forwarded-For without trusted proxies', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();

  before(() => env.start());
  after(() => env.teardown());

  test('the header is ignored: the peer address is checked', async () => {
    const office = await scopedAccount(env.admin, '1', { cidrs: ['203.0.113.0/24'] });
    assertApiError(await chat(env.gateway, office.key, HELLO, xff('203.0.113.7')), 403, 'ip_not_allowed');
    const local = await scopedAccount(env.admin, '1', { cidrs: ['127.0.0.1/32'] });
    assert.equal((await chat(env.gateway, local.key, HELLO, xff('198.51.100.9'))).status, 200);
  });
});
