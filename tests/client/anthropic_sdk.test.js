// The official Anthropic SDK (npm `@anthropic-ai/sdk`) as a real client of POST /v1/messages:
// an application only changes its base URL and key; usage is billed once (message_delta's
// cumulative counts replace message_start's), cache reads and writes at their own prices, and
// errors come in Anthropic's shape.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';

import { TestEnv, costOf, parseCredits, request, SUITE_TIMEOUT_MS } from '../harness/index.js';

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];
const CLAUDE_PRICE = { input: '3', cached_input: '0.30', cache_write: '3.75', output: '15', max_output_tokens: 1000 };

function configure(config) {
  // Anthropic's base URL is the host; the SDKs (and creditgate) append /v1/messages.
  config.providers.claude = {
    kind: 'anthropic', base_url: config.providers.mock.base_url.replace(/\/v1$/, ''),
    api_key_env: 'MOCK_UPSTREAM_KEY', forward_headers: ['anthropic-beta'],
  };
  const claude = (upstream, price = CLAUDE_PRICE) => ({ provider: 'claude', upstream_model: upstream, ...price });
  config.models['claude-fixed'] = claude('mock-fixed');
  config.models['claude-cache-read'] = claude('mock-cache-read');
  config.models['claude-cache-write'] = claude('mock-cache-write');
  config.models['claude-cache-write-1h'] = claude('mock-cache-write-1h');
  config.models['claude-no-usage'] = claude('mock-no-usage');
  config.models['claude-stream-error'] = claude('mock-stream-error');
  const { cache_write: _, ...withoutCacheWrite } = CLAUDE_PRICE;
  config.models['claude-no-cache-price'] = claude('mock-fixed', withoutCacheWrite);
}

describe('Anthropic SDK against creditgate', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv({ configure });
  let user;
  let client;

  const sdk = (options) => new Anthropic({ baseURL: env.gateway.publicUrl, maxRetries: 0, timeout: 30_000, ...options });
  const balance = async () => BigInt((await env.admin.account(user.accountId)).balance_nanos);
  const cost = (model, usage) => costOf(env.priceOf(model), env.markup, usage);
  const lastMessagesRequest = async () => (await env.mock.requests()).filter((r) => r.target === '/v1/messages').at(-1);

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('5');
    client = sdk({ apiKey: user.key });
  });
  after(() => env.teardown());

  test('messages.create, not streamed: the message, its usage, its exact charge', async () => {
    const start = await balance();
    const { data, response } = await client.messages
      .create({ model: 'claude-fixed', max_tokens: 100, messages: MESSAGES })
      .withResponse();
    assert.equal(data.type, 'message');
    assert.equal(data.content[0].text, 'Hello from the mock upstream.');
    assert.equal(data.usage.input_tokens, 12);
    const expected = cost('claude-fixed', { prompt: 12, completion: 7 }).total;
    assert.equal(parseCredits(response.headers.get('x-creditgate-cost')), expected);
    assert.equal(start - (await balance()), expected);
    const requestId = response.headers.get('x-request-id');
    assert.equal(response.headers.get('request-id'), requestId, 'the id Anthropic SDKs read');
    const entry = await env.admin.entryFor(user.accountId, requestId);
    assert.equal(entry.endpoint, '/v1/messages');
    assert.equal(entry.model, 'claude-fixed');
  });

  test('streamed: events in order, cumulative usage billed once, SSE comments ignored', async () => {
    const start = await balance();
    const stream = client.messages.stream({ model: 'claude-fixed', max_tokens: 100, messages: MESSAGES });
    const types = [];
    stream.on('streamEvent', (event) => types.push(event.type));
    const message = await stream.finalMessage();
    assert.equal(message.content[0].text, 'Hello from the mock upstream.');
    assert.equal(types[0], 'message_start');
    assert.equal(types.at(-1), 'message_stop');
    assert.ok(types.includes('message_delta'));
    assert.equal(message.usage.output_tokens, 7);
    // message_start says input 12, output 1; message_delta repeats input 12 and says output 7.
    // Summed it would be 24 + 8; the last values are the bill.
    const expected = cost('claude-fixed', { prompt: 12, completion: 7 }).total;
    assert.equal(start - (await balance()), expected);
  });

  test('streamed with for await over raw events', async () => {
    const stream = await client.messages.create({ model: 'claude-fixed', max_tokens: 100, messages: MESSAGES, stream: true });
    let text = '';
    for await (const event of stream) {
      if (event.type === 'content_block_delta') text += event.delta.text;
    }
    assert.equal(text, 'Hello from the mock upstream.');
  });

  test('cache reads are charged at cached_input, exactly', async () => {
    const start = await balance();
    const { response } = await client.messages
      .create({ model: 'claude-cache-read', max_tokens: 100, messages: MESSAGES })
      .withResponse();
    // input 20 + cache_read 80 = prompt 100, of which 80 cached.
    const expected = cost('claude-cache-read', { prompt: 100, cached: 80, completion: 7 });
    assert.equal(start - (await balance()), expected.total);
    const entry = await env.admin.entryFor(user.accountId, response.headers.get('x-request-id'));
    assert.equal(entry.prompt_tokens, 100);
    assert.equal(entry.cached_tokens, 80);
    assert.equal(BigInt(entry.provider_cost_nanos), expected.provider);
    assert.deepEqual(entry.flags, []);
  });

  test('cache writes are charged at cache_write, exactly, streamed', async () => {
    const start = await balance();
    const stream = client.messages.stream({
      model: 'claude-cache-write', max_tokens: 100,
      system: [{ type: 'text', text: 'Long shared context.', cache_control: { type: 'ephemeral' } }],
      messages: MESSAGES,
    });
    await stream.finalMessage();
    // input 20 + cache_creation 50 = prompt 70, of which 50 written to the cache.
    const expected = cost('claude-cache-write', { prompt: 70, cacheWrite: 50, completion: 7 });
    assert.equal(start - (await balance()), expected.total);
  });

  test('1-hour cache writes in a reply: charged at the dearest class, flagged unpriced_class', async () => {
    const { response } = await client.messages
      .create({ model: 'claude-cache-write-1h', max_tokens: 100, messages: MESSAGES })
      .withResponse();
    const price = env.priceOf('claude-cache-write-1h');
    // 50 written: 20 for 5 minutes at cache_write, 30 for an hour at the dearest (output) price.
    const expected = cost('claude-cache-write-1h',
      { prompt: 40, cacheWrite: 20, completion: 7, dearest: 30, dearestPrice: price.output });
    const entry = await env.admin.entryFor(user.accountId, response.headers.get('x-request-id'));
    assert.equal(BigInt(entry.provider_cost_nanos), expected.provider);
    assert.ok(entry.flags.includes('unpriced_class'), JSON.stringify(entry.flags));
    assert.equal(entry.prompt_tokens, 70, 'the provider\'s counts are recorded as reported');
  });

  test('cache_control on a model without a cache_write price → 400 naming cache_control, nothing charged', async () => {
    const start = await balance();
    await assert.rejects(client.messages.create({
      model: 'claude-no-cache-price', max_tokens: 100,
      messages: [{ role: 'user', content: [{ type: 'text', text: 'hi', cache_control: { type: 'ephemeral' } }] }],
    }), (error) => {
      assert.ok(error instanceof Anthropic.BadRequestError, `${error?.constructor?.name}: ${error}`);
      assert.equal(error.error.type, 'error');
      assert.equal(error.error.error.type, 'invalid_request_error');
      assert.match(error.error.error.message, /cache_control/);
      return true;
    });
    assert.equal(await balance(), start);
  });

  test('no usage in the reply → charged the estimate, flagged estimated', async () => {
    const { response } = await client.messages
      .create({ model: 'claude-no-usage', max_tokens: 100, messages: MESSAGES })
      .withResponse();
    const entry = await env.admin.entryFor(user.accountId, response.headers.get('x-request-id'));
    assert.ok(entry.flags.includes('estimated'), JSON.stringify(entry.flags));
    assert.equal(entry.completion_tokens, Buffer.byteLength('Hello from the mock upstream.'));
  });

  test('an error event mid-stream reaches the SDK, and what was relayed is charged', async () => {
    const start = await balance();
    const stream = await client.messages.create({ model: 'claude-stream-error', max_tokens: 100, messages: MESSAGES, stream: true });
    await assert.rejects(async () => { for await (const _ of stream) { /* drain */ } },
      (error) => error instanceof Anthropic.APIError && /Overloaded/.test(error.message));
    await env.admin.waitForNoHold(user.accountId);
    assert.ok((await balance()) < start, 'a stream that produced output was free');
  });

  test('the cg- key as a bearer token (authToken) works too', async () => {
    const bearer = sdk({ apiKey: null, authToken: user.key });
    const message = await bearer.messages.create({ model: 'claude-fixed', max_tokens: 100, messages: MESSAGES });
    assert.equal(message.content[0].text, 'Hello from the mock upstream.');
  });

  test('the provider gets the provider\'s key and anthropic-version, never the client\'s key', async () => {
    await env.mock.clearRequests();
    await client.messages.create(
      { model: 'claude-fixed', max_tokens: 100, messages: MESSAGES },
      { headers: { 'anthropic-beta': 'prompt-caching-2024-07-31' } });
    const seen = await lastMessagesRequest();
    assert.equal(seen.headers['x-api-key'], env.secrets.providerKey);
    assert.equal(seen.headers['anthropic-version'], '2023-06-01');
    assert.equal(seen.headers.authorization, undefined);
    assert.equal(seen.headers['anthropic-beta'], 'prompt-caching-2024-07-31', 'forward_headers lists it');
    assert.ok(!JSON.stringify(seen).includes(user.key), 'the client key reached the provider');
    assert.equal(JSON.parse(seen.body).model, 'mock-fixed', 'the upstream model name');
  });

  test('a wrong key → Anthropic.AuthenticationError in Anthropic\'s shape, with request-id', async () => {
    await assert.rejects(sdk({ apiKey: `cg-${'1'.repeat(40)}` }).messages.create({ model: 'claude-fixed', max_tokens: 10, messages: MESSAGES }),
      (error) => {
        assert.ok(error instanceof Anthropic.AuthenticationError, `${error?.constructor?.name}: ${error}`);
        assert.equal(error.status, 401);
        assert.equal(error.error.type, 'error');
        assert.equal(error.error.error.type, 'authentication_error');
        assert.ok(error.requestID, 'the SDK reads request-id');
        return true;
      });
  });

  test('a bad body → 400 invalid_request_error naming the field', async () => {
    await assert.rejects(client.messages.create({
      model: 'claude-fixed', max_tokens: 100, thinking: { type: 'enabled', budget_tokens: 200 }, messages: MESSAGES,
    }), (error) => {
      assert.ok(error instanceof Anthropic.BadRequestError, `${error?.constructor?.name}: ${error}`);
      assert.equal(error.error.error.type, 'invalid_request_error');
      assert.match(error.error.error.message, /thinking\.budget_tokens/);
      return true;
    });
    const reply = await request(`${env.gateway.publicUrl}/v1/messages`, {
      method: 'POST', headers: { 'x-api-key': user.key }, body: { model: 'claude-fixed', messages: MESSAGES },
    });
    assert.equal(reply.status, 400);
    assert.deepEqual(Object.keys(reply.json), ['error', 'type']);
    assert.equal(reply.json.type, 'error');
    assert.equal(reply.json.error.type, 'invalid_request_error');
    assert.match(reply.json.error.message, /max_tokens/);
  });

  test('no credits → 402 billing_error, our status kept', async () => {
    const broke = await env.admin.fundedAccount();
    await assert.rejects(sdk({ apiKey: broke.key }).messages.create({ model: 'claude-fixed', max_tokens: 100, messages: MESSAGES }),
      (error) => error.status === 402 && error.error.error.type === 'billing_error');
  });

  test('an OpenAI-kind model on /v1/messages, and an Anthropic model on chat completions → 400 naming model', async () => {
    await assert.rejects(client.messages.create({ model: 'mock-fixed', max_tokens: 100, messages: MESSAGES }),
      (error) => error.status === 400 && /chat\/completions/.test(error.error.error.message));
    const reply = await request(`${env.gateway.publicUrl}/v1/chat/completions`, {
      method: 'POST', headers: { authorization: `Bearer ${user.key}` }, body: { model: 'claude-fixed', messages: MESSAGES },
    });
    assert.equal(reply.status, 400);
    assert.equal(reply.json.error.param, 'model');
    assert.match(reply.json.error.message, /\/v1\/messages/);
  });
});
