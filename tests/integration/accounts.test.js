// Top-ups, keys and the model list, as an operator and a user see them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { MOCK_MODELS, TestEnv, assertApiError, chat, request, SUITE_TIMEOUT_MS } from '../harness/index.js';

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];

describe('accounts, top-ups and keys', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();

  before(() => env.start());
  after(() => env.teardown());

  test('a new account starts at zero, with the documented fields', async () => {
    const account = await env.admin.createAccount('fresh');
    for (const field of ['id', 'name', 'balance', 'reserved', 'available', 'balance_nanos',
      'reserved_nanos', 'available_nanos', 'created_at']) {
      assert.ok(field in account, `account.${field}`);
    }
    assert.equal(account.name, 'fresh');
    assert.equal(account.balance_nanos, 0);
    assert.equal(account.balance, '0');
    assert.deepEqual(await env.admin.account(account.id), account);
  });

  test('the same Idempotency-Key twice moves money once and replays the same entry', async () => {
    const { accountId } = await env.admin.fundedAccount();
    const first = await env.admin.topUp(accountId, '10.5', { idempotencyKey: 'invoice-42', reference: 'inv 42' });
    assert.equal(first.status, 201, first.text);
    assert.equal(first.headers.get('idempotent-replayed'), null);
    assert.equal(first.json.type, 'topup');
    assert.equal(first.json.amount_nanos, 10_500_000_000);
    assert.equal(first.json.amount, '10.5');
    assert.equal(first.json.balance_after_nanos, 10_500_000_000);

    const replay = await env.admin.topUp(accountId, '10.5', { idempotencyKey: 'invoice-42', reference: 'inv 42' });
    assert.equal(replay.status, 201, replay.text);
    assert.equal(replay.headers.get('idempotent-replayed'), 'true');
    assert.deepEqual(replay.json, first.json);

    const account = await env.admin.account(accountId);
    assert.equal(account.balance_nanos, 10_500_000_000);
    const entries = await env.admin.ledger(accountId);
    assert.equal(entries.length, 1);
    assert.equal(entries[0].id, first.json.id);
  });

  test('the same Idempotency-Key with a different body is a 409 and moves nothing', async () => {
    const { accountId } = await env.admin.fundedAccount();
    const first = await env.admin.topUp(accountId, '3', { idempotencyKey: 'grant-7' });
    assert.equal(first.status, 201, first.text);
    const conflict = await env.admin.topUp(accountId, '30', { idempotencyKey: 'grant-7' });
    assertApiError(conflict, 409, 'idempotency_conflict');
    assert.ok(conflict.headers.get('x-request-id'));
    const account = await env.admin.account(accountId);
    assert.equal(account.balance_nanos, 3_000_000_000);
    assert.equal((await env.admin.ledger(accountId)).length, 1);
  });

  test('the same Idempotency-Key sent 8 times at once credits once', async () => {
    const { accountId } = await env.admin.fundedAccount();
    const replies = await Promise.all(Array.from({ length: 8 },
      () => env.admin.topUp(accountId, '2', { idempotencyKey: 'webhook-redelivery' })));
    for (const reply of replies) assert.equal(reply.status, 201, reply.text);
    assert.equal(new Set(replies.map((r) => r.json.id)).size, 1);
    assert.equal(replies.filter((r) => r.headers.get('idempotent-replayed') === 'true').length, 7);
    assert.equal((await env.admin.account(accountId)).balance_nanos, 2_000_000_000);
    assert.equal((await env.admin.ledger(accountId)).length, 1);
  });

  test('an Idempotency-Key is scoped to its account', async () => {
    const a = await env.admin.fundedAccount();
    const b = await env.admin.fundedAccount();
    const first = await env.admin.topUp(a.accountId, '1', { idempotencyKey: 'shared-key' });
    assert.equal(first.status, 201);
    const other = await env.admin.topUp(b.accountId, '1', { idempotencyKey: 'shared-key' });
    // Either a fresh credit for b or a conflict; never a replay of a's entry, never money for a.
    assert.notEqual(other.headers.get('idempotent-replayed'), 'true',
      `a replay of another account's top-up: ${other.text}`);
    assert.equal((await env.admin.account(a.accountId)).balance_nanos, 1_000_000_000);
    if (other.status === 201) {
      assert.equal(other.json.account_id, b.accountId);
      assert.equal((await env.admin.account(b.accountId)).balance_nanos, 1_000_000_000);
    } else {
      assertApiError(other, 409, 'idempotency_conflict');
      assert.equal((await env.admin.account(b.accountId)).balance_nanos, 0);
    }
  });

  test('a key is shown once: the list shows only its prefix', async () => {
    const { accountId, key, keyId } = await env.admin.fundedAccount();
    assert.match(key, /^cg-/);
    const list = await env.admin.ok('GET', `/admin/accounts/${accountId}/keys`);
    assert.equal(list.data.length, 1);
    assert.equal(list.data[0].id, keyId);
    assert.ok(key.startsWith(list.data[0].prefix), 'the prefix is the start of the key');
    assert.ok(!JSON.stringify(list).includes(key), 'the key listing shows the whole key');
  });

  test('a revoked key is refused at once', async () => {
    const user = await env.admin.fundedAccount('1');
    const ok = await chat(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES });
    assert.equal(ok.status, 200, ok.text);
    await env.admin.revokeKey(user.keyId);
    const before = await env.admin.snapshot(user.accountId);
    const refused = await chat(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES });
    assertApiError(refused, 401, 'invalid_api_key');
    const models = await request(`${env.gateway.publicUrl}/v1/models`,
      { headers: { authorization: `Bearer ${user.key}` } });
    assertApiError(models, 401, 'invalid_api_key');
    assert.deepEqual(await env.admin.snapshot(user.accountId), before);
    const list = await env.admin.ok('GET', `/admin/accounts/${user.accountId}/keys`);
    assert.ok(list.data[0].revoked_at, 'the listing shows when the key was revoked');
    // Revoking twice is not a second success.
    const again = await env.admin.call('DELETE', `/admin/keys/${user.keyId}`);
    assertApiError(again, 404, 'not_found');
  });

  test('the ledger pages newest first without gaps or repeats', async () => {
    const { accountId } = await env.admin.fundedAccount();
    const created = [];
    for (let i = 1; i <= 5; i += 1) created.push((await env.admin.topUpOk(accountId, String(i))).id);
    const first = await env.admin.ok('GET', `/admin/accounts/${accountId}/ledger?limit=2`);
    assert.equal(first.has_more, true);
    const second = await env.admin.ok('GET', `/admin/accounts/${accountId}/ledger?limit=2&after=${first.next_after}`);
    const third = await env.admin.ok('GET', `/admin/accounts/${accountId}/ledger?limit=2&after=${second.next_after}`);
    const ids = [...first.data, ...second.data, ...third.data].map((e) => e.id);
    assert.deepEqual(ids, [...created].reverse());
    assert.equal(third.data.at(-1).balance_after_nanos, 1_000_000_000);
    assert.equal(first.data[0].balance_after_nanos, 15_000_000_000);
  });

  test('/v1/models lists exactly the configured models', async () => {
    const { key } = await env.admin.fundedAccount();
    const reply = await request(`${env.gateway.publicUrl}/v1/models`, { headers: { authorization: `Bearer ${key}` } });
    assert.equal(reply.status, 200, reply.text);
    assert.ok(reply.headers.get('x-request-id'));
    assert.equal(reply.json.object, 'list');
    const ids = reply.json.data.map((m) => m.id).sort();
    assert.deepEqual(ids, Object.keys(env.config.models).sort());
    assert.ok(MOCK_MODELS.every((m) => ids.includes(m)));
    for (const model of reply.json.data) assert.equal(model.object, 'model');
  });

  test('/healthz answers without a key', async () => {
    const reply = await request(`${env.gateway.publicUrl}/healthz`);
    assert.equal(reply.status, 200);
  });
});
