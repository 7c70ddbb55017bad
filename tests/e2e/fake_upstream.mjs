// A fake OpenAI-compatible upstream for the end-to-end tests (plain node:http, no dependencies).
// Serves /v1/chat/completions (JSON with usage, or SSE with chunks sent CHUNK_DELAY_MS apart so a
// client can see them arrive one by one, then `data: [DONE]`), /v1/completions, /v1/embeddings,
// /v1/responses (non-streaming) and /v1/models. It records the Authorization header, model and
// path of the last request it saw, which the tests read at GET /__last (directly, not through
// Concord) to check what Concord forwarded.
// Binds 127.0.0.1 on the port given as argv[2] (0 = any) and prints `listening <port>` on stdout.
import http from 'node:http';

import { CHAT_USAGE, CHUNK_DELAY_MS, EMBEDDING_DIMS, REPLY_TEXT, STREAM_PIECES } from './fixtures.mjs';

const last = { authorization: null, model: null, path: null, count: 0, prompt: null };

// The text of the last user message of a chat request (what the governance tests check Concord
// let through).
function lastUserText(body) {
  const messages = Array.isArray(body.messages) ? body.messages : [];
  for (let i = messages.length - 1; i >= 0; i -= 1) {
    if (messages[i].role === 'user' && typeof messages[i].content === 'string') return messages[i].content;
  }
  return null;
}

// model "fake-echo": answers with the user's own words ("You said: ..."), streamed in 3-character
// pieces, so that a pseudonym token is split across events as a real model's tokens would split it.
async function echoChat(req, res, body) {
  const text = `You said: ${lastUserText(body) ?? ''}`;
  const base = { id: 'chatcmpl-fake-echo', object: 'chat.completion.chunk', created: 1700000000, model: body.model };
  if (!body.stream) {
    return sendJson(res, 200, {
      id: 'chatcmpl-fake-echo', object: 'chat.completion', created: 1700000000, model: body.model,
      choices: [{ index: 0, message: { role: 'assistant', content: text }, finish_reason: 'stop', logprobs: null }],
      usage: CHAT_USAGE,
    });
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const send = (chunk) => res.write(`data: ${JSON.stringify({ ...base, ...chunk })}\n\n`);
  for (let i = 0; i < text.length; i += 3) {
    send({ choices: [{ index: 0, delta: { content: text.slice(i, i + 3) }, finish_reason: null }] });
    await sleep(2);
  }
  send({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  res.end('data: [DONE]\n\n');
}

function sendJson(res, status, value) {
  const body = JSON.stringify(value);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  res.end(body);
}

function usageFor(promptTokens, completionTokens) {
  return { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens };
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function streamChat(req, res, body) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const base = { id: 'chatcmpl-fake-stream', object: 'chat.completion.chunk', created: 1700000000, model: body.model };
  const send = (chunk) => res.write(`data: ${JSON.stringify({ ...base, ...chunk })}\n\n`);
  let closed = false;
  res.on('close', () => { closed = true; });
  send({ choices: [{ index: 0, delta: { role: 'assistant', content: '' }, finish_reason: null }] });
  for (const piece of STREAM_PIECES) {
    await sleep(CHUNK_DELAY_MS);
    if (closed) return;
    send({ choices: [{ index: 0, delta: { content: piece }, finish_reason: null }] });
  }
  send({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
  if (body.stream_options?.include_usage) send({ choices: [], usage: usageFor(9, STREAM_PIECES.length) });
  res.end('data: [DONE]\n\n');
}

function handleChat(req, res, body) {
  if (body.model === 'fake-echo') return echoChat(req, res, body);
  if (body.stream) return streamChat(req, res, body);
  sendJson(res, 200, {
    id: 'chatcmpl-fake-1',
    object: 'chat.completion',
    created: 1700000000,
    model: body.model,
    choices: [{ index: 0, message: { role: 'assistant', content: REPLY_TEXT }, finish_reason: 'stop', logprobs: null }],
    usage: CHAT_USAGE,
  });
}

function handleCompletions(req, res, body) {
  sendJson(res, 200, {
    id: 'cmpl-fake-1',
    object: 'text_completion',
    created: 1700000000,
    model: body.model,
    choices: [{ index: 0, text: ' once upon a time', finish_reason: 'stop', logprobs: null }],
    usage: usageFor(4, 5),
  });
}

function handleEmbeddings(req, res, body) {
  const inputs = Array.isArray(body.input) ? body.input : [body.input];
  // Deterministic vectors: element j of input i is (i + 1) * (j + 1) / 100.
  // encoding_format base64 (the openai SDK's default) means little-endian float32, as OpenAI sends.
  const data = inputs.map((_, i) => {
    const vector = Array.from({ length: EMBEDDING_DIMS }, (_, j) => ((i + 1) * (j + 1)) / 100);
    const embedding = body.encoding_format === 'base64'
      ? Buffer.from(new Float32Array(vector).buffer).toString('base64')
      : vector;
    return { object: 'embedding', index: i, embedding };
  });
  sendJson(res, 200, { object: 'list', data, model: body.model, usage: { prompt_tokens: 3 * inputs.length, total_tokens: 3 * inputs.length } });
}

async function streamResponses(res, body) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  let seq = 0;
  const send = (type, fields) => res.write(`event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: seq++, ...fields })}\n\n`);
  const resp = (status, output) => ({ id: 'resp_fake_1', object: 'response', created_at: 1700000000, status, model: body.model, output, usage: null });
  const item = (status, text) => ({ type: 'message', id: 'msg_fake_1', status, role: 'assistant', content: text === null ? [] : [{ type: 'output_text', text, annotations: [] }] });
  send('response.created', { response: resp('in_progress', []) });
  send('response.in_progress', { response: resp('in_progress', []) });
  send('response.output_item.added', { output_index: 0, item: item('in_progress', null) });
  send('response.content_part.added', { item_id: 'msg_fake_1', output_index: 0, content_index: 0, part: { type: 'output_text', text: '', annotations: [] } });
  for (const piece of STREAM_PIECES) {
    send('response.output_text.delta', { item_id: 'msg_fake_1', output_index: 0, content_index: 0, delta: piece, logprobs: [] });
    await sleep(5);
  }
  const text = STREAM_PIECES.join('');
  send('response.output_text.done', { item_id: 'msg_fake_1', output_index: 0, content_index: 0, text, logprobs: [] });
  send('response.content_part.done', { item_id: 'msg_fake_1', output_index: 0, content_index: 0, part: { type: 'output_text', text, annotations: [] } });
  send('response.output_item.done', { output_index: 0, item: item('completed', text) });
  send('response.completed', { response: resp('completed', [item('completed', text)]) });
  res.end();
}

function handleResponses(req, res, body) {
  if (body.stream) return streamResponses(res, body);
  sendJson(res, 200, {
    id: 'resp_fake_1',
    object: 'response',
    created_at: 1700000000,
    status: 'completed',
    model: body.model,
    output: [{
      type: 'message',
      id: 'msg_fake_1',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: REPLY_TEXT, annotations: [] }],
    }],
    usage: { input_tokens: 9, output_tokens: 7, total_tokens: 16 },
  });
}

function handleModels(req, res) {
  sendJson(res, 200, {
    object: 'list',
    data: ['fake-chat', 'fake-embed'].map((id) => ({ id, object: 'model', created: 0, owned_by: 'fake' })),
  });
}

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const url = req.url.split('?')[0];
    if (url === '/__last') return sendJson(res, 200, last);
    let body = {};
    if (req.method === 'POST') {
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return sendJson(res, 400, { error: { message: 'bad JSON', type: 'invalid_request_error', code: null, param: null } });
      }
    }
    last.authorization = req.headers.authorization ?? null;
    last.model = body.model ?? null;
    last.path = url;
    last.count += 1;
    last.prompt = lastUserText(body);
    if (req.method === 'POST' && url === '/v1/chat/completions') return handleChat(req, res, body);
    if (req.method === 'POST' && url === '/v1/completions') return handleCompletions(req, res, body);
    if (req.method === 'POST' && url === '/v1/embeddings') return handleEmbeddings(req, res, body);
    if (req.method === 'POST' && url === '/v1/responses') return handleResponses(req, res, body);
    if (req.method === 'GET' && url === '/v1/models') return handleModels(req, res);
    sendJson(res, 404, { error: { message: `no route ${req.method} ${url}`, type: 'invalid_request_error', code: 'unknown_url', param: null } });
  });
});

server.keepAliveTimeout = 30000;
server.listen(Number(process.argv[2] ?? 0), '127.0.0.1', () => {
  process.stdout.write(`listening ${server.address().port}\n`);
});
const stop = () => server.close(() => process.exit(0));
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
