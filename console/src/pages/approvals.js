// Approvals inbox: what the policy holds for a person (EU AI Act Art. 14). Pending holds arrive
// live over the SSE stream; an approver approves or denies with a reason. Each card shows the
// cited rules, the request as the policy lets it be shown (redacted), and the time left.
import { api, subscribe } from '../api.js';
import { clear, fmtTime, h, toast } from '../dom.js';

function badge(n) {
  const b = document.getElementById('pending-badge');
  if (!b) return;
  b.hidden = !n;
  b.textContent = String(n);
}

function timeLeft(expiresUs) {
  const s = Math.max(0, Math.round((Number(expiresUs) / 1000 - Date.now()) / 1000));
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

export function render(main, { role }) {
  const canDecide = role === 'approver' || role === 'admin';
  const status = h('span', { class: 'stream', id: 'stream-state' }, 'connecting…');
  const pendingList = h('div', { class: 'approvals', id: 'pending', 'aria-live': 'polite' });
  const recentBody = h('tbody', { id: 'recent' });
  main.append(
    h('div', { class: 'row spread' }, h('h1', {}, 'Approvals'), status),
    canDecide ? '' : h('p', { class: 'muted' }, 'Your token is a viewer token: you can watch, not decide.'),
    h('section', {}, h('h2', {}, 'Waiting'), pendingList),
    h('section', { class: 'card' }, h('h2', {}, 'Recent decisions'),
      h('table', {}, h('thead', {}, h('tr', {}, ['When', 'Outcome', 'Tenant', 'Model', 'Rules', 'By', 'Reason'].map((x) => h('th', { scope: 'col' }, x)))), recentBody)));

  const pending = new Map();

  function empty() {
    if (!pending.size) {
      if (!pendingList.querySelector('.empty')) pendingList.append(h('p', { class: 'muted empty' }, 'Nothing is waiting.'));
    } else {
      const e = pendingList.querySelector('.empty');
      if (e) e.remove();
    }
    badge(pending.size);
  }

  function addRecent(a, top = true) {
    const row = h('tr', { class: `outcome-${a.state}` },
      h('td', {}, fmtTime(a.resolved_us || a.created_us)), h('td', {}, h('span', { class: `pill pill-${a.state}` }, a.state)),
      h('td', {}, a.tenant), h('td', {}, a.model), h('td', {}, (a.rules || []).map((r) => r.id).join(', ')),
      h('td', {}, a.approver || '-'), h('td', {}, a.reason || ''));
    if (top) recentBody.prepend(row); else recentBody.append(row);
    while (recentBody.children.length > 50) recentBody.lastChild.remove();
  }

  function card(a) {
    const reasonId = `reason-${a.id}`;
    const reason = h('input', { id: reasonId, class: 'reason', placeholder: 'reason (required to deny; the client sees it)', disabled: !canDecide });
    const left = h('span', { class: 'expires' }, timeLeft(a.expires_us));
    const decide = async (verb) => {
      if (verb === 'deny' && !reason.value.trim()) { toast('A denial needs a reason', 'error'); reason.focus(); return; }
      try {
        await api(`/admin/approvals/${encodeURIComponent(a.id)}/${verb}`, { method: 'POST', body: { reason: reason.value } });
        toast(verb === 'approve' ? 'Approved: the request goes on' : 'Denied: the client is told why');
      } catch (e) { toast(e.message, 'error'); }
    };
    const el = h('article', { class: 'approval card', 'data-approval-id': a.id, tabindex: '0', 'aria-label': `Approval ${a.id} for ${a.tenant}` },
      h('header', { class: 'row spread' },
        h('div', {}, h('span', { class: `pill pill-${a.kind === 'tool_call' ? 'tool' : 'request'}` }, a.kind === 'tool_call' ? 'tool call' : 'request'),
          ' ', h('strong', {}, a.tenant), ' · ', a.model, ' · ', h('code', {}, a.endpoint)),
        h('div', { class: 'muted' }, 'expires in ', left)),
      h('dl', { class: 'facts' },
        h('dt', {}, 'Rules'), h('dd', {}, h('ul', { class: 'rules' }, (a.rules || []).map((r) => h('li', {}, h('code', {}, r.id), ' — ', h('cite', {}, r.cite))))),
        h('dt', {}, 'Key'), h('dd', {}, h('code', {}, a.key_id || '-')),
        h('dt', {}, 'Received'), h('dd', {}, fmtTime(a.created_us)),
        h('dt', {}, 'Digest'), h('dd', {}, h('code', { title: a.digest }, (a.digest || '').slice(0, 16) + '…')),
        a.policy_version ? [h('dt', {}, 'Policy'), h('dd', {}, a.policy_version)] : null),
      h('details', { open: true }, h('summary', {}, 'Request (as the policy allows it to be shown)'), h('pre', { class: 'preview' }, a.preview || '(no preview)')),
      h('form', { class: 'row', onsubmit: (e) => { e.preventDefault(); decide('approve'); } },
        h('label', { for: reasonId, class: 'sr-only' }, 'Reason'), reason,
        h('button', { type: 'submit', class: 'primary approve', disabled: !canDecide }, 'Approve'),
        h('button', { type: 'button', class: 'danger deny', disabled: !canDecide, onclick: () => decide('deny') }, 'Deny')));
    el._left = left;
    el._expires = a.expires_us;
    return el;
  }

  function add(a) {
    if (pending.has(a.id)) return;
    const el = card(a);
    pending.set(a.id, el);
    pendingList.append(el);
    empty();
  }

  function resolve(a) {
    const el = pending.get(a.id);
    if (el) { el.remove(); pending.delete(a.id); }
    if (a.state !== 'pending' && a.state !== 'consumed') addRecent(a);
    empty();
  }

  async function load() {
    const list = await api('/admin/approvals');
    for (const el of pending.values()) el.remove();
    pending.clear();
    clear(recentBody);
    for (const a of list.pending) add(a);
    for (const a of list.recent) addRecent(a, false);
    empty();
  }

  const controller = new AbortController();
  load().then(() => subscribe('/admin/approvals/stream', (name, data) => {
    if (name === 'resync') { load(); return; }
    if (name !== 'approval') return;
    const e = JSON.parse(data);
    if (e.event === 'submitted') add(e.approval);
    else resolve(e.approval);
  }, controller.signal, (s) => {
    status.textContent = s === 'live' ? '● live' : 'reconnecting…';
    status.className = `stream ${s}`;
    if (s === 'live') load().catch(() => {});
  })).catch((e) => pendingList.append(h('p', { class: 'error' }, e.message)));

  const ticker = setInterval(() => { for (const el of pending.values()) el._left.textContent = timeLeft(el._expires); }, 1000);
  return () => { controller.abort(); clearInterval(ticker); };
}
