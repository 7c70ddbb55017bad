// Audit: search the hash-chained audit trail (through the index), open a record, and run the
// verifier (CRCs, chain, gaps, signed checkpoints) and show what it found.
import { api } from '../api.js';
import { clear, fmtTime, h, table } from '../dom.js';

function field(id, label, attrs = {}) {
  return h('div', { class: 'field' }, h('label', { for: id }, label), h('input', { id, name: id.replace('audit-', ''), ...attrs }));
}

export function render(main) {
  const results = h('div', { id: 'audit-results' });
  const record = h('div', { id: 'audit-record' });
  const verifyOut = h('div', { id: 'audit-verify' });
  const decision = h('select', { id: 'audit-decision', name: 'decision' },
    ['', 'allow', 'deny', 'hold', 'redact', 'label'].map((d) => h('option', { value: d }, d || 'any')));
  const form = h('form', { class: 'filters card', onsubmit: (e) => { e.preventDefault(); search(); } },
    field('audit-tenant', 'Tenant'),
    field('audit-from', 'From', { placeholder: '2026-01-01 or RFC 3339' }),
    field('audit-to', 'To', { placeholder: 'exclusive' }),
    field('audit-rule', 'Rule id', { placeholder: 'e.g. EU-AIA-50.2' }),
    h('div', { class: 'field' }, h('label', { for: 'audit-decision' }, 'Decision'), decision),
    h('div', { class: 'field actions' }, h('button', { type: 'submit', class: 'primary' }, 'Search'),
      h('button', { type: 'button', id: 'verify', onclick: verify }, 'Verify the trail')));
  main.append(h('h1', {}, 'Audit'), form, verifyOut, h('div', { class: 'split' }, results, record));

  async function search() {
    const q = new URLSearchParams();
    for (const el of form.querySelectorAll('input, select')) if (el.value.trim()) q.set(el.name, el.value.trim());
    clear(results).append(h('p', { class: 'muted' }, 'Searching…'));
    try {
      const r = await api(`/admin/audit/query?${q}`);
      clear(results);
      if (r.note) results.append(h('p', { class: 'muted' }, r.note));
      results.append(h('p', { class: 'muted' }, `${r.records.length} record(s)`),
        table(['Seq', 'Time', 'Type', 'Tenant', 'Action', 'Status', 'Model', ''],
          r.records.map((x) => h('tr', {},
            h('td', { class: 'num' }, String(x.seq)), h('td', {}, fmtTime(x.ts)), h('td', {}, x.type), h('td', {}, x.tenant),
            h('td', {}, h('span', { class: `pill pill-${x.action}` }, x.action || '-')), h('td', { class: 'num' }, String(x.status || '')),
            h('td', {}, x.model || ''), h('td', {}, h('button', { type: 'button', class: 'link', onclick: () => open(x.seq) }, 'Open'))))));
    } catch (e) {
      clear(results).append(h('p', { class: 'error' }, e.message));
    }
  }

  async function open(seq) {
    clear(record).append(h('p', { class: 'muted' }, 'Loading…'));
    try {
      const r = await api(`/admin/audit/records/${seq}`);
      clear(record).append(h('section', { class: 'card' }, h('h2', {}, `Record ${seq}`),
        h('p', { class: 'muted' }, `segment ${r.segment}, offset ${r.offset}`),
        h('pre', { class: 'json', tabindex: '0' }, JSON.stringify(r.record, null, 2))));
      record.querySelector('pre').focus();
    } catch (e) {
      clear(record).append(h('p', { class: 'error' }, e.message));
    }
  }

  async function verify() {
    clear(verifyOut).append(h('p', { class: 'muted' }, 'Verifying…'));
    try {
      const r = await api('/admin/audit/verify', { method: 'POST', body: {} });
      clear(verifyOut).append(h('section', { class: `card verify ${r.ok ? 'ok' : 'bad'}`, role: 'status' },
        h('h2', {}, r.ok ? '✓ The audit trail verifies' : `✗ ${r.problems.length} problem(s) found`),
        h('p', {}, `${r.records} records in ${r.segments} segment(s), ${r.checkpoints} signed checkpoint(s), ${r.pruned_segments} pruned.`),
        r.problems.length ? table(['File', 'Offset', 'Code', 'Message'], r.problems.map((p) => h('tr', {},
          h('td', {}, p.file), h('td', { class: 'num' }, String(p.offset)), h('td', {}, h('code', {}, p.code)), h('td', {}, p.message)))) : null));
    } catch (e) {
      clear(verifyOut).append(h('p', { class: 'error' }, e.message));
    }
  }

  search();
}
