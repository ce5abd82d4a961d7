// Statements and usage reports, as an operator and a user see them: every number checked
// against the ledger entries the admin API lists.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';

import {
  TestEnv, assertApiError, chat, costOf, formatCredits, parseCredits, SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];
const CHAT = '/v1/chat/completions';

/** RFC 4180: rows of fields; quoted fields may hold commas, doubled quotes and CR LF. */
function parseCsv(text) {
  const rows = [[]];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') { field += '"'; i += 1; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') { rows.at(-1).push(field); field = ''; } else if (c === '\r' && text[i + 1] === '\n') {
      rows.at(-1).push(field); field = ''; rows.push([]); i += 1;
    } else field += c;
  }
  if (rows.at(-1).length === 0) rows.pop();
  return rows;
}

/** CSV rows as objects keyed by the header row. */
function csvObjects(text) {
  const [header, ...rows] = parseCsv(text);
  for (const row of rows) assert.equal(row.length, header.length, `row ${JSON.stringify(row)}`);
  return rows.map((row) => Object.fromEntries(header.map((name, i) => [name, row[i]])));
}

const ms = (iso) => Date.parse(iso);
const inPeriod = (entry, from, to) => ms(entry.created_at) >= ms(from) && ms(entry.created_at) < ms(to);
const sum = (values) => values.reduce((a, b) => a + BigInt(b), 0n);
const hasFlag = (entry, flag) => entry.flags.includes(flag);

/** What a statement must say, computed from the ledger listing alone. */
function expectedStatement(ledger, from, to) {
  const byTime = [...ledger].sort((a, b) => ms(a.created_at) - ms(b.created_at) || a.id - b.id);
  const before = (t) => byTime.filter((e) => ms(e.created_at) < ms(t)).at(-1);
  const period = byTime.filter((e) => inPeriod(e, from, to));
  const lines = new Map();
  for (const e of period.filter((x) => x.type === 'charge' || x.type === 'void')) {
    const key = `${e.model} ${e.endpoint}`;
    if (!lines.has(key)) lines.set(key, []);
    lines.get(key).push(e);
  }
  return {
    opening: BigInt(before(from)?.balance_after_nanos ?? 0),
    closing: BigInt(before(to)?.balance_after_nanos ?? 0),
    lines,
    listed: period.filter((e) => e.type !== 'charge' && e.type !== 'void'),
  };
}

/** Checks one group of sums (a line, a usage row, totals) against the entries it covers. */
function assertSums(actual, entries, what) {
  const charges = entries.filter((e) => e.type === 'charge');
  assert.equal(actual.requests, charges.length, `${what}: requests`);
  assert.equal(actual.voided, entries.filter((e) => e.type === 'void').length, `${what}: voided`);
  for (const field of ['prompt_tokens', 'cached_tokens', 'completion_tokens']) {
    assert.equal(BigInt(actual[field]), sum(charges.map((e) => e[field])), `${what}: ${field}`);
  }
  const provider = sum(charges.map((e) => e.provider_cost_nanos));
  const markup = sum(charges.map((e) => e.markup_nanos));
  const amount = sum(charges.map((e) => e.amount_nanos));
  assert.equal(BigInt(actual.provider_cost_nanos), provider, `${what}: provider cost`);
  assert.equal(BigInt(actual.markup_nanos), markup, `${what}: markup`);
  assert.equal(BigInt(actual.amount_nanos), amount, `${what}: amount`);
  assert.equal(BigInt(actual.total_nanos), -amount, `${what}: total`);
  // The decimal strings say exactly the same.
  assert.equal(parseCredits(actual.provider_cost), provider);
  assert.equal(parseCredits(actual.markup), markup);
  assert.equal(parseCredits(actual.total), -amount);
  assert.equal(actual.amount, formatCredits(amount));
  for (const flag of ['estimated', 'overrun', 'abandoned', 'byok']) {
    assert.equal(actual.flags[flag], charges.filter((e) => hasFlag(e, flag)).length, `${what}: ${flag}`);
  }
}

describe('statements and usage reports', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  let user;
  let other;
  let from;
  let to;

  const adminGet = (path, headers = {}) => env.admin.call('GET', path, { headers });
  const statement = (id, query, headers) => adminGet(`/admin/accounts/${id}/statement${query}`, headers);

  before(async () => {
    await env.start();
    user = await env.admin.fundedAccount('5');
    other = await env.admin.fundedAccount('1');
    for (const model of ['mock-fixed', 'mock-cached', 'mock-fixed', 'mock-cached', 'mock-fixed', 'mock-no-usage']) {
      const reply = await chat(env.gateway, user.key, { model, messages: MESSAGES });
      assert.equal(reply.status, 200, reply.text);
    }
    const grant = await env.admin.call('POST', `/admin/accounts/${user.accountId}/grants`, {
      body: { amount: '2', reference: 'plan "pro", monthly', expires_at: new Date(Date.now() + 30 * 86_400_000).toISOString() },
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    assert.equal(grant.status, 201, grant.text);
    const refund = await env.admin.call('POST', `/admin/accounts/${user.accountId}/adjustments`, {
      body: { amount: '-0.25', reason: 'duplicate invoice' },
      headers: { 'idempotency-key': crypto.randomUUID() },
    });
    assert.equal(refund.status, 201, refund.text);
    assert.equal((await chat(env.gateway, user.key, { model: 'mock-fixed', messages: MESSAGES })).status, 200);
    assert.equal((await chat(env.gateway, other.key, { model: 'mock-cached', messages: MESSAGES })).status, 200);
    // The period starts exactly at the first charge (inclusive) and ends after everything.
    const ledger = await env.admin.ledger(user.accountId);
    from = ledger.filter((e) => e.type === 'charge').at(-1).created_at;
    to = new Date(Date.now() + 60_000).toISOString();
  });
  after(() => env.teardown());

  test('a statement explains the balance change line by line, as the ledger lists it', async () => {
    const ledger = await env.admin.ledger(user.accountId);
    const reply = await statement(user.accountId, `?from=${from}&to=${to}`);
    assert.equal(reply.status, 200, reply.text);
    assert.match(reply.headers.get('content-type'), /^application\/json/);
    const s = reply.json;
    assert.equal(s.object, 'account_statement');
    assert.equal(s.account_id, user.accountId);
    assert.equal(s.account_name, user.account.name);
    assert.equal(s.from, from);
    assert.equal(s.to, to);

    const expected = expectedStatement(ledger, from, to);
    assert.equal(BigInt(s.opening_balance_nanos), expected.opening);
    assert.equal(BigInt(s.closing_balance_nanos), expected.closing);
    assert.equal(parseCredits(s.opening_balance), expected.opening);
    assert.equal(parseCredits(s.closing_balance), expected.closing);
    assert.equal(s.closing_balance_nanos, (await env.admin.account(user.accountId)).balance_nanos);
    assert.equal(expected.opening, 5_000_000_000n, 'the top-up before the first charge opens the period');

    // One line per model and endpoint, sorted; each equal to its entries.
    assert.deepEqual(s.lines.map((l) => `${l.model} ${l.endpoint}`), [...expected.lines.keys()].sort());
    for (const line of s.lines) assertSums(line, expected.lines.get(`${line.model} ${line.endpoint}`), line.model);
    const fixed = s.lines.find((l) => l.model === 'mock-fixed');
    assert.equal(fixed.requests, 4, 'the charge exactly at `from` is in the period');
    const unit = costOf(env.priceOf('mock-fixed'), env.markup, { prompt: 12, completion: 7 });
    assert.equal(BigInt(fixed.provider_cost_nanos), 4n * unit.provider);
    assert.equal(BigInt(fixed.markup_nanos), 4n * unit.markup, 'mark-up shown apart from the provider cost');
    assert.equal(s.lines.find((l) => l.model === 'mock-no-usage').flags.estimated, 1);

    // Every other entry listed as it is in the ledger: the grant and the adjustment.
    assert.deepEqual(s.entries, expected.listed);
    assert.deepEqual(s.entries.map((e) => e.type), ['grant', 'adjustment']);
    assert.equal(s.entries[0].reference, 'plan "pro", monthly');
    assert.equal(s.entries[1].amount, '-0.25');
    assert.equal(s.entries[1].actor, 'admin');

    // The sum of the lines is the balance change.
    const change = BigInt(s.closing_balance_nanos) - BigInt(s.opening_balance_nanos);
    const linesAmount = sum(s.lines.map((l) => l.amount_nanos));
    const listedAmount = sum(s.entries.map((e) => e.amount_nanos));
    assert.equal(linesAmount + listedAmount, change);
    assert.equal(BigInt(s.totals.change_nanos), change);
    assert.equal(BigInt(s.totals.amount_nanos), linesAmount);
    assert.equal(BigInt(s.totals.credits_nanos) + BigInt(s.totals.debits_nanos), listedAmount);
    assert.equal(s.totals.credits, '2');
    assert.equal(s.totals.debits, '-0.25');
    assertSums(s.totals, [...expected.lines.values()].flat(), 'totals');
    assert.ok(s.as_of_entry_id >= Math.max(...ledger.map((e) => e.id)));
  });

  test('an entry exactly at `to` is not in the period', async () => {
    const ledger = await env.admin.ledger(user.accountId);
    const last = ledger[0]; // newest
    const reply = await statement(user.accountId, `?from=${from}&to=${last.created_at}`);
    assert.equal(reply.status, 200, reply.text);
    const expected = expectedStatement(ledger, from, last.created_at);
    assert.equal(BigInt(reply.json.closing_balance_nanos), expected.closing);
    const counted = sum(reply.json.lines.map((l) => l.requests)) + BigInt(reply.json.entries.length);
    assert.equal(counted, BigInt(ledger.filter((e) => inPeriod(e, from, last.created_at)).length));
    assert.ok(!ledger.filter((e) => inPeriod(e, from, last.created_at)).some((e) => e.id === last.id));
    assert.equal(
      sum(reply.json.lines.map((l) => l.amount_nanos)) + sum(reply.json.entries.map((e) => e.amount_nanos)),
      BigInt(reply.json.closing_balance_nanos) - BigInt(reply.json.opening_balance_nanos),
    );
  });

  test('Accept: text/csv gives the same statement as CSV, with a totals row', async () => {
    const json = (await statement(user.accountId, `?from=${from}&to=${to}`)).json;
    const reply = await statement(user.accountId, `?from=${from}&to=${to}`, { accept: 'text/csv' });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.headers.get('content-type'), 'text/csv; charset=utf-8');
    assert.match(reply.headers.get('content-disposition'), /^attachment; filename="statement-\d+-.*\.csv"$/);
    assert.ok(reply.text.endsWith('\r\n'));
    const rows = csvObjects(reply.text);
    const kinds = rows.map((r) => r.row);
    assert.deepEqual(kinds, [...json.lines.map(() => 'charges'), ...json.entries.map(() => 'entry'), 'total']);
    json.lines.forEach((line, i) => {
      for (const field of ['model', 'endpoint', 'provider_cost', 'markup', 'total', 'amount']) {
        assert.equal(rows[i][field], String(line[field]), `line ${i} ${field}`);
      }
      assert.equal(rows[i].amount_nanos, String(line.amount_nanos));
      assert.equal(rows[i].estimated, String(line.flags.estimated));
    });
    json.entries.forEach((entry, i) => {
      const row = rows[json.lines.length + i];
      assert.equal(row.entry_id, String(entry.id));
      assert.equal(row.type, entry.type);
      assert.equal(row.created_at, entry.created_at);
      assert.equal(row.reference, entry.reference ?? '');
      assert.equal(row.actor, entry.actor ?? '');
      assert.equal(row.amount, entry.amount);
    });
    const total = rows.at(-1);
    assert.equal(sum(rows.slice(0, -1).map((r) => r.amount_nanos)), BigInt(total.amount_nanos));
    assert.equal(BigInt(total.amount_nanos), BigInt(json.totals.change_nanos));
    assert.equal(total.opening_balance, json.opening_balance);
    assert.equal(total.closing_balance_nanos, String(json.closing_balance_nanos));
    assert.equal(total.total, json.totals.total);
    // A quote-and-comma reference survived the round trip (RFC 4180 quoting).
    assert.ok(reply.text.includes('"plan ""pro"", monthly"'));
  });

  test('usage by model, account and day adds up to the entries of every account', async () => {
    const entries = [
      ...(await env.admin.ledger(user.accountId)),
      ...(await env.admin.ledger(other.accountId)),
    ].filter((e) => inPeriod(e, from, to) && (e.type === 'charge' || e.type === 'void'));

    const byModel = await adminGet(`/admin/usage?group_by=model&from=${from}&to=${to}`);
    assert.equal(byModel.status, 200, byModel.text);
    assert.equal(byModel.json.object, 'usage_report');
    assert.equal(byModel.json.group_by, 'model');
    assert.deepEqual(byModel.json.data.map((r) => r.model).sort(), [...new Set(entries.map((e) => e.model))].sort());
    for (const row of byModel.json.data) assertSums(row, entries.filter((e) => e.model === row.model), row.model);
    assertSums(byModel.json.totals, entries, 'totals by model');
    const totals = byModel.json.data.map((r) => BigInt(r.total_nanos));
    assert.deepEqual(totals, [...totals].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)), 'largest spend first');

    const byAccount = await adminGet(`/admin/usage?group_by=account&from=${from}&to=${to}`);
    assert.equal(byAccount.status, 200, byAccount.text);
    assert.deepEqual(byAccount.json.data.map((r) => r.account_id).sort(), [user.accountId, other.accountId].sort());
    for (const row of byAccount.json.data) {
      assertSums(row, entries.filter((e) => e.account_id === row.account_id), `account ${row.account_id}`);
      assert.equal(row.account_name, row.account_id === user.accountId ? user.account.name : other.account.name);
    }
    assert.deepEqual(byAccount.json.totals, byModel.json.totals);

    const byDay = await adminGet(`/admin/usage?group_by=day&from=${from}&to=${to}`);
    assert.equal(byDay.status, 200, byDay.text);
    const days = [...new Set(entries.map((e) => e.created_at.slice(0, 10)))].sort();
    assert.deepEqual(byDay.json.data.map((r) => r.day), days);
    for (const row of byDay.json.data) assertSums(row, entries.filter((e) => e.created_at.startsWith(row.day)), row.day);
    assert.deepEqual(byDay.json.totals, byModel.json.totals);

    const byEndpoint = await adminGet(`/admin/usage?group_by=endpoint&from=${from}&to=${to}`);
    assert.equal(byEndpoint.status, 200, byEndpoint.text);
    assert.deepEqual(byEndpoint.json.data.map((r) => r.endpoint), [CHAT]);

    const csv = await adminGet(`/admin/usage?group_by=model&from=${from}&to=${to}`, { accept: 'text/csv' });
    assert.equal(csv.status, 200, csv.text);
    assert.equal(csv.headers.get('content-type'), 'text/csv; charset=utf-8');
    const rows = csvObjects(csv.text);
    assert.deepEqual(rows.map((r) => r.model), [...byModel.json.data.map((r) => r.model), '']);
    assert.equal(rows.at(-1).row, 'total');
    assert.equal(rows.at(-1).total_nanos, String(byModel.json.totals.total_nanos));
  });

  test('the period defaults to the current UTC month up to now', async () => {
    const now = new Date();
    const reply = await statement(user.accountId, '');
    assert.equal(reply.status, 200, reply.text);
    const monthStart = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), 1);
    const afterReply = Date.now();
    // Unless the month turned during the call, the period is this month so far.
    if (new Date(afterReply).getUTCMonth() === now.getUTCMonth()) {
      assert.equal(ms(reply.json.from), monthStart);
    }
    assert.ok(ms(reply.json.to) >= now.getTime() - 1000 && ms(reply.json.to) <= afterReply);
    const usage = await adminGet('/admin/usage');
    assert.equal(usage.status, 200, usage.text);
    assert.equal(usage.json.group_by, 'model');
  });

  test('dates, offsets and a JSON preference are understood', async () => {
    const day = from.slice(0, 10);
    const next = new Date(ms(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const byDate = await statement(user.accountId, `?&from=${day}&to=${next}&`);
    assert.equal(byDate.status, 200, byDate.text);
    assert.equal(byDate.json.from, `${day}T00:00:00.000Z`);
    // A '+' offset needs no %2B: 01:00 at +01:00 is midnight UTC.
    const offset = await statement(user.accountId, `?from=${day}T01:00:00+01:00&to=${next}`);
    assert.equal(offset.status, 200, offset.text);
    assert.equal(offset.json.from, `${day}T00:00:00.000Z`);
    const prefersJson = await statement(user.accountId, `?from=${day}&to=${next}`,
      { accept: 'application/json, text/csv;q=0.5' });
    assert.match(prefersJson.headers.get('content-type'), /^application\/json/);
  });

  test('bad parameters are a 400 naming the parameter', async () => {
    const id = user.accountId;
    const cases = [
      [`?from=${from}&to=${from}`, 'from'],
      [`?to=${from}&from=${to}`, 'from'],
      [`?from=${new Date(Date.now() + 3_600_000).toISOString()}`, 'from'], // after the default to (now)
      ['?from=yesterday', 'from'],
      ['?from=2026-02-30', 'from'],
      ['?to=2026-11-01T25:00:00Z', 'to'],
      ['?limit=10', 'limit'],
      ['?from=2026-01-01&from=2026-02-01', 'from'],
      ['?from=2025-01-01&to=2026-03-01', 'from'], // more than 366 days
      ['?group_by=model', 'group_by'],
    ];
    for (const [query, param] of cases) {
      const error = assertApiError(await statement(id, query), 400, 'invalid_request');
      assert.equal(error.param, param, `${query}: ${error.message}`);
    }
    const bogus = await adminGet('/admin/usage?group_by=customer');
    assert.equal(assertApiError(bogus, 400, 'invalid_request').param, 'group_by');
    const unknown = await adminGet('/admin/usage?account=1');
    assert.equal(assertApiError(unknown, 400, 'invalid_request').param, 'account');
  });

  test('unknown accounts, wrong methods and missing tokens are refused', async () => {
    assertApiError(await statement(999_999, ''), 404, 'not_found');
    for (const path of [`/admin/accounts/${user.accountId}/statement`, '/admin/usage']) {
      const reply = await env.admin.call('POST', path, { body: {} });
      assertApiError(reply, 405, 'method_not_allowed');
      assert.equal(reply.headers.get('allow'), 'GET');
      assertApiError(await env.admin.call('GET', path, { token: null }), 401, 'invalid_api_key');
      assertApiError(await env.admin.call('GET', path, { token: 'not-the-admin-token' }), 401, 'invalid_api_key');
    }
    assertApiError(await adminGet('/admin/usage/extra'), 404, 'not_found');
  });
});
