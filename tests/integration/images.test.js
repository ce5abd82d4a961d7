// POST /v1/images/generations through the real gateway, driven by the official OpenAI SDK:
// each image is charged exactly its size and quality's price, what the provider chose for "auto"
// is what is charged, and nothing unpriced ever reaches the provider.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import OpenAI from 'openai';

import { TestEnv, parseCredits, request, SUITE_TIMEOUT_MS } from '../harness/index.js';

const DALLE_PRICES = {
  '1024x1024/standard': '0.04', '1024x1024/hd': '0.08',
  '1792x1024/standard': '0.08', '1792x1024/hd': '0.12',
};
const GPT_IMAGE_PRICES = {
  '1024x1024/low': '0.011', '1024x1024/medium': '0.042', '1024x1024/high': '0.167',
  '1536x1024/high': '0.25',
};
const IMAGE_ONLY = { input: '0', output: '0', max_output_tokens: 1 };
// The mock's gpt-image replies report 10 input tokens; its output tokens are in the per-image price.
const GPT_IMAGE_INPUT_TOKENS = 10n;

function addImageModels(config) {
  const model = (upstream, price, perImage) => ({ provider: 'mock', upstream_model: upstream, ...price, per_image: perImage });
  Object.assign(config.models, {
    'img-dalle': model('mock-image', IMAGE_ONLY, DALLE_PRICES),
    'img-dalle-defaults': {
      ...model('mock-image', IMAGE_ONLY, DALLE_PRICES), image_defaults: { size: '1024x1024', quality: 'standard' },
    },
    'img-extra': model('mock-image-extra', IMAGE_ONLY, DALLE_PRICES),
    'img-error': model('mock-error-500', IMAGE_ONLY, DALLE_PRICES),
    'img-gpt': model('mock-gpt-image', { input: '5', output: '40', max_output_tokens: 1 }, GPT_IMAGE_PRICES),
  });
  config.providers.mock.forward_headers.push('x-mock-image-bytes');
}

describe('image generation', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv({ configure: addImageModels });
  let user;
  let client;

  const balance = async () => BigInt((await env.admin.account(user.accountId)).balance_nanos);
  // docs/pricing.md, "Images": images × per-image price + ⌈input tokens × input price / 10⁶⌉,
  // then the mark-up.
  const imageCost = ({ images, perImage, inputTokens = 0n, inputPrice = '0' }) => {
    const provider = BigInt(images) * parseCredits(perImage)
      + (inputTokens * parseCredits(inputPrice) + 999_999n) / 1_000_000n;
    const markup = (provider * env.markup.percentNanos + 100_000_000_000n - 1n) / 100_000_000_000n + env.markup.fixed;
    return provider + markup;
  };
  const generate = (body, options) => client.images.generate(body, options).withResponse();

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('20');
    client = new OpenAI({ baseURL: `${env.gateway.publicUrl}/v1`, apiKey: user.key, maxRetries: 0, timeout: 30_000 });
  });
  after(() => env.teardown());

  test('n images of a named size and quality cost exactly n times its price', async () => {
    const start = await balance();
    const { data, response } = await generate({
      model: 'img-dalle', prompt: 'A lighthouse at dusk', n: 2, size: '1792x1024', quality: 'hd',
    });
    assert.equal(data.data.length, 2);
    assert.match(data.data[0].url, /^https:\/\/images\.mock\.invalid\//);

    const expected = imageCost({ images: 2, perImage: '0.12' });
    assert.equal(parseCredits(response.headers.get('x-creditgate-cost')), expected);
    assert.equal(start - (await balance()), expected);
    const entry = await env.admin.entryFor(user.accountId, response.headers.get('x-request-id'));
    assert.equal(entry.endpoint, '/v1/images/generations');
    assert.equal(entry.model, 'img-dalle');
    assert.equal(BigInt(entry.amount_nanos), -expected);
    assert.equal(entry.usage.images, 2, 'the entry says how many images were charged');
    assert.deepEqual(entry.flags, []);
    assert.equal((await env.admin.account(user.accountId)).reserved_nanos, 0);
  });

  test('megabytes of base64 reach the client untouched and cost the same per image', async () => {
    const imageBytes = 2_000_000;
    const { data, response } = await generate(
      { model: 'img-dalle', prompt: 'A map', n: 3, size: '1024x1024', quality: 'standard', response_format: 'b64_json' },
      { headers: { 'x-mock-image-bytes': String(imageBytes) } },
    );
    assert.equal(data.data.length, 3);
    for (const image of data.data) assert.equal(image.b64_json, 'A'.repeat(imageBytes));
    assert.equal(parseCredits(response.headers.get('x-creditgate-cost')), imageCost({ images: 3, perImage: '0.04' }));
  });

  test('for "auto" the price of the size and quality the provider reports is charged, plus the prompt tokens', async () => {
    const start = await balance();
    const { data, response } = await generate({ model: 'img-gpt', prompt: 'A red fox' });
    assert.equal(data.size, '1024x1024');
    assert.equal(data.quality, 'medium');
    const expected = imageCost({ images: 1, perImage: '0.042', inputTokens: GPT_IMAGE_INPUT_TOKENS, inputPrice: '5' });
    assert.equal(parseCredits(response.headers.get('x-creditgate-cost')), expected);
    assert.equal(start - (await balance()), expected);
    const entry = await env.admin.entryFor(user.accountId, response.headers.get('x-request-id'));
    assert.equal(entry.prompt_tokens, 10);
    assert.equal(entry.completion_tokens, 0, 'output tokens are inside the per-image price');
    assert.equal(entry.usage.quality, 'medium');
  });

  test('an explicit size and quality with n are charged at that price, never more', async () => {
    const { data, response } = await generate({ model: 'img-gpt', prompt: 'A red fox', n: 2, size: '1536x1024', quality: 'high' });
    assert.equal(data.data.length, 2);
    const expected = imageCost({ images: 2, perImage: '0.25', inputTokens: GPT_IMAGE_INPUT_TOKENS, inputPrice: '5' });
    assert.equal(parseCredits(response.headers.get('x-creditgate-cost')), expected);
  });

  test('a provider that does not say what it chose is charged the dearest price the request allowed', async () => {
    // dall-e-style replies carry neither size nor quality: the held (dearest) price stands.
    const { response } = await generate({ model: 'img-dalle', prompt: 'A boat' });
    assert.equal(parseCredits(response.headers.get('x-creditgate-cost')), imageCost({ images: 1, perImage: '0.12' }));
    const { response: sized } = await generate({ model: 'img-dalle', prompt: 'A boat', size: '1024x1024' });
    assert.equal(parseCredits(sized.headers.get('x-creditgate-cost')), imageCost({ images: 1, perImage: '0.08' }));
  });

  test("with the model's image_defaults an unsized request costs exactly the default's price", async () => {
    await env.mock.clearRequests();
    const { response } = await generate({ model: 'img-dalle-defaults', prompt: 'A boat' });
    assert.equal(parseCredits(response.headers.get('x-creditgate-cost')), imageCost({ images: 1, perImage: '0.04' }));
    const [sent] = await env.mock.requests();
    const body = JSON.parse(sent.body);
    assert.equal(body.size, '1024x1024', 'the provider is asked for exactly what is charged');
    assert.equal(body.quality, 'standard');
    assert.equal(body.model, 'mock-image');
  });

  test('more images than asked for are delivered but charged as n', async () => {
    const { data, response } = await generate({ model: 'img-extra', prompt: 'Two cats', size: '1024x1024', quality: 'standard' });
    assert.equal(data.data.length, 2, 'the reply is relayed as the provider sent it');
    assert.equal(parseCredits(response.headers.get('x-creditgate-cost')), imageCost({ images: 1, perImage: '0.04' }));
  });

  test('refused requests name the parameter, cost nothing and never reach the provider', async () => {
    const rows = [
      { why: 'a size the entry does not list', body: { model: 'img-dalle', prompt: 'p', size: '256x256' }, status: 400, param: 'size' },
      { why: 'a quality the entry does not list', body: { model: 'img-dalle', prompt: 'p', quality: 'ultra' }, status: 400, param: 'quality' },
      { why: 'a quality not sold at that size', body: { model: 'img-gpt', prompt: 'p', size: '1536x1024', quality: 'low' }, status: 400, param: 'quality' },
      { why: 'a model without image prices', body: { model: 'mock-fixed', prompt: 'p' }, status: 400, param: 'model', message: /does not generate images/ },
      { why: 'streamed partial images', body: { model: 'img-gpt', prompt: 'p', stream: true, partial_images: 2 }, status: 400, param: 'stream' },
      { why: 'n above 10', body: { model: 'img-dalle', prompt: 'p', n: 11 }, status: 400, param: 'n' },
      { why: 'no prompt', body: { model: 'img-dalle' }, status: 400, param: 'prompt' },
      { why: 'an unknown model', body: { model: 'no-such-model', prompt: 'p' }, status: 404, param: 'model' },
    ];
    const before = await env.admin.snapshot(user.accountId);
    const forwarded = (await env.mock.stats()).requests;
    for (const row of rows) {
      await assert.rejects(client.images.generate(row.body), (error) => {
        assert.equal(error.status, row.status, row.why);
        assert.equal(error.error?.param ?? error.param, row.param, row.why);
        if (row.message) assert.match(error.message, row.message, row.why);
        return true;
      }, row.why);
    }
    assert.equal((await env.mock.stats()).requests, forwarded, 'nothing refused was forwarded');
    assert.deepEqual(await env.admin.snapshot(user.accountId), before, 'nothing refused moved money');
  });

  test('the hold covers n images at the dearest price: a balance below it is refused with 402', async () => {
    const poor = await env.admin.fundedAccount('0.2');
    const forwarded = (await env.mock.stats()).requests;
    const reply = await request(`${env.gateway.publicUrl}/v1/images/generations`, {
      method: 'POST', headers: { authorization: `Bearer ${poor.key}` },
      body: { model: 'img-dalle', prompt: 'p', n: 2 }, // 2 × 0.12 + mark-up > 0.2
    });
    assert.equal(reply.status, 402, reply.text);
    assert.equal(reply.json.error.code, 'insufficient_credits');
    assert.equal((await env.mock.stats()).requests, forwarded);
  });

  test('a provider error is relayed and releases the hold: nothing is charged', async () => {
    const before = await env.admin.snapshot(user.accountId);
    await assert.rejects(client.images.generate({ model: 'img-error', prompt: 'p' }), (error) => {
      assert.equal(error.status, 500);
      assert.equal(error.code, 'mock_500');
      return true;
    });
    assert.deepEqual(await env.admin.snapshot(user.accountId), before);
  });
});
