// The user's pages over plain HTTP, as a browser without JavaScript uses them: a cookie jar,
// redirects not followed (a test asserts each one), form posts, and reading fields, ids and
// rows out of the HTML with small regular expressions (the pages are ours and regular).
import assert from 'node:assert/strict';

/** The headers every page, redirect and error page carries (docs/api.md "User pages"). */
export const PAGE_HEADERS = {
  'content-security-policy': /^default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; frame-ancestors 'none'/,
  'x-frame-options': /^DENY$/,
  'cache-control': /^no-store$/,
  'referrer-policy': /^no-referrer$/,
  'x-content-type-options': /^nosniff$/,
};

export function assertPageHeaders(reply, where = '') {
  for (const [name, pattern] of Object.entries(PAGE_HEADERS)) {
    const value = reply.headers.get(name);
    assert.match(value ?? '', pattern, `${where} ${reply.status}: header ${name} = ${value}`);
  }
}

/** One browser: its cookies, and the last page's CSRF token. */
export class PageClient {
  constructor(gateway) {
    this.base = gateway.publicUrl;
    this.cookies = new Map();
  }

  async send(method, path, { form, headers = {} } = {}) {
    const init = { method, redirect: 'manual', headers: { ...headers } };
    const cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
    if (cookie) init.headers.cookie = cookie;
    if (form !== undefined) {
      init.headers['content-type'] = 'application/x-www-form-urlencoded';
      init.body = new URLSearchParams(form).toString();
    }
    const res = await fetch(`${this.base}${path}`, init);
    keepCookies(this.cookies, res);
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, location: res.headers.get('location') };
  }

  get(path, options) { return this.send('GET', path, options); }
  post(path, form, options) { return this.send('POST', path, { ...options, form }); }

  /** GET a page expecting 200; returns its reply with `csrf` (the page's token, if any). */
  async page(path) {
    const reply = await this.get(path);
    assert.equal(reply.status, 200, `GET ${path}: ${reply.status} ${reply.text.slice(0, 300)}`);
    reply.csrf = csrfOf(reply.text);
    return reply;
  }

  /** Signs in with an account key; asserts the 303 to `next`. */
  async signInWithKey(key, next = '/account') {
    const reply = await this.post('/sign-in', { key, next });
    assert.equal(reply.status, 303, `sign-in: ${reply.status} ${reply.text.slice(0, 300)}`);
    assert.equal(reply.location, next);
    return reply;
  }
}

export function csrfOf(html) {
  return html.match(/name="csrf" value="([^"]+)"/)?.[1];
}

/** The text of the element with this id (tags stripped). */
export function textById(html, id) {
  const match = html.match(new RegExp(`id="${id}"[^>]*>([\\s\\S]*?)</`));
  return match ? match[1].replace(/<[^>]*>/g, '').trim() : undefined;
}

/** The opening tags and contents of `<tr class="cls" ...>...</tr>` rows. */
export function rowsOf(html, cls) {
  return [...html.matchAll(new RegExp(`<tr class="${cls}"([^>]*)>([\\s\\S]*?)</tr>`, 'g'))]
    .map(([, attributes, inner]) => ({
      attributes,
      inner,
      attr: (name) => attributes.match(new RegExp(`${name}="([^"]*)"`))?.[1],
      cell: (cls2) => inner.match(new RegExp(`<td class="${cls2}"[^>]*>([\\s\\S]*?)</td>`))?.[1]
        ?.replace(/<[^>]*>/g, '').trim(),
    }));
}

/** POST /admin/accounts/{id}/sign-in-links; returns the link's path+query. */
export async function signInLink(admin, accountId, body = {}) {
  const link = await admin.ok('POST', `/admin/accounts/${accountId}/sign-in-links`, { body }, 201);
  const url = new URL(link.url);
  return { path: url.pathname + url.search, token: url.searchParams.get('token'), json: link };
}

/** Applies a response's Set-Cookie lines to `jar` (a Map of name → value), as a browser would. */
export function keepCookies(jar, res) {
  for (const line of res.headers.getSetCookie()) {
    const [pair] = line.split(';');
    const at = pair.indexOf('=');
    const name = pair.slice(0, at).trim();
    const value = pair.slice(at + 1).trim();
    if (value === '' || /max-age=0/i.test(line)) jar.delete(name);
    else jar.set(name, value);
  }
}
