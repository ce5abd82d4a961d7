// Headless Chromium for the web pages (consent, /account): Debian's `chromium` driven by npm
// `playwright-core`. A missing browser fails the suite (scripts/install-deps.sh --test installs
// it); it never skips.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { chromium } from 'playwright-core';

const repoDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Debian's chromium; CHROMIUM_BIN overrides it (another distribution's path). */
export const CHROMIUM_BIN = process.env.CHROMIUM_BIN || '/usr/bin/chromium';

/**
 * One headless Chromium per suite, a fresh context (cookies, permissions) per test.
 * `await browser.start()` in `before`, `await browser.close()` in `after`.
 */
export class Browser {
  constructor() {
    this.contexts = [];
  }

  async start() {
    assert.ok(fs.existsSync(CHROMIUM_BIN),
      `Chromium not found at ${CHROMIUM_BIN}: run scripts/install-deps.sh --test (Debian package "chromium")`);
    // --no-sandbox: the tests run as root in CI, where Chromium's sandbox refuses to start.
    this.chromium = await chromium.launch({ executablePath: CHROMIUM_BIN, args: ['--no-sandbox'] });
    return this;
  }

  /** A new context (no cookies) with one page; `options` as for playwright's newContext. */
  async newPage(options = {}) {
    const context = await this.chromium.newContext(options);
    this.contexts.push(context);
    const page = await context.newPage();
    // A missing element fails in seconds, not playwright's default 30 s (ASan builds included).
    page.setDefaultTimeout(15_000);
    return page;
  }

  async close() {
    for (const context of this.contexts) await context.close().catch(() => {});
    this.contexts = [];
    await this.chromium?.close();
  }
}

/**
 * Saves a full-page screenshot to `dir/name`, and to docs/images/name when `publish` is set and
 * the run asked for it (CREDITGATE_SCREENSHOTS=1): the documentation's pictures stay current.
 */
export async function saveScreenshot(page, dir, name, { publish = false } = {}) {
  const file = path.join(dir, name);
  await page.screenshot({ path: file, fullPage: true });
  if (publish && process.env.CREDITGATE_SCREENSHOTS === '1') {
    const images = path.join(repoDir, 'docs', 'images');
    fs.mkdirSync(images, { recursive: true });
    fs.copyFileSync(file, path.join(images, name));
  }
  return file;
}

/** Every URL the page loads, to check that a page fetches nothing from another origin. */
export function recordRequests(page) {
  const urls = [];
  page.on('request', (request) => urls.push(request.url()));
  return urls;
}

/** The headers every creditgate web page carries (issue 20: framing, caching, referrer, CSP). */
export function assertPageHeaders(response, what) {
  const headers = response.headers();
  assert.match(headers['content-security-policy'] ?? '', /frame-ancestors 'none'/, `${what}: CSP`);
  assert.match(headers['content-security-policy'] ?? '', /default-src 'none'/, `${what}: CSP`);
  assert.equal(headers['x-frame-options'], 'DENY', `${what}: X-Frame-Options`);
  assert.match(headers['cache-control'] ?? '', /no-store/, `${what}: Cache-Control`);
  assert.equal(headers['referrer-policy'], 'no-referrer', `${what}: Referrer-Policy`);
}

/** Fills the sign-in form (the /sign-in page or the consent page's) and submits it. */
export async function signIn(page, key) {
  await page.fill('#key', key);
  await Promise.all([page.waitForNavigation(), page.click('#sign-in')]);
}

/** The session cookie of a context: HttpOnly, SameSite=Lax, not Secure on plain-HTTP loopback. */
export async function assertSessionCookie(page) {
  const cookies = await page.context().cookies();
  const session = cookies.find((cookie) => cookie.name === 'cg_session');
  assert.ok(session, `no cg_session cookie after signing in: ${JSON.stringify(cookies.map((c) => c.name))}`);
  assert.equal(session.httpOnly, true, 'cg_session is HttpOnly');
  assert.equal(session.sameSite, 'Lax', 'cg_session is SameSite=Lax');
  assert.equal(session.path, '/');
  assert.equal(session.secure, false, 'plain HTTP to a loopback address: no Secure flag');
  return session;
}

/**
 * On the signed-in consent page: unchecks the models in `uncheck`, sets the monthly cap when
 * given, and clicks Approve; resolves once the browser is at the app's `redirectUri`.
 */
export async function narrowAndApprove(page, redirectUri, { uncheck = [], budgetMonth } = {}) {
  for (const model of uncheck) await page.uncheck(`input[name="model"][value="${model}"]`);
  if (budgetMonth !== undefined) await page.fill('input[name="budget_month"]', budgetMonth);
  await Promise.all([
    page.waitForURL((url) => url.href.startsWith(`${redirectUri}?`)),
    page.click('#approve'),
  ]);
}

/** The trimmed text of every element of the page matching `selector`. */
export function textsOf(page, selector) {
  return page.$$eval(selector, (nodes) => nodes.map((node) => node.textContent.trim()));
}
