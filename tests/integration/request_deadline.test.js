// A request ends before its hold's deadline, so its charge always meets an open hold: a stream
// that would outlive it is stopped with an error event, and what it relayed is charged once.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { TestEnv, chatStream, SUITE_TIMEOUT_MS } from '../harness/index.js';

const MESSAGES = [{ role: 'user', content: 'Stream for a long time.' }];

describe('the request time limit', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  let user;

  before(async () => {
    await env.start();
    // The smallest hold timeout the config allows: requests are cut at 10 s − 1 s.
    env.config = { ...env.config, ledger: { hold_timeout_s: 10 } };
    await env.gateway.stop();
    await env.startGateway();
    user = await env.admin.fundedAccount('5');
  });
  after(() => env.teardown());

  test('a stream longer than the hold is cut with an error event and charged what it relayed', async () => {
    // 100 chunks 200 ms apart: 20 s, twice the hold timeout.
    const stream = chatStream(env.gateway, user.key,
      { model: 'mock-slow-stream', stream: true, messages: MESSAGES },
      { 'x-mock-chunks': '100', 'x-mock-delay-ms': '200' });
    const res = await stream.response;
    assert.equal(res.statusCode, 200);
    const requestId = res.headers['x-request-id'];
    const { complete, events } = await stream.done;
    assert.ok(complete, 'the stream ends properly, with its last chunk');
    const last = JSON.parse(events.at(-1));
    assert.equal(last.error?.code, 'upstream_timeout', `last event: ${events.at(-1)}`);
    const relayed = events.slice(0, -1).map((e) => JSON.parse(e).choices?.[0]?.delta?.content ?? '').join('');
    assert.ok(relayed.length > 0, 'content was relayed before the cut');

    const entry = await env.admin.waitForEntry(user.accountId, requestId);
    assert.equal(entry.type, 'charge');
    assert.ok(entry.flags.includes('estimated'), `flags ${JSON.stringify(entry.flags)}`);
    // Cut before the hold's deadline: charged against its own, still open, hold (neither ended
    // by on_abandoned nor charged late).
    assert.ok(!entry.flags.includes('late') && !entry.flags.includes('abandoned'), `flags ${entry.flags}`);
    assert.equal(entry.hold_id !== null && entry.hold_id !== undefined, true);
    assert.equal(entry.completion_tokens, Buffer.byteLength(relayed), 'the output it relayed');
    const ledger = await env.admin.ledger(user.accountId);
    assert.equal(ledger.filter((e) => e.request_id === requestId).length, 1, 'charged once');
    await env.admin.waitForNoHold(user.accountId);
  });
});
