// How close a hold is to the final charge, on a realistic mix of chat requests, through the
// real binary and the mock upstream (docs/pricing.md, "How tight a hold is").
//
// Each request goes twice: to a model counted with o200k_base and to the same model counted in
// bytes (the rule before BPE). The mock reports the prompt tokens OpenAI would (tiktoken, the
// cookbook's 3 per message + 3; see below for tools and images), so each charge is what gpt-4o
// would bill. Holds and charges are read from the ledger's SQLite file.
// Usage: bench/hold/run.sh   (installs the npm tiktoken package into bench/hold/.deps once)
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

import { TestEnv, chat } from '../../tests/harness/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '../..');
const { get_encoding } = createRequire(path.join(here, '.deps/'))('tiktoken');
const o200k = get_encoding('o200k_base');
const tokens = (text) => o200k.encode_ordinary(text).length;

// --- the mix -------------------------------------------------------------------------------
const read = (relative) => fs.readFileSync(path.join(root, relative), 'utf8');
const prose = read('docs/design.md').split(/\n\n+/).filter((p) => p.length > 200 && !p.startsWith('|'));
const code = read('src/pricing/chat_quote.cpp');
const cjk = '日本語のテキストを数えます。東京は日本の首都です。中文文本：你好，世界！今天天气很好。';
let seed = 7;
const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const pick = (list) => list[Math.floor(random() * list.length)];
const paragraphs = (n) => Array.from({ length: n }, () => pick(prose)).join('\n\n');

const system = 'You are a helpful assistant. Answer concisely and cite the document when you can.';
const tools = [{
  type: 'function',
  function: {
    name: 'get_weather', description: 'Current weather for a city',
    parameters: { type: 'object', properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['c', 'f'] } }, required: ['city'] },
  },
}];

// kind → [messages, extras, completion tokens, max_tokens]
const kinds = {
  'short question': () => [[{ role: 'user', content: 'What does a hold protect against, in one sentence?' }], {}],
  'chat, 6 turns': () => [[
    { role: 'system', content: system },
    ...Array.from({ length: 3 }, () => [
      { role: 'user', content: pick(prose).slice(0, 300) },
      { role: 'assistant', content: pick(prose) },
    ]).flat(),
  ], {}],
  'code review': () => [[
    { role: 'system', content: 'You review C++ code.' },
    { role: 'user', content: `Review this file:\n\n\`\`\`cpp\n${code.slice(0, 4000)}\n\`\`\`` },
  ], {}],
  'document Q&A (RAG)': () => [[
    { role: 'system', content: system },
    { role: 'user', content: `Document:\n${paragraphs(12)}\n\nQuestion: how are holds settled?` },
  ], {}],
  'CJK chat': () => [[{ role: 'user', content: cjk.repeat(6) }], {}],
  'text parts': () => [[{
    role: 'user',
    content: [{ type: 'text', text: paragraphs(2) }, { type: 'text', text: 'Summarise the above.' }],
  }], {}],
  'tools': () => [[{ role: 'user', content: 'What is the weather in Paris?' }], { tools }],
  'image (low detail)': () => [[{
    role: 'user',
    content: [{ type: 'text', text: 'What is in this picture?' },
      { type: 'image_url', image_url: { url: 'https://example.com/cat.png', detail: 'low' } }],
  }], {}],
};

// What gpt-4o counts (OpenAI cookbook): 3 per message, the tokens of each string field, 1 per
// name, 3 for the reply. Text parts joined; a low-detail image is 85 tokens; tool definitions
// are rendered in a format OpenAI does not publish: their JSON's tokens stand in for it.
function promptTokens(messages, extras) {
  let total = 3;
  for (const message of messages) {
    total += 3;
    for (const [key, value] of Object.entries(message)) {
      if (typeof value === 'string') total += tokens(value) + (key === 'name' ? 1 : 0);
      else if (Array.isArray(value)) {
        total += tokens(value.filter((p) => p.type === 'text').map((p) => p.text).join(''));
        total += 85 * value.filter((p) => p.type === 'image_url').length;
      }
    }
  }
  if (extras.tools) total += tokens(JSON.stringify(extras.tools));
  return total;
}

// --- the run -------------------------------------------------------------------------------
const perKind = Number(process.env.HOLD_BENCH_PER_KIND ?? 10);
const priced = (input, output) => ({ input, output, max_output_tokens: 16384 });
const env = new TestEnv({
  markup: { percent: '0', fixed: '0' },
  configure(config) {
    const upstream = { provider: 'mock', upstream_model: 'mock-usage-from-header' };
    // Prompt only (output free): the hold's prompt part against the charge's.
    config.models['prompt-bpe'] = { ...upstream, ...priced('2.50', '0'), tokenizer: 'o200k_base' };
    config.models['prompt-bytes'] = { ...upstream, ...priced('2.50', '0'), tokenizer: 'bytes' };
    // gpt-4o's prices, with max_tokens and a completion: the whole hold against the charge.
    config.models['full-bpe'] = { ...upstream, ...priced('2.50', '10.00'), tokenizer: 'o200k_base' };
    config.models['full-bytes'] = { ...upstream, ...priced('2.50', '10.00'), tokenizer: 'bytes' };
  },
});
await env.start();
try {
  const { key, accountId } = await env.admin.fundedAccount('1000000');
  const sent = [];  // {kind, model, requestId}
  for (const [kind, build] of Object.entries(kinds)) {
    for (let i = 0; i < perKind; ++i) {
      const [messages, extras] = build();
      const prompt = promptTokens(messages, extras);
      const completion = 50 + Math.floor(random() * 450);
      const maxTokens = pick([512, 1024, 2048]);
      for (const model of ['prompt-bpe', 'prompt-bytes', 'full-bpe', 'full-bytes']) {
        const reply = await chat(env.gateway, key, { model, messages, max_tokens: maxTokens, ...extras },
          { 'x-mock-usage': JSON.stringify({ prompt_tokens: prompt, completion_tokens: completion }) });
        if (reply.status !== 200) throw new Error(`${model}: ${reply.status} ${reply.text}`);
        sent.push({ kind, model, requestId: reply.headers.get('x-request-id') });
      }
    }
  }
  await env.admin.waitForNoHold(accountId);
  const rows = execFileSync('sqlite3', ['-separator', ' ', env.dbPath,
    'SELECT h.request_id, h.amount_nanos, e.amount_nanos FROM holds h JOIN entries e ON e.hold_id = h.id'],
  { encoding: 'utf8' }).trim().split('\n').map((line) => line.split(' '));
  // Charges are debits: negative amounts on the entry.
  const byId = new Map(rows.map(([id, hold, charge]) => [id, { hold: Number(hold), charge: -Number(charge) }]));

  const ratio = (kind, model) => {
    const list = sent.filter((s) => (kind === null || s.kind === kind) && s.model === model).map((s) => byId.get(s.requestId));
    const holds = list.reduce((a, r) => a + r.hold, 0);
    const charges = list.reduce((a, r) => a + r.charge, 0);
    const each = list.map((r) => r.hold / r.charge).sort((a, b) => a - b);
    return { mean: holds / charges, max: each[each.length - 1], min: each[0] };
  };
  const fmt = (r) => `${r.mean.toFixed(2)} (${r.min.toFixed(2)}–${r.max.toFixed(2)})`;
  console.log(`requests per kind: ${perKind}; hold / charge, total over the kind (min–max of single requests)`);
  console.log('| request kind | prompt: bytes | prompt: o200k_base | whole hold: bytes | whole hold: o200k_base |');
  console.log('|---|---|---|---|---|');
  for (const kind of [...Object.keys(kinds), null]) {
    console.log(`| ${kind ?? '**all**'} | ${fmt(ratio(kind, 'prompt-bytes'))} | ${fmt(ratio(kind, 'prompt-bpe'))} | ${
      fmt(ratio(kind, 'full-bytes'))} | ${fmt(ratio(kind, 'full-bpe'))} |`);
  }
  const below = sent.filter((s) => byId.get(s.requestId).hold < byId.get(s.requestId).charge);
  console.log(`\nholds below their charge: ${below.length} of ${sent.length}${
    below.length ? ` (${[...new Set(below.map((s) => `${s.kind}/${s.model}`))].join(', ')})` : ''}`);
} finally {
  await env.teardown();
}
