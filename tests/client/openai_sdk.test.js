// The official OpenAI SDK (npm `openai`) as a real client: an application only changes its
// base URL and key, and everything works, costs what it should, and fails the way the SDK expects.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

import { TestEnv, costOf, parseCredits, SUITE_TIMEOUT_MS } from '../harness/index.js';

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];

describe('OpenAI SDK against creditgate', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  let user;
  let client;
  let fixedCost;

  const sdk = (apiKey) => new OpenAI({ baseURL: `${env.gateway.publicUrl}/v1`, apiKey, maxRetries: 0, timeout: 30_000 });
  const balance = async () => BigInt((await env.admin.account(user.accountId)).balance_nanos);

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('2');
    client = sdk(user.key);
    fixedCost = costOf(env.priceOf('mock-fixed'), env.markup, { prompt: 12, completion: 7 }).total;
  });
  after(() => env.teardown());

  test('chat.completions.create, not streamed', async () => {
    const start = await balance();
    const { data, response } = await client.chat.completions
      .create({ model: 'mock-fixed', messages: MESSAGES })
      .withResponse();
    assert.equal(data.object, 'chat.completion');
    assert.equal(data.choices[0].message.content, 'Hello from the mock upstream.');
    assert.equal(data.usage.prompt_tokens, 12);
    assert.equal(data.usage.completion_tokens, 7);
    assert.equal(parseCredits(response.headers.get('x-creditgate-cost')), fixedCost);
    assert.equal(start - (await balance()), fixedCost);
  });

  test('chat.completions.create, streamed with for await', async () => {
    const start = await balance();
    const stream = await client.chat.completions.create({ model: 'mock-fixed', messages: MESSAGES, stream: true });
    let text = '';
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.delta?.content ?? '';
    }
    assert.equal(text, 'Hello from the mock upstream.');
    assert.ok(chunks.every((c) => c.usage === undefined), 'the SDK got a usage it did not ask for');
    assert.ok(chunks.every((c) => c.choices.length === 1));
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');
    assert.equal(start - (await balance()), fixedCost);
  });

  test('with stream_options.include_usage the SDK gets the usage', async () => {
    const start = await balance();
    const stream = await client.chat.completions.create({
      model: 'mock-fixed', messages: MESSAGES, stream: true, stream_options: { include_usage: true },
    });
    let usage;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    assert.ok(usage, 'no usage chunk');
    assert.equal(usage.prompt_tokens, 12);
    assert.equal(usage.completion_tokens, 7);
    assert.equal(usage.total_tokens, 19);
    assert.equal(start - (await balance()), fixedCost);
  });

  test('a streamed request the SDK aborts part-way is still charged', async () => {
    const start = await balance();
    const controller = new AbortController();
    const stream = await client.chat.completions.create(
      { model: 'mock-slow-stream', messages: MESSAGES, stream: true },
      { signal: controller.signal, headers: { 'x-mock-chunks': '100', 'x-mock-delay-ms': '300' } });
    let seen = 0;
    // The SDK ends the iteration quietly when its own signal aborts it.
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta?.content) seen += 1;
      if (seen === 2) controller.abort();
    }
    assert.equal(seen, 2);
    const settled = await env.admin.waitForNoHold(user.accountId);
    assert.ok(BigInt(settled.balance_nanos) < start, 'an aborted stream was free');
  });

  test('a wrong key → OpenAI.AuthenticationError', async () => {
    const bad = sdk(`cg-${'1'.repeat(40)}`);
    await assert.rejects(bad.chat.completions.create({ model: 'mock-fixed', messages: MESSAGES }), (error) => {
      assert.ok(error instanceof OpenAI.AuthenticationError, `${error?.constructor?.name}: ${error}`);
      assert.equal(error.status, 401);
      assert.equal(error.code, 'invalid_api_key');
      assert.ok(error.requestID, 'the SDK exposes x-request-id');
      return true;
    });
  });

  test('no credits → OpenAI.APIError with status 402 and code insufficient_credits', async () => {
    const broke = await env.admin.fundedAccount();
    await assert.rejects(sdk(broke.key).chat.completions.create({ model: 'mock-fixed', messages: MESSAGES }),
      (error) => {
        assert.ok(error instanceof OpenAI.APIError, `${error?.constructor?.name}: ${error}`);
        assert.equal(error.status, 402);
        assert.equal(error.code, 'insufficient_credits');
        assert.equal(typeof error.message, 'string');
        return true;
      });
  });

  test('an unknown model → OpenAI.NotFoundError', async () => {
    await assert.rejects(client.chat.completions.create({ model: 'gpt-nope', messages: MESSAGES }), (error) => {
      assert.ok(error instanceof OpenAI.NotFoundError, `${error?.constructor?.name}: ${error}`);
      assert.equal(error.status, 404);
      assert.equal(error.code, 'model_not_found');
      return true;
    });
  });

  test('an upstream 429 reaches the SDK as OpenAI.RateLimitError, uncharged', async () => {
    const start = await balance();
    await assert.rejects(client.chat.completions.create({ model: 'mock-error-429', messages: MESSAGES }),
      (error) => error instanceof OpenAI.RateLimitError && error.code === 'mock_429');
    assert.equal(await balance(), start);
  });

  test('models.list()', async () => {
    const ids = [];
    for await (const model of client.models.list()) ids.push(model.id);
    assert.deepEqual(ids.sort(), Object.keys(env.config.models).sort());
  });
});
