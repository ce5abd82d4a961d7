// Each way a key's scope refuses a request (docs/keys.md "Refusals"): the OpenAI error shape with
// its status and code, and nothing charged and nothing sent upstream.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  TestEnv, assertApiError, chat, chatStream, nextContentEvent, promptBound, quoteOf, waitFor,
  SUITE_TIMEOUT_MS,
} from '../harness/index.js';
import { assertNothingMoved, isoSeconds, keyCall, scopedAccount } from '../harness/keys.js';

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];
const HELLO = { model: 'mock-fixed', messages: MESSAGES, max_tokens: 20 };

describe('key scope refusals', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();

  before(() => env.start());
  after(() => env.teardown());

  test('an expired key: 403 key_expired', async () => {
    const expiresAtMs = (Math.floor(Date.now() / 1000) + 3) * 1000;
    const user = await scopedAccount(env.admin, '1', { expires_at: isoSeconds(expiresAtMs) });
    assert.equal(user.object.expires_at, isoSeconds(expiresAtMs));
    const before = await chat(env.gateway, user.key, HELLO);
    assert.equal(before.status, 200, `served until it expires: ${before.text}`);

    await waitFor(() => Date.now() > expiresAtMs + 50, { message: 'the key\'s expiry to pass' });
    const reply = await assertNothingMoved(env, user.accountId, () => chat(env.gateway, user.key, HELLO));
    assertApiError(reply, 403, 'key_expired');
  });

  test('a model outside the list: 403 model_not_allowed naming the allowed models', async () => {
    const user = await scopedAccount(env.admin, '1', { models: ['mock-fixed', 'mock-c*'] });
    assert.deepEqual(user.object.models, ['mock-fixed', 'mock-c*']);
    assert.equal((await chat(env.gateway, user.key, HELLO)).status, 200);
    const prefixed = await chat(env.gateway, user.key, { ...HELLO, model: 'mock-cached' });
    assert.equal(prefixed.status, 200, `"mock-c*" allows mock-cached: ${prefixed.text}`);

    const reply = await assertNothingMoved(env, user.accountId,
      () => chat(env.gateway, user.key, { ...HELLO, model: 'alias-fixed' }));
    const error = assertApiError(reply, 403, 'model_not_allowed');
    assert.match(error.message, /mock-fixed/);
    assert.match(error.message, /mock-c\*/);
  });

  test('an endpoint outside the list: 403 endpoint_not_allowed', async () => {
    const user = await scopedAccount(env.admin, '1', { endpoints: ['chat'] });
    assert.deepEqual(user.object.endpoints, ['chat']);
    assert.equal((await chat(env.gateway, user.key, HELLO)).status, 200);
    for (const [urlPath, body] of [
      ['/v1/completions', { model: 'mock-fixed', prompt: 'Say hello.', max_tokens: 20 }],
      ['/v1/responses', { model: 'mock-fixed', input: 'Say hello.', max_output_tokens: 20 }],
    ]) {
      const reply = await assertNothingMoved(env, user.accountId,
        () => keyCall(env.gateway, user.key, 'POST', urlPath, { body }));
      assertApiError(reply, 403, 'endpoint_not_allowed');
    }
  });

  test('a budget smaller than the hold: 402 key_budget_exceeded, which budget and when it resets', async () => {
    const quote = quoteOf(env.priceOf('mock-fixed'), env.markup, { messages: MESSAGES, maxTokens: 20 });
    const user = await scopedAccount(env.admin, '1', { budgets: { month: '0.000001' } });
    assert.ok(quote.total > 1000n, 'the hold is larger than the budget');
    assert.deepEqual(user.object.budgets, { month: '0.000001' });
    assert.deepEqual(user.object.remaining, { month: '0.000001' });

    const reply = await assertNothingMoved(env, user.accountId, () => chat(env.gateway, user.key, HELLO));
    const error = assertApiError(reply, 402, 'key_budget_exceeded');
    assert.equal(error.param, 'budgets.month');
    assert.match(error.message, /month/);
    const now = new Date();
    const nextMonth = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() + 1, 1));
    assert.ok(error.message.includes(nextMonth.toISOString().slice(0, 10)),
      `the message says when the budget resets (${nextMonth.toISOString()}): ${error.message}`);
  });

  test('requests per minute: 429 rate_limited with Retry-After in whole seconds', async () => {
    const user = await scopedAccount(env.admin, '1', { rpm: 1 });
    assert.equal(user.object.rpm, 1);
    assert.equal((await chat(env.gateway, user.key, HELLO)).status, 200);
    const reply = await assertNothingMoved(env, user.accountId, () => chat(env.gateway, user.key, HELLO));
    assertApiError(reply, 429, 'rate_limited');
    assert.match(reply.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
  });

  test('tokens per minute: 429 rate_limited once the minute\'s tokens are used', async () => {
    // The mock reports the full bound as used: one request takes nearly all of the minute's 100.
    // Whether the request that finds 2 tokens left is refused, or admitted into debt, is the
    // bucket's choice; by the third request the minute is spent either way.
    const bound = promptBound(MESSAGES) + 60;
    const usage = { 'x-mock-usage': JSON.stringify({ prompt_tokens: promptBound(MESSAGES), completion_tokens: 60 }) };
    const body = { model: 'mock-usage-from-header', messages: MESSAGES, max_tokens: 60 };
    assert.ok(bound <= 100 && 2 * bound > 100);
    const user = await scopedAccount(env.admin, '1', { tpm: 100 });
    assert.equal((await chat(env.gateway, user.key, body, usage)).status, 200);
    const second = await chat(env.gateway, user.key, body, usage);
    if (second.status !== 200) assertApiError(second, 429, 'rate_limited');
    const reply = await assertNothingMoved(env, user.accountId, () => chat(env.gateway, user.key, body, usage));
    const error = assertApiError(reply, 429, 'rate_limited');
    assert.match(error.message, /tokens per minute/);
    assert.match(reply.headers.get('retry-after') ?? '', /^[1-9]\d*$/);
  });

  test('requests at once: 429 rate_limited while the one allowed is in flight', async () => {
    const user = await scopedAccount(env.admin, '1', { max_concurrent: 1 });
    const slow = chatStream(env.gateway, user.key,
      { model: 'mock-slow-stream', messages: MESSAGES, stream: true },
      { 'x-mock-chunks': '400', 'x-mock-delay-ms': '50' });
    assert.equal((await slow.response).statusCode, 200);
    await nextContentEvent(slow);

    // The stream's hold is open: compare the money and the mock's counter around the refusal.
    const reply = await assertNothingMoved(env, user.accountId, () => chat(env.gateway, user.key, HELLO),
      { holdsOpen: true });
    const error = assertApiError(reply, 429, 'rate_limited');
    assert.match(error.message, /at once/);
    assert.match(reply.headers.get('retry-after') ?? '', /^[1-9]\d*$/);

    slow.destroy();
    await env.admin.waitForNoHold(user.accountId);
    await waitFor(async () => (await chat(env.gateway, user.key, HELLO)).status === 200,
      { message: 'the slot to be free once the stream ended' });
  });

  test('a client outside the key\'s networks: 403 ip_not_allowed', async () => {
    const outside = await scopedAccount(env.admin, '1', { cidrs: ['203.0.113.0/24', '2001:db8::/32'] });
    assert.deepEqual(outside.object.cidrs, ['203.0.113.0/24', '2001:db8::/32']);
    const reply = await assertNothingMoved(env, outside.accountId, () => chat(env.gateway, outside.key, HELLO));
    assertApiError(reply, 403, 'ip_not_allowed');

    const inside = await scopedAccount(env.admin, '1', { cidrs: ['127.0.0.0/8', '::1/128'] });
    assert.equal((await chat(env.gateway, inside.key, HELLO)).status, 200);
  });

  test('a revoked key: 401 invalid_api_key', async () => {
    const user = await scopedAccount(env.admin, '1', { name: 'soon revoked' });
    assert.equal((await chat(env.gateway, user.key, HELLO)).status, 200);
    const revoked = await env.admin.ok('DELETE', `/admin/keys/${user.keyId}`);
    assert.deepEqual(revoked.revoked_ids, [user.keyId]);
    const reply = await assertNothingMoved(env, user.accountId, () => chat(env.gateway, user.key, HELLO));
    assertApiError(reply, 401, 'invalid_api_key');
  });

  test('a bad scope field: 400 invalid_request naming it', async () => {
    const { id } = await env.admin.createAccount();
    for (const [scope, param] of [
      [{ budgets: { month: 'ten' } }, 'budgets.month'],
      [{ cidrs: ['300.1.2.3/8'] }, 'cidrs[0]'],
      [{ endpoints: ['fax'] }, /^endpoints/],
      [{ rpm: -1 }, 'rpm'],
      [{ expires_at: 'tomorrow' }, 'expires_at'],
      [{ expires_at: '2020-01-01T00:00:00Z' }, 'expires_at'],  // already past: revoke instead
    ]) {
      const reply = await env.admin.call('POST', `/admin/accounts/${id}/keys`, { body: scope });
      const error = assertApiError(reply, 400, 'invalid_request');
      if (param instanceof RegExp) assert.match(error.param ?? '', param, reply.text);
      else assert.equal(error.param, param, `${JSON.stringify(scope)}: ${reply.text}`);
    }
  });
});
