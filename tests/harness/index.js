// One import for the tests: a running mock + creditgate pair, the admin client, money rules.
import assert from 'node:assert/strict';
import path from 'node:path';

import { Gateway, MockUpstream, gatewayConfig, makeTempDir, randomSecret } from './processes.js';
import { Admin } from './http.js';
import { markupOf, priceOf } from './money.js';

export * from './processes.js';
export * from './http.js';
export * from './money.js';
export * from './cli.js';
export * from './load.js';

/**
 * A mock upstream and a creditgate on a fresh SQLite file in a temp dir. `await env.start()`
 * in `before`, `await env.teardown()` in `after`: teardown SIGTERMs every creditgate still
 * running and asserts it exited 0, then stops the mock and removes the temp dir.
 */
export class TestEnv {
  /**
   * `secrets`: {adminToken, providerKey} to use instead of random ones; `configure(config)`:
   * edits the generated config (extra models, provider fields) before the gateway starts.
   */
  constructor({ limits = {}, markup, threads, secrets, configure } = {}) {
    this.options = { limits, markup, threads };
    this.fixedSecrets = secrets;
    this.configure = configure;
    this.gateways = [];
  }

  async start() {
    this.temp = makeTempDir();
    this.dir = this.temp.dir;
    try {
      this.mock = await MockUpstream.start();
      this.secrets = this.fixedSecrets
        ?? { adminToken: randomSecret('it-admin-'), providerKey: randomSecret('mock-provider-key-') };
      this.dbPath = path.join(this.dir, 'cg.db');
      this.config = await gatewayConfig({ mock: this.mock, dbPath: this.dbPath, ...this.options });
      this.configure?.(this.config);
      this.markup = markupOf(this.config.markup);
      await this.startGateway();
    } catch (error) {
      await this.cleanup();
      throw error;
    }
    return this;
  }

  /** Starts a creditgate on this env's config and database; it becomes `this.gateway`. */
  async startGateway(config = this.config) {
    const gateway = await Gateway.start({ dir: this.dir, config, secrets: this.secrets });
    this.gateways.push(gateway);
    this.gateway = gateway;
    this.admin = new Admin(gateway);
    return gateway;
  }

  priceOf(model) {
    return priceOf(this.config.models[model]);
  }

  async teardown() {
    const failures = [];
    for (const gateway of this.gateways) {
      if (!gateway.running) continue;
      try {
        const { code, signal } = await gateway.stop();
        if (code !== 0) failures.push(`creditgate exited with code ${code} signal ${signal}\n${gateway.stderrTail()}`);
      } catch (error) {
        failures.push(error.message);
      }
    }
    await this.cleanup();
    assert.deepEqual(failures, [], 'creditgate must drain and exit 0 on SIGTERM');
  }

  async cleanup() {
    for (const gateway of this.gateways) {
      if (gateway.running) await gateway.kill9().catch(() => {});
    }
    if (this.mock) await this.mock.stop().catch(() => {});
    this.temp?.cleanup();
  }
}
