// Signing in with a one-time link an operator created, in a real browser (issue 20): the user
// holds no key at all; an app connected then gets a root-level key of the account, which the app
// can give back with /oauth/revoke. Sign out ends the session, and the link does not work twice.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { Browser, narrowAndApprove } from '../harness/browser.js';
import { addDemoModels, demoChat } from '../harness/demo_models.js';
import { ownKey } from '../harness/keys.js';
import { startConsentWorld, stopConsentWorld } from '../harness/oauth_app.js';
import { TestEnv, assertApiError, chat, SUITE_TIMEOUT_MS } from '../harness/index.js';

/** Opens a sign-in link's page and presses Continue; returns the response it lands on. */
async function followLink(page, gateway, url) {
  const { pathname, search } = new URL(url);
  await page.goto(`${gateway.publicUrl}${pathname}${search}`);
  const [landed] = await Promise.all([page.waitForNavigation(), page.click('#continue')]);
  return landed;
}

describe('sign-in link in Chromium', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv({ configure: addDemoModels });
  const browser = new Browser();
  let app;
  let user;

  before(async () => {
    ({ app, user } = await startConsentWorld(env, browser, 'Link App'));
  });
  after(async () => {
    await stopConsentWorld(env, browser, app);
  });

  test('signed in by link, the user connects an app with a root-level key; the link works once', async () => {
    const link = await env.admin.ok('POST', `/admin/accounts/${user.accountId}/sign-in-links`,
      { body: { expires_in_s: 900, next: '/account' } }, 201);
    const page = await browser.newPage();
    const landed = await followLink(page, env.gateway, link.url);
    assert.equal(landed.status(), 200);
    assert.equal(new URL(page.url()).pathname, '/account');

    await page.goto(app.connectUrl('models:gpt-4o-mini budget:month:1'));
    await narrowAndApprove(page, app.redirectUri);
    assert.equal(app.tokenReplies[0]?.status, 200, app.tokenReplies[0]?.text);
    const appKey = await ownKey(env.gateway, app.accessToken);
    assert.equal(appKey.account_id, user.accountId);
    assert.equal(appKey.parent_id, null, 'signed in by link: a root-level key of the account');
    assert.deepEqual(appKey.models, ['gpt-4o-mini']);
    assert.equal((await chat(env.gateway, app.accessToken, demoChat('gpt-4o-mini'))).status, 200);

    await page.goto(`${env.gateway.publicUrl}/account`);
    await Promise.all([page.waitForNavigation(), page.click('#sign-out')]);
    assert.equal(new URL(page.url()).pathname, '/sign-in');
    await page.goto(`${env.gateway.publicUrl}/account`);
    assert.equal(new URL(page.url()).pathname, '/sign-in', 'signed out, /account asks to sign in again');

    const again = await followLink(page, env.gateway, link.url);
    assert.ok(again.status() >= 400, `a used link must not sign in again: ${again.status()}`);
    await page.goto(`${env.gateway.publicUrl}/account`);
    assert.equal(new URL(page.url()).pathname, '/sign-in');

    // The app gives its key back (RFC 7009): a root-level key issued to an app is revoked too.
    const revoked = await app.revoke();
    assert.equal(revoked.status, 200, revoked.text);
    assertApiError(await chat(env.gateway, app.accessToken, demoChat('gpt-4o-mini')), 401, 'invalid_api_key');
  });
});
