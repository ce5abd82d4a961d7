// Streams that do not end normally: the upstream cuts off, or the client hangs up. Either way the
// hold ends, what was produced is charged as an estimate, and nothing keeps generating.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  TestEnv, chatStream, costOf, nextContentEvent, promptBound, quoteOf, waitFor,
  SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const MESSAGES = [{ role: 'user', content: 'Stream something, please.' }];

describe('streams that end early', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  let user;

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('5');
  });
  after(() => env.teardown());

  test('upstream cut-off: the client sees the break, the entry is estimated, the hold ends', async () => {
    const stream = chatStream(env.gateway, user.key, { model: 'mock-cutoff', stream: true, messages: MESSAGES });
    const res = await stream.response;
    assert.equal(res.statusCode, 200);
    const requestId = res.headers['x-request-id'];
    const { complete, events } = await stream.done;
    assert.equal(complete, false, 'a cut-off upstream stream must not look complete to the client');
    assert.ok(!events.includes('[DONE]'));
    const text = events.map((e) => JSON.parse(e).choices[0]?.delta?.content ?? '').join('');
    assert.equal(text, 'Hello from the', 'the three chunks sent before the cut reached the client');

    const entry = await env.admin.waitForEntry(user.accountId, requestId);
    assert.ok(entry.flags.includes('estimated'), `flags ${JSON.stringify(entry.flags)}`);
    // No usage: the prompt bound plus the streamed output bytes ("Hello from the" = 14) as tokens.
    const expected = costOf(env.priceOf('mock-cutoff'), env.markup,
      { prompt: promptBound(MESSAGES), completion: Buffer.byteLength(text) });
    assert.equal(BigInt(entry.amount_nanos), -expected.total);
    assert.equal(entry.completion_tokens, Buffer.byteLength(text));
    await env.admin.waitForNoHold(user.accountId);
  });

  test('client disconnect: the upstream is closed at once, the output so far is charged', async () => {
    const baseline = await env.mock.stats();
    const body = { model: 'mock-slow-stream', stream: true, messages: MESSAGES };
    // 100 chunks 300 ms apart: 30 s, far longer than the test waits for the abort.
    const stream = chatStream(env.gateway, user.key, body, { 'x-mock-chunks': '100', 'x-mock-delay-ms': '300' });
    const res = await stream.response;
    assert.equal(res.statusCode, 200);
    const requestId = res.headers['x-request-id'];
    await nextContentEvent(stream);
    await nextContentEvent(stream);
    stream.destroy();

    const stats = await waitFor(async () => {
      const now = await env.mock.stats();
      return now.streams_aborted_by_client > baseline.streams_aborted_by_client ? now : null;
    }, { timeoutMs: 15_000, message: 'the mock to see its stream aborted (creditgate closing the upstream)' });
    assert.equal(stats.streams_completed, baseline.streams_completed);

    const entry = await env.admin.waitForEntry(user.accountId, requestId);
    assert.ok(entry.flags.includes('estimated'), `flags ${JSON.stringify(entry.flags)}`);
    const amount = -BigInt(entry.amount_nanos);
    const price = env.priceOf('mock-slow-stream');
    // At least the prompt bound and the two "tok " chunks the client read; at most the hold.
    const floor = costOf(price, env.markup, { prompt: promptBound(MESSAGES), completion: 8 });
    const quote = quoteOf(price, env.markup, { messages: MESSAGES });
    assert.ok(amount >= floor.total, `charged ${amount} < ${floor.total} for what was streamed`);
    assert.ok(amount <= quote.total, `charged ${amount} > the hold ${quote.total}`);
    assert.ok(entry.completion_tokens >= 8 && entry.completion_tokens % 4 === 0,
      `completion_tokens ${entry.completion_tokens}: whole "tok " chunks relayed`);
    await env.admin.waitForNoHold(user.accountId);
  });

  test('a provider slow to start: the client has the response header at once', async () => {
    const baseline = await env.mock.stats();
    const body = { model: 'mock-slow-stream', stream: true, messages: MESSAGES };
    // The header now, the first event in 10 minutes: this test would time out waiting for the
    // header if creditgate held it back until there was an event to send with it.
    const stream = chatStream(env.gateway, user.key, body,
      { 'x-mock-first-delay-ms': '600000', 'x-mock-chunks': '1' });
    const res = await stream.response;
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'], /^text\/event-stream/);
    const requestId = res.headers['x-request-id'];
    stream.destroy();

    await waitFor(async () => {
      const now = await env.mock.stats();
      return now.streams_aborted_by_client > baseline.streams_aborted_by_client ? now : null;
    }, { timeoutMs: 15_000, message: 'the mock to see its stream aborted' });
    const entry = await env.admin.waitForEntry(user.accountId, requestId);
    assert.ok(entry.flags.includes('estimated'), `flags ${JSON.stringify(entry.flags)}`);
    assert.equal(entry.completion_tokens, 0, 'nothing was generated');
    await env.admin.waitForNoHold(user.accountId);
  });

  test('client disconnect before any reply: the upstream is cancelled at once and the prompt charged, flagged', async () => {
    const baseline = await env.mock.stats();
    // A non-streamed request the provider never answers: only the client's hang-up can end it
    // before the first-byte timeout.
    const before = (await env.admin.ledger(user.accountId)).length;
    const req = chatStream(env.gateway, user.key, { model: 'mock-hang', messages: MESSAGES });
    await waitFor(async () => (await env.mock.stats()).hangs_started > baseline.hangs_started,
      { message: 'the provider to have the request' });
    req.destroy();  // the client goes away without reading a reply
    await req.done;
    await waitFor(async () => (await env.mock.stats()).hangs_left_by_client > baseline.hangs_left_by_client,
      { timeoutMs: 15_000, message: 'creditgate to close the upstream connection' });
    const entries = await waitFor(async () => {
      const all = await env.admin.ledger(user.accountId);
      return all.length > before ? all : null;
    }, { message: 'the charge of the abandoned request' });
    const entry = entries[0];
    assert.equal(entry.type, 'charge');
    assert.ok(entry.flags.includes('estimated'), `flags ${JSON.stringify(entry.flags)}`);
    assert.equal(entry.completion_tokens, 0, 'nothing was generated');
    const expected = costOf(env.priceOf('mock-hang'), env.markup, { prompt: promptBound(MESSAGES), completion: 0 });
    assert.equal(BigInt(entry.amount_nanos), -expected.total);
    await env.admin.waitForNoHold(user.accountId);
  });

  test('no upstream stream is left running', async () => {
    // Every stream the mock started has ended: completed, aborted, or the one it cut off itself.
    await waitFor(async () => {
      const now = await env.mock.stats();
      return now.streams_started === now.streams_completed + now.streams_aborted_by_client + 1;
    }, { message: 'every mock stream accounted for' });
  });
});
