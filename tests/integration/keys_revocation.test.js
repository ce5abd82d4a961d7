// Revoking a key revokes every key below it at once (docs/keys.md "Revocation"): new requests
// are 401 and reach no provider, while a request already forwarded finishes and is charged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  TestEnv, assertApiError, chat, chatStream, nextContentEvent, parseCredits, SUITE_TIMEOUT_MS,
} from '../harness/index.js';
import { keyCall, mintKeyOk, scopedAccount } from '../harness/keys.js';

const HELLO = { model: 'mock-fixed', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 20 };
const CHUNKS = 20;

describe('revoking a parent key', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();

  before(() => env.start());
  after(() => env.teardown());

  /** An account with a root key, a child and a grandchild, all able to mint. */
  async function family() {
    const root = await scopedAccount(env.admin, '10', { name: 'root', scopes: ['keys:manage'] });
    const child = await mintKeyOk(env.gateway, root.key, { name: 'child', scopes: ['keys:manage'] });
    const grandchild = await mintKeyOk(env.gateway, child.key, { name: 'grandchild', scopes: [] });
    return { root, child, grandchild };
  }

  test('admin revocation cuts the descendants; the request in flight finishes and is charged', async () => {
    const { root, child, grandchild } = await family();
    const stream = chatStream(env.gateway, grandchild.key,
      { model: 'mock-slow-stream', messages: HELLO.messages, stream: true },
      { 'x-mock-chunks': String(CHUNKS), 'x-mock-delay-ms': '100' });
    const res = await stream.response;
    assert.equal(res.statusCode, 200);
    await nextContentEvent(stream);

    const revoked = await env.admin.ok('DELETE', `/admin/keys/${root.keyId}`);
    assert.equal(revoked.revoked, true);
    assert.deepEqual([...revoked.revoked_ids].sort((a, b) => a - b),
      [root.keyId, child.id, grandchild.id].sort((a, b) => a - b));

    const forwardedBefore = (await env.mock.stats()).requests;
    for (const key of [root.key, child.key, grandchild.key]) {
      assertApiError(await chat(env.gateway, key, HELLO), 401, 'invalid_api_key');
    }
    assert.equal((await env.mock.stats()).requests, forwardedBefore, 'no revoked key reached the provider');

    const { complete, events } = await stream.done;
    assert.ok(complete, 'the forwarded stream ran to its end');
    const text = events.filter((e) => e !== '[DONE]')
      .map((e) => JSON.parse(e).choices?.[0]?.delta?.content ?? '').join('');
    assert.equal(text, 'tok '.repeat(CHUNKS));
    const entry = await env.admin.waitForEntry(root.accountId, res.headers['x-request-id']);
    assert.equal(entry.type, 'charge');
    assert.equal(entry.key_id, grandchild.id);
    assert.equal(entry.completion_tokens, CHUNKS);
    assert.ok(BigInt(entry.amount_nanos) < 0n);

    const rootView = await env.admin.ok('GET', `/admin/keys/${root.keyId}`);
    assert.ok(rootView.revoked_at, 'revoked_at is set');
    assert.equal(parseCredits(rootView.spend.lifetime), -BigInt(entry.amount_nanos),
      'the root counts its grandchild\'s late charge');
  });

  test('self-service revocation of a child takes its children and leaves the parent', async () => {
    const { root, child, grandchild } = await family();
    const reply = await keyCall(env.gateway, root.key, 'DELETE', `/v1/keys/${child.id}`);
    assert.equal(reply.status, 200, reply.text);
    assert.deepEqual([...reply.json.revoked_ids].sort((a, b) => a - b), [child.id, grandchild.id].sort((a, b) => a - b));

    assertApiError(await chat(env.gateway, child.key, HELLO), 401, 'invalid_api_key');
    assertApiError(await chat(env.gateway, grandchild.key, HELLO), 401, 'invalid_api_key');
    assert.equal((await chat(env.gateway, root.key, HELLO)).status, 200, 'the parent still works');

    const listed = await keyCall(env.gateway, root.key, 'GET', '/v1/keys');
    for (const key of listed.json.data) assert.ok(key.revoked_at, `key ${key.id} shows its revocation`);
  });
});
