// Models with familiar names for the web-page tests and their screenshots. Each is the mock's
// `mock-fixed` upstream (usage: 12 prompt + 7 completion tokens) at prices that make the
// amounts readable on a page: a call costs 0.004 credits plus the 10 % mark-up.
import { costOf, quoteOf } from './money.js';

export const DEMO_MODELS = ['gpt-4o-mini', 'claude-sonnet'];
const DEMO_PRICE = { input: '100', cached_input: '50', output: '400', max_output_tokens: 1000 };
const MESSAGES = [{ role: 'user', content: 'hi' }];
const MAX_TOKENS = 50;
const USAGE = { prompt: 12, completion: 7 };

/** A TestEnv `configure` hook (or part of one): adds DEMO_MODELS to the config. */
export function addDemoModels(config) {
  for (const name of DEMO_MODELS) {
    config.models[name] = { provider: 'mock', upstream_model: 'mock-fixed', ...DEMO_PRICE };
  }
}

/** The chat body every demo call sends. */
export function demoChat(model) {
  return { model, messages: MESSAGES, max_tokens: MAX_TOKENS };
}

/** {charge, hold} of one demoChat call, each as {provider, markup, total} nanos. */
export function demoCallCost(env, model) {
  const price = env.priceOf(model);
  return {
    charge: costOf(price, env.markup, USAGE),
    hold: quoteOf(price, env.markup, { messages: MESSAGES, maxTokens: MAX_TOKENS }),
  };
}
