// Holds counted with the model's tokenizer (docs/pricing.md, "How tight a hold is"): a user can
// spend what they have, and output relayed before a cut-off is charged in tokens, not bytes.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { TestEnv, chat, chatStream, formatCredits, promptBound, SUITE_TIMEOUT_MS } from '../harness/index.js';

// Plain English: about 4 bytes per o200k_base token.
const DOCUMENT = 'A hold sized from bytes can be four times the real prompt and refuses users who can '
  + 'afford the call. Counting the prompt with the tokenizer the provider uses keeps it close. ';
const MESSAGES = [{ role: 'user', content: DOCUMENT.repeat(20) }];

describe('holds counted with the model\'s tokenizer', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv({
    markup: { percent: '0', fixed: '0' },
    configure(config) {
      // Only the prompt is priced, so a hold is its prompt bound × 2 500 nanos.
      const prompt = { input: '2.50', output: '0', max_output_tokens: 1 };
      config.models['gpt-4o-bytes'] = { provider: 'mock', upstream_model: 'mock-usage-from-header', tokenizer: 'bytes', ...prompt };
      config.models['gpt-4o-bpe'] = { provider: 'mock', upstream_model: 'mock-usage-from-header', tokenizer: 'o200k_base', ...prompt };
      config.models['gpt-4o-cutoff'] = { provider: 'mock', upstream_model: 'mock-cutoff', tokenizer: 'o200k_base', input: '0.15', output: '0.60', max_output_tokens: 1000 };
    },
  });

  before(() => env.start());
  after(() => env.teardown());

  test('a balance half the byte bound\'s hold is refused in bytes and served with o200k_base', async () => {
    const bytesHoldNanos = BigInt(promptBound(MESSAGES)) * 2_500n;
    const user = await env.admin.fundedAccount(formatCredits(bytesHoldNanos / 2n));
    const usage = { 'x-mock-usage': JSON.stringify({ prompt_tokens: 500, completion_tokens: 1 }) };

    const refused = await chat(env.gateway, user.key, { model: 'gpt-4o-bytes', messages: MESSAGES }, usage);
    assert.equal(refused.status, 402, refused.text);
    assert.equal(refused.json.error.code, 'insufficient_credits');

    const served = await chat(env.gateway, user.key, { model: 'gpt-4o-bpe', messages: MESSAGES }, usage);
    assert.equal(served.status, 200, served.text);
    const entry = await env.admin.waitForEntry(user.accountId, served.headers.get('x-request-id'));
    assert.equal(BigInt(entry.amount_nanos), -500n * 2_500n, 'charged the usage the provider reported');
  });

  test('a cut-off stream charges the relayed output in tokens and the prompt\'s token bound', async () => {
    const user = await env.admin.fundedAccount('5');
    const messages = [{ role: 'user', content: 'Stream something, please.' }];
    const stream = chatStream(env.gateway, user.key, { model: 'gpt-4o-cutoff', stream: true, messages });
    const res = await stream.response;
    assert.equal(res.statusCode, 200);
    const { complete, events } = await stream.done;
    assert.equal(complete, false);
    const text = events.map((e) => JSON.parse(e).choices[0]?.delta?.content ?? '').join('');
    assert.equal(text, 'Hello from the');

    const entry = await env.admin.waitForEntry(user.accountId, res.headers['x-request-id']);
    assert.ok(entry.flags.includes('estimated'), `flags ${JSON.stringify(entry.flags)}`);
    // "Hello", " from", " the": one o200k_base token each (14 bytes).
    assert.equal(entry.completion_tokens, 3);
    // 16 + 8 per message + "user" (1) + "Stream something, please." (5), against 53 in bytes.
    assert.equal(entry.prompt_tokens, 30);
    assert.equal(promptBound(messages), 53);
  });
});
