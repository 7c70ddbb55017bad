// Load for the gateway crash loop (gateway_crash_loop.sh): keeps CONCURRENCY chat requests in
// flight against 127.0.0.1:<port> (a mix of JSON and SSE answers) until it is killed or
// MAX_MS pass, and appends to <acked-file> the x-concord-request-id of every exchange whose
// response arrived complete with status 200 — in `strict` audit durability, the exchanges the
// gateway acknowledged. A complete SSE response ends only after the gateway's audit commit.
// The file is appended synchronously, one line per answer, so a kill loses no acknowledgement.
// Usage: node load.mjs <port> <api-key> <acked-file> [concurrency] [max-ms]
import fs from 'node:fs';
import http from 'node:http';

const [port, key, ackedFile] = process.argv.slice(2, 5);
const concurrency = Number(process.argv[5] ?? 8);
const maxMs = Number(process.argv[6] ?? 10000);
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
const ackFd = fs.openSync(ackedFile, 'a');
let stopped = false;
let n = 0;

function one() {
  return new Promise((resolve) => {
    const stream = n % 3 === 0;
    n += 1;
    const body = JSON.stringify({
      model: 'fake-chat',
      stream,
      messages: [{ role: 'user', content: `crash loop request ${n}` }],
    });
    const req = http.request({
      host: '127.0.0.1', port: Number(port), path: '/v1/chat/completions', method: 'POST', agent,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${key}`, 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => { text += d; });
      res.on('end', () => {
        const id = res.headers['x-concord-request-id'];
        // A stream the audit could not record ends with an audit_unavailable event, not [DONE].
        const complete = !stream || (text.includes('data: [DONE]') && !text.includes('audit_unavailable'));
        if (res.statusCode === 200 && id && complete) fs.writeSync(ackFd, `${id}\n`);
        resolve();
      });
      res.on('error', () => resolve());
      res.on('aborted', () => resolve());
    });
    req.on('error', () => resolve());
    req.setTimeout(5000, () => { req.destroy(); resolve(); });
    req.end(body);
  });
}

async function worker() {
  while (!stopped) {
    await one();
    if (!stopped) await new Promise((r) => setTimeout(r, 1));
  }
}

setTimeout(() => { stopped = true; }, maxMs);
process.on('SIGTERM', () => process.exit(0));
await Promise.all(Array.from({ length: concurrency }, worker));
process.exit(0);
