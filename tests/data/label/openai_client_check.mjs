// Feeds bodies and SSE streams written by tests/unit/label/openai_client_test.cc to the
// official `openai` npm client (through its `fetch` option, no network) and prints what the
// client made of them as one JSON line. Usage: node openai_client_check.mjs DIR OPENAI_PKG_DIR
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, pkg] = process.argv.slice(2);
const { default: OpenAI } = await import(pathToFileURL(path.join(pkg, 'index.mjs')).href);
const read = (name) => fs.readFileSync(path.join(dir, name), 'utf8');
const client = (payload, type) =>
  new OpenAI({
    apiKey: 'test',
    baseURL: 'http://127.0.0.1:9/v1',
    maxRetries: 0,
    fetch: async () => new Response(payload, { status: 200, headers: { 'content-type': type } }),
  });
const messages = [{ role: 'user', content: 'hi' }];
const out = {};

const r = await client(read('chat.json'), 'application/json').chat.completions.create({ model: 'm', messages });
out.chat = r.choices[0].message.content;
out.chat_cid = r.concord?.provenance?.manifest?.cid ?? null;

for (const name of ['stream_start.sse', 'stream_end.sse', 'stream_role_in_first.sse']) {
  const s = await client(read(name), 'text/event-stream').chat.completions.create({ model: 'm', messages, stream: true });
  let text = '';
  let cid = null;
  let chunks = 0;
  for await (const ch of s) {
    chunks++;
    for (const c of ch.choices) text += c.delta?.content ?? '';
    if (ch.concord) cid = ch.concord.provenance?.manifest?.cid ?? null;
  }
  // The stream helper accumulates deltas into a message and is strict about roles.
  const helper = client(read(name), 'text/event-stream').chat.completions.stream({ model: 'm', messages });
  const final = await helper.finalChatCompletion();
  out[name] = { text, cid, chunks, helper: final.choices[0].message.content, role: final.choices[0].message.role };
}

const resp = await client(read('responses.json'), 'application/json').responses.create({ model: 'm', input: 'hi' });
out.responses = resp.output_text;
console.log(JSON.stringify(out));
