// The cost, shown to the person who pays: headers and usage.cost on whole replies, the cost
// comment before a stream's last event (read raw and by the official SDK), the caller's own
// charge, credits and usage, and the prices /v1/models lists. Every number is checked against
// the ledger or the config, never against itself.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';

import {
  TestEnv, assertApiError, chat, chatStream, formatCredits, nextContentEvent, parseCredits,
  request, SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];
const MARKUP = { percent: '10', fixed: '0.001' };

/** A model that prices every class, to read back from /v1/models. */
const PRICED_ALL = {
  provider: 'mock',
  upstream_model: 'mock-fixed',
  input: '2.50',
  cached_input: '1.25',
  cache_write: '3.125',
  output: '10',
  reasoning: '12.000000007',
  per_request: '0.0004',
  per_image: { '1024x1024/hd': '0.08', '512x512/standard': '0.016' },
  service_tiers: { flex: { input: '1.25', output: '5' } },
  max_output_tokens: 1000,
};

const sdk = (env, apiKey) => new OpenAI({
  baseURL: `${env.gateway.publicUrl}/v1`, apiKey, maxRetries: 0, timeout: 30_000,
});

/** GET on the public listener with a caller's key. */
const callerGet = (env, apiKey, path, headers = {}) => request(`${env.gateway.publicUrl}${path}`,
  { headers: { authorization: `Bearer ${apiKey}`, ...headers } });

/** The SSE blocks of a raw stream, in order (a block is an event or a comment). */
const blocks = (raw) => raw.split('\n\n').filter((block) => block !== '');

const COMMENT = /^: creditgate-cost (\{.*\})$/;

/** The cost comment of a raw stream: its parsed JSON and its block index. */
function costComment(raw) {
  const all = blocks(raw);
  const index = all.findIndex((block) => COMMENT.test(block));
  assert.ok(index >= 0, `no cost comment in ${JSON.stringify(raw)}`);
  assert.equal(all.filter((block) => COMMENT.test(block)).length, 1, 'one comment per stream');
  return { comment: JSON.parse(COMMENT.exec(all[index])[1]), index, all };
}

/** What the ledger debited for the request: the total of its charge entry. */
async function chargedNanos(env, accountId, requestId) {
  const entry = await env.admin.waitForEntry(accountId, requestId);
  assert.equal(entry.type, 'charge');
  return BigInt(-entry.amount_nanos);
}

describe('cost shown in headers and streams (expose_cost: headers)', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv({
    markup: MARKUP,
    configure: (config) => { config.models['priced-all'] = PRICED_ALL; },
  });
  let user;

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('5');
  });
  after(() => env.teardown());

  test('a whole reply has the cost and balance headers and leaves the body as sent', async () => {
    const reply = await chat(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES });
    assert.equal(reply.status, 200, reply.text);
    const requestId = reply.headers.get('x-request-id');
    assert.equal(parseCredits(reply.headers.get('x-creditgate-cost')),
      await chargedNanos(env, user.accountId, requestId));
    const account = await env.admin.account(user.accountId);
    assert.equal(parseCredits(reply.headers.get('x-creditgate-balance')), BigInt(account.available_nanos));
    assert.equal(reply.json.usage.cost, undefined, 'usage.cost only with expose_cost "usage"');
  });

  test('a stream carries the cost comment right before [DONE], equal to the ledger entry', async () => {
    const stream = chatStream(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES, stream: true });
    const response = await stream.response;
    const { complete, raw } = await stream.done;
    assert.ok(complete);
    const { comment, index, all } = costComment(raw);
    assert.equal(index, all.length - 2, 'the comment is the block before the last');
    assert.equal(all.at(-1), 'data: [DONE]');
    const requestId = response.headers['x-request-id'];
    assert.equal(comment.request_id, requestId);
    const charged = await chargedNanos(env, user.accountId, requestId);
    assert.equal(parseCredits(comment.cost), charged);
    assert.equal(parseCredits(comment.provider_cost) + parseCredits(comment.markup), charged);
    const account = await env.admin.account(user.accountId);
    assert.equal(parseCredits(comment.balance), BigInt(account.available_nanos));
    // Nothing else changed: the client did not ask for usage and sees no usage chunk.
    assert.ok(!raw.includes('"usage":{'), 'no usage chunk the client did not ask for');
  });

  test('a stream cut off before its end has no cost comment', async () => {
    const stream = chatStream(env.gateway, user.key, { model: 'mock-cutoff', messages: MESSAGES, stream: true });
    const { raw } = await stream.done;
    assert.ok(!raw.includes('creditgate-cost'), raw);
  });

  test('the openai SDK reads a stream with the comment without error', async () => {
    const stream = await sdk(env, user.key).chat.completions.create({
      model: 'mock-fixed', messages: MESSAGES, stream: true, stream_options: { include_usage: true },
    });
    let text = '';
    let usage;
    for await (const chunk of stream) {
      text += chunk.choices[0]?.delta?.content ?? '';
      if (chunk.usage) usage = chunk.usage;
    }
    assert.equal(text, 'Hello from the mock upstream.');
    assert.equal(usage.prompt_tokens, 12);
    assert.equal(usage.cost, undefined);
  });

  test('GET /v1/requests/{id}: the own charge, and 404 for another account\'s id', async () => {
    const reply = await chat(env.gateway, user.key, { model: 'mock-cached', messages: MESSAGES });
    const requestId = reply.headers.get('x-request-id');
    const entry = await env.admin.waitForEntry(user.accountId, requestId);
    const own = await callerGet(env, user.key, `/v1/requests/${requestId}`);
    assert.equal(own.status, 200, own.text);
    assert.equal(own.json.request_id, requestId);
    assert.equal(own.json.model, 'mock-cached');
    assert.equal(own.json.endpoint, '/v1/chat/completions');
    assert.deepEqual(own.json.tokens, {
      prompt_tokens: 100, cached_tokens: 60, cache_write_tokens: 0, completion_tokens: 7,
      reasoning_tokens: 0, images: 0,
    });
    assert.equal(own.json.total_nanos, -entry.amount_nanos);
    assert.equal(own.json.provider_cost, entry.provider_cost);
    assert.equal(own.json.markup, entry.markup);
    assert.equal(own.json.price_version, entry.price_version);
    assert.deepEqual(own.json.flags, entry.flags);
    assert.equal(parseCredits(own.json.total), parseCredits(reply.headers.get('x-creditgate-cost')));

    const other = await env.admin.fundedAccount('1');
    assertApiError(await callerGet(env, other.key, `/v1/requests/${requestId}`), 404, 'not_found');
    assertApiError(await callerGet(env, user.key, '/v1/requests/req_unknown'), 404, 'not_found');
    assertApiError(await callerGet(env, 'cg-not-a-key', `/v1/requests/${requestId}`), 401, 'invalid_api_key');
  });

  test('GET /v1/credits: balance, reserved by a request in flight, grants', async () => {
    const caller = await env.admin.fundedAccount('1');
    await env.admin.topUpOk(caller.accountId, '2.5', { reference: 'second' });
    const stream = chatStream(env.gateway, caller.key,
      { model: 'mock-slow-stream', messages: MESSAGES, stream: true },
      { 'x-mock-chunks': '3', 'x-mock-delay-ms': '2000' });
    await nextContentEvent(stream); // the hold is placed and the request is in flight
    const credits = await callerGet(env, caller.key, '/v1/credits');
    assert.equal(credits.status, 200, credits.text);
    const admin = await env.admin.account(caller.accountId);
    assert.equal(credits.json.balance, '3.5');
    assert.ok(credits.json.reserved_nanos > 0, 'the hold in flight is reserved');
    assert.equal(credits.json.reserved_nanos, admin.reserved_nanos);
    assert.equal(credits.json.available_nanos, credits.json.balance_nanos - credits.json.reserved_nanos);
    assert.equal(credits.json.owed, '0');
    assert.deepEqual(credits.json.grants.map((g) => g.remaining), ['1', '2.5']);
    assert.ok(credits.json.grants.every((g) => 'expires_at' in g));
    await stream.done;
    await env.admin.waitForNoHold(caller.accountId);
  });

  test('GET /v1/usage, JSON and CSV, is the admin\'s report of the same account', async () => {
    const day = (offsetDays) => new Date(Date.now() + offsetDays * 86_400_000).toISOString().slice(0, 10);
    const period = `from=${day(-1)}&to=${day(2)}`;
    for (const groupBy of ['model', 'day', 'key']) {
      const query = `group_by=${groupBy}&${period}`;
      const own = await callerGet(env, user.key, `/v1/usage?${query}`);
      assert.equal(own.status, 200, own.text);
      const admin = await env.admin.ok('GET', `/admin/usage?${query}&account_id=${user.accountId}`);
      assert.deepEqual(own.json, admin);
      assert.equal(own.json.account_id, user.accountId);
      assert.ok(own.json.totals.requests >= 3);

      const csvHeaders = { accept: 'text/csv' };
      const ownCsv = await callerGet(env, user.key, `/v1/usage?${query}`, csvHeaders);
      const adminCsv = await env.admin.call('GET', `/admin/usage?${query}&account_id=${user.accountId}`,
        { headers: csvHeaders });
      assert.equal(ownCsv.headers.get('content-type'), 'text/csv; charset=utf-8');
      assert.equal(ownCsv.text, adminCsv.text);
    }
    const byKey = await callerGet(env, user.key, `/v1/usage?group_by=key&${period}`);
    assert.deepEqual(byKey.json.data.map((row) => row.key_id), [user.keyId]);
  });

  test('GET /v1/usage refuses what it does not know, naming it', async () => {
    const cases = [
      ['group_by=account', 'group_by'], ['account_id=1', 'account_id'], ['from=yesterday', 'from'],
      ['sort=desc', 'sort'], ['from=2026-02-01&to=2026-01-01', 'from'],
    ];
    for (const [query, param] of cases) {
      const error = assertApiError(await callerGet(env, user.key, `/v1/usage?${query}`), 400, 'invalid_request');
      assert.equal(error.param, param, query);
    }
  });

  test('GET /v1/models lists the config\'s prices, the mark-up apart and included', async () => {
    const reply = await callerGet(env, user.key, '/v1/models');
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.json.object, 'list');
    const model = reply.json.data.find((m) => m.id === 'priced-all');
    assert.equal(model.object, 'model');
    const { pricing } = model;
    assert.deepEqual(pricing.markup, { percent: '10', fixed_per_request: '0.001' });
    const percent = (nanos) => (nanos * 10n + 99n) / 100n; // 10 %, rounded up
    const expect = (provider, fixed = 0n) => {
      const p = parseCredits(provider);
      const m = percent(p) + fixed;
      return { provider: formatCredits(p), markup: formatCredits(m), price: formatCredits(p + m) };
    };
    assert.deepEqual(pricing.input, expect(PRICED_ALL.input));
    assert.deepEqual(pricing.cached_input, expect(PRICED_ALL.cached_input));
    assert.deepEqual(pricing.cache_write, expect(PRICED_ALL.cache_write));
    assert.deepEqual(pricing.output, expect(PRICED_ALL.output));
    assert.deepEqual(pricing.reasoning, expect(PRICED_ALL.reasoning));
    assert.deepEqual(pricing.per_request, expect(PRICED_ALL.per_request, parseCredits(MARKUP.fixed)));
    assert.deepEqual(pricing.per_image, {
      '1024x1024/hd': expect('0.08'), '512x512/standard': expect('0.016'),
    });
    assert.deepEqual(pricing.service_tiers.flex.input, expect('1.25'));
    assert.deepEqual(pricing.service_tiers.flex.output, expect('5'));
    // Classes a model does not sell or price apart are not listed.
    const plain = reply.json.data.find((m) => m.id === 'mock-fixed').pricing;
    assert.equal(plain.cache_write, undefined);
    assert.equal(plain.reasoning, undefined);
    assert.equal(plain.per_image, undefined);
    assert.deepEqual(plain.input, expect(env.config.models['mock-fixed'].input));
  });
});

/** expose_cost "usage", and an Anthropic provider on the same mock for /v1/messages. */
function usageExposure(config) {
  config.expose_cost = 'usage';
  config.providers.claude = {
    kind: 'anthropic', base_url: config.providers.mock.base_url.replace(/\/v1$/, ''),
    api_key_env: 'MOCK_UPSTREAM_KEY',
  };
  config.models['claude-fixed'] = {
    provider: 'claude', upstream_model: 'mock-fixed', input: '3', output: '15', max_output_tokens: 1000,
  };
}

describe('cost in the usage object (expose_cost: usage)', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv({ markup: MARKUP, configure: usageExposure });
  let user;

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('5');
  });
  after(() => env.teardown());

  test('a whole reply has usage.cost, equal to the header and the ledger', async () => {
    const reply = await chat(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES });
    assert.equal(reply.status, 200, reply.text);
    const charged = await chargedNanos(env, user.accountId, reply.headers.get('x-request-id'));
    assert.equal(typeof reply.json.usage.cost, 'string');
    assert.equal(parseCredits(reply.json.usage.cost), charged);
    assert.equal(reply.json.usage.cost, reply.headers.get('x-creditgate-cost'));
    assert.equal(reply.json.usage.prompt_tokens, 12);
    assert.equal(reply.json.choices[0].message.content, 'Hello from the mock upstream.');
  });

  test('the usage chunk carries cost, and the comment still comes before [DONE]', async () => {
    const stream = chatStream(env.gateway, user.key, {
      model: 'mock-fixed', messages: MESSAGES, stream: true, stream_options: { include_usage: true },
    });
    const response = await stream.response;
    const { raw } = await stream.done;
    const { comment, index, all } = costComment(raw);
    assert.equal(all.at(-1), 'data: [DONE]');
    assert.equal(index, all.length - 2);
    const usageChunk = JSON.parse(all[index - 1].replace(/^data: /, ''));
    assert.deepEqual(usageChunk.choices, []);
    assert.equal(usageChunk.usage.cost, comment.cost);
    assert.equal(parseCredits(comment.cost),
      await chargedNanos(env, user.accountId, response.headers['x-request-id']));
  });

  test('the openai SDK sees usage.cost in the usage chunk', async () => {
    const stream = await sdk(env, user.key).chat.completions.create({
      model: 'mock-fixed', messages: MESSAGES, stream: true, stream_options: { include_usage: true },
    });
    let usage;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    assert.equal(typeof usage.cost, 'string');
    assert.ok(parseCredits(usage.cost) > 0n);
  });

  test('a stream whose client did not ask for usage gets no usage chunk, only the comment', async () => {
    const stream = chatStream(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES, stream: true });
    const { raw } = await stream.done;
    assert.ok(!raw.includes('"usage":{'));
    costComment(raw);
  });

  test('Responses: usage.cost in the whole reply and in response.completed, equal to the ledger', async () => {
    const client = sdk(env, user.key);
    const { data, response } = await client.responses
      .create({ model: 'mock-fixed', input: 'Say hello.' }).withResponse();
    assert.equal(parseCredits(data.usage.cost),
      await chargedNanos(env, user.accountId, response.headers.get('x-request-id')));
    const stream = await client.responses.create({ model: 'mock-fixed', input: 'Say hello.', stream: true });
    let completed;
    for await (const event of stream) if (event.type === 'response.completed') completed = event;
    assert.equal(typeof completed.response.usage.cost, 'string');
    assert.ok(parseCredits(completed.response.usage.cost) > 0n);
  });

  test('Anthropic messages: usage.cost in the whole reply and in message_delta', async () => {
    const client = new Anthropic({ baseURL: env.gateway.publicUrl, apiKey: user.key, maxRetries: 0 });
    const { data, response } = await client.messages
      .create({ model: 'claude-fixed', max_tokens: 100, messages: MESSAGES }).withResponse();
    assert.equal(parseCredits(data.usage.cost),
      await chargedNanos(env, user.accountId, response.headers.get('x-request-id')));
    const stream = await client.messages.create({
      model: 'claude-fixed', max_tokens: 100, messages: MESSAGES, stream: true,
    });
    let delta;
    for await (const event of stream) if (event.type === 'message_delta') delta = event;
    assert.equal(typeof delta.usage.cost, 'string');
    assert.ok(parseCredits(delta.usage.cost) > 0n);
  });
});
