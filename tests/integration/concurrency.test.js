// 200 requests at once against a balance that pays for exactly 20: 20 succeed, the rest are
// refused with 402, and the account never goes below zero (LESSONS.md: check-then-deduct).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  TestEnv, chat, formatCredits, parseCredits, promptBound, quoteOf, costOf,
  SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const MESSAGES = [{ role: 'user', content: 'Count to three.' }];
const MAX_TOKENS = 50;
const PARALLEL = 200;
const PAID_FOR = 20;

describe('concurrent spending', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();

  before(() => env.start());
  after(() => env.teardown());

  test(`${PARALLEL} simultaneous requests against ${PAID_FOR} quotes: ${PAID_FOR} succeed, never overspent`, async () => {
    const model = 'mock-usage-from-header';
    const price = env.priceOf(model);
    const quote = quoteOf(price, env.markup, { messages: MESSAGES, maxTokens: MAX_TOKENS });
    // The mock reports exactly the bound as usage, so each success costs exactly its hold.
    const usage = { prompt_tokens: promptBound(MESSAGES), completion_tokens: MAX_TOKENS, cached_tokens: 0 };
    const cost = costOf(price, env.markup, { prompt: usage.prompt_tokens, completion: usage.completion_tokens });
    assert.equal(cost.total, quote.total);

    const user = await env.admin.fundedAccount();
    const topUp = quote.total * BigInt(PAID_FOR);
    await env.admin.topUpOk(user.accountId, formatCredits(topUp));

    const samples = [];
    let sampling = true;
    const sampler = (async () => {
      while (sampling) {
        const account = await env.admin.account(user.accountId);
        samples.push(account);
      }
    })();

    const body = { model, messages: MESSAGES, max_tokens: MAX_TOKENS };
    const headers = { 'x-mock-usage': JSON.stringify(usage) };
    const replies = await Promise.all(
      Array.from({ length: PARALLEL }, () => chat(env.gateway, user.key, body, headers)));
    sampling = false;
    await sampler;

    const byStatus = {};
    for (const reply of replies) byStatus[reply.status] = (byStatus[reply.status] ?? 0) + 1;
    const ok = replies.filter((r) => r.status === 200);
    assert.deepEqual(Object.keys(byStatus).sort(), ['200', '402'], `statuses ${JSON.stringify(byStatus)}`);
    assert.ok(ok.length <= PAID_FOR, `${ok.length} requests succeeded on credits for ${PAID_FOR}`);
    assert.equal(ok.length, PAID_FOR, `every paid-for request should succeed: ${JSON.stringify(byStatus)}`);
    for (const reply of replies.filter((r) => r.status === 402)) {
      assert.equal(reply.json.error.code, 'insufficient_credits');
    }

    for (const sample of samples) {
      assert.ok(sample.available_nanos >= 0, `available went negative: ${JSON.stringify(sample)}`);
      assert.ok(sample.balance_nanos >= 0);
    }
    for (const reply of ok) {
      assert.equal(parseCredits(reply.headers.get('x-creditgate-cost')), quote.total);
      assert.ok(parseCredits(reply.headers.get('x-creditgate-balance')) >= 0n);
    }

    const final = await env.admin.waitForNoHold(user.accountId);
    assert.ok(final.available_nanos >= 0);
    const charges = (await env.admin.ledger(user.accountId)).filter((e) => e.type === 'charge');
    assert.equal(charges.length, ok.length, 'one ledger entry per successful request');
    const charged = charges.reduce((sum, e) => sum - BigInt(e.amount_nanos), 0n);
    assert.equal(charged, topUp - BigInt(final.balance_nanos), 'Σ charges = top-up − final balance');
    assert.equal(charged, quote.total * BigInt(ok.length));
    const okIds = new Set(ok.map((r) => r.headers.get('x-request-id')));
    assert.deepEqual(new Set(charges.map((e) => e.request_id)), okIds);
  });
});
