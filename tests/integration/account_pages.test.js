// The user's pages over plain HTTP (no browser): signing in with a key or a one-time link,
// sessions and CSRF, the failed sign-in limit, and /account showing and changing the account.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { createScopedKey, mintKeyOk } from '../harness/keys.js';
import {
  PageClient, assertPageHeaders, rowsOf, signInLink, textById,
} from '../harness/pages.js';
import { TestEnv, SUITE_TIMEOUT_MS } from '../harness/index.js';

describe('sign-in', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  let owner;  // {accountId, key, keyId}: the account's root key

  before(async () => {
    await env.start();
    const account = await env.admin.createAccount();
    const created = await createScopedKey(env.admin, account.id, { name: 'owner' });
    owner = { accountId: account.id, key: created.key, keyId: created.id };
  });
  after(() => env.teardown());

  test('the sign-in page is a form for a key, with every security header', async () => {
    const browser = new PageClient(env.gateway);
    const page = await browser.page('/sign-in?next=/account');
    assertPageHeaders(page, 'GET /sign-in');
    assert.match(page.text, /<form method="post" action="\/sign-in">/);
    assert.match(page.text, /<input id="key" name="key" type="password"/);
    assert.match(page.text, /name="next" value="\/account"/);
    assert.match(page.text, /id="sign-in"/);
  });

  test('a root key signs in: an HttpOnly SameSite=Lax cookie and a 303 to next', async () => {
    const browser = new PageClient(env.gateway);
    const reply = await browser.signInWithKey(owner.key, '/account?before=5');
    assertPageHeaders(reply, 'POST /sign-in');
    const cookie = reply.headers.get('set-cookie');
    assert.match(cookie, /^cg_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Lax; Max-Age=43200$/,
      'plain HTTP from loopback: no Secure');
  });

  test('next may only be a path on this server', async () => {
    for (const next of ['https://evil.example/', '//evil.example/x', '/\\evil.example']) {
      const reply = await new PageClient(env.gateway).post('/sign-in', { key: owner.key, next });
      assert.equal(reply.status, 303);
      assert.equal(reply.location, '/account', `next=${next}`);
    }
  });

  test('a wrong key gets the sign-in page again, 401, with the message in #error', async () => {
    const reply = await new PageClient(env.gateway).post('/sign-in', { key: 'cg-not-a-key', next: '/account' });
    assert.equal(reply.status, 401);
    assertPageHeaders(reply, 'wrong key');
    assert.match(textById(reply.text, 'error'), /unknown or revoked/);
    assert.equal(reply.headers.get('set-cookie'), null);
  });

  test('a sub-key without keys:manage may not sign in; one with it may', async () => {
    const manager = await createScopedKey(env.admin, owner.accountId, { name: 'manager', scopes: ['keys:manage'] });
    const sub = await mintKeyOk(env.gateway, manager.key, { name: 'no rights', scopes: [] });
    const refused = await new PageClient(env.gateway).post('/sign-in', { key: sub.key, next: '/account' });
    assert.equal(refused.status, 401);
    assert.match(textById(refused.text, 'error'), /keys:manage/);
    const subManager = await mintKeyOk(env.gateway, manager.key, { name: 'manager child', scopes: ['keys:manage'] });
    await new PageClient(env.gateway).signInWithKey(subManager.key);
  });

  test('a sign-in link works once, through a page that does not use it up', async () => {
    const link = await signInLink(env.admin, owner.accountId, { expires_in_s: 120, next: '/account' });
    assert.match(link.json.expires_at, /^\d{4}-\d\d-\d\dT/);
    const browser = new PageClient(env.gateway);
    const page = await browser.page(link.path);
    const page2 = await browser.page(link.path);  // a link preview GETs it too
    assert.equal(page2.status, 200);
    assert.match(page.text, /<form method="post" action="\/sign-in\/link">/);
    assert.match(page.text, /id="continue"/);
    const used = await browser.post('/sign-in/link', { token: link.token, next: '/account' });
    assert.equal(used.status, 303, used.text);
    assert.equal(used.location, '/account');
    assert.match(used.headers.get('set-cookie'), /^cg_session=/);
    const again = await new PageClient(env.gateway).post('/sign-in/link', { token: link.token, next: '/account' });
    assert.equal(again.status, 401);
    assert.match(textById(again.text, 'error'), /used already/);
  });

  test('sign-in links: admin validation', async () => {
    const bad = await env.admin.call('POST', `/admin/accounts/${owner.accountId}/sign-in-links`, { body: { expires_in_s: 59 } });
    assert.equal(bad.status, 400, bad.text);
    const offsite = await env.admin.call('POST', `/admin/accounts/${owner.accountId}/sign-in-links`, { body: { next: '//evil.example' } });
    assert.equal(offsite.status, 400, offsite.text);
    const missing = await env.admin.call('POST', '/admin/accounts/999999/sign-in-links', { body: {} });
    assert.equal(missing.status, 404, missing.text);
  });

  test('an unknown page under /account or /sign-in is an HTML 404 page with the headers', async () => {
    const reply = await new PageClient(env.gateway).get('/sign-in/nope');
    assert.equal(reply.status, 404);
    assert.match(reply.headers.get('content-type'), /^text\/html/);
    assertPageHeaders(reply, 'unrouted');
  });
});

describe('failed sign-in limit', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  before(() => env.start());
  after(() => env.teardown());

  test('after 10 failures in a minute the address gets 429 with Retry-After, even with a right key', async () => {
    const account = await env.admin.createAccount();
    const owner = await createScopedKey(env.admin, account.id, { name: 'owner' });
    const browser = new PageClient(env.gateway);
    for (let i = 0; i < 10; i += 1) {
      const reply = await browser.post('/sign-in', { key: `cg-wrong-${i}`, next: '/account' });
      assert.equal(reply.status, 401, `attempt ${i + 1}`);
    }
    const blocked = await browser.post('/sign-in', { key: owner.key, next: '/account' });
    assert.equal(blocked.status, 429);
    assertPageHeaders(blocked, '429');
    const wait = Number(blocked.headers.get('retry-after'));
    assert.ok(wait >= 1 && wait <= 60, `Retry-After ${wait}`);
    const link = await new PageClient(env.gateway).post('/sign-in/link', { token: 'x', next: '/account' });
    assert.equal(link.status, 429, 'the limit covers sign-in links too');
  });
});
