// The official OpenAI SDK drives /v1/completions, /v1/embeddings and /v1/responses through
// creditgate, streamed and not: each call gets the provider's reply and costs exactly its usage.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

import { DEFAULT_PRICE, TestEnv, costOf, parseCredits, SUITE_TIMEOUT_MS } from '../harness/index.js';

const HELLO = 'Hello from the mock upstream.';

// The mock's embedding values (tests/mock_upstream/embeddings.cpp): exact in float32.
const mockValue = (input, dimension) => (((input * 31 + dimension) % 256) - 128) / 256;

describe('OpenAI SDK: completions, embeddings, responses', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv({
    configure: (config) => { config.models['mock-reasoning'] = { provider: 'mock', ...DEFAULT_PRICE }; },
  });
  let user;
  let client;
  let fixedCost;

  const balance = async () => BigInt((await env.admin.account(user.accountId)).balance_nanos);
  const entryOf = (requestId) => env.admin.entryFor(user.accountId, requestId);

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('2');
    client = new OpenAI({ baseURL: `${env.gateway.publicUrl}/v1`, apiKey: user.key, maxRetries: 0, timeout: 30_000 });
    fixedCost = costOf(env.priceOf('mock-fixed'), env.markup, { prompt: 12, completion: 7 }).total;
  });
  after(() => env.teardown());

  test('completions.create, not streamed: 16 tokens held by default and sent explicitly', async () => {
    const start = await balance();
    const { data, response } = await client.completions
      .create({ model: 'mock-fixed', prompt: 'Say hello.' }).withResponse();
    assert.equal(data.object, 'text_completion');
    assert.equal(data.choices[0].text, HELLO);
    assert.equal(parseCredits(response.headers.get('x-creditgate-cost')), fixedCost);
    assert.equal(start - (await balance()), fixedCost);
    const entry = await entryOf(response.headers.get('x-request-id'));
    assert.equal(entry.endpoint, '/v1/completions');
    const [upstream] = (await env.mock.requests()).slice(-1);
    assert.equal(upstream.target, '/v1/completions');
    assert.equal(JSON.parse(upstream.body).max_tokens, 16);
  });

  test('completions.create, streamed: no usage chunk the SDK did not ask for, still billed', async () => {
    const start = await balance();
    const stream = await client.completions.create({ model: 'mock-fixed', prompt: ['Say', 'hello'], stream: true });
    let text = '';
    const chunks = [];
    for await (const chunk of stream) {
      chunks.push(chunk);
      text += chunk.choices[0]?.text ?? '';
    }
    assert.equal(text, HELLO);
    assert.ok(chunks.every((c) => c.usage === undefined && c.choices.length === 1));
    assert.equal(start - (await balance()), fixedCost);
  });

  test('completions.create, streamed with include_usage: the SDK gets the usage chunk', async () => {
    const stream = await client.completions.create({
      model: 'mock-cached', prompt: 'Say hello.', stream: true, stream_options: { include_usage: true },
    });
    let usage;
    for await (const chunk of stream) if (chunk.usage) usage = chunk.usage;
    assert.equal(usage.prompt_tokens, 100);
    assert.equal(usage.prompt_tokens_details.cached_tokens, 60);
  });

  test('embeddings.create with encoding_format float: the floats, input tokens only', async () => {
    const start = await balance();
    const { data, response } = await client.embeddings
      .create({ model: 'mock-fixed', input: ['one', 'two'], encoding_format: 'float', dimensions: 16 })
      .withResponse();
    assert.equal(data.data.length, 2);
    assert.deepEqual(data.data[1].embedding, Array.from({ length: 16 }, (_, d) => mockValue(1, d)));
    const expected = costOf(env.priceOf('mock-fixed'), env.markup, { prompt: 12, completion: 0 }).total;
    assert.equal(parseCredits(response.headers.get('x-creditgate-cost')), expected);
    assert.equal(start - (await balance()), expected);
    const entry = await entryOf(response.headers.get('x-request-id'));
    assert.equal(entry.endpoint, '/v1/embeddings');
    assert.equal(entry.prompt_tokens, 12);
    assert.equal(entry.completion_tokens, 0);
    assert.deepEqual(entry.flags, []);
  });

  test('embeddings.create by default: the SDK asks for base64 and decodes what creditgate relayed', async () => {
    const { data } = await client.embeddings.create({ model: 'mock-fixed', input: 'one' });
    assert.deepEqual(data[0].embedding, Array.from({ length: 8 }, (_, d) => mockValue(0, d)));
    const [upstream] = (await env.mock.requests()).slice(-1);
    assert.equal(JSON.parse(upstream.body).encoding_format, 'base64');
  });

  test('embeddings.create with encoding_format base64: the provider\'s string, byte for byte', async () => {
    const body = { model: 'mock-fixed', input: 'one', encoding_format: 'base64' };
    const { data } = await client.embeddings.create(body);
    const direct = await (await fetch(`${env.mock.url}/v1/embeddings`, {
      method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body),
    })).json();
    assert.equal(typeof data[0].embedding, 'string');
    assert.equal(data[0].embedding, direct.data[0].embedding);
  });

  test('responses.create, not streamed: output_text and the usage-exact cost', async () => {
    const start = await balance();
    const { data, response } = await client.responses
      .create({ model: 'mock-fixed', input: 'Say hello.', instructions: 'Be brief.' }).withResponse();
    assert.equal(data.object, 'response');
    assert.equal(data.output_text, HELLO);
    assert.equal(data.usage.input_tokens, 12);
    assert.equal(parseCredits(response.headers.get('x-creditgate-cost')), fixedCost);
    assert.equal(start - (await balance()), fixedCost);
    assert.equal((await entryOf(response.headers.get('x-request-id'))).endpoint, '/v1/responses');
  });

  test('responses.create, streamed: named events end with response.completed, billed once', async () => {
    const start = await balance();
    const stream = await client.responses.create({ model: 'mock-cached', input: 'Say hello.', stream: true });
    const types = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    assert.equal(text, HELLO);
    assert.equal(types[0], 'response.created');
    assert.equal(types.at(-1), 'response.completed');
    // prompt 100 of which 60 cached, 7 output: 40×150 + 60×75 + 7×600 = 14 700, +10 %.
    const expected = costOf(env.priceOf('mock-cached'), env.markup, { prompt: 100, cached: 60, completion: 7 }).total;
    assert.equal(expected, 16170n);
    assert.equal(start - (await balance()), expected);
  });

  test('responses.stream() helper accumulates the final response', async () => {
    const stream = client.responses.stream({ model: 'mock-fixed', input: 'Say hello.' });
    const final = await stream.finalResponse();
    assert.equal(final.output[0].content[0].text, HELLO);
    assert.equal(final.usage.output_tokens, 7);
  });

  test('a refused parameter reaches the SDK as a BadRequestError naming it', async () => {
    await assert.rejects(
      client.responses.create({ model: 'mock-fixed', input: 'hi', previous_response_id: 'resp_1' }),
      (error) => error instanceof OpenAI.BadRequestError && error.param === 'previous_response_id');
    await assert.rejects(
      client.responses.create({ model: 'mock-fixed', input: 'hi', background: true }),
      (error) => error instanceof OpenAI.BadRequestError && error.param === 'background');
  });
});
