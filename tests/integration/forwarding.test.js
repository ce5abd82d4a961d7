// What reaches the provider and what is sold: request headers cross by allow-list only, and a
// parameter that changes the provider's price is refused unless the model's entry prices it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  TestEnv, assertApiError, chat, costOf, DEFAULT_PRICE, priceOf, SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];
const FLEX_PRICE = { input: '0.075', cached_input: '0.0375', output: '0.30' };

describe('forwarding and unpriced parameters', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv({
    configure(config) {
      config.providers.mock.forward_headers = ['x-trace-id'];
      config.models['tiered-fixed'] = {
        provider: 'mock', upstream_model: 'mock-fixed', ...DEFAULT_PRICE,
        service_tiers: { flex: FLEX_PRICE },
      };
    },
  });
  let user;

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('5');
  });
  after(() => env.teardown());

  /** Sends one request and returns the headers the mock upstream received. */
  async function headersReceived(extraHeaders) {
    await env.mock.clearRequests();
    const reply = await chat(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES }, extraHeaders);
    assert.equal(reply.status, 200, reply.text);
    const [received] = await env.mock.requests();
    return received.headers;
  }

  test('an unknown secret header such as x-goog-api-key does not reach the provider', async () => {
    const headers = await headersReceived({
      'x-goog-api-key': 'AIza-client-secret', 'x-unlisted': 'u', cookie: 'session=1',
      'openai-organization': 'org-client', 'user-agent': 'OpenAI/JS 4.0', 'x-stainless-lang': 'js',
    });
    for (const name of ['x-goog-api-key', 'x-unlisted', 'cookie', 'openai-organization']) {
      assert.equal(headers[name], undefined, `${name} reached the provider`);
    }
    assert.equal(headers['user-agent'], 'OpenAI/JS 4.0', 'the API shape\'s own headers still cross');
    assert.equal(headers['x-stainless-lang'], 'js');
    assert.equal(headers.authorization, `Bearer ${env.secrets.providerKey}`);
  });

  test('a header listed in the provider\'s forward_headers reaches it',
    async () => {
      const headers = await headersReceived({ 'X-Trace-Id': 't-42' });
      assert.equal(headers['x-trace-id'], 't-42');
    });

  const refused = [
    ['web_search_options', { web_search_options: {} }, 'web_search_options'],
    ['audio output modalities', { modalities: ['text', 'audio'] }, 'modalities'],
    ['an audio object', { audio: { voice: 'alloy', format: 'wav' } }, 'audio'],
  ];
  for (const [name, extra, param] of refused) {
    test(`a price-changing parameter is refused with 400 naming it: ${name}`, async () => {
      await env.mock.clearRequests();
      const before = await env.admin.snapshot(user.accountId);
      const reply = await chat(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES, ...extra });
      const error = assertApiError(reply, 400, 'invalid_request');
      assert.equal(error.param, param);
      assert.deepEqual(await env.mock.requests(), [], 'the provider was not called');
      assert.deepEqual(await env.admin.snapshot(user.accountId), before, 'no money moved');
    });
  }

  test('a service_tier the model does not price is refused with 400 naming it',
    async () => {
      await env.mock.clearRequests();
      const reply = await chat(env.gateway, user.key,
        { model: 'mock-fixed', messages: MESSAGES, service_tier: 'priority' });
      const error = assertApiError(reply, 400, 'invalid_request');
      assert.equal(error.param, 'service_tier');
      assert.deepEqual(await env.mock.requests(), []);
    });

  test('a service_tier the model prices is charged at that tier\'s price',
    async () => {
      const reply = await chat(env.gateway, user.key,
        { model: 'tiered-fixed', messages: MESSAGES, service_tier: 'flex' });
      assert.equal(reply.status, 200, reply.text);
      const entry = await env.admin.waitForEntry(user.accountId, reply.headers.get('x-request-id'));
      const flex = priceOf({ ...FLEX_PRICE, max_output_tokens: DEFAULT_PRICE.max_output_tokens });
      assert.equal(BigInt(entry.amount_nanos), -costOf(flex, env.markup, { prompt: 12, completion: 7 }).total);
    });

  test('service_tier auto and default are sold at the standard price', async () => {
    for (const tier of ['auto', 'default']) {
      const reply = await chat(env.gateway, user.key, { model: 'tiered-fixed', messages: MESSAGES, service_tier: tier });
      assert.equal(reply.status, 200, reply.text);
      const entry = await env.admin.waitForEntry(user.accountId, reply.headers.get('x-request-id'));
      assert.equal(BigInt(entry.amount_nanos),
        -costOf(env.priceOf('tiered-fixed'), env.markup, { prompt: 12, completion: 7 }).total);
    }
  });
});
