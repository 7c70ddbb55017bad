// The console's shell: login (paste an admin token), navigation by URL hash, and one page at a
// time. Each page module exports render(main, ctx) and may return a cleanup function.
import { api, session } from './api.js';
import { clear, h, toast } from './dom.js';
import * as overview from './pages/overview.js';
import * as approvals from './pages/approvals.js';
import * as audit from './pages/audit.js';
import * as governance from './pages/governance.js';
import * as keys from './pages/keys.js';

const pages = { overview, approvals, audit, governance, keys };
let cleanup = null;

function main() { return document.getElementById('main'); }

function loginView(message) {
  const nav = document.getElementById('nav');
  nav.hidden = true;
  document.getElementById('logout').hidden = true;
  document.getElementById('who').textContent = '';
  const input = h('input', { id: 'token', type: 'password', autocomplete: 'off', spellcheck: 'false',
    placeholder: 'concord-admin-…', required: true, 'aria-describedby': 'token-help' });
  const form = h('form', { class: 'login card', onsubmit: async (e) => {
    e.preventDefault();
    session.token = input.value.trim();
    try {
      await start();
    } catch (err) {
      session.token = '';
      loginView(err.message);
    }
  } },
  h('h1', {}, 'Sign in'),
  h('label', { for: 'token' }, 'Admin token'),
  input,
  h('p', { id: 'token-help', class: 'muted' },
    'Create one with ', h('code', {}, 'concord admin token create --role approver'),
    '. It is kept in this tab only (sessionStorage).'),
  message ? h('p', { class: 'error', role: 'alert' }, message) : null,
  h('button', { id: 'login', type: 'submit', class: 'primary' }, 'Sign in'));
  clear(main()).append(form);
  input.focus();
}

async function start() {
  session.who = await api('/admin/whoami');
  document.getElementById('nav').hidden = false;
  document.getElementById('logout').hidden = false;
  document.getElementById('who').textContent =
    `${session.who.label || session.who.token_id} · ${session.who.role}`;
  if (!location.hash || location.hash === '#/' || location.hash === '#') location.hash = '#/overview';
  else route();
}

function route() {
  if (!session.who) return;
  const name = (location.hash.replace(/^#\//, '').split('?')[0]) || 'overview';
  const page = pages[name] || pages.overview;
  for (const a of document.querySelectorAll('#nav a')) {
    if (a.dataset.page === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  if (cleanup) cleanup();
  cleanup = null;
  const m = clear(main());
  document.title = `Concord · ${name[0].toUpperCase()}${name.slice(1)}`;
  try {
    const c = page.render(m, { role: session.who.role });
    cleanup = typeof c === 'function' ? c : null;
  } catch (e) {
    m.append(h('p', { class: 'error' }, e.message));
  }
  m.focus({ preventScroll: true });
}

window.addEventListener('hashchange', route);
window.addEventListener('concord:unauthorized', () => {
  if (cleanup) cleanup();
  cleanup = null;
  session.token = '';
  session.who = null;
  loginView('The token was refused (wrong, revoked or expired). Paste a valid admin token.');
});

// g then o/a/u/g/k: jump to a page (not while typing in a field).
let pendingG = false;
window.addEventListener('keydown', (e) => {
  const t = e.target;
  if (t && (t.tagName === 'INPUT' || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT')) return;
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === 'g') { pendingG = true; setTimeout(() => { pendingG = false; }, 1000); return; }
  if (!pendingG) return;
  const map = { o: 'overview', a: 'approvals', u: 'audit', g: 'governance', k: 'keys' };
  if (map[e.key]) { location.hash = `#/${map[e.key]}`; pendingG = false; }
});

document.getElementById('logout').addEventListener('click', () => {
  session.token = '';
  session.who = null;
  if (cleanup) cleanup();
  cleanup = null;
  toast('Signed out');
  loginView();
});

if (session.token) start().catch((e) => loginView(e.message));
else loginView();
