// /v1/completions, /v1/embeddings and /v1/responses through the one exchange: reasoning priced
// apart and charged once, estimates when usage is missing, failed and incomplete responses
// billed by their usage, refusals that name the parameter, and no unknown path ever forwarded.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  DEFAULT_PRICE, TestEnv, assertApiError, costOf, openStream, parseCredits, request,
  SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const REASONING_PRICE = '2.40';
const ceilDiv = (a, b) => (a + b - 1n) / b;

describe('billing of completions, embeddings and responses', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv({
    configure: (config) => {
      for (const model of ['mock-failed', 'mock-incomplete']) config.models[model] = { provider: 'mock', ...DEFAULT_PRICE };
      config.models['mock-reasoning'] = { provider: 'mock', ...DEFAULT_PRICE, reasoning: REASONING_PRICE };
    },
  });
  let user;

  const post = (path, body, headers = {}) => request(`${env.gateway.publicUrl}${path}`, {
    method: 'POST', body, headers: { authorization: `Bearer ${user.key}`, ...headers },
  });
  const stream = (path, body, headers = {}) => openStream(`${env.gateway.publicUrl}${path}`, {
    body, headers: { authorization: `Bearer ${user.key}`, ...headers },
  });
  const entryOf = (requestId) => env.admin.waitForEntry(user.accountId, requestId);
  const estimate = (model, prompt, completion) =>
    costOf(env.priceOf(model), env.markup, { prompt, completion }).total;

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('5');
  });
  after(() => env.teardown());

  test('reasoning tokens are charged at the reasoning price, once (responses and completions)', async () => {
    // mock-reasoning: input 12, output 30 of which 20 reasoning.
    // 12×150 + (30 − 20)×600 + 20×2 400 = 1 800 + 6 000 + 48 000 = 55 800; +10 % = 61 380.
    const expected = 61_380n;
    const priceOfReasoning = parseCredits(REASONING_PRICE);
    assert.equal(ceilDiv(20n * priceOfReasoning, 1_000_000n), 48_000n);
    const whole = await post('/v1/responses', { model: 'mock-reasoning', input: 'Think.' });
    assert.equal(whole.status, 200, whole.text);
    assert.equal(whole.json.usage.output_tokens_details.reasoning_tokens, 20);
    assert.equal(parseCredits(whole.headers.get('x-creditgate-cost')), expected);
    const entry = await entryOf(whole.headers.get('x-request-id'));
    assert.equal(entry.prompt_tokens, 12);
    assert.equal(entry.completion_tokens, 30);
    assert.equal(BigInt(entry.amount_nanos), -expected);

    const streamed = stream('/v1/responses', { model: 'mock-reasoning', input: 'Think.', stream: true });
    const { complete } = await streamed.done;
    assert.ok(complete);
    const streamedEntry = await entryOf((await streamed.response).headers['x-request-id']);
    assert.equal(BigInt(streamedEntry.amount_nanos), -expected);

    const legacy = await post('/v1/completions', { model: 'mock-reasoning', prompt: 'Think.' });
    assert.equal(parseCredits(legacy.headers.get('x-creditgate-cost')), expected);
  });

  test('a response.failed stream still bills the usage it reports', async () => {
    const s = stream('/v1/responses', { model: 'mock-failed', input: 'hi', stream: true });
    const { complete, raw } = await s.done;
    assert.ok(complete);
    assert.match(raw, /event: response\.failed\n/);
    assert.ok(!raw.includes('[DONE]'));
    const entry = await entryOf((await s.response).headers['x-request-id']);
    assert.equal(BigInt(entry.amount_nanos), -costOf(env.priceOf('mock-failed'), env.markup, { prompt: 12, completion: 7 }).total);
    assert.deepEqual(entry.flags, []);
  });

  test('a response.incomplete reply bills its usage, streamed and not', async () => {
    const whole = await post('/v1/responses', { model: 'mock-incomplete', input: 'hi' });
    assert.equal(whole.json.status, 'incomplete');
    const expected = costOf(env.priceOf('mock-incomplete'), env.markup, { prompt: 12, completion: 7 }).total;
    assert.equal(parseCredits(whole.headers.get('x-creditgate-cost')), expected);
    const s = stream('/v1/responses', { model: 'mock-incomplete', input: 'hi', stream: true });
    assert.match((await s.done).raw, /event: response\.incomplete\n/);
    const entry = await entryOf((await s.response).headers['x-request-id']);
    assert.equal(BigInt(entry.amount_nanos), -expected);
  });

  test('a responses stream cut off mid-way bills the prompt bound and the relayed deltas, flagged', async () => {
    const input = 'Say hello.';
    const s = stream('/v1/responses', { model: 'mock-cutoff', input, stream: true });
    const { complete } = await s.done;
    assert.equal(complete, false, 'the client sees the cut');
    const entry = await entryOf((await s.response).headers['x-request-id']);
    assert.ok(entry.flags.includes('estimated'), JSON.stringify(entry.flags));
    // Prompt bound: 16 per request + 8 per item + the input's bytes; output: "Hello from the".
    const expected = estimate('mock-cutoff', 16 + 8 + input.length, 'Hello from the'.length);
    assert.equal(BigInt(entry.amount_nanos), -expected);
  });

  test('missing usage is estimated and flagged, for each endpoint', async () => {
    const prompt = 'Say hello.';
    const legacy = await post('/v1/completions', { model: 'mock-no-usage', prompt });
    assert.equal(legacy.status, 200, legacy.text);
    let entry = await entryOf(legacy.headers.get('x-request-id'));
    assert.ok(entry.flags.includes('estimated'));
    assert.equal(BigInt(entry.amount_nanos),
      -estimate('mock-no-usage', prompt.length + 4, legacy.json.choices[0].text.length));

    const embedded = await post('/v1/embeddings', { model: 'mock-no-usage', input: ['ab', [1, 2, 3]] });
    assert.equal(embedded.status, 200, embedded.text);
    entry = await entryOf(embedded.headers.get('x-request-id'));
    assert.ok(entry.flags.includes('estimated'));
    assert.equal(BigInt(entry.amount_nanos), -estimate('mock-no-usage', (2 + 4) + (3 + 4), 0));

    const s = stream('/v1/responses', { model: 'mock-no-usage', input: prompt, stream: true });
    assert.ok((await s.done).complete);
    entry = await entryOf((await s.response).headers['x-request-id']);
    assert.ok(entry.flags.includes('estimated'));
    assert.equal(BigInt(entry.amount_nanos), -estimate('mock-no-usage', 16 + 8 + prompt.length, 29));
  });

  test('a completions stream cut off mid-way bills the estimate of what was relayed', async () => {
    const prompt = 'Say hello.';
    const s = stream('/v1/completions', { model: 'mock-cutoff', prompt, stream: true, max_tokens: 50 });
    assert.equal((await s.done).complete, false);
    const entry = await entryOf((await s.response).headers['x-request-id']);
    assert.ok(entry.flags.includes('estimated'));
    assert.equal(BigInt(entry.amount_nanos), -estimate('mock-cutoff', prompt.length + 4, 'Hello from the'.length));
  });

  test('bad bodies are 400 naming the field, and move no money', async () => {
    const before = await env.admin.snapshot(user.accountId);
    const cases = [
      ['/v1/completions', { model: 'mock-fixed', prompt: 5 }, 'prompt'],
      ['/v1/completions', { model: 'mock-fixed', prompt: 'hi', best_of: 'many' }, 'best_of'],
      ['/v1/embeddings', { model: 'mock-fixed', input: 'hi', stream: true }, 'stream'],
      ['/v1/embeddings', { model: 'mock-fixed', input: 'hi', encoding_format: 'int8' }, 'encoding_format'],
      ['/v1/responses', { model: 'mock-fixed', input: 'hi', conversation: 'conv_1' }, 'conversation'],
      ['/v1/responses', { model: 'mock-fixed', input: 'hi', tools: [{ type: 'web_search' }] }, 'tools[0].type'],
      ['/v1/responses', { model: 'mock-fixed', input: 'hi', service_tier: 'flex' }, 'service_tier'],
    ];
    for (const [path, body, param] of cases) {
      const reply = await post(path, body);
      const error = assertApiError(reply, 400, 'invalid_request');
      assert.equal(error.param, param, `${path} ${JSON.stringify(body)}`);
    }
    for (const [path, field] of [['/v1/completions', 'prompt'], ['/v1/embeddings', 'input'], ['/v1/responses', 'input']]) {
      const reply = await post(path, { model: 'gpt-nope', [field]: 'hi' });
      assertApiError(reply, 404, 'model_not_found');
    }
    assert.deepEqual(await env.admin.snapshot(user.accountId), before);
  });

  test('a provider error is relayed as is and charged nothing, on each endpoint', async () => {
    const before = await env.admin.snapshot(user.accountId);
    for (const [path, body] of [
      ['/v1/completions', { model: 'mock-error-429', prompt: 'hi' }],
      ['/v1/embeddings', { model: 'mock-error-429', input: 'hi' }],
      ['/v1/responses', { model: 'mock-error-429', input: 'hi' }],
      ['/v1/responses', { model: 'mock-error-429', input: 'hi', stream: true }],
    ]) {
      const reply = await post(path, body);
      assert.equal(reply.status, 429, `${path}: ${reply.text}`);
      assert.equal(reply.json.error.code, 'mock_429');
    }
    const after = await env.admin.snapshot(user.accountId);
    assert.equal(after.balance_nanos, before.balance_nanos);
    assert.equal(after.reserved_nanos, 0);
  });

  test('unknown /v1/ paths are 404 not_found and never reach the provider', async () => {
    const baseline = (await env.mock.stats()).requests;
    for (const path of ['/v1/audio/speech', '/v1/images/edits', '/v1/responses/resp_1', '/v1/embedding']) {
      const reply = await post(path, { model: 'mock-fixed', input: 'hi' });
      assertApiError(reply, 404, 'not_found');
    }
    assert.equal((await env.mock.stats()).requests, baseline);
  });
});
