// Bring your own key: an account's own provider key is stored encrypted, used upstream in place
// of the operator's key, and the account pays only the mark-up. The key is a recognisable canary
// that must never appear in a log line, a reply, or a request to any other provider.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { auditOf, keyCall, scopedAccount } from '../harness/keys.js';
import {
  TestEnv, assertApiError, chat, chatStream, costOf, request, runCreditgate, SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const USER_KEY = `sk-byok-canary-${crypto.randomBytes(12).toString('hex')}-WXYZ`;
const CLAUDE_KEY = `sk-ant-byok-canary-${crypto.randomBytes(12).toString('hex')}`;
const SELF_KEY = `sk-self-canary-${crypto.randomBytes(12).toString('hex')}`;
const body = { model: 'mock-fixed', messages: [{ role: 'user', content: 'hi' }] };
// mock-fixed's usage (tests/mock_upstream/README.md)
const USAGE = { prompt: 12, completion: 7 };

describe('bring your own key', { timeout: SUITE_TIMEOUT_MS }, () => {
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-byok-'));
  const masterFile = path.join(keyDir, 'master.key');
  const nextMasterFile = path.join(keyDir, 'master-next.key');
  const env = new TestEnv({
    configure(config) {
      config.byok = { master_key_file: masterFile };
      // A second provider on the same mock, told apart by a header it always sends.
      config.providers.other = {
        ...config.providers.mock, headers: { 'x-provider': 'other' },
      };
      config.models['other-fixed'] = { ...config.models['mock-fixed'], provider: 'other', upstream_model: 'mock-fixed' };
      config.models['byok-only'] = { ...config.models['mock-fixed'], upstream_model: 'mock-fixed', byok_only: true };
      config.models['mock-error-401'] = { ...config.models['mock-fixed'] };
      // Anthropic's auth style: the key goes in x-api-key.
      config.providers.claude = {
        kind: 'anthropic', base_url: config.providers.mock.base_url.replace(/\/v1$/, ''),
        api_key_env: 'MOCK_UPSTREAM_KEY',
      };
      config.models['claude-fixed'] = {
        provider: 'claude', upstream_model: 'mock-fixed', input: '3', output: '15', max_output_tokens: 1000,
      };
    },
  });
  const replies = [];  // every reply text this suite saw, searched for the key at the end
  let byok;  // an account with its own key for provider "mock"
  let plain;  // an account without

  const seen = (reply) => { replies.push(reply.text); return reply; };
  const putKey = (accountId, provider, key) => env.admin.call('PUT',
    `/admin/accounts/${accountId}/provider-keys/${provider}`, { body: { key } }).then(seen);
  const listKeys = (accountId) => env.admin.call('GET', `/admin/accounts/${accountId}/provider-keys`).then(seen);
  const lastMockRequest = async () => (await env.mock.requests()).at(-1);

  before(async () => {
    const made = await runCreditgate(['keys', 'new-master', '--out', masterFile]);
    assert.equal(made.code, 0, made.stderr);
    assert.equal(fs.statSync(masterFile).mode & 0o777, 0o600);
    await env.start();
    byok = await env.admin.fundedAccount('5');
    plain = await env.admin.fundedAccount('5');
    const put = await putKey(byok.accountId, 'mock', USER_KEY);
    assert.equal(put.status, 200, put.text);
  });
  after(async () => {
    await env.teardown();
    fs.rmSync(keyDir, { recursive: true, force: true });
  });

  test('the list shows the provider and the last 4 characters, never the key', async () => {
    const list = await listKeys(byok.accountId);
    assert.equal(list.status, 200, list.text);
    assert.equal(list.json.object, 'list');
    assert.equal(list.json.data.length, 1);
    assert.equal(list.json.data[0].provider, 'mock');
    assert.equal(list.json.data[0].last4, 'WXYZ');
    assert.ok(list.json.data[0].created_at);
    assert.deepEqual((await listKeys(plain.accountId)).json.data, []);
  });

  test('a byok request uses the account key upstream and debits only the mark-up', async () => {
    const reply = seen(await chat(env.gateway, byok.key, body));
    assert.equal(reply.status, 200, reply.text);
    const upstream = await lastMockRequest();
    assert.equal(upstream.headers.authorization, `Bearer ${USER_KEY}`);
    const cost = costOf(env.priceOf('mock-fixed'), env.markup, USAGE);
    const entry = await env.admin.waitForEntry(byok.accountId, reply.headers.get('x-request-id'));
    assert.equal(BigInt(entry.amount_nanos), -cost.markup);
    assert.equal(BigInt(entry.markup_nanos), cost.markup);
    assert.equal(BigInt(entry.provider_cost_nanos), cost.provider, 'the provider cost is recorded');
    assert.match(String(entry.flags), /byok/);
    assert.ok(cost.provider > 0n && cost.markup > 0n);
  });

  test('a streamed byok request is charged the mark-up only too', async () => {
    const stream = chatStream(env.gateway, byok.key, { ...body, stream: true });
    const response = await stream.response;
    const done = await stream.done;
    assert.ok(done.complete);
    replies.push(done.raw);
    assert.equal((await lastMockRequest()).headers.authorization, `Bearer ${USER_KEY}`);
    const cost = costOf(env.priceOf('mock-fixed'), env.markup, USAGE);
    const entry = await env.admin.waitForEntry(byok.accountId, response.headers['x-request-id']);
    assert.equal(BigInt(entry.amount_nanos), -cost.markup);
  });

  test("other accounts, and the account's requests to other providers, use the operator's key", async () => {
    const operator = `Bearer ${env.secrets.providerKey}`;
    assert.equal(seen(await chat(env.gateway, plain.key, body)).status, 200);
    assert.equal((await lastMockRequest()).headers.authorization, operator);
    const other = seen(await chat(env.gateway, byok.key, { ...body, model: 'other-fixed' }));
    assert.equal(other.status, 200, other.text);
    const upstream = await lastMockRequest();
    assert.equal(upstream.headers['x-provider'], 'other');
    assert.equal(upstream.headers.authorization, operator);
    const cost = costOf(env.priceOf('other-fixed'), env.markup, USAGE);
    const entry = await env.admin.waitForEntry(byok.accountId, other.headers.get('x-request-id'));
    assert.equal(BigInt(entry.amount_nanos), -cost.total, 'no key for "other": the full price');
  });

  test("an Anthropic provider gets the account key in x-api-key, and no Authorization", async () => {
    assert.equal((await putKey(byok.accountId, 'claude', CLAUDE_KEY)).status, 200);
    const reply = seen(await request(`${env.gateway.publicUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'x-api-key': byok.key, 'anthropic-version': '2023-06-01' },
      body: { model: 'claude-fixed', max_tokens: 50, messages: [{ role: 'user', content: 'hi' }] },
    }));
    assert.equal(reply.status, 200, reply.text);
    const upstream = await lastMockRequest();
    assert.equal(upstream.headers['x-api-key'], CLAUDE_KEY);
    assert.equal(upstream.headers.authorization, undefined);
    const entry = await env.admin.waitForEntry(byok.accountId, reply.headers.get('x-request-id'));
    assert.equal(BigInt(entry.amount_nanos), -BigInt(entry.markup_nanos));
    assert.ok(BigInt(entry.provider_cost_nanos) > 0n);
    assert.equal((await env.admin.call('DELETE', `/admin/accounts/${byok.accountId}/provider-keys/claude`)).status, 200);
  });

  test('a byok-only model is refused without the account key and served with it', async () => {
    const refused = seen(await chat(env.gateway, plain.key, { ...body, model: 'byok-only' }));
    const error = assertApiError(refused, 403, 'model_not_allowed');
    assert.match(error.message, /own provider key/);
    const served = seen(await chat(env.gateway, byok.key, { ...body, model: 'byok-only' }));
    assert.equal(served.status, 200, served.text);
  });

  test('the provider rejecting the account key is relayed as such, nothing charged, no fallback', async () => {
    const before = await env.admin.snapshot(byok.accountId);
    const reply = seen(await chat(env.gateway, byok.key, { ...body, model: 'mock-error-401' }));
    const error = assertApiError(reply, 401, 'upstream_error');
    assert.match(error.message, /rejected the account's own provider key/);
    const upstream = await lastMockRequest();
    assert.equal(upstream.headers.authorization, `Bearer ${USER_KEY}`, 'sent once, with the own key');
    await env.admin.waitForNoHold(byok.accountId);
    assert.deepEqual(await env.admin.snapshot(byok.accountId), before);
  });

  test('a key is validated and the provider must be configured', async () => {
    assertApiError(await putKey(byok.accountId, 'nope', 'sk-whatever-1234'), 404, 'not_found');
    assertApiError(await putKey(byok.accountId, 'mock', ''), 400, 'invalid_request');
    assertApiError(await putKey(byok.accountId, 'mock', 'sk-a\r\nx-evil: 1'), 400, 'invalid_request');
    assertApiError(await putKey(byok.accountId, 'mock', 'k'.repeat(4097)), 400, 'invalid_request');
    assertApiError(await putKey(999999, 'mock', 'sk-whatever-1234'), 404, 'not_found');
    assert.equal((await listKeys(byok.accountId)).json.data[0].last4, 'WXYZ', 'unchanged');
  });

  test('under another master key a stored key is refused, never replaced by the operator key', async () => {
    assert.equal((await runCreditgate(['keys', 'new-master', '--out', nextMasterFile])).code, 0);
    assert.equal((await env.gateway.stop()).code, 0);
    await env.startGateway({ ...env.config, byok: { master_key_file: nextMasterFile } });
    const requestsBefore = (await env.mock.requests()).length;
    const reply = seen(await chat(env.gateway, byok.key, body));
    const error = assertApiError(reply, 503, 'unavailable');
    assert.match(error.message, /cannot be decrypted/);
    assert.equal((await env.mock.requests()).length, requestsBefore, 'nothing went upstream');
    assert.ok(env.gateway.logEvents().some((e) => e.event === 'byok_keys_unusable' && e.count === 1));
    assert.equal((await env.gateway.stop()).code, 0);
    await env.startGateway();
  });

  test('after rotate-master the keys still work and still list', async () => {
    const { code } = await env.gateway.stop();
    assert.equal(code, 0);
    const rotated = await runCreditgate(['keys', 'rotate-master', '--config', env.gateway.configPath,
      '--new-key-file', nextMasterFile]);
    assert.equal(rotated.code, 0, rotated.stderr);
    assert.match(rotated.stdout, /re-encrypted 1 provider keys/);
    env.config.byok.master_key_file = nextMasterFile;
    await env.startGateway();
    const reply = seen(await chat(env.gateway, byok.key, body));
    assert.equal(reply.status, 200, reply.text);
    assert.equal((await lastMockRequest()).headers.authorization, `Bearer ${USER_KEY}`);
    assert.equal((await listKeys(byok.accountId)).json.data[0].last4, 'WXYZ');
  });

  test("after DELETE the operator's key is used again at the full price", async () => {
    const deleted = await env.admin.call('DELETE', `/admin/accounts/${byok.accountId}/provider-keys/mock`).then(seen);
    assert.equal(deleted.status, 200, deleted.text);
    assert.deepEqual(deleted.json.data, []);
    const reply = seen(await chat(env.gateway, byok.key, body));
    assert.equal(reply.status, 200, reply.text);
    assert.equal((await lastMockRequest()).headers.authorization, `Bearer ${env.secrets.providerKey}`);
    const entry = await env.admin.waitForEntry(byok.accountId, reply.headers.get('x-request-id'));
    assert.doesNotMatch(String(entry.flags), /byok/);
    assertApiError(await env.admin.call('DELETE', `/admin/accounts/${byok.accountId}/provider-keys/mock`).then(seen),
      404, 'not_found');
  });

  test('a keys:manage key stores, uses, lists and removes its own account key', async () => {
    const self = await scopedAccount(env.admin, '5', { name: 'manager', scopes: ['keys:manage'] });
    const ownKey = SELF_KEY;
    const put = seen(await keyCall(env.gateway, self.key, 'PUT', '/v1/provider-keys/mock', { body: { key: ownKey } }));
    assert.equal(put.status, 200, put.text);
    assert.deepEqual(put.json.data.map((k) => [k.provider, k.last4]), [['mock', ownKey.slice(-4)]]);
    const listed = seen(await keyCall(env.gateway, self.key, 'GET', '/v1/provider-keys'));
    assert.deepEqual(listed.json.data.map((k) => k.provider), ['mock']);
    const reply = seen(await chat(env.gateway, self.key, body));
    assert.equal(reply.status, 200, reply.text);
    assert.equal((await lastMockRequest()).headers.authorization, `Bearer ${ownKey}`);
    const audit = await auditOf(env.admin, self.accountId);
    const stored = audit.find((row) => row.action === 'provider_key.put');
    assert.equal(stored.actor, `key:${self.keyId}`);
    assert.ok(!JSON.stringify(audit).includes(ownKey), 'the audit log never holds the key');
    const removed = seen(await keyCall(env.gateway, self.key, 'DELETE', '/v1/provider-keys/mock'));
    assert.equal(removed.status, 200, removed.text);
    assert.deepEqual(removed.json.data, []);
    assertApiError(seen(await keyCall(env.gateway, self.key, 'PUT', '/v1/provider-keys/nowhere',
      { body: { key: ownKey } })), 404, 'not_found');

    // A key without keys:manage may not touch them.
    const plainKey = seen(await keyCall(env.gateway, byok.key, 'PUT', '/v1/provider-keys/mock', { body: { key: ownKey } }));
    assertApiError(plainKey, 403, 'permission_denied');
    assertApiError(seen(await keyCall(env.gateway, byok.key, 'GET', '/v1/provider-keys')), 403, 'permission_denied');
  });

  test('the key never appears in a log line, a reply, or a request to another provider', async () => {
    const lines = env.gateways.flatMap((g) => [...g.child.stderrLines, ...g.child.stdoutLines]);
    assert.ok(lines.length > 0);
    const leaks = (text) => [USER_KEY, CLAUDE_KEY, SELF_KEY].some((key) => text.includes(key));
    for (const line of lines) assert.ok(!leaks(line), `log line: ${line.slice(0, 300)}`);
    assert.ok(lines.some((line) => line.includes('"byok"')), 'the access log flags byok requests');
    for (const text of replies) assert.ok(!leaks(text), `reply: ${text.slice(0, 300)}`);
    for (const upstream of await env.mock.requests()) {
      const text = JSON.stringify(upstream);
      if (upstream.headers['x-provider'] === 'other') assert.ok(!leaks(text), 'sent to provider "other"');
      if (text.includes(USER_KEY)) {
        assert.equal(upstream.headers.authorization, `Bearer ${USER_KEY}`, 'only as the credential');
        assert.ok(!text.replace(`Bearer ${USER_KEY}`, '').includes(USER_KEY), 'and nowhere else');
      }
      if (text.includes(SELF_KEY)) {
        assert.equal(upstream.headers.authorization, `Bearer ${SELF_KEY}`, 'only as the credential');
        assert.ok(!text.replace(`Bearer ${SELF_KEY}`, '').includes(SELF_KEY), 'and nowhere else');
      }
      if (text.includes(CLAUDE_KEY)) {
        assert.equal(upstream.headers['x-api-key'], CLAUDE_KEY, 'only as the credential');
        assert.ok(!text.replace(CLAUDE_KEY, '').includes(CLAUDE_KEY), 'and nowhere else');
      }
    }
  });
});

describe('bring your own key, not configured', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  before(() => env.start());
  after(() => env.teardown());

  test('the provider-key routes say BYOK is not configured', async () => {
    const user = await env.admin.fundedAccount('1');
    const put = await env.admin.call('PUT', `/admin/accounts/${user.accountId}/provider-keys/mock`,
      { body: { key: 'sk-whatever-1234' } });
    const error = assertApiError(put, 400, 'invalid_request');
    assert.match(error.message, /not configured/);
    assertApiError(await env.admin.call('GET', `/admin/accounts/${user.accountId}/provider-keys`),
      400, 'invalid_request');
    assert.equal((await chat(env.gateway, user.key, body)).status, 200, 'requests are unaffected');
  });
});
