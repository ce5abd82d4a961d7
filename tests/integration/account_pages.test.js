// The user's pages over plain HTTP (no browser): signing in with a key or a one-time link,
// sessions and CSRF, the failed sign-in limit, and /account showing and changing the account.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { createScopedKey, keyCall, mintKeyOk } from '../harness/keys.js';
import {
  PageClient, assertPageHeaders, csrfOf, rowsOf, signInLink, textById,
} from '../harness/pages.js';
import {
  TestEnv, SUITE_TIMEOUT_MS, chat, costOf, formatCredits, parseCredits, runCreditgate,
} from '../harness/index.js';

// mock-fixed's usage (tests/mock_upstream/README.md); alias-fixed is mock-fixed upstream.
const USAGE = { prompt: 12, completion: 7 };
const ask = (model) => ({ model, messages: [{ role: 'user', content: 'hi' }] });

describe('sign-in', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv({ configure(config) { config.public_url = 'https://pages.example'; } });
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
    assert.ok(link.json.url.startsWith('https://pages.example/sign-in/link?token='), link.json.url);
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

describe('/account', { timeout: SUITE_TIMEOUT_MS }, () => {
  const keyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cg-pages-'));
  const masterFile = path.join(keyDir, 'master.key');
  const env = new TestEnv({ configure(config) { config.byok = { master_key_file: masterFile }; } });
  let owner;  // a root key with keys:manage, limited to two model families and 1 credit a month
  let browser;  // signed in with the owner key

  const callOk = async (key, model) => {
    const reply = await chat(env.gateway, key, ask(model));
    assert.equal(reply.status, 200, `${model}: ${reply.status} ${reply.text}`);
    return reply;
  };
  const accountPage = async (client = browser) => {
    const page = await client.page('/account');
    assertPageHeaders(page, 'GET /account');
    return page;
  };

  before(async () => {
    const made = await runCreditgate(['keys', 'new-master', '--out', masterFile]);
    assert.equal(made.code, 0, made.stderr);
    await env.start();
    const account = await env.admin.createAccount();
    await env.admin.topUpOk(account.id, '5');
    const created = await createScopedKey(env.admin, account.id, {
      name: 'owner', scopes: ['keys:manage'], models: ['mock-fixed', 'alias-*'], budgets: { month: '1' },
    });
    owner = { accountId: account.id, key: created.key, keyId: created.id };
    browser = new PageClient(env.gateway);
    await browser.signInWithKey(owner.key);
  });
  after(async () => {
    await env.teardown();
    fs.rmSync(keyDir, { recursive: true, force: true });
  });

  test('signed out, /account sends the browser to sign in and back', async () => {
    const reply = await new PageClient(env.gateway).get('/account');
    assert.equal(reply.status, 303);
    assert.equal(reply.location, '/sign-in?next=%2Faccount');
    assertPageHeaders(reply, 'redirect');
  });

  test('money, grants, spend by model and requests match real requests through the mock', async () => {
    await callOk(owner.key, 'mock-fixed');
    await callOk(owner.key, 'mock-fixed');
    await callOk(owner.key, 'alias-fixed');
    await env.admin.waitForNoHold(owner.accountId);
    const cost = (model) => costOf(env.priceOf(model), env.markup, USAGE).total;
    const admin = await env.admin.account(owner.accountId);
    const page = await accountPage();

    assert.equal(textById(page.text, 'balance'), admin.balance);
    assert.equal(textById(page.text, 'reserved'), '0');
    assert.equal(textById(page.text, 'owed'), '0');
    assert.equal(parseCredits(admin.balance), parseCredits('5') - 2n * cost('mock-fixed') - cost('alias-fixed'));

    const grants = rowsOf(page.text, 'grant');
    assert.equal(grants.length, 1);
    assert.equal(grants[0].cell('num amount'), '5');
    assert.equal(grants[0].cell('num left'), admin.balance);

    const bars = [...page.text.matchAll(/<rect class="bar" data-model="([^"]+)" data-credits="([^"]+)"/g)]
      .map(([, model, credits]) => [model, credits]);
    assert.match(page.text, /<svg id="spend-chart"/);
    assert.deepEqual(Object.fromEntries(bars), {
      'mock-fixed': formatCredits(2n * cost('mock-fixed')),
      'alias-fixed': formatCredits(cost('alias-fixed')),
    });

    const requests = rowsOf(page.text, 'request');
    assert.equal(requests.length, 3);
    assert.deepEqual(requests.map((r) => r.cell('model')), ['alias-fixed', 'mock-fixed', 'mock-fixed']);
    for (const row of requests) {
      assert.equal(row.cell('num tokens'), '12 / 7');
      const { provider, markup, total } = costOf(env.priceOf(row.cell('model')), env.markup, USAGE);
      assert.equal(row.cell('num provider-cost'), formatCredits(provider));
      assert.equal(row.cell('num markup'), formatCredits(markup));
      assert.equal(row.cell('num cost'), formatCredits(total));
    }
    assert.doesNotMatch(page.text, /id="older"/, 'one page only');
    assert.match(page.text, /id="sign-out"/);
  });

  test('requests are paged 50 at a time with a link to older ones', async () => {
    const account = await env.admin.createAccount();
    await env.admin.topUpOk(account.id, '5');
    const key = await createScopedKey(env.admin, account.id, { name: 'pager' });
    for (let i = 0; i < 51; i += 1) await callOk(key.key, 'mock-fixed');
    await env.admin.waitForNoHold(account.id);
    const client = new PageClient(env.gateway);
    await client.signInWithKey(key.key);
    const first = await accountPage(client);
    assert.equal(rowsOf(first.text, 'request').length, 50);
    const older = first.text.match(/<a id="older" href="([^"]+)"/)?.[1];
    assert.match(older, /^\/account\?before=\d+$/);
    const second = await client.page(older);
    const ids = (page) => rowsOf(page.text, 'request').map((row) => row.attr('data-entry-id')).join(',');
    assert.equal(rowsOf(second.text, 'request').length, 1,
      `${older}: first page ${ids(first)}; second page ${ids(second)}`);
    assert.doesNotMatch(second.text, /id="older"/);
  });

  test('keys include apps\' sub-keys; revoking one from the page makes its next call 401', async () => {
    const app = await mintKeyOk(env.gateway, owner.key, { name: 'my <app>', models: ['mock-fixed'] });
    await callOk(app.key, 'mock-fixed');
    const page = await accountPage();
    const keys = rowsOf(page.text, 'key');
    const names = Object.fromEntries(keys.map((k) => [k.attr('data-key-id'), k.cell('name')]));
    assert.equal(names[owner.keyId], 'owner');
    assert.equal(names[app.id], 'my &lt;app&gt;', 'names are escaped');
    assert.match(page.text, new RegExp(`action="/account/keys/${app.id}/revoke"`));

    const revoked = await browser.post(`/account/keys/${app.id}/revoke`, { csrf: page.csrf });
    assert.equal(revoked.status, 303, revoked.text);
    assert.equal(revoked.location, '/account');
    const after = await chat(env.gateway, app.key, ask('mock-fixed'));
    assert.equal(after.status, 401);
    const again = await accountPage();
    assert.ok(!rowsOf(again.text, 'key').some((k) => k.attr('data-key-id') === String(app.id)));
  });

  test('a POST without the CSRF token, or with a wrong one, is 403 and changes nothing', async () => {
    const app = await mintKeyOk(env.gateway, owner.key, { name: 'kept' });
    for (const form of [{}, { csrf: 'wrong' }, { csrf: `${(await accountPage()).csrf}x` }]) {
      const reply = await browser.post(`/account/keys/${app.id}/revoke`, form);
      assert.equal(reply.status, 403, JSON.stringify(form));
      assertPageHeaders(reply, 'csrf');
    }
    // Another browser's session has its own token: one session's token is no good in another.
    const other = new PageClient(env.gateway);
    await other.signInWithKey(owner.key);
    const otherCsrf = (await accountPage(other)).csrf;
    assert.notEqual(otherCsrf, (await accountPage()).csrf);
    const crossed = await browser.post(`/account/keys/${app.id}/revoke`, { csrf: otherCsrf });
    assert.equal(crossed.status, 403);
    await callOk(app.key, 'mock-fixed');
  });

  test('a key session may revoke only its own key and those below it', async () => {
    const sibling = await createScopedKey(env.admin, owner.accountId, { name: 'sibling' });
    const page = await accountPage();
    assert.ok(!rowsOf(page.text, 'key').some((k) => k.attr('data-key-id') === String(sibling.id)));
    const reply = await browser.post(`/account/keys/${sibling.id}/revoke`, { csrf: page.csrf });
    assert.equal(reply.status, 404);
    await callOk(sibling.key, 'mock-fixed');
  });

  test('an AI Pass is minted within the signed-in key and refused when wider', async () => {
    const form = await browser.page('/account/passes/new');
    assertPageHeaders(form, 'GET /account/passes/new');
    assert.match(form.text, /<form method="post" action="\/account\/passes">/);
    for (const field of ['name', 'models', 'budget_month', 'expires_in_days']) {
      assert.match(form.text, new RegExp(`name="${field}"`));
    }
    const made = await browser.post('/account/passes', {
      csrf: form.csrf, name: 'editor', models: 'mock-fixed', budget_month: '0.5', expires_in_days: '30',
    });
    assert.equal(made.status, 200, made.text);
    assertPageHeaders(made, 'pass');
    assert.match(made.headers.get('content-security-policy'), /script-src 'nonce-[A-Za-z0-9_-]+'/);
    assert.match(made.text, /id="copy-pass"/);
    const pass = textById(made.text, 'pass-key');
    assert.match(pass, /^cg-/);
    await callOk(pass, 'mock-fixed');
    const refused = await chat(env.gateway, pass, ask('alias-fixed'));
    assert.equal(refused.status, 403);
    assert.equal(refused.json.error.code, 'model_not_allowed');
    const own = await keyCall(env.gateway, pass, 'GET', '/v1/key');
    assert.equal(own.json.parent_id, owner.keyId);
    assert.deepEqual(own.json.budgets, { month: '0.5' });
    assert.equal(own.json.scopes, undefined, 'a pass never manages keys');

    for (const [wider, field] of [
      [{ models: 'gpt-*' }, 'models'], [{ budget_month: '2' }, 'budgets.month'],
    ]) {
      const page = await browser.page('/account/passes/new');
      const reply = await browser.post('/account/passes', { csrf: page.csrf, name: 'too wide', ...wider });
      assert.equal(reply.status, 403, JSON.stringify(wider));
      assert.match(textById(reply.text, 'error'), new RegExp(field.replace('.', '\\.')));
    }
    const keys = rowsOf((await accountPage()).text, 'key').map((k) => k.cell('name'));
    assert.ok(keys.includes('editor'));
    assert.ok(!keys.includes('too wide'));
  });

  test('provider keys: add one (shown by its last 4 characters), then remove it', async () => {
    const secret = `sk-page-canary-${Date.now()}-LAST`;
    let page = await accountPage();
    assert.match(page.text, /<select id="provider" name="provider">[\s\S]*<option value="mock">/);
    const refused = await browser.post('/account/provider-keys', { csrf: 'nope', provider: 'mock', api_key: secret });
    assert.equal(refused.status, 403);
    const added = await browser.post('/account/provider-keys', { csrf: page.csrf, provider: 'mock', api_key: secret });
    assert.equal(added.status, 303, added.text);
    page = await accountPage();
    const rows = rowsOf(page.text, 'provider-key');
    assert.deepEqual(rows.map((r) => r.attr('data-provider')), ['mock']);
    assert.equal(rows[0].cell('last4'), '…LAST');
    assert.ok(!page.text.includes(secret), 'the key itself is never shown');
    const listed = await env.admin.ok('GET', `/admin/accounts/${owner.accountId}/provider-keys`);
    assert.equal(listed.data.length, 1);

    const removed = await browser.post('/account/provider-keys/mock/remove', { csrf: page.csrf });
    assert.equal(removed.status, 303, removed.text);
    assert.equal(rowsOf((await accountPage()).text, 'provider-key').length, 0);
  });

  test('a link session may revoke any key of the account; revoking the session\'s own key signs it out', async () => {
    const extra = await createScopedKey(env.admin, owner.accountId, { name: 'extra' });
    const link = await signInLink(env.admin, owner.accountId);
    const linked = new PageClient(env.gateway);
    const used = await linked.post('/sign-in/link', { token: link.token, next: '/account' });
    assert.equal(used.status, 303);
    const page = await accountPage(linked);
    const ids = rowsOf(page.text, 'key').map((k) => k.attr('data-key-id'));
    assert.ok(ids.includes(String(extra.id)) && ids.includes(String(owner.keyId)));
    const revoked = await linked.post(`/account/keys/${extra.id}/revoke`, { csrf: page.csrf });
    assert.equal(revoked.status, 303);
    assert.equal((await chat(env.gateway, extra.key, ask('mock-fixed'))).status, 401);

    // The owner's browser revokes the owner key itself: that session ends with it.
    const ownPage = await accountPage();
    const self = await browser.post(`/account/keys/${owner.keyId}/revoke`, { csrf: ownPage.csrf });
    assert.equal(self.status, 303);
    const gone = await browser.get('/account');
    assert.equal(gone.status, 303);
    assert.match(gone.location, /^\/sign-in\?next=/);
  });

  test('sign-out ends the session', async () => {
    const account = await env.admin.createAccount();
    const key = await createScopedKey(env.admin, account.id, { name: 'leaving' });
    const client = new PageClient(env.gateway);
    await client.signInWithKey(key.key);
    const cookie = client.cookies.get('cg_session');
    const page = await accountPage(client);
    const out = await client.post('/sign-out', { csrf: page.csrf });
    assert.equal(out.status, 303);
    assert.equal(out.location, '/sign-in');
    assert.match(out.headers.get('set-cookie'), /^cg_session=; .*Max-Age=0/);
    const replay = new PageClient(env.gateway);
    replay.cookies.set('cg_session', cookie);
    assert.equal((await replay.get('/account')).status, 303, 'the old cookie is dead');
    assert.equal(csrfOf('') , undefined);
  });
});
