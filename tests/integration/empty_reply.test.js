// ledger.on_empty_reply: a 200 stream that produces no output and reports no usage (the SSE
// header, a role event, then the provider closes) is charged the prompt's bound by default, or
// nothing under "void". Both choices pinned.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  TestEnv, chatStream, costOf, promptBound, SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const MESSAGES = [{ role: 'user', content: 'Say nothing.' }];

async function emptyStream(env, user) {
  const stream = chatStream(env.gateway, user.key, { model: 'mock-cutoff', stream: true, messages: MESSAGES },
    { 'x-mock-chunks': '0' });
  const res = await stream.response;
  assert.equal(res.statusCode, 200);
  const { complete, events } = await stream.done;
  assert.equal(complete, false, 'the provider closed the stream early');
  const text = events.map((e) => JSON.parse(e).choices?.[0]?.delta?.content ?? '').join('');
  assert.equal(text, '', 'no output reached the client');
  return res.headers['x-request-id'];
}

for (const rule of ['prompt_estimate', 'void']) {
  describe(`on_empty_reply: ${rule}`, { timeout: SUITE_TIMEOUT_MS }, () => {
    const env = new TestEnv({
      configure: (config) => { config.ledger = { ...config.ledger, on_empty_reply: rule }; },
    });
    let user;
    before(async () => {
      await env.start();
      user = await env.admin.fundedAccount('5');
    });
    after(() => env.teardown());

    test(rule === 'void' ? 'an empty stream is not charged' : 'an empty stream is charged the prompt bound, flagged', async () => {
      const requestId = await emptyStream(env, user);
      await env.admin.waitForNoHold(user.accountId);
      const entries = (await env.admin.ledger(user.accountId)).filter((e) => e.request_id === requestId);
      if (rule === 'void') {
        assert.deepEqual(entries, [], 'no entry: the hold was released');
        const account = await env.admin.account(user.accountId);
        assert.equal(BigInt(account.balance_nanos), 5_000_000_000n);
        return;
      }
      assert.equal(entries.length, 1);
      const [entry] = entries;
      assert.ok(entry.flags.includes('estimated'), `flags ${entry.flags}`);
      assert.equal(entry.completion_tokens, 0);
      const expected = costOf(env.priceOf('mock-cutoff'), env.markup, { prompt: promptBound(MESSAGES), completion: 0 });
      assert.equal(BigInt(entry.amount_nanos), -expected.total);
    });
  });
}
