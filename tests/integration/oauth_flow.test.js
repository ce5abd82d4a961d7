// The consent flow over plain HTTP (issue 20): an app registered by the admin sends the user to
// GET /oauth/authorize, the user signs in on the page and approves (narrowing what was asked),
// the app exchanges the code with its PKCE verifier at POST /oauth/token and calls the API with
// the key, within what was approved only; POST /oauth/revoke ends it. Each security point of
// the issue has its own test. The "browser" is fetch with redirects off and a cookie jar kept
// by hand; docs/oauth.md drives the same pages in Chromium.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import {
  TestEnv, assertApiError, chat, formatCredits, quoteOf, randomSecret, SUITE_TIMEOUT_MS,
} from '../harness/index.js';
import { keepCookies } from '../harness/pages.js';

const REDIRECT_URI = 'https://app.example/cb';
const HELLO = { model: 'mock-fixed', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 20 };

/** A PKCE pair (RFC 7636, S256). */
function pkce() {
  const verifier = crypto.randomBytes(32).toString('base64url');
  const challenge = crypto.createHash('sha256').update(verifier).digest('base64url');
  return { verifier, challenge };
}

/** A user agent: no redirects followed, cookies kept by hand (name=value; path / only). */
class Browser {
  constructor(baseUrl) {
    this.baseUrl = baseUrl;
    this.cookies = new Map();
  }

  async go(target, { method = 'GET', form } = {}) {
    const headers = {};
    if (this.cookies.size) headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    let body;
    if (form !== undefined) {
      body = form instanceof URLSearchParams ? form.toString() : new URLSearchParams(form).toString();
      headers['content-type'] = 'application/x-www-form-urlencoded';
    }
    const res = await fetch(new URL(target, this.baseUrl), { method, headers, body, redirect: 'manual' });
    keepCookies(this.cookies, res);
    return { status: res.status, headers: res.headers, text: await res.text() };
  }
}

function csrfOf(html) {
  const match = html.match(/name="csrf" value="([^"]+)"/);
  assert.ok(match, `the page carries a csrf field: ${html.slice(-400)}`);
  return match[1];
}

/** The query of GET /oauth/authorize for these parameters (undefined ones left out). */
function authorizeUrl(params) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) if (value !== undefined) query.append(key, value);
  return `/oauth/authorize?${query}`;
}

/** The Location of a redirect to the app, parsed; asserts it goes to `redirectUri`. */
function appRedirect(reply, redirectUri = REDIRECT_URI) {
  assert.equal(reply.status, 302, `expected a redirect to the app, got ${reply.status}: ${reply.text.match(/id="error"[^>]*>([^<]*)/)?.[1]}`);
  const location = new URL(reply.headers.get('location'));
  assert.equal(`${location.origin}${location.pathname}`, redirectUri);
  return location;
}

function assertErrorPage(reply, status, pattern) {
  assert.equal(reply.status, status, reply.text.slice(0, 300));
  assert.equal(reply.headers.get('location'), null, 'an error page, never a redirect');
  assert.match(reply.headers.get('content-type'), /^text\/html/);
  if (pattern) assert.match(reply.text, pattern);
}

function tokenCall(gateway, form) {
  return fetch(`${gateway.publicUrl}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  }).then(async (res) => ({ status: res.status, headers: res.headers, json: await res.json() }));
}

function assertTokenError(reply, error) {
  assert.equal(reply.status, 400, JSON.stringify(reply.json));
  assert.equal(reply.json.error, error, JSON.stringify(reply.json));
  assert.equal(typeof reply.json.error_description, 'string');
}

/** Everything one run of the flow needs: an admin-made account and app, and a signed-in user. */
async function setUp(env, { credits = '10', scope = {} } = {}) {
  const account = await env.admin.createAccount();
  await env.admin.topUpOk(account.id, credits);
  const root = await env.admin.ok('POST', `/admin/accounts/${account.id}/keys`, { body: { name: 'root', ...scope } }, 201);
  const client = await env.admin.ok('POST', '/admin/oauth/clients',
    { body: { name: 'Test <App> & Co', redirect_uris: [REDIRECT_URI, 'http://127.0.0.1:8765/cb'] } }, 201);
  const browser = new Browser(env.gateway.publicUrl);
  const signIn = await browser.go('/sign-in', { method: 'POST', form: { key: root.key, next: '/account' } });
  assert.equal(signIn.status, 303, signIn.text.slice(0, 300));
  return { accountId: account.id, root, client, browser };
}

/** GET the consent page for `params` (client, PKCE and redirect defaulted) as the browser. */
async function consent(user, params = {}) {
  const challenge = params.pkce ?? pkce();
  const query = {
    response_type: 'code', client_id: user.client.client_id, redirect_uri: REDIRECT_URI,
    code_challenge: challenge.challenge, code_challenge_method: 'S256', state: 'st-1', scope: '',
    ...params.query,
  };
  const page = await user.browser.go(authorizeUrl(query));
  return { page, query, pkce: challenge };
}

/** Approves on the consent page with the given choices; returns the reply and what was sent. */
async function decide(user, { query, page }, choices = {}) {
  const form = new URLSearchParams();
  // The hidden fields of the consent form, as the contract names them.
  for (const key of ['client_id', 'redirect_uri', 'code_challenge', 'code_challenge_method', 'scope']) {
    form.append(key, query[key]);
  }
  if (query.state !== undefined) form.append('state', query.state);
  if (choices.csrf !== null) form.append('csrf', choices.csrf ?? csrfOf(page.text));
  for (const model of choices.models ?? []) form.append('model', model);
  for (const endpoint of choices.endpoints ?? []) form.append('endpoint', endpoint);
  form.append('budget_month', choices.budget_month ?? '');
  form.append('expires_in_days', choices.expires_in_days ?? '');
  form.append('decision', choices.decision ?? 'approve');
  return user.browser.go('/oauth/authorize', { method: 'POST', form });
}

/** The whole flow up to the key: {token reply, code, pkce}. */
async function connect(env, user, scope, choices) {
  const flow = await consent(user, { query: { scope } });
  assert.equal(flow.page.status, 200, `${flow.page.headers.get('location')} ${flow.page.text.slice(-300)}`);
  const code = appRedirect(await decide(user, flow, choices)).searchParams.get('code');
  const token = await tokenCall(env.gateway, {
    grant_type: 'authorization_code', code, code_verifier: flow.pkce.verifier,
    redirect_uri: REDIRECT_URI, client_id: user.client.client_id,
  });
  return { token, code, flow };
}

describe('OAuth consent flow', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  before(() => env.start());
  after(() => env.teardown());

  test('the admin registers apps with exact https (or loopback http) redirect URIs', async () => {
    const client = await env.admin.ok('POST', '/admin/oauth/clients', {
      body: { name: 'Logo App', redirect_uris: ['https://logo.example/cb'], logo: 'data:image/png;base64,iVBORw0KGgo=' },
    }, 201);
    assert.match(client.client_id, /^app_/);
    assert.deepEqual(client.redirect_uris, ['https://logo.example/cb']);
    assert.equal(client.logo, 'data:image/png;base64,iVBORw0KGgo=');
    const listed = await env.admin.ok('GET', '/admin/oauth/clients');
    assert.ok(listed.data.some((c) => c.client_id === client.client_id));
    for (const [body, param] of [
      [{ name: 'x', redirect_uris: ['http://app.example/cb'] }, 'redirect_uris[0]'],
      [{ name: 'x', redirect_uris: ['https://app.example/cb#top'] }, 'redirect_uris[0]'],
      [{ name: 'x', redirect_uris: [] }, 'redirect_uris'],
      [{ name: 'x', redirect_uris: ['https://a.example/cb'], logo: 'https://cdn.example/logo.png' }, 'logo'],
      [{ name: 'x', redirect_uris: ['https://a.example/cb'], logo: 'data:image/svg+xml;base64,PHN2Zz4=' }, 'logo'],
    ]) {
      const reply = await env.admin.call('POST', '/admin/oauth/clients', { body });
      assert.equal(assertApiError(reply, 400, 'invalid_request').param, param);
    }
  });

  test('signed out, the consent page names the app, what it asks for, and offers sign-in; never in a frame', async () => {
    const user = await setUp(env);
    const anonymous = new Browser(env.gateway.publicUrl);
    const { page, query } = await consent({ ...user, browser: anonymous },
      { query: { scope: 'models:mock-fixed budget:month:5 expires:30d' } });
    assert.equal(page.status, 200);
    assert.match(page.text, /id="app-name">Test &lt;App&gt; &amp; Co</);
    assert.match(page.text, /mock-fixed/);
    assert.match(page.text, /5 credits a month/);
    assert.match(page.text, /<form method="post" action="\/sign-in">/);
    assert.match(page.text, /id="key" name="key" type="password"/);
    const next = page.text.match(/name="next" value="([^"]+)"/)[1].replaceAll('&amp;', '&');
    assert.equal(next, authorizeUrl(query), 'sign-in comes back to this very request');
    assert.match(page.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.doesNotMatch(page.text, /name="decision"/, 'no consent form before signing in');
  });

  test('approve with narrowed models and cap: the key works within them only, stops at the cap, and revoke ends it', async () => {
    const user = await setUp(env);
    const quote = quoteOf(env.priceOf('mock-fixed'), env.markup, { messages: HELLO.messages, maxTokens: 20 }).total;
    const { page } = await consent(user, { query: { scope: 'models:mock-fixed,mock-cached endpoints:chat budget:month:1 expires:30d' } });
    assert.equal(page.status, 200, `${page.headers.get('location')} ${page.text.slice(-300)}`);
    for (const id of ['app-name', 'approve', 'deny', 'budget_month', 'expires_in_days']) {
      assert.match(page.text, new RegExp(`id="${id}"`), `#${id} on the consent page`);
    }
    assert.match(page.text, /type="checkbox" id="model-0" name="model" value="mock-fixed" checked/);
    assert.match(page.text, /name="budget_month"[^>]*value="1"/);
    assert.match(page.headers.get('content-security-policy'), /frame-ancestors 'none'/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');

    const { token } = await connect(env, user, 'models:mock-fixed,mock-cached endpoints:chat budget:month:1 expires:30d',
      { models: ['mock-fixed'], endpoints: ['chat'], budget_month: formatCredits(quote), expires_in_days: '7' });
    assert.equal(token.status, 200, JSON.stringify(token.json));
    assert.equal(token.headers.get('cache-control'), 'no-store');
    assert.match(token.json.access_token, /^cg-/);
    assert.equal(token.json.token_type, 'bearer');
    assert.equal(token.json.scope, `models:mock-fixed endpoints:chat budget:month:${formatCredits(quote)} expires:7d`);
    assert.ok(Math.abs(token.json.expires_in - 7 * 86400) <= 5, `expires_in ${token.json.expires_in}`);

    const key = token.json.access_token;
    assert.equal((await chat(env.gateway, key, HELLO)).status, 200, 'within the approved scope');
    assertApiError(await chat(env.gateway, key, { ...HELLO, model: 'mock-cached' }), 403, 'model_not_allowed');
    await env.admin.waitForNoHold(user.accountId);
    const capped = assertApiError(await chat(env.gateway, key, HELLO), 402, 'key_budget_exceeded');
    assert.equal(capped.param, 'budgets.month');

    const keys = await env.admin.ok('GET', `/admin/accounts/${user.accountId}/keys`);
    const issued = keys.data.find((k) => k.name === 'Test <App> & Co');
    assert.equal(issued.parent_id, user.root.id, 'a sub-key of the key the user signed in with');

    const revoked = await fetch(`${env.gateway.publicUrl}/oauth/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: key, token_type_hint: 'access_token' }).toString(),
    });
    assert.equal(revoked.status, 200);
    assertApiError(await chat(env.gateway, key, HELLO), 401, 'invalid_api_key');
    const unknown = await fetch(`${env.gateway.publicUrl}/oauth/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: 'cg-nothing-of-ours' }).toString(),
    });
    assert.equal(unknown.status, 200, 'RFC 7009: unknown tokens are answered 200 too');
  });

  test('signed in by a one-time link, the app gets a root-level key with the approved limits, and can give it back', async () => {
    const account = await env.admin.createAccount();
    await env.admin.topUpOk(account.id, '5');
    const link = await env.admin.ok('POST', `/admin/accounts/${account.id}/sign-in-links`, { body: {} }, 201);
    const token = new URL(link.url).searchParams.get('token');
    const client = await env.admin.ok('POST', '/admin/oauth/clients',
      { body: { name: 'Test <App> & Co', redirect_uris: [REDIRECT_URI] } }, 201);
    const browser = new Browser(env.gateway.publicUrl);
    assert.equal((await browser.go('/sign-in/link', { method: 'POST', form: { token, next: '/account' } })).status, 303);
    const user = { accountId: account.id, client, browser };
    const { token: reply } = await connect(env, user, 'models:mock-fixed', { models: ['mock-fixed'] });
    assert.equal(reply.status, 200, JSON.stringify(reply.json));
    const keys = await env.admin.ok('GET', `/admin/accounts/${account.id}/keys`);
    assert.equal(keys.data.length, 1);
    assert.equal(keys.data[0].parent_id, null);
    assert.deepEqual(keys.data[0].models, ['mock-fixed']);
    const key = reply.json.access_token;
    assert.equal((await chat(env.gateway, key, HELLO)).status, 200);
    const revoked = await fetch(`${env.gateway.publicUrl}/oauth/revoke`, {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: key, client_id: client.client_id }).toString(),
    });
    assert.equal(revoked.status, 200);
    assertApiError(await chat(env.gateway, key, HELLO), 401, 'invalid_api_key');
  });

  test('a second use of a code fails and revokes the key issued from it', async () => {
    const user = await setUp(env);
    const { token, code, flow } = await connect(env, user, 'models:mock-fixed', { models: ['mock-fixed'] });
    assert.equal(token.status, 200);
    assert.equal((await chat(env.gateway, token.json.access_token, HELLO)).status, 200);
    const again = await tokenCall(env.gateway, {
      grant_type: 'authorization_code', code, code_verifier: flow.pkce.verifier,
      redirect_uri: REDIRECT_URI, client_id: user.client.client_id,
    });
    assertTokenError(again, 'invalid_grant');
    assertApiError(await chat(env.gateway, token.json.access_token, HELLO), 401, 'invalid_api_key');
  });

  test('two exchanges of one code racing: no key survives', async () => {
    const user = await setUp(env);
    const flow = await consent(user, { query: { scope: 'models:mock-fixed' } });
    const code = appRedirect(await decide(user, flow, { models: ['mock-fixed'] })).searchParams.get('code');
    const form = {
      grant_type: 'authorization_code', code, code_verifier: flow.pkce.verifier,
      redirect_uri: REDIRECT_URI, client_id: user.client.client_id,
    };
    const replies = await Promise.all([tokenCall(env.gateway, form), tokenCall(env.gateway, form)]);
    assert.ok(replies.some((r) => r.status === 400 && r.json.error === 'invalid_grant'), JSON.stringify(replies.map((r) => r.json)));
    for (const reply of replies.filter((r) => r.status === 200)) {
      assertApiError(await chat(env.gateway, reply.json.access_token, HELLO), 401, 'invalid_api_key');
    }
    const keys = await env.admin.ok('GET', `/admin/accounts/${user.accountId}/keys`);
    assert.ok(keys.data.filter((k) => k.name === 'Test <App> & Co').every((k) => k.revoked_at), 'every key issued is revoked');
  });

  test('a wrong verifier, client or redirect URI gets invalid_grant; the code stays good for its owner', async () => {
    const user = await setUp(env);
    const flow = await consent(user, { query: { scope: '' } });
    const code = appRedirect(await decide(user, flow)).searchParams.get('code');
    const form = {
      grant_type: 'authorization_code', code, code_verifier: flow.pkce.verifier,
      redirect_uri: REDIRECT_URI, client_id: user.client.client_id,
    };
    assertTokenError(await tokenCall(env.gateway, { ...form, code_verifier: pkce().verifier }), 'invalid_grant');
    // "plain": the challenge itself sent as the verifier.
    assertTokenError(await tokenCall(env.gateway, { ...form, code_verifier: flow.pkce.challenge }), 'invalid_grant');
    assertTokenError(await tokenCall(env.gateway, { ...form, redirect_uri: 'http://127.0.0.1:8765/cb' }), 'invalid_grant');
    const other = await env.admin.ok('POST', '/admin/oauth/clients', { body: { name: 'Other', redirect_uris: [REDIRECT_URI] } }, 201);
    assertTokenError(await tokenCall(env.gateway, { ...form, client_id: other.client_id }), 'invalid_grant');
    const ok = await tokenCall(env.gateway, form);
    assert.equal(ok.status, 200, JSON.stringify(ok.json));
    assert.equal(ok.json.scope, '');
    assert.equal(ok.json.expires_in, undefined, 'no expiry asked, none inherited');
  });

  test('the token endpoint refuses malformed requests in the RFC 6749 shape', async () => {
    const user = await setUp(env);
    const base = { grant_type: 'authorization_code', code: 'x', code_verifier: pkce().verifier, redirect_uri: REDIRECT_URI, client_id: user.client.client_id };
    assertTokenError(await tokenCall(env.gateway, { ...base, grant_type: 'client_credentials' }), 'unsupported_grant_type');
    assertTokenError(await tokenCall(env.gateway, { ...base, code_verifier: '' }), 'invalid_request');
    assertTokenError(await tokenCall(env.gateway, { ...base, code_verifier: 'short' }), 'invalid_request');
    assertTokenError(await tokenCall(env.gateway, [...Object.entries(base), ['code', 'y']]), 'invalid_request');
    assertTokenError(await tokenCall(env.gateway, { ...base, client_id: 'app_unknown' }), 'invalid_client');
    assertTokenError(await tokenCall(env.gateway, base), 'invalid_grant');
    const wrongMethod = await fetch(`${env.gateway.publicUrl}/oauth/token`);
    assert.equal(wrongMethod.status, 405);
    assert.equal(wrongMethod.headers.get('allow'), 'POST');
    assert.equal((await wrongMethod.json()).error.code, 'method_not_allowed', 'JSON for the app, not a page');
  });

  test('plain or missing PKCE, a bad response_type or scope go back to the app with the error and the state', async () => {
    const user = await setUp(env);
    for (const [query, error] of [
      [{ code_challenge_method: 'plain' }, 'invalid_request'],
      [{ code_challenge_method: undefined }, 'invalid_request'],
      [{ code_challenge: undefined }, 'invalid_request'],
      [{ response_type: 'token' }, 'unsupported_response_type'],
      [{ scope: 'models:a models:b' }, 'invalid_scope'],
      [{ scope: 'admin' }, 'invalid_scope'],
    ]) {
      const { page } = await consent(user, { query });
      const location = appRedirect(page);
      assert.equal(location.searchParams.get('error'), error, JSON.stringify(query));
      assert.equal(location.searchParams.get('state'), 'st-1');
      assert.equal(location.searchParams.get('code'), null);
    }
  });

  test('the redirect URI must be registered exactly, else an error page and no redirect', async () => {
    const user = await setUp(env);
    for (const redirectUri of [
      'https://app.example/c', 'https://app.example/cb/extra', 'https://app.example/cb?x=1',
      'https://app.example/cb/', 'https://APP.example/cb', 'https://evil.example/cb', undefined,
    ]) {
      const { page } = await consent(user, { query: { redirect_uri: redirectUri } });
      assertErrorPage(page, 400, /redirect_uri/);
      // The consent POST is checked the same way.
      const flow = await consent(user);
      const posted = await decide(user, { page: flow.page, query: { ...flow.query, redirect_uri: redirectUri ?? '' } });
      assertErrorPage(posted, 400);
    }
    const { page } = await consent(user, { query: { client_id: 'app_unknown' } });
    assertErrorPage(page, 400, /No app is registered/);
  });

  test('state comes back byte for byte, and is left out when none was sent', async () => {
    const user = await setUp(env);
    const odd = 'a b+c&d=e/%20?#é\u{1F600}"<>';
    for (const decision of ['approve', 'deny']) {
      const flow = await consent(user, { query: { state: odd } });
      const location = appRedirect(await decide(user, flow, { decision }));
      assert.equal(location.searchParams.get('state'), odd);
      if (decision === 'deny') assert.equal(location.searchParams.get('error'), 'access_denied');
      else assert.ok(location.searchParams.get('code'));
    }
    const flow = await consent(user, { query: { state: undefined } });
    const location = appRedirect(await decide(user, flow));
    assert.ok(location.searchParams.get('code'));
    assert.equal(location.searchParams.has('state'), false);
    const error = appRedirect((await consent(user, { query: { state: undefined, response_type: 'token' } })).page);
    assert.equal(error.searchParams.has('state'), false);
  });

  test('the consent POST needs the session\'s CSRF token', async () => {
    const user = await setUp(env);
    const flow = await consent(user);
    assert.equal(flow.page.status, 200, `${flow.page.headers.get('location')}`);
    assertErrorPage(await decide(user, flow, { csrf: null }), 403);
    assertErrorPage(await decide(user, flow, { csrf: 'f'.repeat(64) }), 403);
    const signedOut = new Browser(env.gateway.publicUrl);
    assertErrorPage(await decide({ ...user, browser: signedOut }, flow), 401);
  });

  test('widening what the app asked for, or the signed-in key, is refused with the field named', async () => {
    const user = await setUp(env, { scope: { models: ['mock-*'], budgets: { month: '2' } } });
    const scope = 'models:mock-fixed endpoints:chat budget:month:1 expires:30d';
    for (const [choices, field] of [
      [{ models: ['mock-fixed', 'mock-cached'], endpoints: ['chat'], budget_month: '1', expires_in_days: '30' }, 'model'],
      [{ models: ['mock-fixed'], endpoints: ['chat', 'images'], budget_month: '1', expires_in_days: '30' }, 'endpoint'],
      [{ models: ['mock-fixed'], endpoints: ['chat'], budget_month: '1.5', expires_in_days: '30' }, 'budget_month'],
      [{ models: ['mock-fixed'], endpoints: ['chat'], budget_month: '1', expires_in_days: '31' }, 'expires_in_days'],
    ]) {
      const flow = await consent(user, { query: { scope } });
      const reply = await decide(user, flow, choices);
      assertErrorPage(reply, 400, new RegExp(`${field}`));
    }
    // Beyond the key the user signed in with (models mock-*, 2 credits a month).
    const wider = await consent(user, { query: { scope: 'models:gpt-4o' } });
    assertErrorPage(await decide(user, wider, { models: ['gpt-4o'] }), 400, /models\[0\]/);
    const dearer = await consent(user, { query: { scope: 'budget:month:5' } });
    assertErrorPage(await decide(user, dearer, { budget_month: '5' }), 400, /budgets\.month/);
    const keys = await env.admin.ok('GET', `/admin/accounts/${user.accountId}/keys`);
    assert.equal(keys.data.length, 1, 'nothing was issued');
  });
});

describe('OAuth codes expire', { timeout: SUITE_TIMEOUT_MS }, () => {
  // creditgate runs under libfaketime with its offset read from a file at every clock call, so
  // the test moves the clock past the code's 60 s instead of waiting.
  const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';
  const missing = !fs.existsSync(LIBFAKETIME) && `${LIBFAKETIME} not installed (Debian package faketime)`;
  let clockFile;
  const env = new TestEnv({
    secrets: {
      adminToken: randomSecret('it-admin-'),
      providerKey: randomSecret('mock-provider-key-'),
      get extraEnv() {
        return {
          LD_PRELOAD: LIBFAKETIME, FAKETIME_TIMESTAMP_FILE: clockFile, FAKETIME_NO_CACHE: '1',
          FAKETIME_DONT_FAKE_MONOTONIC: '1', TZ: 'UTC',
          ASAN_OPTIONS: [process.env.ASAN_OPTIONS, 'verify_asan_link_order=0'].filter(Boolean).join(':'),
        };
      },
    },
  });

  before(async () => {
    if (missing) return;
    clockFile = path.join(fs.mkdtempSync('/tmp/cg-oauth-clock-'), 'faketime');
    fs.writeFileSync(clockFile, '+0\n');
    await env.start();
  });
  after(async () => {
    if (missing) return;
    await env.teardown();
    fs.rmSync(path.dirname(clockFile), { recursive: true, force: true });
  });

  test('a code presented after 60 s gets invalid_grant', { skip: missing }, async () => {
    const user = await setUp(env);
    const flow = await consent(user, { query: { scope: 'models:mock-fixed' } });
    const code = appRedirect(await decide(user, flow, { models: ['mock-fixed'] })).searchParams.get('code');
    fs.writeFileSync(clockFile, '+61\n');
    const reply = await tokenCall(env.gateway, {
      grant_type: 'authorization_code', code, code_verifier: flow.pkce.verifier,
      redirect_uri: REDIRECT_URI, client_id: user.client.client_id,
    });
    assertTokenError(reply, 'invalid_grant');
    assert.match(reply.json.error_description, /expired/);
  });
});
