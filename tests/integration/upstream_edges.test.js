// Upstream behaviours that must not make a request free or charge it twice: an error event inside
// a 200 stream, a compressed reply, a pooled connection the provider drops.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  TestEnv, chat, chatStream, costOf, promptBound, SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];
const STREAM_ERROR_MESSAGE_BYTES = 2048; // tests/mock_upstream/README.md, mock-stream-error

describe('upstream edges', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  let user;

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('5');
  });
  after(() => env.teardown());

  test('an error event after a 200 is counted as output: the stream is charged, not free', async () => {
    const stream = chatStream(env.gateway, user.key, { model: 'mock-stream-error', stream: true, messages: MESSAGES });
    const res = await stream.response;
    assert.equal(res.statusCode, 200);
    const requestId = res.headers['x-request-id'];
    const { events } = await stream.done;
    const error = events.map((e) => JSON.parse(e)).find((chunk) => chunk.error);
    assert.ok(error, 'the client received the provider\'s error event');
    assert.equal(Buffer.byteLength(error.error.message), STREAM_ERROR_MESSAGE_BYTES);

    const entry = await env.admin.waitForEntry(user.accountId, requestId);
    assert.ok(entry.flags.includes('estimated'), `flags ${JSON.stringify(entry.flags)}`);
    // No usage: the prompt bound plus every output byte relayed, the error's text included.
    const outputBytes = Buffer.byteLength('Hello') + STREAM_ERROR_MESSAGE_BYTES;
    assert.equal(entry.completion_tokens, outputBytes);
    const expected = costOf(env.priceOf('mock-stream-error'), env.markup,
      { prompt: promptBound(MESSAGES), completion: outputBytes });
    assert.equal(BigInt(entry.amount_nanos), -expected.total);
    await env.admin.waitForNoHold(user.accountId);
  });

  test('a client\'s Accept-Encoding: gzip reaches the upstream as identity', async () => {
    await env.mock.clearRequests();
    const reply = await chat(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES },
      { 'accept-encoding': 'gzip, deflate, br' });
    assert.equal(reply.status, 200, reply.text);
    const [received] = await env.mock.requests();
    assert.equal(received.headers['accept-encoding'], 'identity');
  });
});

describe('a pooled connection the provider drops', { timeout: SUITE_TIMEOUT_MS }, () => {
  // One I/O thread: every request shares one upstream pool, so a second request reuses the
  // connection the first one left idle.
  const env = new TestEnv({ threads: 1 });
  let user;
  let retried = false;

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('5');
  });
  // A retry that never ends leaves creditgate unable to drain: kill it instead of waiting.
  after(() => (retried ? env.teardown() : env.cleanup()));

  test('a pooled connection dropped after the request is read is retried once, charged once',
    { timeout: 15_000 },
    async () => {
      // Leave a kept-alive connection in the pool.
      const warm = await chat(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES });
      assert.equal(warm.status, 200, warm.text);
      const before = await env.mock.stats();
      const entriesBefore = (await env.admin.ledger(user.accountId)).length;

      const reply = await chat(env.gateway, user.key, { model: 'mock-drop-reused', messages: MESSAGES });
      assert.equal(reply.status, 200, reply.text);
      assert.equal(reply.json.choices[0].message.content, 'Hello from the mock upstream.');

      const after = await env.mock.stats();
      assert.equal(after.requests_dropped - before.requests_dropped, 1,
        'the request went out on the pooled connection, which the mock dropped');
      assert.equal(after.requests - before.requests, 2, 'sent twice: once dropped, once answered');

      const entries = await env.admin.ledger(user.accountId);
      assert.equal(entries.length - entriesBefore, 1, 'exactly one ledger entry for the request');
      const requestId = reply.headers.get('x-request-id');
      const charges = entries.filter((e) => e.request_id === requestId);
      assert.equal(charges.length, 1);
      const expected = costOf(env.priceOf('mock-drop-reused'), env.markup, { prompt: 12, completion: 7 });
      assert.equal(BigInt(charges[0].amount_nanos), -expected.total);
      assert.deepEqual(charges[0].flags, []);
      await env.admin.waitForNoHold(user.accountId);
      retried = true;
    });
});
