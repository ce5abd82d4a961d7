// No secret leaves, and no near-miss key gets in. A canary string is planted in the prompt, in a
// custom header and in every secret (admin token, provider key), the cg- key itself is a secret
// too; then every line creditgate wrote and every admin reply is searched for any of them.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  TestEnv, assertApiError, chat, chatStream, request, SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const CANARY = `cnry${crypto.randomBytes(8).toString('hex')}`;
const WINDOW = 12; // a secret "leaks" when any 12 characters of it in a row appear

/** Every WINDOW-character run of each secret; `secret` may be shorter than WINDOW. */
function windowsOf(secrets) {
  const windows = [];
  for (const secret of secrets) {
    if (secret.length <= WINDOW) windows.push(secret);
    for (let i = 0; i + WINDOW <= secret.length; i += 1) windows.push(secret.slice(i, i + WINDOW));
  }
  return windows;
}

/** The first text that holds a piece of a secret, as "where: text", or undefined. */
function findLeak(texts, secrets) {
  const windows = windowsOf(secrets);
  for (const [where, text] of texts) {
    const hit = windows.find((w) => text.includes(w));
    if (hit) return `${where} contains ${JSON.stringify(hit)}: ${text.slice(0, 400)}`;
  }
  return undefined;
}

/** The secret part of a cg- key: what follows its public display prefix ("cg-" + 7). */
const secretPartOf = (key) => key.slice(10);

describe('secrets', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv({
    secrets: { adminToken: `${CANARY}-admin-token`, providerKey: `${CANARY}-provider-key` },
  });
  let user;

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('5');
  });
  after(() => env.teardown());

  test('a key with a suffix added or one character changed is 401', async () => {
    const body = { model: 'mock-fixed', messages: [{ role: 'user', content: 'hi' }] };
    const flip = (c) => (c === 'A' ? 'B' : 'A');
    const last = user.key.length - 1;
    const middle = 20;
    const variants = {
      'suffix -1': `${user.key}-1`,
      'suffix x': `${user.key}x`,
      'last character changed': user.key.slice(0, last) + flip(user.key[last]),
      'a middle character changed': user.key.slice(0, middle) + flip(user.key[middle]) + user.key.slice(middle + 1),
      'the last character dropped': user.key.slice(0, last),
      'upper case': user.key.toUpperCase(),
    };
    for (const [name, key] of Object.entries(variants)) {
      const reply = await chat(env.gateway, key, body);
      assertApiError(reply, 401, 'invalid_api_key');
      assert.ok(!reply.text.includes(secretPartOf(key)), `${name}: the 401 echoes the key`);
    }
    assert.equal((await chat(env.gateway, user.key, body)).status, 200, 'the key itself still works');
  });

  test('a revoked key is 401 and the message never echoes the key', async () => {
    const victim = await env.admin.fundedAccount('1');
    const body = { model: 'mock-fixed', messages: [{ role: 'user', content: 'hi' }] };
    assert.equal((await chat(env.gateway, victim.key, body)).status, 200);
    await env.admin.revokeKey(victim.keyId);
    for (const stream of [false, true]) {
      const reply = await chat(env.gateway, victim.key, { ...body, stream });
      assertApiError(reply, 401, 'invalid_api_key');
      assert.equal(findLeak([['401 reply', reply.text]], [secretPartOf(victim.key)]), undefined);
    }
  });

  test('canary run: no secret and no prompt in any log line or admin reply', async () => {
    const promptCanary = `${CANARY}-prompt`;
    const headerCanary = `${CANARY}-header`;
    const messages = [{ role: 'user', content: `Remember ${promptCanary}.` }];
    const headers = { 'x-canary': headerCanary };
    const replies = [];
    const keep = (where, reply) => { replies.push([where, reply.text]); return reply; };

    // Requests of every ending, each carrying the canaries.
    keep('chat', await chat(env.gateway, user.key, { model: 'mock-fixed', messages }, headers));
    keep('chat 500', await chat(env.gateway, user.key, { model: 'mock-error-500', messages }, headers));
    keep('chat 404', await chat(env.gateway, user.key, { model: 'no-such-model', messages }, headers));
    keep('chat 400', await chat(env.gateway, user.key, { model: 'mock-fixed', messages, max_tokens: -1 }, headers));
    keep('canary as key', await chat(env.gateway, `cg-${CANARY}-as-a-key`, { model: 'mock-fixed', messages }, headers));
    const stream = chatStream(env.gateway, user.key, { model: 'mock-fixed', stream: true, messages }, headers);
    const streamed = await stream.done;
    assert.ok(streamed.complete);
    const cut = chatStream(env.gateway, user.key, { model: 'mock-cutoff', stream: true, messages }, headers);
    await cut.done;
    // The admin API with a wrong token that carries the canary.
    const wrongAdmin = await env.admin.call('GET', `/admin/accounts/${user.accountId}`, { token: `${CANARY}-wrong-admin` });
    assert.equal(wrongAdmin.status, 401);
    replies.push(['admin 401', wrongAdmin.text]);
    await env.admin.waitForNoHold(user.accountId);

    // Every admin reply an operator reads. The create-key reply is the one place the cg- key
    // belongs, in its "key" field only.
    const created = await env.admin.call('POST', `/admin/accounts/${user.accountId}/keys`, { body: { name: 'k2' } });
    assert.equal(created.status, 201);
    const { key: createdKey, ...createdRest } = created.json;
    replies.push(['create key (without its key field)', JSON.stringify(createdRest)]);
    const adminGets = [
      `/admin/accounts/${user.accountId}`,
      `/admin/accounts/${user.accountId}/keys`,
      `/admin/accounts/${user.accountId}/ledger?limit=1000`,
      `/admin/accounts/${user.accountId}/statement`,
      '/admin/usage',
      '/admin/usage?group_by=key',
    ];
    for (const path of adminGets) {
      for (const accept of ['application/json', 'text/csv']) {
        const reply = await env.admin.call('GET', path, { headers: { accept } });
        assert.ok(reply.status < 500, `${path}: ${reply.status} ${reply.text}`);
        replies.push([`GET ${path} (${accept})`, reply.text]);
      }
    }

    const secrets = [CANARY, secretPartOf(user.key), secretPartOf(createdKey)];
    // The search works: the prompt and the provider key did reach the provider, as they must.
    const upstream = (await env.mock.requests()).map((r) => ['mock', JSON.stringify(r)]);
    assert.ok(findLeak(upstream, [promptCanary]), 'the prompt canary is found where it belongs');
    assert.ok(findLeak(upstream, [env.secrets.providerKey]), 'the provider key is found where it belongs');
    assert.equal(findLeak(replies, secrets), undefined);
    const logs = [
      ...env.gateway.child.stdoutLines.map((line) => ['stdout', line]),
      ...env.gateway.child.stderrLines.map((line) => ['stderr', line]),
    ];
    assert.ok(logs.length > 5, 'creditgate logged its requests');
    assert.equal(findLeak(logs, secrets), undefined);
  });
});
