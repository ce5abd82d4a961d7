// Grants, adjustments and idempotent admin money calls, through the real binary: what an
// operator does to an account, and what its user then spends first.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  TestEnv, Admin, assertApiError, chat, parseCredits, randomSecret, waitFor,
  SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const HOUR_MS = 3_600_000;
const inHours = (hours) => new Date(Date.now() + hours * HOUR_MS).toISOString();

function post(admin, path, body, key = crypto.randomUUID()) {
  return admin.call('POST', path, { body, headers: { 'idempotency-key': key } });
}

describe('grants and adjustments', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  before(() => env.start());
  after(() => env.teardown());

  test('the account shows each credit and spending burns grants by priority and expiry, paid credits last', async () => {
    const user = await env.admin.fundedAccount('1');  // a paid top-up
    const base = `/admin/accounts/${user.accountId}`;
    const later = await post(env.admin, `${base}/grants`, { amount: '0.5', expires_at: inHours(48), reference: 'promo' });
    assert.equal(later.status, 201, later.text);
    const sooner = await post(env.admin, `${base}/grants`, { amount: '0.5', expires_at: inHours(24), reference: 'plan 2026-11' });
    assert.equal(sooner.status, 201, sooner.text);
    assert.equal(sooner.json.type, 'grant');
    assert.equal(sooner.json.grant.kind, 'grant');
    assert.equal(sooner.json.grant.priority, 50);
    assert.equal(sooner.json.grant.remaining, '0.5');

    const before = await env.admin.account(user.accountId);
    assert.equal(before.balance, '2');
    assert.deepEqual(before.grants.map((g) => g.reference), ['plan 2026-11', 'promo', null]);
    assert.deepEqual(before.grants.map((g) => g.kind), ['grant', 'grant', 'topup']);

    const reply = await chat(env.gateway, user.key, { model: 'mock-fixed', messages: [{ role: 'user', content: 'hi' }] });
    assert.equal(reply.status, 200, reply.text);
    const cost = parseCredits(reply.headers.get('x-creditgate-cost'));
    const after = await env.admin.account(user.accountId);
    assert.equal(BigInt(after.grants[0].remaining_nanos), 500_000_000n - cost, 'the soonest-expiring grant pays first');
    assert.equal(after.grants[1].remaining, '0.5');
    assert.equal(after.grants[2].remaining, '1');
  });

  test('an expired grant leaves the balance with its own entry', async () => {
    const user = await env.admin.fundedAccount('1');
    const base = `/admin/accounts/${user.accountId}`;
    const expiresAt = new Date(Date.now() + 1_500).toISOString();
    const granted = await post(env.admin, `${base}/grants`, { amount: '3', expires_at: expiresAt });
    assert.equal(granted.status, 201, granted.text);
    assert.equal((await env.admin.account(user.accountId)).balance, '4');
    // The sweeper runs every second: wait for the entry it writes, not for a fixed time.
    const expiry = await waitFor(async () => (await env.admin.ledger(user.accountId)).find((e) => e.type === 'expiry'),
      { message: 'the expiry entry', timeoutMs: 15_000 });
    assert.equal(expiry.amount, '-3');
    assert.equal(expiry.balance_after, '1');
    const account = await env.admin.account(user.accountId);
    assert.equal(account.balance, '1');
    assert.deepEqual(account.grants.map((g) => g.kind), ['topup']);
  });

  test('the same Idempotency-Key and body replay the first reply; another body is a 409; nothing moves twice', async () => {
    const user = await env.admin.fundedAccount();
    const base = `/admin/accounts/${user.accountId}`;
    const calls = [
      ['topups', { amount: '5', reference: 'invoice 7' }, { amount: '6', reference: 'invoice 7' }],
      ['grants', { amount: '2', expires_at: inHours(1), priority: 10 }, { amount: '2', priority: 11 }],
      ['adjustments', { amount: '-1', reason: 'duplicate charge refunded twice' }, { amount: '-2', reason: 'x' }],
    ];
    for (const [kind, body, otherBody] of calls) {
      const key = `key-${kind}`;
      const first = await post(env.admin, `${base}/${kind}`, body, key);
      assert.equal(first.status, 201, `${kind}: ${first.text}`);
      assert.equal(first.headers.get('idempotent-replayed'), null);
      const again = await post(env.admin, `${base}/${kind}`, body, key);
      assert.equal(again.status, 201);
      assert.equal(again.headers.get('idempotent-replayed'), 'true');
      assert.equal(again.text, first.text, `${kind}: the replay is the first reply`);
      assertApiError(await post(env.admin, `${base}/${kind}`, otherBody, key), 409, 'idempotency_conflict');
      const missing = await env.admin.call('POST', `${base}/${kind}`, { body });
      assertApiError(missing, 400, 'invalid_request');
      assert.equal(missing.json.error.param, 'Idempotency-Key');
    }
    const account = await env.admin.account(user.accountId);
    assert.equal(account.balance, '6', '5 + 2 - 1, each once');
    assert.equal((await env.admin.ledger(user.accountId)).length, 3);
  });

  test('a negative adjustment cannot take what is not available, and bad bodies change nothing', async () => {
    const user = await env.admin.fundedAccount('1');
    const base = `/admin/accounts/${user.accountId}`;
    const before = await env.admin.snapshot(user.accountId);
    const cases = [
      ['adjustments', { amount: '-1.000000001', reason: 'too much' }, 'amount'],
      ['adjustments', { amount: '0', reason: 'nothing' }, 'amount'],
      ['adjustments', { amount: '1' }, 'reason'],
      ['adjustments', { amount: 1, reason: 'a number' }, 'amount'],
      ['grants', { amount: '1', expires_at: '2020-01-01T00:00:00Z' }, 'expires_at'],
      ['grants', { amount: '1', expires_at: 'next week' }, 'expires_at'],
      ['grants', { amount: '1', priority: 1001 }, 'priority'],
      ['grants', { amount: '1', priority: 1.5 }, 'priority'],
      ['grants', { amount: '-1' }, 'amount'],
      ['grants', { amount: '1', expires: '2030-01-01' }, 'expires'],
      ['topups', { amount: '1', expires_at: inHours(1) }, 'expires_at'],
    ];
    for (const [kind, body, param] of cases) {
      const reply = await post(env.admin, `${base}/${kind}`, body);
      const error = assertApiError(reply, 400, 'invalid_request');
      assert.equal(error.param, param, `${kind} ${JSON.stringify(body)}: ${reply.text}`);
    }
    assert.deepEqual(await env.admin.snapshot(user.accountId), before);
    assertApiError(await post(env.admin, '/admin/accounts/999999/grants', { amount: '1' }), 404, 'not_found');
    assertApiError(await env.admin.call('GET', `${base}/grants`), 405, 'method_not_allowed');
  });
});

describe('named admin tokens', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  const alice = randomSecret('alice-admin-');
  const bob = randomSecret('bob-admin-');
  let admins;

  before(async () => {
    await env.start();
    await env.gateway.stop();
    env.secrets.extraEnv = { ALICE_TOKEN: alice, BOB_TOKEN: bob };
    const gateway = await env.startGateway({
      ...env.config,
      admin: { listen: '127.0.0.1:0', tokens: [{ name: 'alice', token_env: 'ALICE_TOKEN' }, { name: 'bob', token_env: 'BOB_TOKEN' }] },
    });
    admins = { alice: new Admin(gateway), bob: new Admin(gateway) };
    admins.alice.token = alice;
    admins.bob.token = bob;
  });
  after(() => env.teardown());

  test('each money movement records the name of the token that made it', async () => {
    const account = await admins.alice.createAccount();
    const base = `/admin/accounts/${account.id}`;
    const up = await post(admins.alice, `${base}/adjustments`, { amount: '2', reason: 'goodwill' });
    const down = await post(admins.bob, `${base}/adjustments`, { amount: '-0.5', reason: 'correction' });
    assert.equal(up.status, 201, up.text);
    assert.equal(down.status, 201, down.text);
    assert.equal(up.json.actor, 'alice');
    assert.equal(down.json.actor, 'bob');
    assert.equal(up.json.reference, 'goodwill');
    const ledger = await admins.bob.ledger(account.id);
    assert.deepEqual(ledger.map((e) => e.actor), ['bob', 'alice']);
    // The single-token name is gone with the config that had it.
    assertApiError(await new Admin(env.gateway).call('GET', base), 401, 'invalid_api_key');
  });
});
