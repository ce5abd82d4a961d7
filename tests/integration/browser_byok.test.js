// The seed's whole story in one run, in a real browser (issue 20): a user stores their own
// provider key on /account, connects an app through the consent page with a narrowed cap, and the
// app's calls go out with the user's provider key, debit only the mark-up, and stop at the cap.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';

import {
  Browser, assertPageHeaders, narrowAndApprove, recordRequests, saveScreenshot, signIn, textsOf,
} from '../harness/browser.js';
import { addDemoModels, demoCallCost, demoChat } from '../harness/demo_models.js';
import { assertNothingMoved } from '../harness/keys.js';
import { parseScope, startConsentWorld, stopConsentWorld } from '../harness/oauth_app.js';
import {
  TestEnv, assertApiError, chat, makeTempDir, parseCredits, runCreditgate, SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const USER_KEY = `sk-byok-canary-${crypto.randomBytes(12).toString('hex')}-WXYZ`;
const APP_NAME = 'Budget Bot';
// A byok call holds the mark-up of its quote and is charged the mark-up of its cost: three fit.
const CAP = '0.0033';
const CALLS_WITHIN = 3;

describe('bring your own key, then connect an app, in Chromium', { timeout: SUITE_TIMEOUT_MS }, () => {
  const keyDir = makeTempDir('cg-browser-byok-');
  const masterFile = path.join(keyDir.dir, 'master.key');
  const env = new TestEnv({
    configure(config) {
      config.byok = { master_key_file: masterFile };
      addDemoModels(config);
      // The screenshot's provider list: just the mock, without the harness's unreachable one.
      delete config.providers.dead;
      delete config.models['dead-model'];
    },
  });
  const browser = new Browser();
  let app;
  let user;

  before(async () => {
    const made = await runCreditgate(['keys', 'new-master', '--out', masterFile]);
    assert.equal(made.code, 0, made.stderr);
    ({ app, user } = await startConsentWorld(env, browser, APP_NAME));
  });
  after(async () => {
    await stopConsentWorld(env, browser, app);
    keyDir.cleanup();
  });

  test("the app's calls use the user's provider key, debit the mark-up only, and stop at the cap", async () => {
    const { charge, hold } = demoCallCost(env, 'gpt-4o-mini');
    const cap = parseCredits(CAP);
    const within = BigInt(CALLS_WITHIN);
    assert.ok((within - 1n) * charge.markup + hold.markup <= cap && cap < within * charge.markup + hold.markup,
      `the cap must let exactly ${CALLS_WITHIN} byok calls through`);
    assert.ok(cap < hold.total, 'at the full price not even one call would fit');
    const page = await browser.newPage();
    const loaded = recordRequests(page);

    await page.goto(`${env.gateway.publicUrl}/sign-in?next=/account`);
    await signIn(page, user.key);
    assert.equal(new URL(page.url()).pathname, '/account');
    await page.selectOption('select[name="provider"]', 'mock');
    await page.fill('input[name="api_key"]', USER_KEY);
    const [stored] = await Promise.all([page.waitForNavigation(), page.click('#add-provider-key')]);
    assert.ok(stored.status() < 400, `adding the provider key: ${stored.status()}`);
    await page.goto(`${env.gateway.publicUrl}/account`);
    const providerRow = page.locator('tr.provider-key[data-provider="mock"]');
    assert.match(await providerRow.textContent(), /WXYZ/, 'the last 4 characters are shown');
    assert.ok(!(await page.content()).includes(USER_KEY), 'the provider key itself is never shown');

    // Already signed in: the consent page is the consent form at once.
    await page.goto(app.connectUrl('models:gpt-4o-mini budget:month:1'));
    assert.equal((await page.textContent('#app-name')).trim(), APP_NAME);
    await narrowAndApprove(page, app.redirectUri, { budgetMonth: CAP });
    assert.ok(await page.isVisible('#app-connected'), `the app's callback: ${await page.textContent('body')}`);
    assert.equal(app.tokenReplies[0]?.status, 200, app.tokenReplies[0]?.text);
    assert.equal(parseCredits(parseScope(app.tokenReplies[0].json.scope)['budget:month']), cap);

    await env.mock.clearRequests();
    for (let call = 1; call <= CALLS_WITHIN; call += 1) {
      const reply = await chat(env.gateway, app.accessToken, demoChat('gpt-4o-mini'));
      assert.equal(reply.status, 200, `call ${call} within the cap: ${reply.text}`);
      const upstream = (await env.mock.requests()).at(-1);
      assert.equal(upstream.headers.authorization, `Bearer ${USER_KEY}`, "the user's provider key goes upstream");
      const entry = await env.admin.waitForEntry(user.accountId, reply.headers.get('x-request-id'));
      assert.equal(BigInt(entry.amount_nanos), -charge.markup, 'only the mark-up is debited');
      assert.match(String(entry.flags), /byok/);
      await env.admin.waitForNoHold(user.accountId);
    }
    const over = await assertNothingMoved(env, user.accountId,
      () => chat(env.gateway, app.accessToken, demoChat('gpt-4o-mini')));
    assertApiError(over, 402, 'key_budget_exceeded');
    assert.equal((await env.mock.requests()).length, CALLS_WITHIN);
    const account = await env.admin.account(user.accountId);
    assert.equal(BigInt(account.balance_nanos), parseCredits('10') - within * charge.markup);

    // The user's page shows it all: the balance, the provider key, the app's key, each request.
    const shown = await page.goto(`${env.gateway.publicUrl}/account`);
    assertPageHeaders(shown, '/account');
    const balanceText = await page.textContent('#balance');
    assert.equal(parseCredits(/\d+(?:\.\d+)?/.exec(balanceText)?.[0] ?? 'none'), parseCredits('10') - within * charge.markup,
      `#balance: ${balanceText}`);
    assert.ok((await textsOf(page, 'tr.key td.name')).includes(APP_NAME));
    assert.equal(await page.locator('tr.request').count(), CALLS_WITHIN);
    for (const row of await textsOf(page, 'tr.request')) assert.match(row, /gpt-4o-mini/);
    assert.equal(await page.locator('svg#spend-chart rect.bar[data-model="gpt-4o-mini"]').count(), 1);
    await saveScreenshot(page, env.dir, 'account.png', { publish: true });

    const revoked = await app.revoke();
    assert.equal(revoked.status, 200, revoked.text);
    assertApiError(await chat(env.gateway, app.accessToken, demoChat('gpt-4o-mini')), 401, 'invalid_api_key');

    const foreign = loaded.filter((url) => ![env.gateway.publicUrl, app.origin, 'data:'].some((origin) => url.startsWith(origin)));
    assert.deepEqual(foreign, [], 'the pages load nothing from elsewhere');
  });
});
