// What a paying user sees on a successful call: the provider's reply unchanged, the exact cost in
// a header, the balance down by exactly that, and a ledger entry that explains it.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  TestEnv, chat, chatStream, costOf, nextContentEvent, parseCredits, promptBound, request,
  SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];

describe('billing of completed requests', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  let user;

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('5');
  });
  after(() => env.teardown());

  test('a non-streamed completion passes through unchanged and costs exactly its usage', async () => {
    const before = await env.admin.account(user.accountId);
    const body = { model: 'mock-fixed', messages: MESSAGES };
    const reply = await chat(env.gateway, user.key, body);
    assert.equal(reply.status, 200, reply.text);

    // Byte-for-byte: the mock's own reply to the same request, with its id and time swapped in.
    const direct = await request(`${env.mock.url}/v1/chat/completions`, { method: 'POST', body });
    assert.equal(direct.status, 200);
    const expectedText = direct.text
      .replace(JSON.stringify(direct.json.id), JSON.stringify(reply.json.id))
      .replace(`"created":${direct.json.created}`, `"created":${reply.json.created}`);
    assert.equal(reply.text, expectedText, 'the client must get the provider body unchanged');
    assert.equal(reply.headers.get('content-type'), 'application/json');

    // mock-fixed reports prompt 12, completion 7, cached 0.
    const expected = costOf(env.priceOf('mock-fixed'), env.markup, { prompt: 12, cached: 0, completion: 7 });
    assert.equal(expected.total, 6600n); // 12×150 + 7×600 = 6000, + 10 % = 6600 nanos
    const requestId = reply.headers.get('x-request-id');
    assert.ok(requestId, 'x-request-id header');
    assert.equal(parseCredits(reply.headers.get('x-creditgate-cost')), expected.total);

    const afterAccount = await env.admin.account(user.accountId);
    assert.equal(BigInt(before.balance_nanos) - BigInt(afterAccount.balance_nanos), expected.total);
    assert.equal(afterAccount.reserved_nanos, 0);
    assert.equal(parseCredits(reply.headers.get('x-creditgate-balance')), BigInt(afterAccount.available_nanos));

    const entry = await env.admin.entryFor(user.accountId, requestId);
    assert.ok(entry, `a ledger entry with request_id ${requestId}`);
    assert.equal(entry.type, 'charge');
    assert.equal(entry.request_id, requestId);
    assert.equal(entry.key_id, user.keyId);
    assert.equal(entry.model, 'mock-fixed');
    assert.equal(entry.endpoint, '/v1/chat/completions');
    assert.equal(entry.prompt_tokens, 12);
    assert.equal(entry.cached_tokens, 0);
    assert.equal(entry.completion_tokens, 7);
    assert.equal(BigInt(entry.provider_cost_nanos), expected.provider);
    assert.equal(BigInt(entry.markup_nanos), expected.markup);
    assert.equal(BigInt(entry.amount_nanos), -expected.total);
    assert.equal(parseCredits(entry.provider_cost), expected.provider);
    assert.equal(parseCredits(entry.markup), expected.markup);
    assert.equal(parseCredits(entry.amount), -expected.total);
    assert.equal(entry.balance_after_nanos, afterAccount.balance_nanos);
    assert.deepEqual(entry.flags, []);
    assert.equal(entry.usage.prompt_tokens, 12, 'the raw usage is kept on the entry');
    assert.equal(entry.usage.completion_tokens, 7);
  });

  test('cached prompt tokens are billed once, at the cached price', async () => {
    const before = await env.admin.account(user.accountId);
    const reply = await chat(env.gateway, user.key, { model: 'mock-cached', messages: MESSAGES });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.json.usage.prompt_tokens_details.cached_tokens, 60);

    // prompt 100 of which 60 cached: 40×150 + 60×75 + 7×600 = 6000 + 4500 + 4200 = 14700, +10 %.
    const expected = costOf(env.priceOf('mock-cached'), env.markup, { prompt: 100, cached: 60, completion: 7 });
    assert.equal(expected.total, 16170n);
    assert.equal(parseCredits(reply.headers.get('x-creditgate-cost')), expected.total);
    const afterAccount = await env.admin.account(user.accountId);
    assert.equal(BigInt(before.balance_nanos) - BigInt(afterAccount.balance_nanos), expected.total);

    const entry = await env.admin.entryFor(user.accountId, reply.headers.get('x-request-id'));
    assert.equal(entry.prompt_tokens, 100);
    assert.equal(entry.cached_tokens, 60);
    assert.equal(entry.completion_tokens, 7);
    assert.equal(BigInt(entry.provider_cost_nanos), expected.provider);
    assert.equal(BigInt(entry.amount_nanos), -expected.total);
  });

  test('a reply without usage is charged an estimate, flagged, never as free', async () => {
    const reply = await chat(env.gateway, user.key, { model: 'mock-no-usage', messages: MESSAGES });
    assert.equal(reply.status, 200, reply.text);
    const entry = await env.admin.entryFor(user.accountId, reply.headers.get('x-request-id'));
    assert.ok(entry.flags.includes('estimated'), `flags ${JSON.stringify(entry.flags)}`);
    // The prompt bound plus the reply's content bytes counted as tokens.
    const content = reply.json.choices[0].message.content;
    const expected = costOf(env.priceOf('mock-no-usage'), env.markup,
      { prompt: promptBound(MESSAGES), completion: Buffer.byteLength(content) });
    assert.equal(BigInt(entry.amount_nanos), -expected.total);
    assert.equal(parseCredits(reply.headers.get('x-creditgate-cost')), expected.total);
  });
});

describe('streamed completions', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  let user;

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('5');
  });
  after(() => env.teardown());

  test('events reach the client while the upstream is still sending (no buffering)', async () => {
    const baseline = await env.mock.stats();
    const stream = chatStream(env.gateway, user.key,
      { model: 'mock-slow-stream', stream: true, messages: MESSAGES },
      { 'x-mock-chunks': '8', 'x-mock-delay-ms': '500' });
    const res = await stream.response;
    assert.equal(res.statusCode, 200);
    assert.match(res.headers['content-type'], /^text\/event-stream/);
    assert.ok(res.headers['x-request-id']);

    const first = await nextContentEvent(stream);
    assert.equal(first.choices[0].delta.content, 'tok ');
    // The mock still has ~7 paced chunks to send: it has neither finished nor been dropped.
    const during = await env.mock.stats();
    assert.equal(during.streams_started, baseline.streams_started + 1);
    assert.equal(during.streams_completed, baseline.streams_completed,
      'the first event arrived only after the upstream had finished: the proxy buffered the stream');

    const { complete, events } = await stream.done;
    assert.ok(complete, 'the stream ends cleanly');
    assert.equal(events.at(-1), '[DONE]');
    const contents = events.filter((e) => e !== '[DONE]').map((e) => JSON.parse(e))
      .map((c) => c.choices[0]?.delta?.content).filter(Boolean);
    assert.equal(contents.length, 8);
  });

  test('a client that did not ask for usage sees no usage chunk and no "usage":null', async () => {
    const stream = chatStream(env.gateway, user.key,
      { model: 'mock-slow-stream', stream: true, messages: MESSAGES },
      { 'x-mock-chunks': '5', 'x-mock-delay-ms': '0' });
    const { complete, raw, events } = await stream.done;
    assert.ok(complete);
    assert.ok(!raw.includes('"usage"'), `the client sees a usage field it did not ask for:\n${raw}`);
    assert.equal(events.at(-1), '[DONE]');
    for (const data of events.slice(0, -1)) {
      const chunk = JSON.parse(data);
      assert.equal(chunk.choices.length, 1, `a chunk without a choice reached the client: ${data}`);
    }
    // creditgate asked the upstream for usage on the client's behalf, and billed it.
    const [upstream] = (await env.mock.requests()).slice(-1);
    assert.equal(JSON.parse(upstream.body).stream_options?.include_usage, true);
    const requestId = (await stream.response).headers['x-request-id'];
    const entry = await env.admin.entryFor(user.accountId, requestId);
    assert.equal(entry.completion_tokens, 5);
    assert.deepEqual(entry.flags, []);
  });

  test('a client that asked for usage gets the usage chunk', async () => {
    const stream = chatStream(env.gateway, user.key, {
      model: 'mock-slow-stream', stream: true, stream_options: { include_usage: true }, messages: MESSAGES,
    }, { 'x-mock-chunks': '5', 'x-mock-delay-ms': '0' });
    const { complete, events } = await stream.done;
    assert.ok(complete);
    assert.equal(events.at(-1), '[DONE]');
    const chunks = events.slice(0, -1).map((e) => JSON.parse(e));
    const usageChunks = chunks.filter((c) => c.usage);
    assert.equal(usageChunks.length, 1);
    assert.deepEqual(usageChunks[0].choices, []);
    assert.equal(usageChunks[0].usage.prompt_tokens, 12);
    assert.equal(usageChunks[0].usage.completion_tokens, 5);
    assert.equal(chunks.at(-1), usageChunks[0], 'the usage chunk is the last before [DONE]');
    // As from the provider: the other chunks carry "usage":null when include_usage is set.
    assert.ok(chunks.slice(0, -1).every((c) => c.usage === null));
  });

  test('the same request costs the same streamed or not', async () => {
    const body = { model: 'mock-fixed', messages: MESSAGES };
    const whole = await chat(env.gateway, user.key, body);
    assert.equal(whole.status, 200, whole.text);

    const before = await env.admin.account(user.accountId);
    const stream = chatStream(env.gateway, user.key, { ...body, stream: true });
    const { complete, events } = await stream.done;
    assert.ok(complete);
    const text = events.filter((e) => e !== '[DONE]').map((e) => JSON.parse(e))
      .map((c) => c.choices[0]?.delta?.content ?? '').join('');
    assert.equal(text, whole.json.choices[0].message.content);

    const expected = costOf(env.priceOf('mock-fixed'), env.markup, { prompt: 12, completion: 7 });
    const wholeEntry = await env.admin.entryFor(user.accountId, whole.headers.get('x-request-id'));
    const streamEntry = await env.admin.entryFor(user.accountId, (await stream.response).headers['x-request-id']);
    assert.ok(streamEntry, 'the streamed request has a ledger entry once its stream ended');
    assert.equal(BigInt(wholeEntry.amount_nanos), -expected.total);
    assert.equal(streamEntry.amount_nanos, wholeEntry.amount_nanos);
    assert.equal(streamEntry.provider_cost_nanos, wholeEntry.provider_cost_nanos);
    assert.deepEqual(streamEntry.flags, []);
    const afterAccount = await env.admin.account(user.accountId);
    assert.equal(BigInt(before.balance_nanos) - BigInt(afterAccount.balance_nanos), expected.total);
    assert.equal(afterAccount.reserved_nanos, 0);
  });
});

describe('what the upstream receives', { timeout: SUITE_TIMEOUT_MS }, () => {
  // x-end-to-end: a header the provider accepts (forward_headers), to tell hop-by-hop apart.
  const env = new TestEnv({
    configure(config) { config.providers.mock.forward_headers.push('x-end-to-end'); },
  });
  let user;

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('1');
  });
  after(() => env.teardown());

  test('the provider key replaces the client key; the upstream model name is used', async () => {
    await env.mock.clearRequests();
    const reply = await chat(env.gateway, user.key, { model: 'alias-fixed', messages: MESSAGES },
      { 'x-custom-trace': 'abc', cookie: 'session=secret', 'x-api-key': user.key, 'api-key': user.key });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.json.model, 'mock-fixed');

    const recorded = await env.mock.requests();
    assert.equal(recorded.length, 1);
    const [upstream] = recorded;
    assert.equal(upstream.method, 'POST');
    assert.equal(upstream.target, '/v1/chat/completions');
    assert.equal(upstream.headers.authorization, `Bearer ${env.secrets.providerKey}`);
    const everything = JSON.stringify(upstream);
    assert.ok(!everything.includes(user.key), 'the client key reached the upstream');
    assert.ok(!everything.includes('session=secret'), 'the client cookie reached the upstream');
    assert.equal(JSON.parse(upstream.body).model, 'mock-fixed');
    assert.deepEqual(JSON.parse(upstream.body).messages, MESSAGES);

    const entry = await env.admin.entryFor(user.accountId, reply.headers.get('x-request-id'));
    assert.equal(entry.model, 'alias-fixed', 'the ledger names the model the client asked for');
  });

  test('hop-by-hop headers are not forwarded', async () => {
    await env.mock.clearRequests();
    // node:http, because fetch refuses to send Connection/Keep-Alive/TE itself.
    const stream = chatStream(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES }, {
      connection: 'keep-alive, x-hop-secret',
      'keep-alive': 'timeout=5',
      te: 'trailers',
      'proxy-authorization': 'Basic c2VjcmV0OnNlY3JldA==',
      'x-hop-secret': 'must-not-pass',
      'x-end-to-end': 'passes',
    });
    const res = await stream.response;
    assert.equal(res.statusCode, 200);
    await stream.done;
    const [upstream] = await env.mock.requests();
    const names = Object.keys(upstream.headers);
    for (const hop of ['keep-alive', 'te', 'proxy-authorization', 'trailer', 'upgrade', 'proxy-connection']) {
      assert.ok(!names.includes(hop), `hop-by-hop header ${hop} was forwarded: ${JSON.stringify(upstream.headers)}`);
    }
    assert.ok(!(upstream.headers.connection ?? '').includes('x-hop-secret'));
    assert.equal(upstream.headers['x-hop-secret'], undefined,
      `a header named in Connection is hop-by-hop (RFC 9110 §7.6.1) but was forwarded: ${JSON.stringify(upstream.headers)}`);
    assert.equal(upstream.headers['x-end-to-end'], 'passes');
  });
});
