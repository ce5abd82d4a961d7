// 64 requests at once on one key whose budget pays for 5 (the account could pay for thousands):
// the key's budget is checked with the hold, so exactly 5 pass, the rest are refused with
// key_budget_exceeded, the key never spends past its budget, and the ledger still proves.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  TestEnv, chat, chatStream, costOf, formatCredits, parseCredits, promptBound, quoteOf,
  SUITE_TIMEOUT_MS,
} from '../harness/index.js';
import { chargedByKey, ownKey, scopedAccount, verifyLedger } from '../harness/keys.js';

const MESSAGES = [{ role: 'user', content: 'Count to three.' }];
const MAX_TOKENS = 50;
const PARALLEL = 64;
const PAID_FOR = 5;

describe('a key budget under a 64-way race', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();

  before(() => env.start());
  after(() => env.teardown());

  test(`${PARALLEL} parallel requests, streamed and not, on a budget for ${PAID_FOR}`, async () => {
    const model = 'mock-usage-from-header';
    const price = env.priceOf(model);
    const quote = quoteOf(price, env.markup, { messages: MESSAGES, maxTokens: MAX_TOKENS });
    // The mock reports the bound as usage: each success costs exactly its hold, so settling one
    // frees no room for another and the count of successes is exact.
    const usage = { prompt_tokens: promptBound(MESSAGES), completion_tokens: MAX_TOKENS, cached_tokens: 0 };
    assert.equal(costOf(price, env.markup, { prompt: usage.prompt_tokens, completion: usage.completion_tokens }).total,
      quote.total);
    const budget = quote.total * BigInt(PAID_FOR);
    const user = await scopedAccount(env.admin, '100', { name: 'racer', budgets: { day: formatCredits(budget) } });

    const headers = { 'x-mock-usage': JSON.stringify(usage) };
    const body = { model, messages: MESSAGES, max_tokens: MAX_TOKENS };
    const streamed = async () => {
      const stream = chatStream(env.gateway, user.key,
        { ...body, stream: true, stream_options: { include_usage: true } }, headers);
      const res = await stream.response;
      const { raw, complete } = await stream.done;
      let json;
      try { json = JSON.parse(raw); } catch { json = undefined; }
      return { status: res.statusCode, complete, json, text: raw };
    };
    const replies = await Promise.all(Array.from({ length: PARALLEL },
      (_, i) => (i % 2 ? streamed() : chat(env.gateway, user.key, body, headers))));

    const served = replies.filter((r) => r.status === 200);
    const refused = replies.filter((r) => r.status !== 200);
    assert.equal(served.length, PAID_FOR,
      `statuses: ${JSON.stringify(replies.map((r) => r.status))}`);
    for (const reply of refused) {
      assert.equal(reply.status, 402, reply.text);
      assert.equal(reply.json?.error?.code, 'key_budget_exceeded', reply.text);
      assert.equal(reply.json.error.param, 'budgets.day', reply.text);
    }
    for (const reply of served.filter((r) => 'complete' in r)) assert.ok(reply.complete, 'a served stream ended cleanly');

    await env.admin.waitForNoHold(user.accountId);
    const charged = await chargedByKey(env.admin, user.accountId, user.keyId);
    assert.ok(charged <= budget, `charged ${charged} nanos on a budget of ${budget}`);
    assert.equal(charged, budget);
    const key = await ownKey(env.gateway, user.key);
    assert.equal(parseCredits(key.spend.day), budget);
    assert.equal(parseCredits(key.remaining.day), 0n);
    assert.equal(parseCredits(key.reserved), 0n);

    await verifyLedger(env);
  });
});
