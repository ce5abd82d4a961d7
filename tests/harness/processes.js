// Starting and stopping the real binaries: the mock upstream and creditgate, each on port 0.
// Every process started here is tracked and SIGKILLed if the test process itself goes away, so a
// failed or interrupted test never leaves a server running.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import crypto from 'node:crypto';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const testsDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Paths of the binaries under test: env CREDITGATE_BIN / MOCK_UPSTREAM_BIN, relative to tests/. */
export function binaries() {
  const resolve = (value, fallback) => path.resolve(testsDir, value || fallback);
  return {
    creditgate: resolve(process.env.CREDITGATE_BIN, '../build/creditgate'),
    mock: resolve(process.env.MOCK_UPSTREAM_BIN, '../build/tests/mock_upstream/mock_upstream'),
  };
}

// Generous: an ASan build on a loaded 2-core machine starts slowly.
export const START_TIMEOUT_MS = 30_000;
export const STOP_TIMEOUT_MS = 40_000;

const live = new Set();
function killAllLive() {
  for (const child of live) {
    try { child.kill('SIGKILL'); } catch { /* already gone */ }
  }
}
process.on('exit', killAllLive);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => { killAllLive(); process.exit(130); });
}

/** A fresh temporary directory, removed by the returned cleanup function. */
export function makeTempDir(prefix = 'creditgate-it-') {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  return { dir, cleanup: () => fs.rmSync(dir, { recursive: true, force: true }) };
}

export function randomSecret(prefix) {
  return `${prefix}${crypto.randomBytes(16).toString('hex')}`;
}

/**
 * Spawns `command` and resolves with the first stdout line matching `pattern` (the "ready" line).
 * Rejects if the process exits first or the line does not come within START_TIMEOUT_MS; stderr is
 * collected line by line in `child.stderrLines` (creditgate writes one JSON log line per request).
 */
function spawnUntilReady(command, args, { env, pattern, name }) {
  if (!fs.existsSync(command)) {
    throw new Error(`${name}: binary not found at ${command} (set CREDITGATE_BIN / MOCK_UPSTREAM_BIN)`);
  }
  const child = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  child.stderrLines = [];
  child.stdoutLines = [];
  child.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  readline.createInterface({ input: child.stderr }).on('line', (line) => child.stderrLines.push(line));
  const out = readline.createInterface({ input: child.stdout });
  return new Promise((resolve, reject) => {
    const fail = (why) => {
      clearTimeout(timer);
      try { child.kill('SIGKILL'); } catch { /* gone */ }
      reject(new Error(`${name}: ${why}\nstderr:\n${child.stderrLines.slice(-40).join('\n')}`));
    };
    const timer = setTimeout(() => fail(`no ready line within ${START_TIMEOUT_MS} ms`), START_TIMEOUT_MS);
    child.once('error', (error) => fail(`spawn failed: ${error.message}`));
    child.exited.then(({ code, signal }) => fail(`exited before it was ready (code ${code}, signal ${signal})`));
    out.on('line', (line) => {
      child.stdoutLines.push(line);
      const match = pattern.exec(line);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    });
  });
}

/** Waits for `child` to exit, at most `timeoutMs`; returns {code, signal} or null on timeout. */
export async function waitForExit(child, timeoutMs = STOP_TIMEOUT_MS) {
  let timer;
  const timeout = new Promise((resolve) => { timer = setTimeout(() => resolve(null), timeoutMs); });
  const result = await Promise.race([child.exited, timeout]);
  clearTimeout(timer);
  return result;
}

export class MockUpstream {
  /** `tls`: {cert, key} PEM file paths to serve HTTPS instead of HTTP. */
  static async start({ tls } = {}) {
    const args = ['--listen', '127.0.0.1:0', '--threads', '2'];
    if (tls) args.push('--tls-cert', tls.cert, '--tls-key', tls.key);
    const { child, match } = await spawnUntilReady(
      binaries().mock, args,
      { env: process.env, pattern: /^listening 127\.0\.0\.1:(\d+)$/, name: 'mock_upstream' });
    return new MockUpstream(child, Number(match[1]), tls ? 'https' : 'http');
  }

  constructor(child, port, scheme = 'http') {
    this.child = child;
    this.port = port;
    this.url = `${scheme}://127.0.0.1:${port}`;
  }

  async stats() {
    const res = await fetch(`${this.url}/__mock/stats`);
    return res.json();
  }

  /** The last requests the mock received on /v1/*, oldest first. */
  async requests() {
    const res = await fetch(`${this.url}/__mock/requests`);
    return res.json();
  }

  async clearRequests() {
    await fetch(`${this.url}/__mock/requests`, { method: 'DELETE' });
  }

  async stop() {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    if (!(await waitForExit(this.child, 10_000))) {
      this.child.kill('SIGKILL');
      await waitForExit(this.child, 10_000);
    }
  }
}

export const DEFAULT_PRICE = { input: '0.15', cached_input: '0.075', output: '0.60', max_output_tokens: 1000 };

/** The mock models every test gateway knows, each priced like DEFAULT_PRICE. */
export const MOCK_MODELS = [
  'mock-fixed', 'mock-cached', 'mock-no-usage', 'mock-slow-stream', 'mock-cutoff',
  'mock-error-429', 'mock-error-500', 'mock-hang', 'mock-usage-from-header',
  'mock-stream-error', 'mock-drop-reused',
];

/** The request headers that steer the mock (tests/mock_upstream/README.md). */
export const MOCK_HEADERS = ['x-mock-chunks', 'x-mock-delay-ms', 'x-mock-first-delay-ms', 'x-mock-usage'];

/** A TCP port on 127.0.0.1 with nothing listening on it (bound, then closed). */
export async function closedPort() {
  const server = net.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Builds a creditgate config for `mock`: every MOCK_MODELS entry, plus
 *  - "alias-fixed": a public name the upstream is sent as "mock-fixed";
 *  - "dead-model": on a provider whose base_url points at a closed port.
 * `overrides` is merged shallowly at the top level and into `limits`.
 */
export async function gatewayConfig({ mock, dbPath, limits = {}, markup = { percent: '10', fixed: '0' }, threads = 2 }) {
  const models = {};
  for (const name of MOCK_MODELS) models[name] = { provider: 'mock', ...DEFAULT_PRICE };
  models['alias-fixed'] = { provider: 'mock', upstream_model: 'mock-fixed', ...DEFAULT_PRICE };
  models['dead-model'] = { provider: 'dead', upstream_model: 'mock-fixed', ...DEFAULT_PRICE };
  return {
    listen: '127.0.0.1:0',
    admin: { listen: '127.0.0.1:0', token_env: 'CREDITGATE_ADMIN_TOKEN' },
    database: { sqlite: dbPath },
    threads,
    limits: { shutdown_grace_ms: 20_000, ...limits },
    markup,
    providers: {
      // The mock is steered by x-mock-* request headers: forwarded only because it lists them.
      mock: { base_url: `${mock.url}/v1`, api_key_env: 'MOCK_UPSTREAM_KEY', forward_headers: MOCK_HEADERS },
      dead: { base_url: `http://127.0.0.1:${await closedPort()}/v1`, api_key_env: 'MOCK_UPSTREAM_KEY' },
    },
    models,
  };
}

export class Gateway {
  /**
   * Writes `config` to `dir` and starts `creditgate serve` on it. `secrets` carries the admin
   * token and the provider key; pass the same ones to restart on the same database.
   */
  static async start({ dir, config, secrets, name = 'creditgate' }) {
    const configPath = path.join(dir, `${name}-${crypto.randomBytes(4).toString('hex')}.json`);
    fs.writeFileSync(configPath, JSON.stringify(config, null, 2));
    const env = {
      ...process.env,
      CREDITGATE_ADMIN_TOKEN: secrets.adminToken,
      MOCK_UPSTREAM_KEY: secrets.providerKey,
      ...(secrets.extraEnv ?? {}),  // e.g. named admin tokens (admin.tokens[].token_env)
    };
    const { child, match } = await spawnUntilReady(
      binaries().creditgate, ['serve', '--config', configPath],
      {
        env,
        pattern: /^creditgate listening public=127\.0\.0\.1:(\d+) admin=127\.0\.0\.1:(\d+)$/,
        name,
      });
    return new Gateway(child, Number(match[1]), Number(match[2]), config, secrets, configPath);
  }

  constructor(child, publicPort, adminPort, config, secrets, configPath) {
    this.child = child;
    this.configPath = configPath; // the file SIGHUP and POST /admin/reload read again
    this.publicUrl = `http://127.0.0.1:${publicPort}`;
    this.adminUrl = `http://127.0.0.1:${adminPort}`;
    this.config = config;
    this.secrets = secrets;
  }

  get running() {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** stderr lines that parse as JSON objects (the structured log). */
  logEvents() {
    const events = [];
    for (const line of this.child.stderrLines) {
      try {
        const value = JSON.parse(line);
        if (value && typeof value === 'object') events.push(value);
      } catch { /* not a JSON line (sanitizer output, ...) */ }
    }
    return events;
  }

  /**
   * The end of stderr; or, when there is a sanitizer or fatal report, its gist: the error line,
   * the section headings and the frames in creditgate's own code.
   */
  stderrTail(lines = 24) {
    const all = this.child.stderrLines;
    const clip = (line) => (line.length > 240 ? `${line.slice(0, 240)}…` : line);
    const report = all.findIndex((line) => /ERROR: AddressSanitizer|ERROR: LeakSanitizer|runtime error:|"event":"fatal"/.test(line));
    if (report === -1) return all.slice(-lines).map(clip).join('\n');
    const gist = all.slice(report).filter((line, i) => i === 0
      || /^(READ|WRITE|freed by|previously allocated|SUMMARY|Direct leak|Indirect leak)/.test(line.trim())
      || / in (creditgate::|main )|\/src\/\S+:\d+|runtime error|"event"/.test(line));
    return gist.slice(0, lines).map(clip).join('\n');
  }

  /** Sends SIGTERM once (a second one would be a different test: see lifecycle.test.js). */
  terminate() {
    if (this.sigtermSent || !this.running) return;
    this.sigtermSent = true;
    this.child.kill('SIGTERM');
  }

  /** SIGTERM (once), then wait for the exit; returns {code, signal} (SIGKILLs and throws on timeout). */
  async stop() {
    if (!this.running) return this.child.exited;
    this.terminate();
    const result = await waitForExit(this.child, STOP_TIMEOUT_MS);
    if (!result) {
      this.child.kill('SIGKILL');
      await waitForExit(this.child, 10_000);
      throw new Error(`creditgate did not exit within ${STOP_TIMEOUT_MS} ms of SIGTERM\n${this.stderrTail()}`);
    }
    return result;
  }

  /** kill -9: no drain, no clean shutdown. */
  async kill9() {
    if (!this.running) return this.child.exited;
    this.child.kill('SIGKILL');
    return waitForExit(this.child, STOP_TIMEOUT_MS);
  }
}

/** Each describe() fails after this long instead of hanging the run (its after() still runs). */
export const SUITE_TIMEOUT_MS = 150_000;
