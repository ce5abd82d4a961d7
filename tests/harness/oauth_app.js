// A tiny third-party app for the OAuth tests: a node http server on 127.0.0.1 that starts the
// authorization-code flow with PKCE (S256) and a state, takes the code on its callback and
// exchanges it at /oauth/token, as any app built on creditgate would (docs/oauth.md).
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import http from 'node:http';

import { request } from './http.js';

const base64url = (bytes) => Buffer.from(bytes).toString('base64url');

export class OAuthApp {
  /** Starts the app's server; `register()` it before sending a browser to `connectUrl`. */
  static async start(gateway) {
    const app = new OAuthApp(gateway);
    await new Promise((resolve) => app.server.listen(0, '127.0.0.1', resolve));
    app.origin = `http://127.0.0.1:${app.server.address().port}`;
    return app;
  }

  constructor(gateway) {
    this.gateway = gateway;
    this.pending = new Map();  // state → PKCE verifier of a flow the app started
    this.sentStates = [];  // every state the app sent, oldest first
    this.callbacks = [];  // every query its callback received
    this.callbackReferers = [];  // the Referer header of each (undefined when none was sent)
    this.tokenReplies = [];  // every /oauth/token reply
    this.server = http.createServer((req, res) => {
      this.handle(req, res).catch((error) => { res.statusCode = 500; res.end(String(error)); });
    });
  }

  get redirectUri() {
    return `${this.origin}/callback`;
  }

  /** The page a user opens to connect their creditgate account, proposing `scope`. */
  connectUrl(scope) {
    return `${this.origin}/connect?${new URLSearchParams({ scope })}`;
  }

  /** POST /admin/oauth/clients with this app's callback; returns the client object. */
  async register(admin, name) {
    this.client = await admin.ok('POST', '/admin/oauth/clients',
      { body: { name, redirect_uris: [this.redirectUri] } }, 201);
    return this.client;
  }

  /** The access token from the last successful exchange. */
  get accessToken() {
    const reply = this.tokenReplies.findLast((r) => r.status === 200);
    assert.ok(reply, `no token exchanged yet: ${JSON.stringify(this.tokenReplies.map((r) => r.text))}`);
    return reply.json.access_token;
  }

  /** Gives the access token back (POST /oauth/revoke, RFC 7009); returns the reply. */
  revoke() {
    return request(`${this.gateway.publicUrl}/oauth/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: this.accessToken, token_type_hint: 'access_token', client_id: this.client.client_id,
      }).toString(),
    });
  }

  async handle(req, res) {
    const url = new URL(req.url, this.origin);
    if (url.pathname === '/connect') {
      const verifier = base64url(crypto.randomBytes(32));
      // Characters a state may carry that a sloppy server could re-encode.
      const state = `st.${base64url(crypto.randomBytes(12))}~-_`;
      this.pending.set(state, verifier);
      this.sentStates.push(state);
      const authorize = new URL('/oauth/authorize', this.gateway.publicUrl);
      authorize.search = new URLSearchParams({
        response_type: 'code',
        client_id: this.client.client_id,
        redirect_uri: this.redirectUri,
        code_challenge: base64url(crypto.createHash('sha256').update(verifier).digest()),
        code_challenge_method: 'S256',
        state,
        scope: url.searchParams.get('scope'),
      }).toString();
      res.writeHead(302, { location: authorize.toString() }).end();
      return;
    }
    if (url.pathname === '/callback') {
      const query = Object.fromEntries(url.searchParams);
      this.callbacks.push(query);
      this.callbackReferers.push(req.headers.referer);
      const verifier = this.pending.get(query.state);
      if (!query.code || verifier === undefined) {
        res.writeHead(400, { 'content-type': 'text/html' }).end('<p id="app-error">not connected</p>');
        return;
      }
      this.pending.delete(query.state);
      const reply = await request(`${this.gateway.publicUrl}/oauth/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'authorization_code', code: query.code, code_verifier: verifier,
          redirect_uri: this.redirectUri, client_id: this.client.client_id,
        }).toString(),
      });
      this.tokenReplies.push(reply);
      const connected = reply.status === 200;
      res.writeHead(connected ? 200 : 502, { 'content-type': 'text/html' })
        .end(connected ? '<p id="app-connected">connected</p>' : '<p id="app-error">exchange failed</p>');
      return;
    }
    res.writeHead(404).end();
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise((resolve) => this.server.close(resolve));
  }
}

/** "models:a,b budget:month:5 expires:30d" → {models: "a,b", "budget:month": "5", expires: "30d"}. */
export function parseScope(scope) {
  const terms = {};
  for (const term of scope.split(' ').filter(Boolean)) {
    const at = term.startsWith('budget:month:') ? 'budget:month:'.length : term.indexOf(':') + 1;
    const name = term.slice(0, at - 1);
    assert.ok(!(name in terms), `scope term "${name}" twice in "${scope}"`);
    terms[name] = term.slice(at);
  }
  return terms;
}

/**
 * What a consent suite starts in before(): the gateway (`env`), Chromium (`browser`), an app
 * registered as `appName`, and a user account funded with `funds` credits. Returns { app, user }.
 */
export async function startConsentWorld(env, browser, appName, funds = '10') {
  await env.start();
  await browser.start();
  const app = await OAuthApp.start(env.gateway);
  await app.register(env.admin, appName);
  return { app, user: await env.admin.fundedAccount(funds) };
}

/** Ends what startConsentWorld started (also after a partial start). */
export async function stopConsentWorld(env, browser, app) {
  await browser.close();
  await app?.stop();
  await env.teardown();
}
