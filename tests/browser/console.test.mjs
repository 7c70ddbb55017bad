// Browser test: playwright-core drives Debian's chromium (headless) through the admin console
// of a running `concord serve`, as a person would: sign in with an admin token, watch a held
// request arrive live in the Approvals inbox, approve it and see the waiting `openai` client
// call complete; deny another and see the client refused with the reason; open the crosswalk
// for EU,CN,US-CA and find the known conflict highlighted. Screenshots go to artifacts/.
// run.sh starts everything and sets:
//   CONCORD_URL  gateway (http://127.0.0.1:<port>)   CONCORD_KEY  key of tenant `held` (every request held)
//   ADMIN_URL    admin listener with the console      ADMIN_TOKEN  an approver-or-better admin token
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, test } from 'node:test';
import OpenAI from 'openai';
import { chromium } from 'playwright-core';

const env = (name) => {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set; run tests/browser/run.sh`);
  return value;
};
const CONCORD_URL = env('CONCORD_URL');
const CONCORD_KEY = env('CONCORD_KEY');
const ADMIN_URL = env('ADMIN_URL');
const ADMIN_TOKEN = env('ADMIN_TOKEN');
const REPLY_TEXT = 'Hello from the fake upstream.';  // tests/e2e/fixtures.mjs
const ARTIFACTS = new URL('./artifacts/', import.meta.url).pathname;

let browser;
let page;
const external = [];
const pageErrors = [];

const client = () => new OpenAI({ baseURL: `${CONCORD_URL}/v1`, apiKey: CONCORD_KEY, maxRetries: 0, timeout: 60_000 });
const shot = (name) => page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });

before(async () => {
  await mkdir(ARTIFACTS, { recursive: true });
  browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  const context = await browser.newContext({ viewport: { width: 1366, height: 860 } });
  page = await context.newPage();
  const origin = new URL(ADMIN_URL).origin;
  page.on('request', (r) => { if (!r.url().startsWith(origin) && !r.url().startsWith('data:')) external.push(r.url()); });
  page.on('pageerror', (e) => pageErrors.push(e.message));
});

after(async () => {
  if (browser) await browser.close();
});

// The admin listener answered run.sh already; a refused first connection is retried briefly.
async function open(url) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await page.goto(url);
    } catch (e) {
      if (attempt >= 5 || !/ERR_CONNECTION_REFUSED/.test(e.message)) throw e;
      await new Promise((r) => setTimeout(r, 500));
    }
  }
}

test('sign in with an admin token', async () => {
  await open(`${ADMIN_URL}/`);
  await page.waitForSelector('#token');
  await shot('01-login');
  await page.fill('#token', ADMIN_TOKEN);
  await page.press('#token', 'Enter');  // keyboard only
  await page.waitForSelector('#stat-requests');
  assert.match(await page.textContent('#who'), /approver|admin/);
  await shot('02-overview');
});

// Holds one request, decides it in the inbox, and returns what the client got.
async function holdAndDecide(verb, reason, content) {
  await open(`${ADMIN_URL}/#/approvals`);
  await page.waitForSelector('#stream-state.live', { timeout: 10_000 });
  const before = await page.locator('[data-approval-id]').count();
  const call = client().chat.completions.create({ model: 'fake-chat', messages: [{ role: 'user', content }] })
    .then((r) => ({ ok: true, r }), (e) => ({ ok: false, e }));
  // The held request appears live, without a reload.
  const card = page.locator('[data-approval-id]').nth(before);
  await card.waitFor({ timeout: 15_000 });
  const text = await card.textContent();
  assert.match(text, /TEST-HOLD-1/, 'the card cites the rule that held the request');
  assert.match(text, /Browser test policy s\. 1/);
  assert.match(text, /fake-chat/);
  const id = await card.getAttribute('data-approval-id');
  await shot(`03-held-${verb}`);
  await card.locator('input.reason').fill(reason);
  await card.locator(verb === 'approve' ? 'button.approve' : 'button.deny').click();
  await page.locator(`[data-approval-id="${id}"]`).waitFor({ state: 'detached', timeout: 10_000 });
  const outcome = await call;
  await page.locator('#recent tr').first().waitFor();
  await shot(`04-after-${verb}`);
  return { id, outcome };
}

test('a held request appears live; approving it lets the waiting client call complete', async () => {
  const { outcome } = await holdAndDecide('approve', 'checked by the browser test', 'Please summarise the contract.');
  assert.ok(outcome.ok, `the client call failed: ${outcome.e && outcome.e.message}`);
  assert.equal(outcome.r.choices[0].message.content.startsWith(REPLY_TEXT), true,
    `unexpected answer: ${outcome.r.choices[0].message.content}`);
  assert.match(await page.locator('#recent tr').first().textContent(), /approved/);
});

test('denying a held request refuses the client with 403 and the reason', async () => {
  const { outcome } = await holdAndDecide('deny', 'recipient not on the allow list', 'Wire 10000 EUR to account X.');
  assert.equal(outcome.ok, false, 'a denied request must not be answered');
  assert.equal(outcome.e.status, 403);
  assert.equal(outcome.e.code, 'approval_denied');
  assert.match(outcome.e.message, /recipient not on the allow list/);
});

test('the crosswalk for EU,CN,US-CA highlights the known conflict', async () => {
  await open(`${ADMIN_URL}/#/governance`);
  await page.fill('#jurisdictions', 'EU,CN,US-CA');
  await page.click('#show-crosswalk');
  await page.waitForSelector('#crosswalk-matrix');
  // procurement.neutrality: CN's content policy vs US-CA's (an irreconcilable parameter).
  const cells = page.locator('td.cell-irreconcilable[data-concept="procurement.neutrality"]');
  assert.equal(await cells.count(), 2, 'both conflicting cells are highlighted');
  const juris = await cells.evaluateAll((els) => els.map((e) => e.dataset.jurisdiction).sort());
  assert.deepEqual(juris, ['CN', 'US-CA']);
  const bg = await cells.first().evaluate((e) => getComputedStyle(e).backgroundColor);
  assert.notEqual(bg, 'rgba(0, 0, 0, 0)', 'the highlight is visible');
  await cells.first().scrollIntoViewIfNeeded();
  await page.screenshot({ path: `${ARTIFACTS}05-crosswalk.png` });
  await page.click('#show-consensus');
  await page.waitForSelector('#consensus-result');
  assert.match(await page.textContent('#consensus-result'), /No single profile/);
  await shot('06-consensus');
});

test('the console made no request to any other host and raised no script error', () => {
  assert.deepEqual(external, []);
  assert.deepEqual(pageErrors, []);
});
