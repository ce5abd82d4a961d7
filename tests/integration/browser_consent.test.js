// "Connect my account" in a real browser (issue 20): an app starts the OAuth flow with PKCE, the
// user signs in on the consent page, narrows the models and the monthly cap, approves; the app's
// key is exactly that narrow; the user then cuts the app off on /account.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';

import {
  Browser, assertPageHeaders, assertSessionCookie, narrowAndApprove, recordRequests, saveScreenshot,
  signIn, textsOf,
} from '../harness/browser.js';
import { addDemoModels, demoCallCost, demoChat } from '../harness/demo_models.js';
import { assertNothingMoved, keyCall, ownKey } from '../harness/keys.js';
import { parseScope, startConsentWorld, stopConsentWorld } from '../harness/oauth_app.js';
import {
  TestEnv, assertApiError, chat, formatCredits, parseCredits, SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const APP_NAME = 'Note Taker';
const PROPOSED = 'models:gpt-4o-mini,claude-* budget:month:5 expires:30d';
// Two calls fit (each holds its quote, then is charged its cost); a third would pass it.
const CAP = '0.03';
const DAY_S = 86_400;

describe('OAuth consent in Chromium', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv({ configure: addDemoModels });
  const browser = new Browser();
  let app;
  let user;

  before(async () => {
    ({ app, user } = await startConsentWorld(env, browser, APP_NAME));
  });
  after(async () => {
    await stopConsentWorld(env, browser, app);
  });

  test('an app gets a key narrowed on the consent page, limited to it, and revoked from /account', async () => {
    const { charge, hold } = demoCallCost(env, 'gpt-4o-mini');
    const cap = parseCredits(CAP);
    assert.ok(charge.total + hold.total <= cap && cap < 2n * charge.total + hold.total,
      `the cap must let exactly two calls through: [${formatCredits(charge.total + hold.total)}, ${
        formatCredits(2n * charge.total + hold.total)})`);
    const page = await browser.newPage();
    const loaded = recordRequests(page);

    // The app sends the browser to the consent page; signed out, it shows the app and a sign-in form.
    const consent = await page.goto(app.connectUrl(PROPOSED));
    assert.equal(consent.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/oauth/authorize');
    assertPageHeaders(consent, 'consent page (signed out)');
    assert.equal((await page.textContent('#app-name')).trim(), APP_NAME);
    const proposal = await page.textContent('body');
    for (const limit of ['gpt-4o-mini', 'claude-*']) assert.ok(proposal.includes(limit), `shows ${limit}`);

    await signIn(page, user.key);
    await assertSessionCookie(page);
    assert.equal(new URL(page.url()).pathname, '/oauth/authorize', 'signing in returns to the consent page');
    assert.equal((await page.textContent('#app-name')).trim(), APP_NAME);
    for (const model of ['gpt-4o-mini', 'claude-*']) {
      assert.ok(await page.isChecked(`input[name="model"][value="${model}"]`), `${model} is proposed, checked`);
    }
    assert.equal(parseCredits(await page.inputValue('input[name="budget_month"]')), parseCredits('5'));
    assert.equal(Number(await page.inputValue('input[name="expires_in_days"]')), 30);

    await page.uncheck('input[name="model"][value="claude-*"]');
    await page.fill('input[name="budget_month"]', CAP);
    await saveScreenshot(page, env.dir, 'consent.png', { publish: true });
    await narrowAndApprove(page, app.redirectUri);
    assert.ok(await page.isVisible('#app-connected'), `the app's callback: ${await page.textContent('body')}`);

    // The callback got a code and the state it sent (it only knows its own states), and exchanged it.
    assert.equal(app.callbacks.length, 1);
    assert.ok(app.callbacks[0].code, JSON.stringify(app.callbacks[0]));
    assert.equal(app.callbackReferers[0], undefined, 'Referrer-Policy: the browser tells the app nothing of the consent page');
    const [token] = app.tokenReplies;
    assert.equal(token.status, 200, token.text);
    assert.match(token.headers.get('cache-control') ?? '', /no-store/);
    assert.equal(token.json.token_type.toLowerCase(), 'bearer');
    assert.match(token.json.access_token, /^cg-/);
    assert.ok(token.json.expires_in > 29 * DAY_S && token.json.expires_in <= 30 * DAY_S,
      `expires_in ${token.json.expires_in}`);
    const approved = parseScope(token.json.scope);
    assert.equal(approved.models, 'gpt-4o-mini');
    assert.equal(parseCredits(approved['budget:month']), cap);
    assert.equal(approved.expires, '30d');

    // The key is a sub-key of the signed-in key, named after the app, exactly as narrow.
    const appKey = await ownKey(env.gateway, app.accessToken);
    assert.equal(appKey.name, APP_NAME);
    assert.equal(appKey.parent_id, user.keyId);
    assert.deepEqual(appKey.models, ['gpt-4o-mini']);
    assert.equal(parseCredits(appKey.budgets.month), cap);

    for (let call = 1; call <= 2; call += 1) {
      const reply = await chat(env.gateway, app.accessToken, demoChat('gpt-4o-mini'));
      assert.equal(reply.status, 200, `call ${call} within the cap: ${reply.text}`);
      await env.admin.waitForNoHold(user.accountId);
    }
    const over = await assertNothingMoved(env, user.accountId,
      () => chat(env.gateway, app.accessToken, demoChat('gpt-4o-mini')));
    assertApiError(over, 402, 'key_budget_exceeded');
    const unchecked = await assertNothingMoved(env, user.accountId,
      () => chat(env.gateway, app.accessToken, demoChat('claude-sonnet')));
    assertApiError(unchecked, 403, 'model_not_allowed');

    // The user finds the app's key on /account and revokes it there.
    const account = await page.goto(`${env.gateway.publicUrl}/account`);
    assert.equal(account.status(), 200);
    assertPageHeaders(account, '/account');
    const row = page.locator(`tr.key[data-key-id="${appKey.id}"]`);
    assert.equal((await row.locator('td.name').textContent()).trim(), APP_NAME);
    assert.ok((await textsOf(page, 'tr.key td.name')).includes('test key'), 'the signed-in key is listed too');
    await saveScreenshot(page, env.dir, 'account-app-key.png');
    await Promise.all([page.waitForNavigation(), row.locator('button.revoke').click()]);

    assertApiError(await chat(env.gateway, app.accessToken, demoChat('gpt-4o-mini')), 401, 'invalid_api_key');
    assert.equal((await keyCall(env.gateway, app.accessToken, 'GET', '/v1/key')).status, 401);
    const owner = await chat(env.gateway, user.key, demoChat('claude-sonnet'));
    assert.equal(owner.status, 200, `the user's own key still works: ${owner.text}`);

    const foreign = loaded.filter((url) => ![env.gateway.publicUrl, app.origin, 'data:'].some((origin) => url.startsWith(origin)));
    assert.deepEqual(foreign, [], 'the pages load nothing from elsewhere');
  });

  test('Deny sends the app access_denied with its state, and issues no key', async () => {
    const liveKeys = async () => (await env.admin.ok('GET', `/admin/accounts/${user.accountId}/keys`)).data
      .filter((key) => key.revoked_at === null).map((key) => key.id);
    const keysBefore = await liveKeys();
    const page = await browser.newPage();
    await page.goto(app.connectUrl('models:gpt-4o-mini'));
    await signIn(page, user.key);
    const callbacksBefore = app.callbacks.length;
    await Promise.all([
      page.waitForURL((url) => url.href.startsWith(`${app.redirectUri}?`)),
      page.click('#deny'),
    ]);
    const callbacks = app.callbacks.slice(callbacksBefore);
    assert.equal(callbacks.length, 1);
    assert.equal(callbacks[0].error, 'access_denied');
    assert.equal(callbacks[0].state, app.sentStates.at(-1), 'the state comes back byte for byte');
    assert.equal(callbacks[0].code, undefined);
    assert.deepEqual(await liveKeys(), keysBefore, 'no key was issued');
  });

  test('the consent page refuses to be shown in a frame', async () => {
    const page = await browser.newPage();
    const consentUrl = (await fetch(app.connectUrl('models:gpt-4o-mini'), { redirect: 'manual' })).headers.get('location');
    assert.ok(consentUrl?.startsWith(`${env.gateway.publicUrl}/oauth/authorize?`), consentUrl);
    const framed = page.waitForResponse((response) => response.url() === consentUrl);
    await page.setContent(`<iframe id="consent" src="${consentUrl.replaceAll('&', '&amp;')}"></iframe>`);
    assert.equal((await framed).status(), 200, 'the page was served');
    const frame = page.frames().find((candidate) => candidate !== page.mainFrame());
    assert.equal(await frame.locator('#app-name').count(), 0, 'Chromium did not render it in the frame');
  });

  test('an approval forged on another page of the same site is refused for want of the CSRF token', async () => {
    // 127.0.0.1 on another port is the same site: the SameSite=Lax cookie goes along with a POST
    // from there, so only the form's CSRF token tells the user's approval from a forged one.
    const consentFields = async (page) => page.locator('#approve').evaluate((button) => [...button.form.elements]
      .filter((element) => element.type === 'hidden').map((element) => [element.name, element.value]));
    const attacker = await browser.newPage();
    await attacker.goto(app.connectUrl('models:gpt-4o-mini'));
    await signIn(attacker, (await env.admin.fundedAccount('1')).key);
    const attackerFields = await consentFields(attacker);
    const victim = await browser.newPage();
    await victim.goto(app.connectUrl('models:gpt-4o-mini'));
    await signIn(victim, user.key);
    const victimFields = await consentFields(victim);
    assert.ok(victimFields.some(([name]) => name === 'csrf'), 'the consent form carries a csrf field');

    let forgedHtml = '';
    const forger = http.createServer((req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(forgedHtml));
    await new Promise((resolve) => forger.listen(0, '127.0.0.1', resolve));
    const submitForged = async (fields) => {
      const inputs = [...fields, ['model', 'gpt-4o-mini']]
        .map(([name, value]) => `<input type="hidden" name="${name}" value="${value.replaceAll('&', '&amp;').replaceAll('"', '&quot;')}">`)
        .join('');
      forgedHtml = `<form method="post" action="${env.gateway.publicUrl}/oauth/authorize">${inputs
      }<button id="forged" name="decision" value="approve">Win a prize</button></form>`;
      await victim.goto(`http://127.0.0.1:${forger.address().port}/`);
      const [response] = await Promise.all([victim.waitForNavigation(), victim.click('#forged')]);
      return response;
    };
    try {
      const callbacksBefore = app.callbacks.length;
      const withoutToken = await submitForged(attackerFields.filter(([name]) => name !== 'csrf'));
      assert.ok(withoutToken.status() >= 400, `no csrf field: ${withoutToken.status()}`);
      const attackersToken = await submitForged(attackerFields);
      assert.ok(attackersToken.status() >= 400, `another session's csrf token: ${attackersToken.status()}`);
      assert.equal(app.callbacks.length, callbacksBefore, 'no code was sent to the app');
      // The control: the same forged page with the victim's own token is accepted (the cookie did go along).
      await submitForged(victimFields);
      assert.ok(victim.url().startsWith(`${app.redirectUri}?code=`), victim.url());
    } finally {
      forger.closeAllConnections();
      await new Promise((resolve) => forger.close(resolve));
    }
  });
});
