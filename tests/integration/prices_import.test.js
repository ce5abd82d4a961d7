// `creditgate prices import --from litellm`: entries converted from a LiteLLM price file (an
// excerpt in LiteLLM's own format) are pasted into the config, and a request to an imported
// model is charged exactly the imported price. Bad input exits 2 and prints nothing on stdout.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import {
  TestEnv, chat, costOf, parseCredits, priceOf, runCreditgate, SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const FIXTURE = path.resolve(path.dirname(fileURLToPath(import.meta.url)),
  '../fixtures/litellm/model_prices_excerpt.json');
const MESSAGES = [{ role: 'user', content: 'Say hello.' }];

describe('prices imported from LiteLLM', { timeout: SUITE_TIMEOUT_MS }, () => {
  let imported;
  let importRun;
  const env = new TestEnv({
    configure: (config) => { Object.assign(config.models, imported); },
  });
  let user;

  before(async () => {
    // The mock answers any model name it does not know as mock-fixed (prompt 12, completion 7).
    importRun = await runCreditgate(['prices', 'import', '--from', 'litellm', FIXTURE,
      '--provider', 'mock', '--models', 'gpt-4o-mini,groq/llama-3.1-8b-instant,gpt-4']);
    assert.equal(importRun.code, 0, importRun.stderr);
    imported = JSON.parse(importRun.stdout);
    await env.start();
    user = await env.admin.fundedAccount('5');
  });
  after(() => env.teardown());

  test('the import prints the entries on stdout and one summary line on stderr', () => {
    assert.deepEqual(imported['gpt-4o-mini'], {
      cached_input: '0.075', input: '0.15', max_output_tokens: 16384, output: '0.6',
      provider: 'mock', upstream_model: 'gpt-4o-mini',
    });
    assert.equal(imported['groq/llama-3.1-8b-instant'].upstream_model, 'llama-3.1-8b-instant');
    assert.equal(importRun.stderr, 'creditgate: prices import: 3 models imported, 0 skipped\n');
  });

  // The provider cost of prompt 12, completion 7, worked out by hand from the file's per-token
  // prices: groq 5e-08 / 8e-08 -> 12 × 50 + 7 × 80 nanos; gpt-4 0.00003 / 0.00006 -> 12 × 30 000
  // + 7 × 60 000 nanos. A float round trip would have moved a digit somewhere.
  for (const [model, providerNanos] of [['groq/llama-3.1-8b-instant', 1_160n], ['gpt-4', 780_000n]]) {
    test(`a request to the imported ${model} costs exactly its imported price`, async () => {
      const reply = await chat(env.gateway, user.key, { model, messages: MESSAGES });
      assert.equal(reply.status, 200, reply.text);
      const expected = costOf(priceOf(imported[model]), env.markup, { prompt: 12, completion: 7 });
      assert.equal(expected.provider, providerNanos);
      assert.equal(parseCredits(reply.headers.get('x-creditgate-cost')), expected.total);
      const entry = await env.admin.entryFor(user.accountId, reply.headers.get('x-request-id'));
      assert.equal(entry.model, model);
      assert.equal(BigInt(entry.provider_cost_nanos), providerNanos);
    });
  }
});

describe('prices import input errors', () => {
  test('a model not in the file exits 2, names it, and prints nothing on stdout', async () => {
    const result = await runCreditgate(['prices', 'import', '--from', 'litellm', FIXTURE,
      '--models', 'gpt-4o-mini,gpt-9']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /gpt-9: no such model in the file/);
  });

  test('a missing file exits 2 with the reason', async () => {
    const result = await runCreditgate(['prices', 'import', '--from', 'litellm', '/nonexistent/prices.json']);
    assert.equal(result.code, 2);
    assert.equal(result.stdout, '');
    assert.match(result.stderr, /cannot read \/nonexistent\/prices\.json: No such file or directory/);
  });

  test('--help lists prices import', async () => {
    const result = await runCreditgate(['--help']);
    assert.equal(result.code, 0);
    assert.match(result.stdout, /creditgate prices import --from litellm FILE \[--provider P\] \[--models a,b\]/);
  });
});
