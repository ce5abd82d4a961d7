// Config reload (SIGHUP and POST /admin/reload) while requests run: no request fails, each has
// exactly one ledger entry, and each is charged at the price table it was quoted under, named by
// the entry's price_version. A bad file or a change that needs a restart is refused with its JSON
// path, in the reply and in the log, and the running config stays.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';

import {
  TestEnv, assertApiError, chat, chatStream, costOf, markupOf, nextContentEvent, priceOf, waitFor,
  SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];
const SLOW_CHUNKS = 5; // the load's slow streams: 5 chunks 40 ms apart

/** Writes `config` over the file the running gateway was started with. */
function rewriteConfig(gateway, config) {
  fs.writeFileSync(gateway.configPath, JSON.stringify(config, null, 2));
}

/** `config` with every model priced `price` and the given mark-up. */
function repriced(config, price, markup = config.markup) {
  const next = structuredClone(config);
  for (const model of Object.values(next.models)) Object.assign(model, price);
  next.markup = markup;
  return next;
}

function reloadLines(gateway) {
  return gateway.logEvents().filter((e) => e.event === 'config_reloaded' || e.event === 'config_reload_refused');
}

/** Sends SIGHUP; resolves with the log line of that reload (config_reloaded or _refused). */
async function sighup(gateway) {
  const seen = reloadLines(gateway).length;
  gateway.child.kill('SIGHUP');
  return waitFor(() => reloadLines(gateway)[seen], { message: 'the log line of the SIGHUP reload' });
}

function startedLine(gateway) {
  return waitFor(() => gateway.logEvents().find((e) => e.event === 'started'), { message: 'the "started" line' });
}

/** The one ledger entry of a request (fails if there is none or more than one). */
async function onlyEntry(env, accountId, requestId) {
  const entries = (await env.admin.ledger(accountId)).filter((e) => e.request_id === requestId);
  assert.equal(entries.length, 1, `entries of request ${requestId}: ${JSON.stringify(entries)}`);
  return entries[0];
}

/**
 * Clients in a loop: plain and streamed mock-fixed, and short mock-slow-stream streams. Each
 * request records which reloads had been confirmed when it was sent and which had been started
 * when its reply ended: the table it was quoted under must lie between the two.
 */
class ReloadLoad {
  constructor(gateway, key) {
    this.gateway = gateway;
    this.key = key;
    this.phase = { confirmed: 0, triggered: 0 }; // index of the price table
    this.records = [];
    this.failures = [];
    this.stopping = false;
  }

  start() {
    const kinds = ['plain', 'stream', 'slow', 'plain', 'stream', 'slow'];
    this.workers = kinds.map((kind) => this.run(kind));
  }

  async run(kind) {
    while (!this.stopping) {
      const record = { kind, confirmedAtSend: this.phase.confirmed };
      try {
        record.requestId = await this.send(kind);
        record.triggeredAtDone = this.phase.triggered;
        this.records.push(record);
      } catch (error) {
        this.failures.push(`${kind}: ${error.message}`);
      }
    }
  }

  async send(kind) {
    if (kind === 'plain') {
      const reply = await chat(this.gateway, this.key, { model: 'mock-fixed', messages: MESSAGES });
      if (reply.status !== 200) throw new Error(`status ${reply.status}: ${reply.text.slice(0, 200)}`);
      return reply.headers.get('x-request-id');
    }
    const slow = kind === 'slow';
    const stream = chatStream(this.gateway, this.key,
      { model: slow ? 'mock-slow-stream' : 'mock-fixed', stream: true, messages: MESSAGES },
      slow ? { 'x-mock-chunks': String(SLOW_CHUNKS), 'x-mock-delay-ms': '40' } : {});
    const response = await stream.response;
    const { complete, raw } = await stream.done;
    if (response.statusCode !== 200 || !complete) {
      throw new Error(`stream: status ${response.statusCode}, complete ${complete}: ${raw.slice(0, 200)}`);
    }
    return response.headers['x-request-id'];
  }

  /** Resolves once `count` more requests have completed. */
  completed(count) {
    const target = this.records.length + count;
    return waitFor(() => this.records.length >= target, { message: `${count} more completed requests` });
  }

  async stop() {
    this.stopping = true;
    await Promise.all(this.workers);
  }
}

describe('reload under load', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv({ threads: 2 });

  before(() => env.start());
  after(() => env.teardown());

  test('nothing is lost and each entry has the price version it was quoted with', async () => {
    const tables = [
      env.config,
      repriced(env.config, { input: '0.30', cached_input: '0.15', output: '1.20' }),
      repriced(env.config, { input: '0.30', cached_input: '0.15', output: '1.20' },
        { percent: '25', fixed: '0.000001' }),
    ];
    const versions = [(await startedLine(env.gateway)).price_version];
    const user = await env.admin.fundedAccount('1000');
    const load = new ReloadLoad(env.gateway, user.key);
    load.start();
    await load.completed(12);

    // Quoted and held under table 0; it is still streaming when table 1 comes in.
    const straddler = chatStream(env.gateway, user.key,
      { model: 'mock-slow-stream', stream: true, messages: MESSAGES },
      { 'x-mock-chunks': '100', 'x-mock-delay-ms': '50' });
    const straddlerId = (await straddler.response).headers['x-request-id'];
    await nextContentEvent(straddler);
    let straddlerEnded = false;
    const straddlerDone = straddler.done.then((done) => { straddlerEnded = true; return done; });

    rewriteConfig(env.gateway, tables[1]);
    load.phase.triggered = 1;
    const reloaded = await sighup(env.gateway);
    assert.equal(reloaded.event, 'config_reloaded', JSON.stringify(reloaded));
    assert.equal(reloaded.previous_price_version, versions[0]);
    assert.notEqual(reloaded.price_version, versions[0]);
    versions.push(reloaded.price_version);
    load.phase.confirmed = 1;
    assert.equal(straddlerEnded, false, 'the long stream must still run when the reload is in force');
    await load.completed(12);

    rewriteConfig(env.gateway, tables[2]);
    load.phase.triggered = 2;
    const reply = await env.admin.call('POST', '/admin/reload');
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.json.previous_price_version, versions[1]);
    assert.notEqual(reply.json.price_version, versions[1]);
    versions.push(reply.json.price_version);
    load.phase.confirmed = 2;
    await load.completed(12);
    await load.stop();

    assert.deepEqual(load.failures, [], 'no request may fail during reloads');
    const { complete } = await straddlerDone;
    assert.equal(complete, true);

    const entries = (await env.admin.ledger(user.accountId)).filter((e) => e.request_id !== null);
    const byRequest = new Map();
    for (const e of entries) byRequest.set(e.request_id, [...(byRequest.get(e.request_id) ?? []), e]);
    const records = [...load.records, { kind: 'straddler', requestId: straddlerId, confirmedAtSend: 0, triggeredAtDone: 0 }];
    assert.equal(byRequest.size, records.length, 'one request, one entry: no entry without a request');
    const perVersion = [0, 0, 0];
    for (const record of records) {
      const found = byRequest.get(record.requestId) ?? [];
      assert.equal(found.length, 1, `entries of ${record.kind} request ${record.requestId}`);
      const [entry] = found;
      const table = versions.indexOf(entry.price_version);
      assert.ok(table >= record.confirmedAtSend && table <= record.triggeredAtDone,
        `${record.kind} request ${record.requestId} was charged under table ${table} (${entry.price_version}); `
        + `sent after table ${record.confirmedAtSend} was in force, done before table ${record.triggeredAtDone + 1}`);
      perVersion[table] += 1;
      const completion = { straddler: 100, slow: SLOW_CHUNKS }[record.kind] ?? 7;
      assert.deepEqual([entry.prompt_tokens, entry.completion_tokens], [12, completion]);
      const model = record.kind === 'plain' || record.kind === 'stream' ? 'mock-fixed' : 'mock-slow-stream';
      const expected = costOf(priceOf(tables[table].models[model]), markupOf(tables[table].markup),
        { prompt: 12, completion });
      assert.equal(BigInt(entry.amount_nanos), -expected.total,
        `${record.kind} request charged at the prices of table ${table}`);
    }
    assert.ok(perVersion.every((n) => n > 0), `requests per price table: ${perVersion}`);

    const account = await env.admin.account(user.accountId);
    assert.equal(account.reserved_nanos, 0, 'every hold ended');
    const charged = entries.reduce((sum, e) => sum + BigInt(e.amount_nanos), 0n);
    assert.equal(BigInt(account.balance_nanos), 1000_000_000_000n + charged, 'the balance is the top-up less the charges');
  });
});

describe('refused reloads', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  let user;
  let version;

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('10');
    version = (await startedLine(env.gateway)).price_version;
  });
  after(() => env.teardown());

  /** The running prices are still in force: a request is charged at table `env.config`. */
  async function assertOldPricesCharged() {
    const reply = await chat(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES });
    assert.equal(reply.status, 200, reply.text);
    const entry = await onlyEntry(env, user.accountId, reply.headers.get('x-request-id'));
    assert.equal(entry.price_version, version);
    const expected = costOf(env.priceOf('mock-fixed'), env.markup, { prompt: 12, completion: 7 });
    assert.equal(BigInt(entry.amount_nanos), -expected.total);
  }

  test('an unknown field: 400 naming its JSON path, the same path logged', async () => {
    const bad = repriced(env.config, { output: '9.00' });
    bad.models['mock-fixed'].colour = 'red';
    rewriteConfig(env.gateway, bad);
    const error = assertApiError(await env.admin.call('POST', '/admin/reload'), 400, 'invalid_request');
    assert.equal(error.param, 'models["mock-fixed"].colour');
    assert.match(error.message, /models\["mock-fixed"\]\.colour: unknown field/);
    const logged = await waitFor(() => reloadLines(env.gateway)
      .find((e) => e.event === 'config_reload_refused' && e.path === 'models["mock-fixed"].colour'),
    { message: 'the refusal log line' });
    assert.equal(logged.source, 'admin');
    await assertOldPricesCharged();
  });

  test('a bad decimal by SIGHUP: logged with its path, the process keeps serving', async () => {
    const bad = repriced(env.config, { output: '0.6O' });
    rewriteConfig(env.gateway, bad);
    const logged = await sighup(env.gateway);
    assert.equal(logged.event, 'config_reload_refused');
    assert.equal(logged.source, 'SIGHUP');
    assert.match(logged.path, /^models\["[^"]+"\]\.output$/);
    assert.match(logged.reason, /decimal/);
    assert.ok(env.gateway.running);
    await assertOldPricesCharged();
  });

  test('a changed listen address is refused whole: the new prices are not applied either', async () => {
    const moved = repriced(env.config, { output: '9.00' });
    moved.listen = '127.0.0.1:1';
    rewriteConfig(env.gateway, moved);
    const error = assertApiError(await env.admin.call('POST', '/admin/reload'), 400, 'invalid_request');
    assert.equal(error.param, 'listen');
    assert.match(error.message, /restart/);
    await assertOldPricesCharged();
  });
});

describe('a reload changes the provider set', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();

  before(() => env.start());
  after(() => env.teardown());

  test('a repaired provider and a new one serve at once; a removed model is gone', async () => {
    const user = await env.admin.fundedAccount('10');
    const dead = await chat(env.gateway, user.key, { model: 'dead-model', messages: MESSAGES });
    assertApiError(dead, 502, 'upstream_error');

    const next = structuredClone(env.config);
    next.providers.dead.base_url = next.providers.mock.base_url; // the same name, a changed provider
    next.providers.fresh = { base_url: next.providers.mock.base_url, api_key_env: 'MOCK_UPSTREAM_KEY' };
    next.models['fresh-model'] = { ...next.models['mock-fixed'], provider: 'fresh', upstream_model: 'mock-fixed' };
    delete next.models['mock-cached'];
    rewriteConfig(env.gateway, next);
    const reply = await env.admin.call('POST', '/admin/reload');
    assert.equal(reply.status, 200, reply.text);

    for (const model of ['dead-model', 'fresh-model']) {
      const served = await chat(env.gateway, user.key, { model, messages: MESSAGES });
      assert.equal(served.status, 200, `${model}: ${served.text}`);
      const entry = await onlyEntry(env, user.accountId, served.headers.get('x-request-id'));
      assert.equal(entry.price_version, reply.json.price_version);
    }
    const gone = await chat(env.gateway, user.key, { model: 'mock-cached', messages: MESSAGES });
    assertApiError(gone, 404, 'model_not_found');
  });
});
