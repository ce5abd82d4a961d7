// Restricted sub-keys (docs/keys.md "Sub-keys"): a keys:manage key mints narrower keys, never
// wider ones; what a child leaves out it inherits; a child's spend counts against its parent.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  TestEnv, assertApiError, chat, costOf, formatCredits, parseCredits, promptBound, quoteOf,
  SUITE_TIMEOUT_MS,
} from '../harness/index.js';
import { keyCall, mintKey, mintKeyOk, ownKey, scopedAccount } from '../harness/keys.js';

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];
const MAX_TOKENS = 20;
const MODEL = 'mock-usage-from-header';
// The mock reports the bound as usage, so a request costs exactly its hold.
const USAGE = { 'x-mock-usage': JSON.stringify({ prompt_tokens: promptBound(MESSAGES), completion_tokens: MAX_TOKENS }) };
const BODY = { model: MODEL, messages: MESSAGES, max_tokens: MAX_TOKENS };
const LIMITING_FIELDS = ['models', 'endpoints', 'budgets', 'expires_at', 'rpm', 'tpm', 'max_concurrent', 'cidrs'];

describe('restricted sub-keys', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  let quote;
  let parentScope;

  before(async () => {
    await env.start();
    quote = quoteOf(env.priceOf(MODEL), env.markup, { messages: MESSAGES, maxTokens: MAX_TOKENS }).total;
    assert.equal(costOf(env.priceOf(MODEL), env.markup, { prompt: promptBound(MESSAGES), completion: MAX_TOKENS }).total, quote);
    parentScope = {
      name: 'app parent',
      models: ['mock-fixed', MODEL],
      endpoints: ['chat', 'completions'],
      budgets: { day: formatCredits(3n * quote), lifetime: '1' },
      expires_at: '2030-01-01T00:00:00Z',
      rpm: 1000,
      tpm: 1000000,
      max_concurrent: 10,
      cidrs: ['127.0.0.0/8'],
      scopes: ['keys:manage'],
    };
  });
  after(() => env.teardown());

  test('a child that leaves fields out inherits every limit of its parent', async () => {
    const parent = await scopedAccount(env.admin, '10', parentScope);
    const child = await mintKeyOk(env.gateway, parent.key, { name: 'inherits' });
    assert.match(child.key, /^cg-/);
    assert.equal(child.object, 'api_key');
    assert.equal(child.parent_id, parent.keyId);
    assert.equal(child.account_id, parent.accountId);
    assert.equal(child.name, 'inherits');
    for (const field of LIMITING_FIELDS) {
      assert.deepEqual(child[field], parent.object[field], `${field} inherited`);
    }
    assert.deepEqual(await ownKey(env.gateway, child.key), (({ key, ...rest }) => rest)(child));

    const listed = await keyCall(env.gateway, parent.key, 'GET', '/v1/keys');
    assert.equal(listed.status, 200, listed.text);
    assert.deepEqual(listed.json.data.map((k) => [k.id, k.parent_id]), [[child.id, parent.keyId]]);
  });

  test('a narrower child works within its scope and is refused outside it', async () => {
    const parent = await scopedAccount(env.admin, '10', parentScope);
    const child = await mintKeyOk(env.gateway, parent.key,
      { name: 'narrow', models: ['mock-fixed'], budgets: { day: formatCredits(quote) }, rpm: 10, scopes: [] });
    assert.deepEqual(child.models, ['mock-fixed']);
    assert.deepEqual(child.budgets, { day: formatCredits(quote), lifetime: '1' }, 'lifetime inherited');
    assert.equal(child.scopes, undefined, 'no rights: the field is left out');

    const served = await chat(env.gateway, child.key, { ...BODY, model: 'mock-fixed' });
    assert.equal(served.status, 200, served.text);
    assertApiError(await chat(env.gateway, child.key, BODY, USAGE), 403, 'model_not_allowed');
    assertApiError(await mintKey(env.gateway, child.key, {}), 403, 'permission_denied');
  });

  test('each attempt to widen is 403 scope_too_wide naming the field, and mints nothing', async () => {
    const parent = await scopedAccount(env.admin, '10', parentScope);
    const wider = [
      // A list names the field, or the first item outside the parent's ("models[1]").
      [{ models: ['mock-fixed', 'mock-cached'] }, /^models/],
      [{ models: ['mock-*'] }, /^models/],
      [{ endpoints: ['chat', 'embeddings'] }, /^endpoints/],
      [{ budgets: { day: formatCredits(3n * quote + 1n) } }, 'budgets.day'],
      [{ budgets: { lifetime: '2' } }, 'budgets.lifetime'],
      [{ expires_at: '2030-01-01T00:00:01Z' }, 'expires_at'],
      [{ expires_at: null }, 'expires_at'],
      [{ rpm: 1001 }, 'rpm'],
      [{ rpm: null }, 'rpm'],
      [{ tpm: 1000001 }, 'tpm'],
      [{ max_concurrent: 11 }, 'max_concurrent'],
      [{ cidrs: ['10.0.0.0/8'] }, /^cidrs/],
      [{ cidrs: ['0.0.0.0/0'] }, /^cidrs/],
    ];
    for (const [scope, field] of wider) {
      const reply = await mintKey(env.gateway, parent.key, scope);
      const error = assertApiError(reply, 403, 'scope_too_wide');
      if (field instanceof RegExp) assert.match(error.param ?? '', field, reply.text);
      else assert.equal(error.param, field, `${JSON.stringify(scope)}: ${reply.text}`);
    }
    const listed = await keyCall(env.gateway, parent.key, 'GET', '/v1/keys');
    assert.deepEqual(listed.json.data, [], 'no refused attempt minted a key');

    // PATCH may not widen either, and a narrowing PATCH takes effect on the next request.
    const child = await mintKeyOk(env.gateway, parent.key, { models: ['mock-fixed'] });
    const widen = await keyCall(env.gateway, parent.key, 'PATCH', `/v1/keys/${child.id}`, { body: { models: ['mock-cached'] } });
    assert.match(assertApiError(widen, 403, 'scope_too_wide').param ?? '', /^models/);
    const narrowed = await keyCall(env.gateway, parent.key, 'PATCH', `/v1/keys/${child.id}`, { body: { endpoints: ['completions'] } });
    assert.equal(narrowed.status, 200, narrowed.text);
    assert.deepEqual(narrowed.json.endpoints, ['completions']);
    assertApiError(await chat(env.gateway, child.key, { ...BODY, model: 'mock-fixed' }), 403, 'endpoint_not_allowed');
  });

  test('a child\'s spend counts against its parent\'s budget: then both are refused', async () => {
    const parent = await scopedAccount(env.admin, '10', parentScope);
    const child = await mintKeyOk(env.gateway, parent.key, { name: 'spender' });
    for (const key of [parent.key, parent.key, child.key]) {
      const reply = await chat(env.gateway, key, BODY, USAGE);
      assert.equal(reply.status, 200, reply.text);
    }
    await env.admin.waitForNoHold(parent.accountId);

    // The child spent one request of its own three: the parent's day budget is what refuses.
    const childRefused = assertApiError(await chat(env.gateway, child.key, BODY, USAGE), 402, 'key_budget_exceeded');
    assert.equal(childRefused.param, 'budgets.day');
    assertApiError(await chat(env.gateway, parent.key, BODY, USAGE), 402, 'key_budget_exceeded');

    const childView = await ownKey(env.gateway, child.key);
    assert.equal(parseCredits(childView.spend.day), quote);
    const parentView = await ownKey(env.gateway, parent.key);
    assert.equal(parseCredits(parentView.spend.day), 3n * quote, 'the parent counts its child\'s charge');
    assert.equal(parseCredits(parentView.remaining.day), 0n);
    assert.equal(parseCredits(parentView.remaining.lifetime), 1_000_000_000n - 3n * quote);
  });

  test('a key sees and changes only its descendants', async () => {
    const parent = await scopedAccount(env.admin, '10', parentScope);
    const child = await mintKeyOk(env.gateway, parent.key, { name: 'child', scopes: ['keys:manage'] });
    const grandchild = await mintKeyOk(env.gateway, child.key, { name: 'grandchild', scopes: [] });
    const stranger = await scopedAccount(env.admin, '10', parentScope);

    const fromParent = await keyCall(env.gateway, parent.key, 'GET', '/v1/keys');
    assert.deepEqual(fromParent.json.data.map((k) => [k.id, k.parent_id]).sort(),
      [[child.id, parent.keyId], [grandchild.id, child.id]].sort());
    const fromChild = await keyCall(env.gateway, child.key, 'GET', '/v1/keys');
    assert.deepEqual(fromChild.json.data.map((k) => k.id), [grandchild.id]);

    for (const id of [parent.keyId, child.id, stranger.keyId]) {
      assertApiError(await keyCall(env.gateway, child.key, 'PATCH', `/v1/keys/${id}`, { body: { rpm: 5 } }), 404, 'not_found');
      assertApiError(await keyCall(env.gateway, child.key, 'DELETE', `/v1/keys/${id}`), 404, 'not_found');
    }
    assert.equal((await chat(env.gateway, stranger.key, BODY, USAGE)).status, 200, 'the stranger key still works');
  });
});
