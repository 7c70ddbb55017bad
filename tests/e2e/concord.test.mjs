// End-to-end: the official `openai` npm client talks to a running `concord serve` exactly as it
// would talk to OpenAI, with Concord relaying to fake_upstream.mjs. run.sh starts both and sets:
//   CONCORD_URL  http://127.0.0.1:<port> of concord serve     CONCORD_KEY  a key from `concord keys create`
//   FAKE_URL     http://127.0.0.1:<port> of the fake upstream UPSTREAM_KEY the key Concord must send upstream
// Run with `node --test`; each test is independent and uses its own client.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import OpenAI from 'openai';

import { CHAT_USAGE, CHUNK_DELAY_MS, EMBEDDING_DIMS, REPLY_TEXT, STREAM_PIECES } from './fixtures.mjs';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run tests/e2e/run.sh`);
  return value;
};
const CONCORD_URL = env('CONCORD_URL');
const CONCORD_KEY = env('CONCORD_KEY');
const FAKE_URL = env('FAKE_URL');
const UPSTREAM_KEY = env('UPSTREAM_KEY');

const client = (apiKey = CONCORD_KEY) =>
  new OpenAI({ baseURL: `${CONCORD_URL}/v1`, apiKey, maxRetries: 0, timeout: 10_000 });

// What the fake upstream saw last (asked directly, not through Concord).
const upstreamLast = async () => (await fetch(`${FAKE_URL}/__last`)).json();

const messages = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'Say hello. 你好吗？' },
];

test('models.list returns the configured models and the alias', async () => {
  const page = await client().models.list();
  const ids = page.data.map((m) => m.id);
  for (const id of ['fake-chat', 'fake-embed', 'fake-instruct', 'fast'])
    assert.ok(ids.includes(id), `models.list lacks ${id}: ${ids.join(', ')}`);
  for (const m of page.data) assert.equal(m.object, 'model');
});

test('non-streaming chat: content, usage and Concord headers', async () => {
  const { data, response } = await client()
    .chat.completions.create({ model: 'fake-chat', messages })
    .withResponse();
  assert.equal(data.object, 'chat.completion');
  assert.equal(data.choices[0].message.content, REPLY_TEXT);
  assert.equal(data.choices[0].finish_reason, 'stop');
  assert.deepEqual(data.usage, CHAT_USAGE);
  assert.ok(response.headers.get('x-concord-request-id'), 'no x-concord-request-id header');
  const overhead = response.headers.get('x-concord-overhead-us');
  assert.match(overhead ?? '', /^\d+$/, `x-concord-overhead-us is ${overhead}`);
});

test('the upstream gets its own key, never the Concord key', async () => {
  await client().chat.completions.create({ model: 'fake-chat', messages });
  const last = await upstreamLast();
  assert.equal(last.path, '/v1/chat/completions');
  assert.equal(last.authorization, `Bearer ${UPSTREAM_KEY}`);
  assert.ok(!JSON.stringify(last).includes(CONCORD_KEY), 'the Concord key reached the upstream');
});

test('an alias is rewritten to the upstream model', async () => {
  const completion = await client().chat.completions.create({ model: 'fast', messages });
  assert.equal(completion.choices[0].message.content, REPLY_TEXT);
  assert.equal((await upstreamLast()).model, 'fake-chat');
});

test('streaming chat: chunks arrive incrementally and assemble the answer', async () => {
  const stream = await client().chat.completions.create({
    model: 'fake-chat',
    messages,
    stream: true,
    stream_options: { include_usage: true },
  });
  const arrivals = []; // [ms since start, content] for every chunk that carries text
  const start = performance.now();
  let text = '';
  let finish = null;
  let usage = null;
  for await (const chunk of stream) {
    assert.equal(chunk.object, 'chat.completion.chunk');
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    if (choice.finish_reason) finish = choice.finish_reason;
    if (choice.delta?.content) {
      arrivals.push(performance.now() - start);
      text += choice.delta.content;
    }
  }
  assert.equal(text, REPLY_TEXT);
  assert.equal(finish, 'stop');
  assert.equal(arrivals.length, STREAM_PIECES.length);
  assert.deepEqual(usage, { prompt_tokens: 9, completion_tokens: STREAM_PIECES.length, total_tokens: 9 + STREAM_PIECES.length });
  // The fake waits CHUNK_DELAY_MS before each piece. A relay that buffered the whole answer would
  // deliver every piece at once; an incremental one spreads them over ~(n-1) delays.
  const spread = arrivals.at(-1) - arrivals[0];
  assert.ok(spread >= CHUNK_DELAY_MS, `first and last chunk only ${spread.toFixed(1)} ms apart`);
  assert.ok(spread >= (CHUNK_DELAY_MS * (STREAM_PIECES.length - 1)) / 2,
    `chunks bunched: spread ${spread.toFixed(1)} ms, arrivals ${arrivals.map((t) => t.toFixed(0)).join(',')}`);
});

test('completions (legacy endpoint)', async () => {
  const completion = await client().completions.create({ model: 'fake-instruct', prompt: 'Tell a story', max_tokens: 5 });
  assert.equal(completion.object, 'text_completion');
  assert.equal(completion.choices[0].text, ' once upon a time');
  assert.deepEqual(completion.usage, { prompt_tokens: 4, completion_tokens: 5, total_tokens: 9 });
});

test('embeddings: the SDK default (base64) and explicit float', async () => {
  const expected = (i) => Array.from({ length: EMBEDDING_DIMS }, (_, j) => ((i + 1) * (j + 1)) / 100);
  const closeTo = (actual, want) => {
    assert.equal(actual.length, want.length);
    actual.forEach((x, j) => assert.ok(Math.abs(x - want[j]) < 1e-6, `element ${j}: ${x} != ${want[j]}`));
  };
  const decoded = await client().embeddings.create({ model: 'fake-embed', input: ['one', 'two'] });
  assert.equal(decoded.data.length, 2);
  decoded.data.forEach((d, i) => closeTo(Array.from(d.embedding), expected(i)));
  assert.deepEqual(decoded.usage, { prompt_tokens: 6, total_tokens: 6 });

  const floats = await client().embeddings.create({ model: 'fake-embed', input: 'one', encoding_format: 'float' });
  assert.equal(floats.data.length, 1);
  closeTo(floats.data[0].embedding, expected(0));
});

test('responses (pass-through)', async () => {
  const response = await client().responses.create({ model: 'fake-chat', input: 'Say hello.' });
  assert.equal(response.object, 'response');
  assert.equal(response.output_text, REPLY_TEXT);
  assert.deepEqual(response.usage, { input_tokens: 9, output_tokens: 7, total_tokens: 16 });
  assert.equal((await upstreamLast()).path, '/v1/responses');
});

test('a bad key surfaces as openai.AuthenticationError (401, invalid_api_key)', async () => {
  await assert.rejects(
    client('ck-not-a-real-key').chat.completions.create({ model: 'fake-chat', messages }),
    (err) => {
      assert.ok(err instanceof OpenAI.AuthenticationError, `got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 401);
      assert.equal(err.code, 'invalid_api_key');
      return true;
    },
  );
});

test('an unknown model surfaces as openai.NotFoundError (404, model_not_found)', async () => {
  await assert.rejects(
    client().chat.completions.create({ model: 'no-such-model', messages }),
    (err) => {
      assert.ok(err instanceof OpenAI.NotFoundError, `got ${err?.constructor?.name}: ${err?.message}`);
      assert.equal(err.status, 404);
      assert.equal(err.code, 'model_not_found');
      assert.match(err.message, /no-such-model/);
      return true;
    },
  );
});

test('a streaming request with a bad key fails before any chunk, as a typed error', async () => {
  await assert.rejects(
    client('ck-not-a-real-key').chat.completions.create({ model: 'fake-chat', messages, stream: true }),
    (err) => err instanceof OpenAI.AuthenticationError && err.status === 401,
  );
});
