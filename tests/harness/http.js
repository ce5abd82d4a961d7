// Talking to the running binaries: plain fetch for whole replies, node:http for streams (so a
// test can read event by event, see a cut-off, or drop the connection on purpose).
import http from 'node:http';
import crypto from 'node:crypto';
import assert from 'node:assert/strict';

/** Polls `probe` until it returns a truthy value; throws with `message` after `timeoutMs`. */
export async function waitFor(probe, { timeoutMs = 20_000, intervalMs = 25, message = 'condition' } = {}) {
  const deadline = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      last = await probe();
      if (last) return last;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${message}; last value: ${
        last instanceof Error ? last.stack : JSON.stringify(last)}`);
    }
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** fetch that returns {status, headers, text, json} (json is undefined when the body is not JSON). */
export async function request(url, { method = 'GET', headers = {}, body } = {}) {
  const init = { method, headers: { ...headers } };
  if (body !== undefined) {
    init.body = typeof body === 'string' || body instanceof Uint8Array ? body : JSON.stringify(body);
    if (!Object.keys(init.headers).some((h) => h.toLowerCase() === 'content-type')) {
      init.headers['content-type'] = 'application/json';
    }
  }
  const res = await fetch(url, init);
  const text = await res.text();
  let json;
  try { json = JSON.parse(text); } catch { json = undefined; }
  return { status: res.status, headers: res.headers, text, json };
}

/** Asserts an OpenAI-shaped error reply with this status and code; returns the error object. */
export function assertApiError(reply, status, code) {
  assert.equal(reply.status, status, `expected ${status} ${code}, got ${reply.status}: ${reply.text}`);
  assert.ok(reply.json && typeof reply.json.error === 'object', `error body is not {"error":{...}}: ${reply.text}`);
  const { error } = reply.json;
  assert.equal(error.code, code, `error code: ${reply.text}`);
  for (const field of ['message', 'type', 'param', 'code']) {
    assert.ok(field in error, `error.${field} missing: ${reply.text}`);
  }
  assert.equal(typeof error.message, 'string');
  assert.ok(error.message.length > 0);
  return error;
}

/** The admin API of one gateway. */
export class Admin {
  constructor(gateway) {
    this.url = gateway.adminUrl;
    this.token = gateway.secrets.adminToken;
  }

  call(method, path, { body, headers = {}, token = this.token } = {}) {
    const auth = token === null ? {} : { authorization: `Bearer ${token}` };
    return request(`${this.url}${path}`, { method, body, headers: { ...auth, ...headers } });
  }

  async ok(method, path, options, expectedStatus = 200) {
    const reply = await this.call(method, path, options);
    assert.equal(reply.status, expectedStatus, `${method} ${path}: ${reply.status} ${reply.text}`);
    return reply.json;
  }

  createAccount(name = `acct-${crypto.randomBytes(3).toString('hex')}`) {
    return this.ok('POST', '/admin/accounts', { body: { name } }, 201);
  }

  createKey(accountId, name = 'test key') {
    return this.ok('POST', `/admin/accounts/${accountId}/keys`, { body: { name } }, 201);
  }

  revokeKey(keyId) {
    return this.ok('DELETE', `/admin/keys/${keyId}`);
  }

  topUp(accountId, amount, { idempotencyKey = crypto.randomUUID(), reference } = {}) {
    const body = reference === undefined ? { amount } : { amount, reference };
    return this.call('POST', `/admin/accounts/${accountId}/topups`,
      { body, headers: { 'idempotency-key': idempotencyKey } });
  }

  async topUpOk(accountId, amount, options) {
    const reply = await this.topUp(accountId, amount, options);
    assert.equal(reply.status, 201, `top-up: ${reply.status} ${reply.text}`);
    return reply.json;
  }

  account(accountId) {
    return this.ok('GET', `/admin/accounts/${accountId}`);
  }

  /** Every ledger entry of the account, newest first (follows the pages). */
  async ledger(accountId) {
    const entries = [];
    let after;
    for (;;) {
      const query = after === undefined ? '?limit=1000' : `?limit=1000&after=${after}`;
      const page = await this.ok('GET', `/admin/accounts/${accountId}/ledger${query}`);
      entries.push(...page.data);
      if (!page.has_more) return entries;
      after = page.next_after;
    }
  }

  async entryFor(accountId, requestId) {
    return (await this.ledger(accountId)).find((entry) => entry.request_id === requestId);
  }

  /** Waits until the request's ledger entry exists (settlement after a disconnect is async). */
  waitForEntry(accountId, requestId, timeoutMs = 20_000) {
    return waitFor(() => this.entryFor(accountId, requestId),
      { timeoutMs, message: `ledger entry for request ${requestId}` });
  }

  /** Waits until no hold is open on the account. */
  waitForNoHold(accountId, timeoutMs = 20_000) {
    return waitFor(async () => {
      const account = await this.account(accountId);
      return account.reserved_nanos === 0 ? account : null;
    }, { timeoutMs, message: `account ${accountId} reserved_nanos == 0` });
  }

  /** An account with a key and `credits` on it. */
  async fundedAccount(credits) {
    const account = await this.createAccount();
    const key = await this.createKey(account.id);
    if (credits !== undefined) await this.topUpOk(account.id, credits);
    return { account, accountId: account.id, key: key.key, keyId: key.id };
  }

  /** {balance_nanos, reserved_nanos, entries}: what must not move when a request fails. */
  async snapshot(accountId) {
    const account = await this.account(accountId);
    const entries = await this.ledger(accountId);
    return { balance_nanos: account.balance_nanos, reserved_nanos: account.reserved_nanos, entries: entries.length };
  }
}

/** POST /v1/chat/completions with fetch (whole reply). */
export function chat(gateway, apiKey, body, headers = {}) {
  const auth = apiKey === null ? {} : { authorization: `Bearer ${apiKey}` };
  return request(`${gateway.publicUrl}/v1/chat/completions`, {
    method: 'POST', body, headers: { ...auth, ...headers },
  });
}

/**
 * Splits SSE text into the data payloads of complete events. A block without a data line (a
 * comment such as creditgate's cost comment) is no event, as for any SSE client.
 */
export function sseData(text) {
  return text.split('\n\n')
    .map((block) => block.split('\n').filter((line) => line.startsWith('data:')))
    .filter((lines) => lines.length > 0)
    .map((lines) => lines.map((line) => line.slice(5).replace(/^ /, '')).join('\n'));
}

/**
 * A streamed request over node:http. The returned object exposes:
 *  - `response`: resolves with the IncomingMessage (status, headers) once headers arrive;
 *  - `nextEvent()`: resolves with the next SSE data payload (string), or null at the end;
 *  - `done`: resolves with {complete, raw, events} once the response ends or breaks
 *    (`complete` is false when the stream was cut without its terminating chunk);
 *  - `destroy()`: drops the TCP connection, as a client that goes away.
 */
export function openStream(url, { headers = {}, body }) {
  const payload = typeof body === 'string' ? body : JSON.stringify(body);
  const target = new URL(url);
  const state = { raw: '', events: [], buffer: '', waiters: [], ended: false };
  const wake = () => {
    while (state.waiters.length && (state.events.length > state.delivered || state.ended)) {
      const waiter = state.waiters.shift();
      waiter(state.events.length > state.delivered ? state.events[state.delivered++] : null);
    }
  };
  state.delivered = 0;
  let resolveResponse;
  let rejectResponse;
  const response = new Promise((resolve, reject) => { resolveResponse = resolve; rejectResponse = reject; });
  let resolveDone;
  const done = new Promise((resolve) => { resolveDone = resolve; });
  const finish = (complete, error) => {
    if (state.ended) return;
    state.ended = true;
    resolveDone({ complete, raw: state.raw, events: state.events, error });
    wake();
  };
  const req = http.request({
    host: target.hostname,
    port: target.port,
    path: target.pathname + target.search,
    method: 'POST',
    agent: false,
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload), ...headers },
  }, (res) => {
    resolveResponse(res);
    res.setEncoding('utf8');
    res.on('data', (chunk) => {
      state.raw += chunk;
      state.buffer += chunk;
      let end;
      while ((end = state.buffer.indexOf('\n\n')) !== -1) {
        const block = state.buffer.slice(0, end + 2);
        state.buffer = state.buffer.slice(end + 2);
        state.events.push(...sseData(block));
      }
      wake();
    });
    res.on('error', (error) => finish(false, error));
    res.on('close', () => finish(res.complete, undefined));
  });
  req.on('error', (error) => { rejectResponse(error); finish(false, error); });
  req.end(payload);
  response.catch(() => {}); // observed through `done` as well
  return {
    response,
    done,
    nextEvent: () => new Promise((resolve) => { state.waiters.push(resolve); wake(); }),
    destroy: () => req.destroy(),
  };
}

/** A streamed chat request to the gateway. */
export function chatStream(gateway, apiKey, body, headers = {}) {
  return openStream(`${gateway.publicUrl}/v1/chat/completions`, {
    body, headers: { authorization: `Bearer ${apiKey}`, ...headers },
  });
}

/** Reads events until one carries delta content; returns that event's parsed JSON. */
export async function nextContentEvent(stream) {
  for (;;) {
    const data = await stream.nextEvent();
    if (data === null) throw new Error('stream ended before a content event');
    if (data === '[DONE]') continue;
    const chunk = JSON.parse(data);
    if (chunk.choices?.[0]?.delta?.content) return chunk;
  }
}
