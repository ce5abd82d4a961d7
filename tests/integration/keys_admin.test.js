// Changing a key's scope (PATCH, effective on the next request), the audit log of every change
// with its actor, and GET /v1/key's numbers against the ledger (docs/keys.md).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  TestEnv, assertApiError, chat, chatStream, formatCredits, nextContentEvent, parseCredits,
  SUITE_TIMEOUT_MS,
} from '../harness/index.js';
import { auditOf, chargedByKey, mintKeyOk, ownKey, scopedAccount } from '../harness/keys.js';

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];
const HELLO = { model: 'mock-fixed', messages: MESSAGES, max_tokens: 20 };

describe('key administration', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();

  before(() => env.start());
  after(() => env.teardown());

  test('a PATCH takes effect on the next request; null removes a limit', async () => {
    const user = await scopedAccount(env.admin, '1', { models: ['mock-fixed'] });
    const cached = { ...HELLO, model: 'mock-cached' };
    assertApiError(await chat(env.gateway, user.key, cached), 403, 'model_not_allowed');

    const widened = await env.admin.ok('PATCH', `/admin/keys/${user.keyId}`,
      { body: { models: ['mock-fixed', 'mock-cached'], rpm: 1 } });
    assert.deepEqual(widened.models, ['mock-fixed', 'mock-cached']);
    assert.equal(widened.rpm, 1);
    assert.equal((await chat(env.gateway, user.key, cached)).status, 200);
    assertApiError(await chat(env.gateway, user.key, cached), 429, 'rate_limited');

    const lifted = await env.admin.ok('PATCH', `/admin/keys/${user.keyId}`, { body: { models: null, rpm: null } });
    assert.equal('models' in lifted, false);
    assert.equal('rpm' in lifted, false);
    assert.equal((await chat(env.gateway, user.key, { ...HELLO, model: 'mock-no-usage' })).status, 200);

    const bad = await env.admin.call('PATCH', `/admin/keys/${user.keyId}`, { body: { budgets: { week: '-1' } } });
    assert.equal(assertApiError(bad, 400, 'invalid_request').param, 'budgets.week');
    const shown = await env.admin.ok('GET', `/admin/keys/${user.keyId}`);
    assert.deepEqual(shown, await ownKey(env.gateway, user.key));
    const listed = await env.admin.ok('GET', `/admin/accounts/${user.accountId}/keys`);
    assert.equal(listed.object, 'list');
    assert.deepEqual(listed.data, [shown]);
  });

  test('the audit log records create, update and revoke with their actors, newest first', async () => {
    const user = await scopedAccount(env.admin, '1', { name: 'audited', scopes: ['keys:manage'] });
    await env.admin.ok('PATCH', `/admin/keys/${user.keyId}`, { body: { rpm: 30 } });
    const child = await mintKeyOk(env.gateway, user.key, { name: 'minted', rpm: 10 });
    await env.admin.ok('DELETE', `/admin/keys/${user.keyId}`);

    const all = await auditOf(env.admin, user.accountId);
    const rows = all.filter((row) => row.action.startsWith('key.'));
    const targets = (row, id) => new RegExp(`(^|\\D)${id}$`).test(String(row.target));
    const oldestFirst = [...rows].reverse();
    assert.deepEqual(oldestFirst.slice(0, 3).map((row) => [row.action, row.actor]), [
      ['key.create', 'admin'], ['key.update', 'admin'], ['key.create', `key:${user.keyId}`],
    ], JSON.stringify(rows));
    assert.ok(targets(oldestFirst[0], user.keyId) && targets(oldestFirst[1], user.keyId), JSON.stringify(rows));
    assert.ok(targets(oldestFirst[2], child.id), JSON.stringify(rows));
    // The revocation is the newest change; it may be one row, or one per revoked key.
    assert.equal(rows[0].action, 'key.revoke');
    const revokes = rows.filter((row) => row.action === 'key.revoke');
    assert.ok(revokes.every((row) => row.actor === 'admin'), JSON.stringify(revokes));
    assert.ok(revokes.some((row) => targets(row, user.keyId)), JSON.stringify(revokes));
    for (const row of rows) {
      assert.equal(row.account_id, user.accountId);
      assert.match(row.at, /^\d{4}-\d\d-\d\dT/);
    }
    const ids = rows.map((row) => row.id);
    assert.deepEqual(ids, [...ids].sort((a, b) => b - a), 'newest first');
    assert.ok(!JSON.stringify(rows).includes(user.key) && !JSON.stringify(rows).includes(child.key),
      'no secret key in the audit log');

    const page = await env.admin.ok('GET', `/admin/audit?limit=1&account_id=${user.accountId}`);
    assert.equal(page.data.length, 1);
    assert.equal(page.has_more, true);
    const next = await env.admin.ok('GET', `/admin/audit?limit=1&account_id=${user.accountId}&before=${page.data[0].id}`);
    assert.equal(next.data[0].id, all[1].id);
    const whole = await env.admin.ok('GET', `/admin/audit?limit=${all.length}&account_id=${user.accountId}`);
    assert.deepEqual(whole.data.map((row) => row.id), all.map((row) => row.id));
    assert.equal(whole.has_more, false, 'a page that reaches the oldest row has no more after it');
  });

  test('GET /v1/key: spend, reserved and remaining agree with the ledger', async () => {
    const budgets = { day: '0.5', week: '1', month: '2', lifetime: '3' };
    const user = await scopedAccount(env.admin, '5', { name: 'counted', budgets, rpm: 100, max_concurrent: 3 });
    const fresh = await ownKey(env.gateway, user.key);
    assert.equal(fresh.id, user.keyId);
    assert.equal(fresh.name, 'counted');
    assert.equal(fresh.parent_id, null);
    assert.equal(fresh.revoked_at, null);
    assert.deepEqual(fresh.budgets, budgets);
    assert.equal(fresh.rpm, 100);
    assert.equal(fresh.max_concurrent, 3);
    assert.deepEqual(fresh.spend, { day: '0', week: '0', month: '0', lifetime: '0' });
    assert.deepEqual(fresh.remaining, budgets);

    for (const model of ['mock-fixed', 'mock-cached', 'mock-fixed']) {
      assert.equal((await chat(env.gateway, user.key, { ...HELLO, model })).status, 200);
    }
    // One request held in flight: reserved, and counted against every budget.
    const slow = chatStream(env.gateway, user.key, { model: 'mock-slow-stream', messages: MESSAGES, stream: true, max_tokens: 1000 },
      { 'x-mock-chunks': '400', 'x-mock-delay-ms': '50' });
    await nextContentEvent(slow);
    const charged = await chargedByKey(env.admin, user.accountId, user.keyId);
    const account = await env.admin.account(user.accountId);
    const midway = await ownKey(env.gateway, user.key);
    for (const period of ['day', 'week', 'month', 'lifetime']) {
      assert.equal(parseCredits(midway.spend[period]), charged, `spend.${period}`);
      assert.equal(parseCredits(midway.remaining[period]),
        parseCredits(budgets[period]) - charged - BigInt(account.reserved_nanos), `remaining.${period}`);
    }
    assert.equal(parseCredits(midway.reserved), BigInt(account.reserved_nanos));
    assert.ok(account.reserved_nanos > 0);

    slow.destroy();
    await env.admin.waitForNoHold(user.accountId);
    const settled = await chargedByKey(env.admin, user.accountId, user.keyId);
    const after = await ownKey(env.gateway, user.key);
    assert.equal(after.spend.lifetime, formatCredits(settled));
    assert.equal(after.reserved, '0');
    assert.equal(after.remaining.day, formatCredits(parseCredits(budgets.day) - settled));
  });
});
