// The pricing rules of docs/pricing.md, written again independently in BigInt nano-credits, so a
// test states the exact amount a user must be charged.

const NANOS_PER_CREDIT = 1_000_000_000n;

/** "0.15" → 150000000n (exact; at most 9 decimals, optional leading '-'). */
export function parseCredits(text) {
  const match = /^(-?)(\d+)(?:\.(\d{1,9}))?$/.exec(String(text));
  if (!match) throw new Error(`not a decimal credit amount: ${JSON.stringify(text)}`);
  const [, sign, whole, fraction = ''] = match;
  const nanos = BigInt(whole) * NANOS_PER_CREDIT + BigInt(fraction.padEnd(9, '0'));
  return sign ? -nanos : nanos;
}

/** 6600n → "0.0000066": the shortest exact form, as creditgate formats amounts. */
export function formatCredits(nanos) {
  nanos = BigInt(nanos);
  const negative = nanos < 0n;
  const abs = negative ? -nanos : nanos;
  const whole = abs / NANOS_PER_CREDIT;
  const fraction = (abs % NANOS_PER_CREDIT).toString().padStart(9, '0').replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction ? `.${fraction}` : ''}`;
}

const ceilDiv = (a, b) => (a + b - 1n) / b; // a >= 0, b > 0

/** A model's prices in nanos per Mtok, from the config's decimal strings. */
export function priceOf(modelConfig) {
  return {
    input: parseCredits(modelConfig.input),
    cached: parseCredits(modelConfig.cached_input ?? modelConfig.input),
    cacheWrite: modelConfig.cache_write === undefined ? undefined : parseCredits(modelConfig.cache_write),
    output: parseCredits(modelConfig.output),
    maxOutputTokens: BigInt(modelConfig.max_output_tokens),
  };
}

export function markupOf(markupConfig = {}) {
  // percent is scaled by 1e9, as creditgate stores it; the divisor is then 100 × 1e9.
  return { percentNanos: parseCredits(markupConfig.percent ?? '0'), fixed: parseCredits(markupConfig.fixed ?? '0') };
}

function withMarkup(provider, markup) {
  const markupNanos = ceilDiv(provider * markup.percentNanos, 100n * NANOS_PER_CREDIT) + markup.fixed;
  return { provider, markup: markupNanos, total: provider + markupNanos };
}

/**
 * Exact cost of a usage: each token class rounded up on its own, then the mark-up rounded up.
 * cached and cacheWrite are parts of prompt; `dearest` tokens (a class the entry does not sell)
 * are charged at `dearestPrice`.
 */
export function costOf(price, markup, { prompt, cached = 0, cacheWrite = 0, completion, dearest = 0, dearestPrice = 0n }) {
  const uncached = BigInt(prompt) - BigInt(cached) - BigInt(cacheWrite);
  const provider = ceilDiv(uncached * price.input, 1_000_000n)
    + ceilDiv(BigInt(cached) * price.cached, 1_000_000n)
    + ceilDiv(BigInt(cacheWrite) * (price.cacheWrite ?? 0n), 1_000_000n)
    + ceilDiv(BigInt(completion) * price.output, 1_000_000n)
    + ceilDiv(BigInt(dearest) * BigInt(dearestPrice), 1_000_000n);
  return withMarkup(provider, markup);
}

/** docs/pricing.md: the prompt bound of a chat request with plain string messages. */
export function promptBound(messages) {
  let total = 16;
  for (const message of messages) {
    total += 8;
    for (const [key, value] of Object.entries(message)) {
      if (typeof value !== 'string') throw new Error('promptBound: only string message fields are modelled here');
      if (!['role', 'content', 'name'].includes(key)) throw new Error(`promptBound: field ${key} not modelled`);
      total += Buffer.byteLength(value, 'utf8');
    }
  }
  return total;
}

/** The hold placed for a request: prompt bound at the dearer prompt price + max output, + markup. */
export function quoteOf(price, markup, { messages, maxTokens, n = 1 }) {
  const bound = BigInt(promptBound(messages));
  const promptPrice = price.input > price.cached ? price.input : price.cached;
  let prompt = ceilDiv(bound * promptPrice, 1_000_000n);
  if (bound >= 2n && price.input % 1_000_000n !== 0n && price.cached % 1_000_000n !== 0n) prompt += 1n;
  const perChoice = maxTokens !== undefined && BigInt(maxTokens) < price.maxOutputTokens
    ? BigInt(maxTokens) : price.maxOutputTokens;
  const output = ceilDiv(perChoice * BigInt(n) * price.output, 1_000_000n);
  return withMarkup(prompt + output, markup);
}
