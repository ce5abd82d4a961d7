// Provider configuration reaching the wire: Azure-style `api-key` auth with a `query`
// (api-version) and extra `headers`, and one upstream model sold under two names at two prices.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { TestEnv, chat, costOf, SUITE_TIMEOUT_MS } from '../harness/index.js';

function configure(config) {
  config.providers.azure = {
    base_url: config.providers.mock.base_url, api_key_env: 'MOCK_UPSTREAM_KEY', auth: 'api-key',
    query: { 'api-version': '2024-10-21' }, headers: { 'x-extra-header': 'from-config' },
  };
  config.models['azure-fixed'] = { provider: 'azure', upstream_model: 'mock-fixed', input: '0.15', output: '0.60', max_output_tokens: 1000 };
  config.models['fixed-cheap'] = { provider: 'mock', upstream_model: 'mock-fixed', input: '0.10', output: '0.40', max_output_tokens: 1000 };
  config.models['fixed-dear'] = { provider: 'mock', upstream_model: 'mock-fixed', input: '1.10', output: '4.40', max_output_tokens: 1000 };
}

describe('provider kinds, auth, headers and query', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv({ configure });
  let user;

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('2');
  });
  after(() => env.teardown());

  test('an Azure-style provider gets api-key, its api-version query and its extra header', async () => {
    await env.mock.clearRequests();
    const reply = await chat(env.gateway, user.key, { model: 'azure-fixed', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(reply.status, 200, reply.text);
    const [seen] = await env.mock.requests();
    assert.equal(seen.target, '/v1/chat/completions?api-version=2024-10-21');
    assert.equal(seen.headers['api-key'], env.secrets.providerKey);
    assert.equal(seen.headers.authorization, undefined, 'no bearer token besides api-key');
    assert.equal(seen.headers['x-extra-header'], 'from-config');
    assert.ok(!JSON.stringify(seen).includes(user.key), 'the client key reached the provider');
  });

  test('the same upstream model under two names is charged at each name\'s price', async () => {
    for (const model of ['fixed-cheap', 'fixed-dear']) {
      const reply = await chat(env.gateway, user.key, { model, messages: [{ role: 'user', content: 'hi' }] });
      assert.equal(reply.status, 200, reply.text);
      const entry = await env.admin.entryFor(user.accountId, reply.headers.get('x-request-id'));
      const expected = costOf(env.priceOf(model), env.markup, { prompt: 12, completion: 7 });
      assert.equal(entry.model, model);
      assert.equal(BigInt(entry.amount_nanos), -expected.total);
    }
    const [cheap, dear] = ['fixed-cheap', 'fixed-dear'].map((m) => costOf(env.priceOf(m), env.markup, { prompt: 12, completion: 7 }).total);
    assert.ok(dear > cheap);
  });
});
