// A seeded simulation of the request path against the real binary: rounds of concurrent requests
// of every ending (complete, upstream cut-off, client gone mid-stream or before any reply,
// upstream error, past the hold deadline) over a few thinly funded accounts, some rounds cut by
// kill -9 and a restart; after each round the ledger's invariants are checked.
// Store faults (disk full, failed commits) are simulated at the unit level, in
// tests/unit/ledger/ledger_durability_test.cpp: the binary has no fault injection, on purpose.
// Replay a failure with: SIM_SEED=<seed> node --test integration/simulation.test.js
// (the seed fixes the rounds, their requests, accounts and kill points; the machine's timing
// still decides what is in flight at each kill, so a race may need a few replays).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  TestEnv, chatStream, formatCredits, runCreditgate, waitFor, SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const SEED = process.env.SIM_SEED === undefined
  ? Math.floor(Math.random() * 2 ** 32) : Number(process.env.SIM_SEED);
const ROUNDS = 8;
// Rounds past the hold deadline last 9 s each: at most this many keep the file under ~60 s.
const MAX_DEADLINE_ROUNDS = 2;
// Each account's funding and top-ups, in nanos: a default quote is ~660 000. The first account
// can afford only small max_tokens, so a provider that ignores max_tokens overruns it.
const ACCOUNT_FUNDS = [[30_000, 200_000], [1_000_000, 4_000_000], [1_000_000, 4_000_000]];
// The smallest the config allows: requests are cut at 9 s (the timeout less a tenth).
const HOLD_TIMEOUT_S = 10;
const MESSAGES = [{ role: 'user', content: 'Simulate something, please.' }];

/** mulberry32: a small seeded PRNG, so a run replays exactly from its seed. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = mulberry32(SEED);
const randomInt = (low, high) => low + Math.floor(random() * (high - low + 1)); // inclusive
const pick = (items) => items[Math.floor(random() * items.length)];
const tagged = (message) => `${message} [SIM_SEED=${SEED}]`;

// max_tokens below the mock's output makes the cost exceed the hold: the overrun path.
const randomMaxTokens = () => pick([undefined, 3, 50, 400]);

/** Each ending: the request to send, and what the client does while it runs. */
const ENDINGS = {
  complete: () => ({ body: { model: 'mock-fixed', max_tokens: randomMaxTokens() } }),
  complete_stream: () => (random() < 0.5
    ? { body: { model: 'mock-fixed', stream: true, max_tokens: randomMaxTokens() } }
    : {
      body: { model: 'mock-slow-stream', stream: true, max_tokens: randomMaxTokens() },
      // Up to 150 tokens against a max_tokens as low as 3: a cost well above the hold.
      headers: { 'x-mock-chunks': String(randomInt(1, 150)), 'x-mock-delay-ms': String(randomInt(0, 8)) },
    }),
  // A provider that ignores max_tokens: the cost is well above the hold (an overrun when the
  // account cannot cover it).
  complete_over_max_tokens: () => ({
    body: { model: 'mock-slow-stream', stream: true, max_tokens: 3 },
    headers: { 'x-mock-chunks': String(randomInt(50, 150)), 'x-mock-delay-ms': String(randomInt(0, 5)) },
  }),
  upstream_cutoff: () => ({ body: { model: 'mock-cutoff', stream: true } }),
  upstream_cutoff_body: () => ({ body: { model: 'mock-cutoff' } }),
  client_gone_mid_stream: () => ({
    body: { model: 'mock-slow-stream', stream: true },
    headers: { 'x-mock-chunks': '200', 'x-mock-delay-ms': String(randomInt(20, 60)) },
    destroyAfterFirstEvent: true,
  }),
  client_gone_before_reply: () => ({ body: { model: 'mock-hang' }, destroyOnceUpstreamHasIt: true }),
  upstream_error: () => ({ body: { model: pick(['mock-error-500', 'mock-error-429']), stream: random() < 0.5 } }),
  // 100 s of output: only the request time limit (9 s) ends it. Sent first in its round, on an
  // account that can afford it, so that the round does run past the deadline.
  past_hold_deadline: () => ({
    body: { model: 'mock-slow-stream', stream: true, max_tokens: pick([100, undefined]) },
    headers: { 'x-mock-chunks': '1000', 'x-mock-delay-ms': '100' },
    wellFundedAccount: true,
  }),
};
const QUICK_ENDINGS = Object.keys(ENDINGS).filter((name) => name !== 'past_hold_deadline');

/** Random nanos in [low, high] credits, as a decimal amount for the admin API. */
const randomCredits = (lowNanos, highNanos) => formatCredits(BigInt(randomInt(lowNanos, highNanos)));

describe('seeded simulation of the request path', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  let configPath;
  const accounts = [];
  const requests = []; // every request sent, all rounds
  const unseenInEarlierRounds = new Set(); // request ids on file that no client saw, checked

  function configFor(onAbandoned) {
    return { ...env.config, ledger: { hold_timeout_s: HOLD_TIMEOUT_S, on_abandoned: onAbandoned } };
  }

  async function restart() {
    env.config = configFor(pick(['void', 'charge_quote']));
    await env.startGateway();
    await waitFor(() => env.gateway.logEvents().find((e) => e.event === 'started'),
      { message: tagged('the "started" log line') });
  }

  before(async () => {
    await env.start();
    await env.gateway.stop();
    await restart();
    configPath = path.join(env.dir, 'cli-config.json');
    fs.writeFileSync(configPath, JSON.stringify(env.config, null, 2));
    for (const [low, high] of ACCOUNT_FUNDS) {
      // A few quotes' worth at most: holds compete, some requests get 402.
      const account = await env.admin.fundedAccount(randomCredits(low, high));
      accounts.push({ ...account, topUpRange: [Math.floor(low / 2), Math.floor(high / 2)] });
    }
  });
  after(() => env.teardown());

  /** Sends one request and follows it to its end; resolves with what the client saw. */
  async function send(gateway, round, ending) {
    const spec = ENDINGS[ending]();
    const account = pick(spec.wellFundedAccount ? accounts.slice(1) : accounts);
    const record = {
      round, ending, accountId: account.accountId, status: undefined, requestId: undefined,
      delivered: false, clientLeft: false, raw: '', endedAt: undefined,
    };
    requests.push(record);
    const body = { ...spec.body, messages: MESSAGES };
    if (body.max_tokens === undefined) delete body.max_tokens;
    const stream = chatStream(gateway, account.key, body, spec.headers ?? {});
    record.stream = stream;
    record.destroyOnceUpstreamHasIt = spec.destroyOnceUpstreamHasIt === true;
    stream.response.then((res) => {
      record.status = res.statusCode;
      record.requestId = res.headers['x-request-id'];
      record.delivered = res.statusCode >= 200 && res.statusCode < 300;
      if (spec.destroyAfterFirstEvent && record.delivered) {
        stream.nextEvent().then(() => {
          record.clientLeft = true;
          stream.destroy();
        });
      }
    }, () => {});
    const { raw } = await stream.done;
    record.endedAt = Date.now();
    record.raw = raw;
    return record;
  }

  /**
   * The clients of mock-hang requests go away once the provider has their request (or once
   * they had an answer, e.g. a 402, or the process was killed).
   */
  async function abandonHangs(round, baseline) {
    const hangs = round.filter((r) => r.destroyOnceUpstreamHasIt);
    if (hangs.length === 0) return;
    await waitFor(async () => {
      const answered = hangs.filter((r) => r.status !== undefined || r.endedAt !== undefined).length;
      if (!env.gateway.running) return true;
      const stats = await env.mock.stats();
      return stats.hangs_started - baseline.hangs_started >= hangs.length - answered;
    }, { message: tagged('the provider to have every mock-hang request') });
    for (const record of hangs.filter((r) => r.status === undefined)) {
      record.clientLeft = true;
      record.stream.destroy();
    }
  }

  async function verify() {
    const result = await runCreditgate(['ledger', 'verify', '--config', configPath]);
    assert.equal(result.code, 0, tagged(`ledger verify: exit ${result.code}\n${result.stderr}${result.stdout}`));
  }

  async function checkInvariants(roundNumber) {
    await verify();
    const ledgers = new Map();
    for (const { accountId } of accounts) {
      const account = await env.admin.waitForNoHold(accountId).catch((error) => {
        throw new Error(tagged(`round ${roundNumber}: a hold is left open on account ${accountId}: ${error.message}`));
      });
      const entries = await env.admin.ledger(accountId);
      ledgers.set(accountId, entries);
      const sum = entries.reduce((total, e) => total + BigInt(e.amount_nanos), 0n);
      assert.equal(sum, BigInt(account.balance_nanos), tagged(`account ${accountId}: Σ entries = balance`));
      // Oldest first: a negative balance must follow a charge flagged overrun.
      let owingSince;
      for (const entry of [...entries].reverse()) {
        if (BigInt(entry.balance_after_nanos) >= 0n) { owingSince = undefined; continue; }
        if (entry.flags.includes('overrun')) owingSince = entry.id;
        assert.ok(owingSince !== undefined, tagged(
          `account ${accountId}: entry ${entry.id} (${entry.type}, request ${entry.request_id}) leaves the balance at ${
            entry.balance_after_nanos} with no overrun before it`));
      }
      if (BigInt(account.balance_nanos) < 0n) {
        assert.ok(account.owed_nanos > 0, tagged(`account ${accountId}: balance ${account.balance_nanos} but owed 0`));
      }
    }

    const byRequest = new Map();
    for (const entry of [...ledgers.values()].flat()) {
      if (!entry.request_id) continue;
      if (!byRequest.has(entry.request_id)) byRequest.set(entry.request_id, []);
      byRequest.get(entry.request_id).push(entry);
    }
    const describeEntries = (entries) => JSON.stringify((entries ?? []).map((e) => ({
      id: e.id, type: e.type, amount_nanos: e.amount_nanos, flags: e.flags,
    })));
    for (const [requestId, entries] of byRequest) {
      const charges = entries.filter((e) => e.type === 'charge');
      assert.ok(charges.length <= 1, tagged(`request ${requestId} is charged twice: ${describeEntries(entries)}`));
    }

    const known = new Set(requests.map((r) => r.requestId).filter(Boolean));
    for (const record of requests) {
      const what = `round ${record.round} ${record.ending} request ${record.requestId} (status ${record.status})`;
      const entries = byRequest.get(record.requestId);
      if (record.delivered) {
        assert.equal(entries?.length, 1, tagged(`${what}: one entry expected, found ${describeEntries(entries)}`));
        const [entry] = entries;
        if (record.openAtKill && entry.flags.includes('abandoned')) continue;
        assert.equal(entry.type, 'charge', tagged(`${what}: ${describeEntries(entries)}`));
        assert.ok(!entry.flags.includes('abandoned'), tagged(`${what}: ended before any kill, yet ${describeEntries(entries)}`));
      } else if (record.status !== undefined && record.requestId) {
        // No entry at all: the release is durable before the error reply goes out, so not
        // even a kill right after it can leave the hold open on file.
        assert.deepEqual(entries ?? [], [], tagged(`${what}: an error before any byte, yet ${describeEntries(entries)}`));
      }
    }
    // Entries of request ids no client saw: requests that never had a response, at most one
    // each: a client gone before any reply (its prompt charged, estimated), or, in a kill
    // round, a request cut before its header (abandoned) or one charged in full whose reply the
    // kill cut on its way (a reply is charged before it is sent, so a kill can never lose the
    // charge of a reply a client had). A hold the sweeper had to end (abandoned outside a kill
    // round) is a leak.
    // Counted round by round: every entry of this round is on file once its holds have ended.
    const unanswered = requests.filter((r) => r.round === roundNumber && r.status === undefined);
    const killRound = unanswered.some((r) => r.killRound);
    const unseen = [...byRequest].filter(([id]) => !known.has(id) && !unseenInEarlierRounds.has(id));
    for (const [requestId] of unseen) unseenInEarlierRounds.add(requestId);
    for (const [requestId, entries] of unseen) {
      assert.equal(entries.length, 1, tagged(`request ${requestId}: ${describeEntries(entries)}`));
      const [entry] = entries;
      assert.ok(entry.flags.includes('abandoned') || entry.type === 'charge',
        tagged(`request ${requestId}, no client saw its id: ${describeEntries(entries)}`));
    }
    const cutByKill = ([, [entry]]) => entry.flags.includes('abandoned') || !entry.flags.includes('estimated');
    const unseenCutByKill = unseen.filter(cutByKill).length;
    assert.ok(unseen.length <= unanswered.length, tagged(`round ${roundNumber}: ${
      unseen.length} requests on file that no client saw an id for, but ${unanswered.length} went unanswered`));
    assert.ok(unseenCutByKill <= (killRound ? unanswered.length : 0), tagged(`round ${roundNumber}: ${
      unseenCutByKill} abandoned holds or full charges of requests no client saw an id for, but ${
      killRound ? unanswered.length : 'no kill and 0'} unanswered`));
  }

  async function playRound(roundNumber, { kill, pastDeadline }) {
    const gateway = env.gateway;
    const mix = [...QUICK_ENDINGS];
    // A kill cuts these long streams (with their holds open) well before their deadline.
    if (pastDeadline || kill) mix.unshift('past_hold_deadline');
    for (let extra = randomInt(0, 5); extra > 0; extra -= 1) mix.push(pick(QUICK_ENDINGS));
    const baseline = await env.mock.stats();
    const round = [];
    const running = mix.map((ending) => {
      const promise = send(gateway, roundNumber, ending);
      round.push(requests[requests.length - 1]);
      return promise;
    });
    const hangsAbandoned = abandonHangs(round, baseline);
    let killedAt;
    if (kill) {
      // The kill lands once a random number of requests have their response header.
      const headed = randomInt(1, mix.length - 2);
      await waitFor(() => round.filter((r) => r.status !== undefined).length >= headed
        || round.every((r) => r.endedAt !== undefined), { message: tagged(`${headed} response headers`) });
      killedAt = Date.now();
      assert.equal((await gateway.kill9()).signal, 'SIGKILL');
    }
    await hangsAbandoned;
    const records = await Promise.all(running);
    for (const record of records) {
      record.killRound = kill;
      // A reply the client had whole was charged before its last byte; one the client left is
      // charged after, and the kill may have come first.
      record.openAtKill = kill && (record.endedAt >= killedAt || record.clientLeft);
    }
    if (kill) await restart();
    if (pastDeadline && !kill) {
      for (const record of records.filter((r) => r.ending === 'past_hold_deadline' && r.delivered)) {
        assert.match(record.raw, /"code":"upstream_timeout"/,
          tagged(`request ${record.requestId}: the stream past the deadline ends with an error event`));
      }
    }
    const count = (predicate) => records.filter(predicate).length;
    return {
      killedAt,
      summary: `${records.length} requests, ${count((r) => r.delivered)} delivered, ${
        count((r) => r.status >= 400)} refused, ${count((r) => r.status === undefined)} unanswered${
        kill ? `, kill -9 after ${count((r) => r.endedAt < killedAt)} ended` : ''}${
        pastDeadline && !kill ? `, ${count((r) => r.ending === 'past_hold_deadline' && r.delivered)} cut at the deadline` : ''}`,
    };
  }

  test('every round keeps the ledger whole, every hold ends, every delivered request is charged once', async (t) => {
    t.diagnostic(`SIM_SEED=${SEED}`);
    const killRound = randomInt(1, ROUNDS - 1);
    const deadlineRound = pick([...Array(ROUNDS).keys()].filter((r) => r !== killRound));
    let deadlineRounds = 0;
    for (let roundNumber = 0; roundNumber < ROUNDS; roundNumber += 1) {
      const kill = roundNumber === killRound || (roundNumber !== deadlineRound && random() < 0.3);
      const pastDeadline = roundNumber === deadlineRound
        || (!kill && roundNumber > deadlineRound && deadlineRounds < MAX_DEADLINE_ROUNDS && random() < 0.2);
      if (pastDeadline && !kill) deadlineRounds += 1;
      const { summary } = await playRound(roundNumber, { kill, pastDeadline });
      t.diagnostic(`round ${roundNumber}${pastDeadline ? ' (past the hold deadline)' : ''}: ${summary}`);
      await checkInvariants(roundNumber);
      // New money now and then: an account that owes is refused until a credit covers it.
      for (const { accountId, topUpRange: [low, high] } of accounts) {
        if (random() < 0.5) await env.admin.topUpOk(accountId, randomCredits(low, high));
      }
    }
    const entries = (await Promise.all(accounts.map((a) => env.admin.ledger(a.accountId)))).flat();
    const flagged = (flag) => entries.filter((e) => e.flags.includes(flag)).length;
    t.diagnostic(`entries flagged overrun: ${flagged('overrun')}, abandoned: ${flagged('abandoned')}`);
  });
});
