// Key scopes (issue 14, docs/keys.md): admin and self-service key calls, the caller's own key,
// the audit log, and the "nothing charged, nothing forwarded" check every refusal must pass.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import { request } from './http.js';
import { runCreditgate } from './cli.js';

/** POST /admin/accounts/{id}/keys with a scope body; returns the created key object (+ "key"). */
export function createScopedKey(admin, accountId, scope = {}) {
  return admin.ok('POST', `/admin/accounts/${accountId}/keys`, { body: scope }, 201);
}

/** An account with `credits` and one key of this scope: {accountId, key, keyId, object}. */
export async function scopedAccount(admin, credits, scope = {}) {
  const account = await admin.createAccount();
  if (credits !== undefined) await admin.topUpOk(account.id, credits);
  const created = await createScopedKey(admin, account.id, scope);
  return { accountId: account.id, key: created.key, keyId: created.id, object: created };
}

/** A public-API call with a key as the bearer: {status, headers, text, json}. */
export function keyCall(gateway, apiKey, method, urlPath, { body, headers = {} } = {}) {
  return request(`${gateway.publicUrl}${urlPath}`, {
    method, body, headers: { authorization: `Bearer ${apiKey}`, ...headers },
  });
}

/** GET /v1/key: the caller's own key object (asserts 200). */
export async function ownKey(gateway, apiKey) {
  const reply = await keyCall(gateway, apiKey, 'GET', '/v1/key');
  assert.equal(reply.status, 200, `GET /v1/key: ${reply.status} ${reply.text}`);
  return reply.json;
}

/** POST /v1/keys by a keys:manage key; returns the raw reply (the test asserts the status). */
export function mintKey(gateway, apiKey, scope = {}) {
  return keyCall(gateway, apiKey, 'POST', '/v1/keys', { body: scope });
}

/** POST /v1/keys expecting 201; returns the child key object (+ "key"). */
export async function mintKeyOk(gateway, apiKey, scope = {}) {
  const reply = await mintKey(gateway, apiKey, scope);
  assert.equal(reply.status, 201, `POST /v1/keys: ${reply.status} ${reply.text}`);
  return reply.json;
}

/** GET /admin/audit for one account, newest first, every page. */
export async function auditOf(admin, accountId) {
  const rows = [];
  let before = '';
  for (;;) {
    const page = await admin.ok('GET', `/admin/audit?limit=100&account_id=${accountId}${before}`);
    rows.push(...page.data);
    if (!page.has_more || page.data.length === 0) return rows;
    before = `&before=${page.data[page.data.length - 1].id}`;
  }
}

/** What a refused request must leave untouched: the account's money and the mock's counter. */
export async function untouchedState(env, accountId) {
  const [money, stats] = await Promise.all([env.admin.snapshot(accountId), env.mock.stats()]);
  return { money, forwarded: stats.requests };
}

/**
 * Runs `refuse()` and asserts it moved no money and sent nothing upstream; returns its reply.
 * Earlier requests settle first (a charge may commit just after its reply), unless
 * `{holdsOpen: true}` says a request is held in flight on purpose.
 */
export async function assertNothingMoved(env, accountId, refuse, { holdsOpen = false } = {}) {
  if (!holdsOpen) await env.admin.waitForNoHold(accountId);
  const before = await untouchedState(env, accountId);
  const reply = await refuse();
  const after = await untouchedState(env, accountId);
  assert.deepEqual(after, before, `a refusal charged or forwarded: ${reply.status} ${reply.text}`);
  return reply;
}

/** Sum of the charges of the account's ledger made with this key, in nanos (positive). */
export async function chargedByKey(admin, accountId, keyId) {
  const entries = await admin.ledger(accountId);
  return entries.filter((entry) => entry.type === 'charge' && entry.key_id === keyId)
    .reduce((sum, entry) => sum - BigInt(entry.amount_nanos), 0n);
}

/** `creditgate ledger verify` on the env's database; asserts it reports OK. */
export async function verifyLedger(env) {
  const configPath = path.join(env.dir, 'verify-config.json');
  fs.writeFileSync(configPath, JSON.stringify(env.config, null, 2));
  const result = await runCreditgate(['ledger', 'verify', '--config', configPath]);
  assert.equal(result.code, 0, `ledger verify: exit ${result.code}\n${result.stderr}${result.stdout}`);
  assert.match(result.stdout, /^ledger verify: OK: /);
  return result.stdout;
}

/** "2026-12-07T20:00:00Z" for a time in ms, whole seconds, as key objects write expiry. */
export function isoSeconds(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
}
