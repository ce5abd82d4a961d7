// Every error a client or an admin can provoke: the OpenAI error shape, the documented status and
// code, an x-request-id, and no money moved.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { TestEnv, assertApiError, chat, request, waitFor, SUITE_TIMEOUT_MS } from '../harness/index.js';

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];
const MAX_BODY_BYTES = 8192;

describe('error replies', { timeout: SUITE_TIMEOUT_MS }, () => {
  // A short first-byte timeout for mock-hang; a small body limit for 413.
  const env = new TestEnv({ limits: { upstream_first_byte_ms: 2500, max_body_bytes: MAX_BODY_BYTES } });
  let user;
  let broke; // an account with a key and no credits
  let small; // an account with less than any quote

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('1');
    broke = await env.admin.fundedAccount();
  });
  after(() => env.teardown());

  /** Runs `provoke` and asserts the account's balance, holds and ledger did not change. */
  async function noMoneyMoves(account, provoke) {
    const before = await env.admin.snapshot(account.accountId);
    const result = await provoke();
    await env.admin.waitForNoHold(account.accountId);
    assert.deepEqual(await env.admin.snapshot(account.accountId), before, 'an error moved money');
    return result;
  }

  const publicCall = (path, { method = 'POST', key, body, headers = {} } = {}) => request(
    `${env.gateway.publicUrl}${path}`,
    { method, body, headers: { ...(key ? { authorization: `Bearer ${key}` } : {}), ...headers } });

  describe('public listener', () => {
    const rows = [
      ['malformed JSON', 400, 'invalid_request',
        () => publicCall('/v1/chat/completions', { key: user.key, body: '{"model": "mock-fixed", "messages": [' })],
      ['a JSON array body', 400, 'invalid_request',
        () => publicCall('/v1/chat/completions', { key: user.key, body: '[]' })],
      ['no messages', 400, 'invalid_request',
        () => chat(env.gateway, user.key, { model: 'mock-fixed' })],
      ['no model', 400, 'invalid_request',
        () => chat(env.gateway, user.key, { messages: MESSAGES })],
      ['max_tokens not a positive integer', 400, 'invalid_request',
        () => chat(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES, max_tokens: -1 })],
      ['stream not a boolean', 400, 'invalid_request',
        () => chat(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES, stream: 'yes' })],
      ['no key', 401, 'invalid_api_key',
        () => chat(env.gateway, null, { model: 'mock-fixed', messages: MESSAGES })],
      ['an unknown key', 401, 'invalid_api_key',
        () => chat(env.gateway, `cg-${'0'.repeat(40)}`, { model: 'mock-fixed', messages: MESSAGES })],
      ['a non-Bearer scheme', 401, 'invalid_api_key',
        () => publicCall('/v1/chat/completions', {
          body: { model: 'mock-fixed', messages: MESSAGES }, headers: { authorization: `Basic ${user.key}` },
        })],
      ['no key on /v1/models', 401, 'invalid_api_key',
        () => publicCall('/v1/models', { method: 'GET' })],
      ['an unknown model', 404, 'model_not_found',
        () => chat(env.gateway, user.key, { model: 'gpt-unknown', messages: MESSAGES })],
      ['an unknown path', 404, 'not_found',
        () => publicCall('/v1/nope', { method: 'GET', key: user.key })],
      ['an upstream path creditgate does not meter', 404, 'not_found',
        () => publicCall('/v1/audio/speech', { key: user.key, body: { model: 'mock-fixed', input: 'x' } })],
      ['GET on chat completions', 405, 'method_not_allowed',
        () => publicCall('/v1/chat/completions', { method: 'GET', key: user.key }), 'POST'],
      ['POST on models', 405, 'method_not_allowed',
        () => publicCall('/v1/models', { key: user.key, body: {} }), 'GET'],
      ['a body over limits.max_body_bytes', 413, 'request_too_large',
        () => chat(env.gateway, user.key,
          { model: 'mock-fixed', messages: [{ role: 'user', content: 'x'.repeat(MAX_BODY_BYTES * 2) }] })],
    ];
    for (const [name, status, code, provoke, allow] of rows) {
      test(`${status} ${code}: ${name}`, async () => {
        await env.mock.clearRequests();
        const reply = await noMoneyMoves(user, provoke);
        assertApiError(reply, status, code);
        assert.ok(reply.headers.get('x-request-id'), `no x-request-id on the ${status} reply`);
        if (allow) assert.equal(reply.headers.get('allow'), allow);
        assert.deepEqual(await env.mock.requests(), [], 'a refused request reached the upstream');
        if (reply.json?.error?.message) {
          assert.ok(!reply.json.error.message.includes(user.key), 'the key is echoed in an error message');
        }
      });
    }

    test('402 insufficient_credits: an account without credits', async () => {
      await env.mock.clearRequests();
      const reply = await noMoneyMoves(broke,
        () => chat(env.gateway, broke.key, { model: 'mock-fixed', messages: MESSAGES }));
      assertApiError(reply, 402, 'insufficient_credits');
      assert.ok(reply.headers.get('x-request-id'));
      assert.deepEqual(await env.mock.requests(), [], 'an unfunded request reached the upstream');
    });

    test('402 insufficient_credits: a request whose quote exceeds the balance', async () => {
      small = await env.admin.fundedAccount('0.000001'); // 1000 nanos: less than any quote
      const reply = await noMoneyMoves(small,
        () => chat(env.gateway, small.key, { model: 'mock-fixed', messages: MESSAGES, max_tokens: 1 }));
      assertApiError(reply, 402, 'insufficient_credits');
    });

    test('the process is still serving after the error battery', async () => {
      const health = await request(`${env.gateway.publicUrl}/healthz`);
      assert.equal(health.status, 200);
      const ok = await chat(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES });
      assert.equal(ok.status, 200, ok.text);
    });
  });

  describe('upstream failures', () => {
    for (const status of [429, 500]) {
      for (const stream of [false, true]) {
        test(`upstream ${status} (stream ${stream}) is relayed as is and nothing is charged`, async () => {
          const model = `mock-error-${status}`;
          const direct = await request(`${env.mock.url}/v1/chat/completions`,
            { method: 'POST', body: { model, messages: MESSAGES } });
          const reply = await noMoneyMoves(user,
            () => chat(env.gateway, user.key, { model, messages: MESSAGES, stream }));
          assert.equal(reply.status, status);
          assert.equal(reply.text, direct.text, 'the upstream error body is relayed unchanged');
          assert.equal(reply.json.error.code, `mock_${status}`);
          assert.ok(reply.headers.get('x-request-id'));
          assert.equal(reply.headers.get('x-creditgate-cost'), null);
          if (status === 429) assert.equal(reply.headers.get('retry-after'), '1');
        });
      }
    }

    test('an upstream that never answers: 504 upstream_timeout, nothing charged', async () => {
      const reply = await noMoneyMoves(user,
        () => chat(env.gateway, user.key, { model: 'mock-hang', messages: MESSAGES }));
      assertApiError(reply, 504, 'upstream_timeout');
      assert.ok(reply.headers.get('x-request-id'));
    });

    test('an unreachable provider: 502 upstream_error, nothing charged', async () => {
      const reply = await noMoneyMoves(user,
        () => chat(env.gateway, user.key, { model: 'dead-model', messages: MESSAGES }));
      assertApiError(reply, 502, 'upstream_error');
      assert.ok(reply.headers.get('x-request-id'));
    });

    test('a non-streamed reply cut in the middle of its body: 502, nothing charged', async () => {
      const reply = await noMoneyMoves(user,
        () => chat(env.gateway, user.key, { model: 'mock-cutoff', messages: MESSAGES }));
      assertApiError(reply, 502, 'upstream_error');
    });

    test('after the failures the account has no hold left and can still spend', async () => {
      const account = await env.admin.account(user.accountId);
      assert.equal(account.reserved_nanos, 0);
      const ok = await chat(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES });
      assert.equal(ok.status, 200, ok.text);
    });
  });

  describe('admin listener', () => {
    const adminCall = (method, path, options) => env.admin.call(method, path, options);
    const topUp = (body, headers = { 'idempotency-key': `k-${Math.random()}` }) => adminCall('POST',
      `/admin/accounts/${user.accountId}/topups`, { body, headers });

    const rows = [
      ['no admin token', 401, 'invalid_api_key',
        () => adminCall('GET', `/admin/accounts/${user.accountId}`, { token: null })],
      ['a wrong admin token', 401, 'invalid_api_key',
        () => adminCall('GET', `/admin/accounts/${user.accountId}`, { token: `${env.secrets.adminToken}x` })],
      ['a client key instead of the admin token', 401, 'invalid_api_key',
        () => adminCall('POST', `/admin/accounts/${user.accountId}/topups`,
          { token: user.key, body: { amount: '1' }, headers: { 'idempotency-key': 'k-client' } })],
      ['an unknown route', 404, 'not_found', () => adminCall('GET', '/admin/nope')],
      ['an unknown account', 404, 'not_found', () => adminCall('GET', '/admin/accounts/999999')],
      ['a top-up to an unknown account', 404, 'not_found',
        () => adminCall('POST', '/admin/accounts/999999/topups',
          { body: { amount: '1' }, headers: { 'idempotency-key': 'k-unknown' } })],
      ['revoking an unknown key', 404, 'not_found', () => adminCall('DELETE', '/admin/keys/999999')],
      ['DELETE on an account', 405, 'method_not_allowed',
        () => adminCall('DELETE', `/admin/accounts/${user.accountId}`), 'GET'],
      ['GET on top-ups', 405, 'method_not_allowed',
        () => adminCall('GET', `/admin/accounts/${user.accountId}/topups`), 'POST'],
      ['malformed JSON', 400, 'invalid_request', () => topUp('{"amount": "1"')],
      ['an unknown field', 400, 'invalid_request', () => topUp({ amount: '1', amuont: '2' })],
      ['a negative amount', 400, 'invalid_request', () => topUp({ amount: '-5' })],
      ['a zero amount', 400, 'invalid_request', () => topUp({ amount: '0' })],
      ['a non-numeric amount', 400, 'invalid_request', () => topUp({ amount: 'ten' })],
      ['an amount with 10 decimals', 400, 'invalid_request', () => topUp({ amount: '1.0000000001' })],
      ['a number-typed amount', 400, 'invalid_request', () => topUp({ amount: 10 })],
      ['a top-up without Idempotency-Key', 400, 'invalid_request', () => topUp({ amount: '1' }, {})],
      ['an account with an unknown field', 400, 'invalid_request',
        () => adminCall('POST', '/admin/accounts', { body: { name: 'x', balance: '100' } })],
      ['a bad ledger limit', 400, 'invalid_request',
        () => adminCall('GET', `/admin/accounts/${user.accountId}/ledger?limit=0`)],
      ['a body over 1 MiB', 413, 'request_too_large',
        () => topUp({ amount: '1', reference: 'x'.repeat(1024 * 1024 + 4096) })],
      ['a body over limits.max_body_bytes', 413, 'request_too_large',
        () => topUp({ amount: '1', reference: 'x'.repeat(MAX_BODY_BYTES * 2) })],
    ];
    for (const [name, status, code, provoke, allow] of rows) {
      test(`${status} ${code}: ${name}`, async () => {
        const reply = await noMoneyMoves(user, provoke);
        assertApiError(reply, status, code);
        assert.ok(reply.headers.get('x-request-id'), `no x-request-id on the admin ${status} reply`);
        if (allow) assert.equal(reply.headers.get('allow'), allow);
      });
    }

    test('no account was created by the refused account request', async () => {
      // Accounts are numbered in order: the next one created follows the last one made above.
      const created = await env.admin.createAccount('after-errors');
      assert.equal(created.id, small.accountId + 1);
    });

    test('the admin listener is still serving after the error battery', async () => {
      await waitFor(async () => (await env.admin.account(user.accountId)).id === user.accountId,
        { message: 'admin GET account' });
    });
  });
});
