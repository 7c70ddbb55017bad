// Overview: traffic, decisions, top rules, p99 overhead, pending approvals, and the stop switch
// (admins can stop and resume; everyone sees what is stopped). Refreshes every 5 s.
import { api } from '../api.js';
import { clear, fmtNumber, fmtTime, h, table, toast } from '../dom.js';

function stat(label, value, id) {
  return h('div', { class: 'stat' }, h('div', { class: 'stat-value', id }, value), h('div', { class: 'stat-label' }, label));
}

function countTable(title, obj, keyName) {
  const rows = Object.entries(obj || {}).sort((a, b) => b[1] - a[1])
    .map(([k, v]) => h('tr', {}, h('td', {}, k || '(none)'), h('td', { class: 'num' }, fmtNumber(v))));
  return h('section', { class: 'card' }, h('h2', {}, title),
    rows.length ? table([keyName, 'Requests'], rows) : h('p', { class: 'muted' }, 'No traffic yet.'));
}

function stopPanel(f, role, refresh) {
  const stops = f.stops || [];
  const list = stops.length
    ? h('ul', { class: 'stops' }, stops.map((s) => h('li', { class: 'stop-active' },
      h('strong', {}, s.scope + (s.value ? ` ${s.value}` : '')), ` — ${s.reason} (by ${s.who}, since ${fmtTime(s.since_us)}) `,
      role === 'admin' ? h('button', { type: 'button', onclick: async () => {
        try {
          await api('/admin/resume', { method: 'POST', body: { scope: s.scope, value: s.value } });
          toast('Resumed'); refresh();
        } catch (e) { toast(e.message, 'error'); }
      } }, 'Resume') : null)))
    : h('p', { class: 'muted' }, 'Nothing is stopped.');
  let form = null;
  if (role === 'admin') {
    const scope = h('select', { id: 'stop-scope' }, ['global', 'tenant', 'model', 'upstream'].map((s) => h('option', { value: s }, s)));
    const value = h('input', { id: 'stop-value', placeholder: 'tenant / model / upstream name' });
    const reason = h('input', { id: 'stop-reason', placeholder: 'reason (recorded)', required: true });
    form = h('form', { class: 'row', onsubmit: async (e) => {
      e.preventDefault();
      if (!confirm(`Stop ${scope.value}${value.value ? ' ' + value.value : ''} now? New requests get 503 and streams end.`)) return;
      try {
        await api('/admin/stop', { method: 'POST', body: { scope: scope.value, value: value.value, reason: reason.value } });
        toast('Stopped', 'warn'); refresh();
      } catch (err) { toast(err.message, 'error'); }
    } },
    h('label', { for: 'stop-scope' }, 'Scope'), scope,
    h('label', { for: 'stop-value', class: 'sr-only' }, 'Value'), value,
    h('label', { for: 'stop-reason', class: 'sr-only' }, 'Reason'), reason,
    h('button', { type: 'submit', class: 'danger' }, 'Stop'));
  }
  return h('section', { class: 'card' }, h('h2', {}, 'Stop switch'), list, form);
}

export function render(main, { role }) {
  const body = h('div', { class: 'overview' }, h('p', { class: 'muted' }, 'Loading…'));
  main.append(h('h1', {}, 'Overview'), body);
  let stopped = false;
  async function refresh() {
    try {
      const f = await api('/admin/figures');
      if (stopped) return;
      const denied = Object.entries(f.by_status || {}).filter(([s]) => s >= '400').reduce((a, [, v]) => a + v, 0);
      clear(body).append(
        h('div', { class: 'stats' },
          stat('Requests', fmtNumber(f.requests_total), 'stat-requests'),
          stat('Refused or failed (4xx/5xx)', fmtNumber(denied)),
          stat('p99 overhead', `${fmtNumber(f.latency_us.overhead_p99)} µs`, 'stat-p99'),
          stat('p99 total', `${fmtNumber(f.latency_us.total_p99)} µs`),
          stat('In flight', fmtNumber(f.in_flight)),
          stat('Waiting for approval', fmtNumber(f.pending_approvals), 'stat-pending')),
        h('div', { class: 'grid' },
          countTable('By status', f.by_status, 'Status'),
          countTable('Decisions', f.decisions, 'Decision'),
          h('section', { class: 'card' }, h('h2', {}, 'Top rules'),
            (f.top_rules || []).length
              ? table(['Rule', 'Hits'], f.top_rules.map((r) => h('tr', {}, h('td', {}, r.rule), h('td', { class: 'num' }, fmtNumber(r.count)))))
              : h('p', { class: 'muted' }, 'No rule has fired yet.')),
          countTable('By tenant', f.by_tenant, 'Tenant'),
          countTable('By upstream', f.by_upstream, 'Upstream'),
          stopPanel(f, role, refresh)));
    } catch (e) {
      clear(body).append(h('p', { class: 'error' }, e.message));
    }
  }
  refresh();
  const timer = setInterval(() => { if (!document.activeElement || !document.activeElement.closest('form')) refresh(); }, 5000);
  return () => { stopped = true; clearInterval(timer); };
}
