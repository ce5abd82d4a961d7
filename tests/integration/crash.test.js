// kill -9 of the real binary under load, with top-ups in flight: after a restart nothing that
// was acknowledged is lost, every hold open at the kill ends exactly once by ledger.on_abandoned,
// retried top-ups credit once, and `creditgate ledger verify` proves the file, before and after.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  Load, TestEnv, chatStream, runCreditgate, waitFor, SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const USERS = 3;
const CLIENTS_PER_USER = 6;

describe('kill -9 under load', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  let configPath;

  before(async () => {
    await env.start();
    // charge_quote: the holds cut by the kill are charged their quote, so the proof covers
    // abandoned charges as well as voids (the default rule is pinned by lifecycle.test.js).
    env.config = { ...env.config, ledger: { on_abandoned: 'charge_quote' } };
    await env.gateway.stop();
    await env.startGateway();
    configPath = path.join(env.dir, 'cli-config.json');
    fs.writeFileSync(configPath, JSON.stringify(env.config, null, 2));
  });
  after(() => env.teardown());

  async function verify() {
    const result = await runCreditgate(['ledger', 'verify', '--config', configPath]);
    assert.equal(result.code, 0, `ledger verify: exit ${result.code}\n${result.stderr}${result.stdout}`);
    assert.match(result.stdout, /^ledger verify: OK: /);
    return result.stdout;
  }

  test('nothing acknowledged is lost, every hold ends once, top-ups retried after restart credit once', async (t) => {
    const users = [];
    for (let i = 0; i < USERS; i += 1) {
      const user = await env.admin.fundedAccount('100');
      const grant = await env.admin.call('POST', `/admin/accounts/${user.accountId}/grants`, {
        body: { amount: '5', expires_at: new Date(Date.now() + 3_600_000).toISOString() },
        headers: { 'idempotency-key': `grant-${i}` },
      });
      assert.equal(grant.status, 201, grant.text);
      users.push(user);
    }
    // Slow streams keep holds open at the moment of the kill; quick requests keep the writer busy.
    const loads = users.map((user, i) => new Load(env.gateway, user.key,
      { clients: CLIENTS_PER_USER, model: i === 0 ? 'mock-slow-stream' : 'mock-fixed' }));
    const topUps = { attempted: [], acknowledged: new Set() };
    let toppingUp = true;
    const topUpLoop = (async () => {
      for (let n = 0; toppingUp; n += 1) {
        const key = `crash-topup-${n}`;
        topUps.attempted.push(key);
        try {
          const reply = await env.admin.topUp(users[1].accountId, '0.25', { idempotencyKey: key });
          if (reply.status === 201) topUps.acknowledged.add(key);
        } catch { /* the connection died with the process */ }
      }
    })();
    for (const load of loads) load.start();

    const completed = () => loads.reduce((sum, load) => sum + load.completed.length, 0);
    await waitFor(() => completed() >= 150 && topUps.acknowledged.size >= 10,
      { message: 'load and top-ups to be flowing', timeoutMs: 60_000 });
    const killed = env.gateway;
    const during = await Promise.all(users.map((u) => env.admin.account(u.accountId)));
    assert.ok(during.some((a) => a.reserved_nanos > 0), 'holds are open when the process is killed');
    assert.equal((await killed.kill9()).signal, 'SIGKILL');
    toppingUp = false;
    await topUpLoop;
    for (const load of loads) await load.stop();
    const acknowledged = loads.flatMap((load) => load.completed);

    await env.startGateway();
    const restarted = env.gateway;
    t.diagnostic(`${acknowledged.length} requests completed, ${topUps.acknowledged.size} of ${
      topUps.attempted.length} top-ups acknowledged before the kill`);
    // The log is written by a background thread: wait for the line, it follows the abandoned ones.
    const started = await waitFor(() => restarted.logEvents().find((e) => e.event === 'started'),
      { message: 'the "started" log line' });
    const abandoned = restarted.logEvents().filter((e) => e.event === 'hold_abandoned');
    assert.equal(started.abandoned_holds, abandoned.length);
    assert.ok(abandoned.length > 0, 'the kill cut requests in flight');
    await verify();

    const ledgers = await Promise.all(users.map((u) => env.admin.ledger(u.accountId)));
    const entries = ledgers.flat();
    for (const [i, user] of users.entries()) {
      const account = await env.admin.account(user.accountId);
      assert.equal(account.reserved_nanos, 0, 'no hold survives the restart');
      const sum = ledgers[i].reduce((total, e) => total + BigInt(e.amount_nanos), 0n);
      assert.equal(sum, BigInt(account.balance_nanos), 'Σ entries = balance');
    }
    const charged = new Set(entries.filter((e) => e.type === 'charge').map((e) => e.request_id));
    const lost = acknowledged.filter((id) => !charged.has(id));
    assert.deepEqual(lost, [], 'a request the client saw complete has no charge after the crash');
    const abandonedEntries = entries.filter((e) => e.flags.includes('abandoned'));
    assert.deepEqual(abandonedEntries.map((e) => e.request_id).sort(), abandoned.map((e) => e.request_id).sort());
    for (const entry of abandonedEntries) {
      assert.equal(entry.type, 'charge');
      assert.deepEqual(entry.flags.sort(), ['abandoned', 'estimated']);
      assert.equal(BigInt(entry.amount_nanos), -(BigInt(entry.provider_cost_nanos) + BigInt(entry.markup_nanos)));
    }

    // The operator's retry of every top-up it sent: acknowledged ones replay, the rest either
    // replay (committed, but the reply was lost) or credit now; each key credits exactly once.
    for (const key of topUps.attempted) {
      const reply = await env.admin.topUp(users[1].accountId, '0.25', { idempotencyKey: key });
      assert.equal(reply.status, 201, reply.text);
      if (topUps.acknowledged.has(key)) assert.equal(reply.headers.get('idempotent-replayed'), 'true');
    }
    const credited = (await env.admin.ledger(users[1].accountId)).filter((e) => e.type === 'topup');
    assert.equal(credited.length, 1 + topUps.attempted.length, 'the funding top-up and each key once');
    await verify();
  });

  // The promise in README and docs/ledger.md: a hold is durable before the first byte of the
  // reply reaches the client. Kill -9 the moment every stream has its header: each request is
  // on file after the restart, ended by on_abandoned, none unrecorded.
  test('kill -9 the moment streams have their first byte: every one of them is on file', async () => {
    const user = await env.admin.fundedAccount('50');
    const streams = Array.from({ length: 8 }, () => chatStream(env.gateway, user.key, {
      model: 'mock-slow-stream', stream: true, messages: [{ role: 'user', content: 'hi' }],
    }, { 'x-mock-delay-ms': '2000' }));
    const responses = await Promise.all(streams.map((s) => s.response));
    const requestIds = responses.map((r) => r.headers['x-request-id']);
    assert.ok(requestIds.every((id) => typeof id === 'string' && id.length > 0));
    const killed = env.gateway;
    assert.equal((await killed.kill9()).signal, 'SIGKILL');
    for (const s of streams) await s.done;

    await env.startGateway();
    await waitFor(() => env.gateway.logEvents().find((e) => e.event === 'started'),
      { message: 'the "started" log line' });
    const entries = await env.admin.ledger(user.accountId);
    const onFile = new Set(entries.map((e) => e.request_id));
    assert.deepEqual(requestIds.filter((id) => !onFile.has(id)), [],
      'a stream whose first byte reached the client has no entry after the crash');
    for (const entry of entries.filter((e) => requestIds.includes(e.request_id))) {
      assert.ok(entry.flags.includes('abandoned'), `${entry.request_id}: ${entry.flags}`);
    }
    assert.equal((await env.admin.account(user.accountId)).reserved_nanos, 0);
    await verify();
  });
});
