// Period spend rolls over exactly at the UTC boundary, through the real binary: creditgate runs
// under libfaketime (Debian package faketime) with its wall clock started seconds before the
// midnight that ends a day and a month but not an ISO week; the test polls GET /v1/key until the
// day's spend resets. The monotonic clock is left real, so timers behave as usual.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import {
  TestEnv, assertApiError, chat, formatCredits, parseCredits, quoteOf, randomSecret, waitFor,
  SUITE_TIMEOUT_MS,
} from '../harness/index.js';
import { ownKey, scopedAccount } from '../harness/keys.js';

const LIBFAKETIME = '/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1';
// Wednesday 31 March 2027: midnight ends the day and the month; the week runs on to Sunday.
const FAKE_START = '2027-03-31 23:59:45';
const HELLO = { model: 'mock-fixed', messages: [{ role: 'user', content: 'Say hello.' }], max_tokens: 20 };

describe('budget rollover at UTC midnight', { timeout: SUITE_TIMEOUT_MS }, () => {
  const missing = !fs.existsSync(LIBFAKETIME) && `${LIBFAKETIME} not installed (Debian package faketime)`;
  const env = new TestEnv({
    secrets: {
      adminToken: randomSecret('it-admin-'),
      providerKey: randomSecret('mock-provider-key-'),
      extraEnv: {
        LD_PRELOAD: LIBFAKETIME, FAKETIME: `@${FAKE_START}`, TZ: 'UTC',
        FAKETIME_DONT_FAKE_MONOTONIC: '1', FAKETIME_DONT_RESET: '1',
        // An ASan build insists on its runtime coming first; libfaketime only wraps clock calls.
        ASAN_OPTIONS: [process.env.ASAN_OPTIONS, 'verify_asan_link_order=0'].filter(Boolean).join(':'),
      },
    },
  });

  before(() => !missing && env.start());
  after(() => !missing && env.teardown());

  test('the day and month spend reset at midnight; the week and lifetime spend do not', { skip: missing }, async () => {
    const quote = quoteOf(env.priceOf('mock-fixed'), env.markup, { messages: HELLO.messages, maxTokens: 20 }).total;
    const user = await scopedAccount(env.admin, '1',
      { budgets: { day: formatCredits(quote), week: '1', month: '1', lifetime: '1' } });
    assert.match(user.object.created_at, /^2027-03-31T23:59:/, 'creditgate runs on the fake clock');

    assert.equal((await chat(env.gateway, user.key, HELLO)).status, 200);
    const refused = assertApiError(await chat(env.gateway, user.key, HELLO), 402, 'key_budget_exceeded');
    assert.equal(refused.param, 'budgets.day');
    assert.match(refused.message, /2027-04-01/, 'the message says the budget resets at midnight');
    await env.admin.waitForNoHold(user.accountId);
    const before = await ownKey(env.gateway, user.key);
    assert.notEqual(before.spend.day, '0');
    const spent = parseCredits(before.spend.lifetime);

    const rolled = await waitFor(async () => {
      const key = await ownKey(env.gateway, user.key);
      return key.spend.day === '0' ? key : null;
    }, { timeoutMs: 60_000, message: 'spend.day to reset at the fake midnight' });
    assert.equal(rolled.spend.month, '0');
    assert.equal(parseCredits(rolled.spend.week), spent);
    assert.equal(parseCredits(rolled.spend.lifetime), spent);
    assert.equal(rolled.remaining.day, formatCredits(quote));

    assert.equal((await chat(env.gateway, user.key, HELLO)).status, 200, 'a new day, a new budget');
  });
});
