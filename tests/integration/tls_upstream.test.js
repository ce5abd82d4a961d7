// HTTPS upstreams: the provider's certificate chain and host name are verified. A provider whose
// certificate is not trusted, or names another host, is refused before anything is sent: 502,
// and nothing is charged.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

import {
  TestEnv, MockUpstream, DEFAULT_PRICE, assertApiError, chat, costOf, formatCredits, SUITE_TIMEOUT_MS,
} from '../harness/index.js';

const MESSAGES = [{ role: 'user', content: 'Say hello.' }];

function openssl(...args) {
  execFileSync('openssl', args, { stdio: 'ignore' });
}

/** Two CAs, and two server certificates signed by the first: one for localhost, one elsewhere. */
function makePki(dir) {
  const file = (name) => path.join(dir, name);
  for (const ca of ['test-ca', 'other-ca']) {
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '2', '-subj', `/CN=${ca}`,
      '-keyout', file(`${ca}.key`), '-out', file(`${ca}.pem`));
  }
  for (const [name, altNames] of [['localhost', 'DNS:localhost,IP:127.0.0.1'], ['elsewhere', 'DNS:elsewhere.test']]) {
    fs.writeFileSync(file(`${name}.ext`), `subjectAltName=${altNames}\n`);
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-subj', `/CN=${name}`,
      '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`));
    openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('test-ca.pem'), '-CAkey', file('test-ca.key'),
      '-CAcreateserial', '-days', '2', '-out', file(`${name}.pem`), '-extfile', file(`${name}.ext`));
  }
  return file;
}

describe('HTTPS upstreams', { timeout: SUITE_TIMEOUT_MS }, () => {
  const env = new TestEnv();
  const mocks = [];
  let gateway;
  let user;

  before(async () => {
    await env.start();
    const file = makePki(env.dir);
    const localhost = await MockUpstream.start({ tls: { cert: file('localhost.pem'), key: file('localhost.key') } });
    const elsewhere = await MockUpstream.start({ tls: { cert: file('elsewhere.pem'), key: file('elsewhere.key') } });
    mocks.push(localhost, elsewhere);
    const provider = (mock, ca) => ({
      base_url: `https://localhost:${mock.port}/v1`, api_key_env: 'MOCK_UPSTREAM_KEY', ca_file: file(ca),
    });
    const config = structuredClone(env.config);
    config.providers['tls-trusted'] = provider(localhost, 'test-ca.pem');
    config.providers['tls-untrusted-ca'] = provider(localhost, 'other-ca.pem');
    config.providers['tls-wrong-host'] = provider(elsewhere, 'test-ca.pem');
    for (const name of ['tls-trusted', 'tls-untrusted-ca', 'tls-wrong-host']) {
      config.models[name] = { provider: name, upstream_model: 'mock-fixed', ...DEFAULT_PRICE };
    }
    // One gateway per database: the one env started is replaced by one that knows the TLS providers.
    assert.deepEqual(await env.gateway.stop(), { code: 0, signal: null });
    gateway = await env.startGateway(config);
    user = await env.admin.fundedAccount('1');
  });

  after(async () => {
    for (const mock of mocks) await mock.stop();
    await env.teardown();
  });

  test('a provider whose certificate the CA file trusts is reached and billed exactly', async () => {
    const reply = await chat(gateway, user.key, { model: 'tls-trusted', messages: MESSAGES });
    assert.equal(reply.status, 200, reply.text);
    assert.equal(reply.json.choices[0].message.content, 'Hello from the mock upstream.');
    const expected = costOf(env.priceOf('mock-fixed'), env.markup, { prompt: 12, completion: 7 });
    assert.equal(reply.headers.get('x-creditgate-cost'), formatCredits(expected.total));
    const account = await env.admin.account(user.accountId);
    assert.equal(BigInt(account.balance_nanos), 1_000_000_000n - expected.total);
  });

  for (const [model, why] of [['tls-untrusted-ca', 'an untrusted CA'], ['tls-wrong-host', 'another host name']]) {
    test(`a certificate from ${why} is refused with 502 and nothing is charged`, async () => {
      const before = await env.admin.account(user.accountId);
      const reply = await chat(gateway, user.key, { model, messages: MESSAGES });
      assertApiError(reply, 502, 'upstream_error');
      const afterwards = await env.admin.account(user.accountId);
      assert.equal(afterwards.balance_nanos, before.balance_nanos);
      assert.equal(afterwards.reserved_nanos, 0);
    });
  }
});
