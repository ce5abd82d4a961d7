// `creditgate ledger backup` while the server is serving: backups run two at a time, several
// times, under steady load from concurrent clients. Every request succeeds, every copy passes its
// integrity check and holds at least what was committed before that backup started, a copy
// restores into a working server, and the server never meets a locked database.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';

import {
  Admin, Gateway, Load, TestEnv, runCreditgate, waitFor, SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const CLIENTS = 12; // half send plain requests, half streamed ones
const ROUNDS = 4; // each round runs two backups at once
const SUMMARY = /^ledger backup: wrote (.+) \((\d+) bytes; schema version (\d+); (\d+) accounts; (\d+) entries; integrity ok\)$/;
const LOCKING_PROBLEMS = /database is locked|SQLITE_BUSY|store_commit_failed|store_operation_failed/;

describe('ledger backup while serving', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  let configPath;
  let user;

  before(async () => {
    await env.start();
    configPath = path.join(env.dir, 'cli-config.json');
    fs.writeFileSync(configPath, JSON.stringify(env.config, null, 2));
    user = await env.admin.fundedAccount('1000');
  });
  after(() => env.teardown());

  /** One backup; records what the clients had before it started and when it ended. */
  async function backup(load, out) {
    const before = { entries: 1 + load.completed.length, ids: load.completed.slice() }; // + the top-up
    const result = await runCreditgate(['ledger', 'backup', '--config', configPath, out]);
    return { out, before, startedByEnd: load.started, completedByEnd: load.completed.length, result };
  }

  test('backups under load: all requests succeed, every copy is complete, nothing is locked', async (t) => {
    const load = new Load(env.gateway, user.key, { clients: CLIENTS });
    load.start();
    const backups = [];
    try {
      await waitFor(() => load.completed.length >= 20 || load.failures.length > 0,
        { message: 'the load to be running' });
      for (let round = 0; round < ROUNDS && load.failures.length === 0; round += 1) {
        const floor = load.completed.length + 20;
        backups.push(...await Promise.all([0, 1].map((k) => backup(load, path.join(env.dir, `copy-${round}-${k}.db`)))));
        // The next round starts from a ledger that has moved on.
        await waitFor(() => load.completed.length >= floor || load.failures.length > 0,
          { message: 'more requests to complete' });
      }
    } finally {
      await load.stop();
    }

    assert.deepEqual(load.failures, [], 'every proxied request must succeed');
    assert.equal(backups.length, 2 * ROUNDS);
    for (const b of backups) {
      const { code, signal, stdout, stderr } = b.result;
      assert.equal(code, 0, `backup to ${b.out}: exit ${code} signal ${signal}\n${stderr}`);
      assert.equal(stderr, '');
      const match = SUMMARY.exec(stdout.trim());
      assert.ok(match, `summary line: ${stdout}`);
      const [, written, bytes, schema, accounts, entries] = match;
      assert.equal(written, b.out);
      assert.equal(Number(bytes), fs.statSync(b.out).size);
      assert.equal(Number(schema), 5, 'the schema version this binary writes');
      assert.equal(Number(accounts), 1);
      assert.ok(Number(entries) >= b.before.entries,
        `${b.out} holds ${entries} entries, but ${b.before.entries} were committed before it started`);
      assert.ok(Number(entries) <= 1 + b.startedByEnd,
        `${b.out} holds ${entries} entries, more than requests were sent (${b.startedByEnd})`);
      assert.ok(!fs.existsSync(`${b.out}.partial`), 'no .partial file is left behind');
    }
    const overlapping = backups.filter((b) => b.completedByEnd > b.before.ids.length).length;
    t.diagnostic(`${load.completed.length} requests by ${CLIENTS} clients; ${overlapping} of ${backups.length} backups `
      + `overlapped completed requests; entries per copy: ${backups.map((b) => SUMMARY.exec(b.result.stdout.trim())?.[5]).join(' ')}`);
    assert.ok(overlapping > 0, 'no request completed while a backup ran: the test did not test concurrency');

    const problems = env.gateway.child.stderrLines.filter((line) => LOCKING_PROBLEMS.test(line));
    assert.deepEqual(problems, [], 'the server logged a locking or store failure');

    // Restore drill on the copy taken latest: a creditgate started on it has every request that
    // completed before that backup began, and its balance is the sum of its entries.
    const latest = backups.at(-1);
    const restoredDb = path.join(env.dir, 'restored.db');
    fs.copyFileSync(latest.out, restoredDb);
    const restored = await Gateway.start({
      dir: env.dir, config: { ...env.config, database: { sqlite: restoredDb } }, secrets: env.secrets, name: 'restored',
    });
    env.gateways.push(restored); // stopped, and its exit code checked, by teardown
    const admin = new Admin(restored);
    const ledger = await admin.ledger(user.accountId);
    // Holds open in the copy are voided at start-up, each with a zero "void" entry.
    const copied = ledger.filter((e) => e.type !== 'void');
    assert.equal(copied.length, Number(SUMMARY.exec(latest.result.stdout.trim())[5]));
    const present = new Set(ledger.map((e) => e.request_id));
    const missing = latest.before.ids.filter((id) => !present.has(id));
    assert.deepEqual(missing, [], 'requests completed before the backup started are missing from the copy');
    const account = await admin.account(user.accountId);
    assert.equal(account.reserved_nanos, 0, 'holds open at backup time are voided on start-up');
    const sum = ledger.reduce((total, e) => total + BigInt(e.amount_nanos), 0n);
    assert.equal(sum, BigInt(account.balance_nanos), 'Σ entries = balance in the restored ledger');
  });

  test('an existing OUT is never overwritten (exit 1); a usage error exits 2', async () => {
    const out = path.join(env.dir, 'existing.db');
    fs.writeFileSync(out, 'an earlier backup');
    const refused = await runCreditgate(['ledger', 'backup', '--config', configPath, out]);
    assert.equal(refused.code, 1, refused.stderr);
    assert.equal(refused.stdout, '');
    assert.match(refused.stderr, /already exists/);
    assert.equal(fs.readFileSync(out, 'utf8'), 'an earlier backup');
    assert.ok(!fs.existsSync(`${out}.partial`));

    const usage = await runCreditgate(['ledger', 'backup', '--config', configPath]);
    assert.equal(usage.code, 2, usage.stderr);
    assert.match(usage.stderr, /Usage:/);
  });
});
