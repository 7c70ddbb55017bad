// Feeds /v1/responses SSE streams written by tests/unit/label/responses_stream_labeler_test.cc
// to the official `openai` npm client (through its `fetch` option, no network), both as raw
// events (responses.create with stream: true) and through its stream helper (responses.stream,
// which rejects unknown event types and rebuilds the Response), and prints what it made of
// them as one JSON line. Usage: node openai_responses_check.mjs DIR OPENAI_PKG_DIR NAME...
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [dir, pkg, ...names] = process.argv.slice(2);
const { default: OpenAI } = await import(pathToFileURL(path.join(pkg, 'index.mjs')).href);
const client = (payload) =>
  new OpenAI({
    apiKey: 'test',
    baseURL: 'http://127.0.0.1:9/v1',
    maxRetries: 0,
    fetch: async () => new Response(payload, { status: 200, headers: { 'content-type': 'text/event-stream' } }),
  });
const out = {};
for (const name of names) {
  const sse = fs.readFileSync(path.join(dir, name), 'utf8');
  const r = { deltas: '', done: null, part_done: null, item_done: null, completed: null, cid: null, events: 0 };
  for await (const e of await client(sse).responses.create({ model: 'm', input: 'hi', stream: true })) {
    r.events++;
    if (e.type === 'response.output_text.delta') r.deltas += e.delta;
    if (e.type === 'response.output_text.done') r.done = e.text;
    if (e.type === 'response.content_part.done') r.part_done = e.part.text;
    if (e.type === 'response.output_item.done') r.item_done = e.item.content[0].text;
    if (e.type === 'response.completed') {
      r.completed = e.response.output_text ?? e.response.output[0].content[0].text;
      r.cid = e.response.concord?.provenance?.manifest?.cid ?? null;
    }
  }
  const helper = client(sse).responses.stream({ model: 'm', input: 'hi' });
  let snapshot = '';
  helper.on('response.output_text.delta', (e) => { snapshot = e.snapshot; });
  const final = await helper.finalResponse();
  r.helper = final.output_text;
  r.helper_snapshot = snapshot;
  r.helper_cid = final.concord?.provenance?.manifest?.cid ?? null;
  out[name] = r;
}
console.log(JSON.stringify(out));
