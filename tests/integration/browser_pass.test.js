// The "AI Pass" in a real browser (issue 20): a user signed in on /account mints a restricted
// sub-key, copies it with the page's Copy button, and the key is held to what the form asked.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { Browser, assertPageHeaders, recordRequests, signIn, textsOf } from '../harness/browser.js';
import { addDemoModels, demoCallCost, demoChat } from '../harness/demo_models.js';
import { assertNothingMoved, keyCall, ownKey, scopedAccount } from '../harness/keys.js';
import {
  TestEnv, assertApiError, chat, formatCredits, parseCredits, SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const PASS = { name: 'my editor', models: 'gpt-4o-mini', budget_month: '0.03', expires_in_days: '7' };
const DAY_MS = 86_400_000;

/** Opens the New pass form from /account, fills it and submits it; returns the response. */
async function submitPassForm(page, fields) {
  await Promise.all([page.waitForNavigation(), page.click('#new-pass')]);
  assert.equal(new URL(page.url()).pathname, '/account/passes/new');
  for (const [name, value] of Object.entries(fields)) await page.fill(`[name="${name}"]`, value);
  const [response] = await Promise.all([page.waitForNavigation(), page.click('#create-pass')]);
  return response;
}

describe('AI Pass in Chromium', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv({ configure: addDemoModels });
  const browser = new Browser();
  let user;

  before(async () => {
    await env.start();
    await browser.start();
    // Signed in with a keys:manage key that is itself limited: a pass can only be narrower.
    user = await scopedAccount(env.admin, '10', {
      name: 'owner', models: ['gpt-4o-mini', 'claude-*'], budgets: { month: '1' }, scopes: ['keys:manage'],
    });
  });
  after(async () => {
    await browser.close();
    await env.teardown();
  });

  test('a pass minted on /account is shown once, copied by its button, and held to its limits', async () => {
    const { charge, hold } = demoCallCost(env, 'gpt-4o-mini');
    const cap = parseCredits(PASS.budget_month);
    assert.ok(charge.total + hold.total <= cap && cap < 2n * charge.total + hold.total,
      `the cap must let exactly two calls through: [${formatCredits(charge.total + hold.total)}, ${
        formatCredits(2n * charge.total + hold.total)})`);
    const page = await browser.newPage();
    await page.context().grantPermissions(['clipboard-read', 'clipboard-write'], { origin: env.gateway.publicUrl });
    const loaded = recordRequests(page);

    await page.goto(`${env.gateway.publicUrl}/account`);
    const signInUrl = new URL(page.url());
    assert.equal(signInUrl.pathname, '/sign-in', 'signed out, /account sends the browser to sign in');
    assert.equal(signInUrl.searchParams.get('next'), '/account');
    await signIn(page, user.key);
    assert.equal(new URL(page.url()).pathname, '/account');

    const created = await submitPassForm(page, PASS);
    assert.equal(created.status(), 200);
    assertPageHeaders(created, 'the new pass page');
    const pass = (await page.textContent('code#pass-key')).trim();
    assert.match(pass, /^cg-/);
    await page.click('#copy-pass');
    assert.equal(await page.evaluate(() => navigator.clipboard.readText()), pass, 'Copy puts the key on the clipboard');

    const passKey = await ownKey(env.gateway, pass);
    assert.equal(passKey.name, PASS.name);
    assert.equal(passKey.parent_id, user.keyId, 'a sub-key of the signed-in key');
    assert.deepEqual(passKey.models, ['gpt-4o-mini']);
    assert.equal(parseCredits(passKey.budgets.month), cap);
    const expiresIn = Date.parse(passKey.expires_at) - Date.now();
    assert.ok(expiresIn > 6.9 * DAY_MS && expiresIn <= 7 * DAY_MS + 60_000, `expires_at ${passKey.expires_at}`);

    for (let call = 1; call <= 2; call += 1) {
      const reply = await chat(env.gateway, pass, demoChat('gpt-4o-mini'));
      assert.equal(reply.status, 200, `call ${call} within the pass's cap: ${reply.text}`);
      await env.admin.waitForNoHold(user.accountId);
    }
    assertApiError(await assertNothingMoved(env, user.accountId,
      () => chat(env.gateway, pass, demoChat('gpt-4o-mini'))), 402, 'key_budget_exceeded');
    assertApiError(await assertNothingMoved(env, user.accountId,
      () => chat(env.gateway, pass, demoChat('claude-sonnet'))), 403, 'model_not_allowed');

    // The pass is listed among the keys; its secret is never shown again.
    await page.goto(`${env.gateway.publicUrl}/account`);
    assert.ok((await textsOf(page, 'tr.key td.name')).includes(PASS.name));
    assert.ok(!(await page.content()).includes(pass), '/account does not show the pass key');

    // A pass wider than the signed-in key (its month budget is 1) is refused, nothing minted.
    const wider = await submitPassForm(page, { ...PASS, name: 'too wide', budget_month: '2' });
    assert.equal(wider.status(), 403);
    assert.equal(await page.locator('code#pass-key').count(), 0);
    const below = await keyCall(env.gateway, user.key, 'GET', '/v1/keys');
    assert.equal(below.status, 200, below.text);
    assert.deepEqual(below.json.data.map((key) => key.name), [PASS.name]);

    const foreign = loaded.filter((url) => ![env.gateway.publicUrl, 'data:'].some((origin) => url.startsWith(origin)));
    assert.deepEqual(foreign, [], 'the pages load nothing from elsewhere');
  });
});
