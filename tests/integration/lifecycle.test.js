// The process going away: kill -9 in the middle of a stream (restart on the same database) and
// SIGTERM in the middle of a stream (drain, then exit 0).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';

import {
  TestEnv, chat, chatStream, costOf, nextContentEvent, waitFor, waitForExit,
  SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];

describe('kill -9 and restart on the same database', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();

  before(() => env.start());
  after(() => env.teardown());

  test('the hold of a killed stream is abandoned at start-up; completed charges survive', async () => {
    const user = await env.admin.fundedAccount('1');
    const done = await chat(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES });
    assert.equal(done.status, 200, done.text);
    const doneId = done.headers.get('x-request-id');
    const charged = costOf(env.priceOf('mock-fixed'), env.markup, { prompt: 12, completion: 7 });

    // A long stream: its hold is open when the process dies.
    const stream = chatStream(env.gateway, user.key, { model: 'mock-slow-stream', stream: true, messages: MESSAGES },
      { 'x-mock-chunks': '100', 'x-mock-delay-ms': '300' });
    const streamId = (await stream.response).headers['x-request-id'];
    await nextContentEvent(stream);
    const during = await env.admin.account(user.accountId);
    assert.ok(during.reserved_nanos > 0, 'a hold is open while the stream runs');

    const killed = env.gateway;
    const exit = await killed.kill9();
    assert.equal(exit.signal, 'SIGKILL');
    const { complete } = await stream.done;
    assert.equal(complete, false, 'the client sees its stream break');

    const restarted = await env.startGateway();
    const account = await env.admin.account(user.accountId);
    assert.equal(account.reserved_nanos, 0, 'the killed stream\'s hold still reserves credits after restart');
    assert.equal(account.available_nanos, account.balance_nanos);
    assert.equal(BigInt(account.balance_nanos), 1_000_000_000n - charged.total,
      'the balance is the top-up minus the completed charge: the abandoned hold charged nothing');

    const entries = await env.admin.ledger(user.accountId);
    const before = entries.find((e) => e.request_id === doneId);
    assert.ok(before, 'the charge committed before the kill is still in the ledger');
    assert.equal(BigInt(before.amount_nanos), -charged.total);

    // Start-up reports the hold it resolved, by request id, and counts it.
    // The log is written by a background thread: wait for the line.
    const started = await waitFor(() => restarted.logEvents().find((e) => e.event === 'started'),
      { message: 'the "started" log line' });
    assert.ok(started, `a "started" log line:\n${restarted.stderrTail()}`);
    assert.equal(started.abandoned_holds, 1);
    const abandoned = restarted.logEvents().filter((e) => e.event === 'hold_abandoned');
    assert.deepEqual(abandoned.map((e) => e.request_id), [streamId]);

    // The key still works on the new process.
    const again = await chat(restarted, user.key, { model: 'mock-fixed', messages: MESSAGES });
    assert.equal(again.status, 200, again.text);
  });
});

describe('SIGTERM during a stream', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();

  before(() => env.start());
  after(() => env.teardown());

  /** A running gateway: each test leaves its own stopped, so the next one starts a new one. */
  async function runningGateway() {
    if (!env.gateway.running) await env.startGateway();
    return env.gateway;
  }

  async function startSlowStream(gateway, user, chunks) {
    const stream = chatStream(gateway, user.key, { model: 'mock-slow-stream', stream: true, messages: MESSAGES },
      { 'x-mock-chunks': String(chunks), 'x-mock-delay-ms': '250' });
    const id = (await stream.response).headers['x-request-id'];
    await nextContentEvent(stream);
    return { stream, id };
  }

  const waitForDraining = (gateway) => waitFor(() => gateway.logEvents().some((e) => e.event === 'draining'),
    { message: 'creditgate to log that it is draining' });

  /** After a restart on the same database: the stream's charge is there, exact, and no hold is open. */
  async function assertStreamCharged(user, streamId, chunks) {
    await runningGateway();
    const entry = await env.admin.entryFor(user.accountId, streamId);
    assert.ok(entry, 'the drained stream was charged');
    assert.deepEqual(entry.flags, []);
    assert.equal(entry.completion_tokens, chunks);
    const expected = costOf(env.priceOf('mock-slow-stream'), env.markup, { prompt: 12, completion: chunks });
    assert.equal(BigInt(entry.amount_nanos), -expected.total);
    const account = await env.admin.account(user.accountId);
    assert.equal(account.reserved_nanos, 0);
    assert.equal(BigInt(account.balance_nanos), 1_000_000_000n - expected.total);
  }

  test('SIGTERM with idle pooled upstream connections exits 0', async () => {
    // One completed request leaves a keep-alive connection to the provider in the pool.
    const gateway = await runningGateway();
    const user = await env.admin.fundedAccount('1');
    const reply = await chat(gateway, user.key, { model: 'mock-fixed', messages: MESSAGES });
    assert.equal(reply.status, 200, reply.text);
    // The stats request itself holds one connection: a pooled one makes it at least two.
    await waitFor(async () => (await env.mock.stats()).connections_open >= 2,
      { message: 'a pooled upstream connection' });
    gateway.terminate();
    assert.deepEqual(await waitForExit(gateway.child), { code: 0, signal: null },
      `exit after SIGTERM with a pooled upstream connection\n${gateway.stderrTail()}`);
  });

  test('the stream in flight finishes and is charged, then the process exits 0', async () => {
    const gateway = await runningGateway();
    const user = await env.admin.fundedAccount('1');
    const chunks = 8;
    const { stream, id } = await startSlowStream(gateway, user, chunks);

    gateway.terminate();
    await waitForDraining(gateway);
    const { complete, events } = await stream.done;
    assert.ok(complete, 'a drain lets the stream in flight finish');
    assert.equal(events.at(-1), '[DONE]');
    assert.deepEqual(await waitForExit(gateway.child), { code: 0, signal: null },
      `exit after one SIGTERM\n${gateway.stderrTail()}`);

    await assertStreamCharged(user, id, chunks);
  });

  test('a second SIGTERM during the drain does not abort it', async () => {
    // An operator pressing Ctrl-C twice, or a supervisor repeating its stop signal.
    const gateway = await runningGateway();
    const user = await env.admin.fundedAccount('1');
    const chunks = 8;
    const { stream, id } = await startSlowStream(gateway, user, chunks);

    gateway.child.kill('SIGTERM');
    await waitForDraining(gateway);
    gateway.child.kill('SIGTERM');
    const { complete } = await stream.done;
    const exit = await waitForExit(gateway.child);
    assert.deepEqual(exit, { code: 0, signal: null }, `exit after a second SIGTERM\n${gateway.stderrTail()}`);
    assert.ok(complete, 'the stream in flight was cut by the second SIGTERM');

    await assertStreamCharged(user, id, chunks);
  });

  test('a draining process accepts no new requests', async () => {
    const gateway = await runningGateway();
    const user = await env.admin.fundedAccount('1');
    const { stream, id } = await startSlowStream(gateway, user, 6);
    gateway.terminate();
    await waitForDraining(gateway);
    // Refused (connection refused, reset or 503): never served and charged after the drain began.
    let reply;
    try {
      reply = await chat(gateway, user.key, { model: 'mock-fixed', messages: MESSAGES });
    } catch (error) {
      reply = { error };
    }
    if (!reply.error) assert.notEqual(reply.status, 200, 'a request was served after SIGTERM');
    await stream.done;
    assert.deepEqual(await waitForExit(gateway.child), { code: 0, signal: null });

    await runningGateway();
    const entries = await env.admin.ledger(user.accountId);
    assert.deepEqual(entries.map((e) => [e.type, e.request_id ?? null]),
      [['charge', id], ['topup', null]], 'only the top-up and the drained stream moved money');
    assert.equal((await env.admin.account(user.accountId)).reserved_nanos, 0);
  });
});
