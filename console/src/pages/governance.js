// Governance: the loaded packs and their rules with citations; the crosswalk matrix (concept x
// jurisdiction) for chosen jurisdictions with conflicting cells highlighted; the consensus
// profile or the conflicts that make one impossible.
import { api } from '../api.js';
import { clear, h, table } from '../dom.js';

const STATUS_CLASS = { required: 'st-required', advisory: 'st-advisory', enjoined: 'st-enjoined', 'not required': 'st-none' };

function crosswalkTable(cw) {
  const head = h('tr', {}, h('th', { scope: 'col' }, 'Concept'), cw.jurisdictions.map((j) => h('th', { scope: 'col' }, j)), h('th', { scope: 'col' }, 'Agreement'));
  const rows = cw.concepts.map((row) => h('tr', { class: row.conflict ? `row-${row.conflict}` : '' },
    h('th', { scope: 'row' }, h('code', {}, row.concept)),
    cw.jurisdictions.map((j) => {
      const c = row.cells[j] || { status: 'not required', rules: [], parameters: {}, conflict: '' };
      const params = Object.entries(c.parameters || {}).filter(([k]) => !['text', 'message', 'reason'].includes(k))
        .map(([k, v]) => `${k}=${v.join('|')}`);
      const cls = ['cell', STATUS_CLASS[c.status] || '', c.conflict ? `cell-${c.conflict}` : ''].join(' ').trim();
      return h('td', { class: cls, 'data-concept': row.concept, 'data-jurisdiction': j, title: c.term || '' },
        h('div', { class: 'cell-status' }, c.status, c.conflict ? h('span', { class: 'conflict-mark', 'aria-label': c.conflict }, c.conflict === 'irreconcilable' ? ' ⚠ conflict' : ' ≠') : null),
        c.rules.length ? h('div', { class: 'cell-rules' }, c.rules.join(', ')) : null,
        params.length ? h('div', { class: 'cell-params' }, params.join('; ')) : null);
    }),
    h('td', {}, row.agreement, row.params_differ ? ' · parameters differ' : '')));
  return h('table', { class: 'matrix', id: 'crosswalk-matrix' }, h('thead', {}, head), h('tbody', {}, rows));
}

function conflictList(conflicts) {
  if (!conflicts.length) return h('p', { class: 'muted' }, 'No conflicts.');
  return h('ul', { class: 'conflicts' }, conflicts.map((c) => h('li', { class: c.irreconcilable ? 'irreconcilable' : '' },
    h('strong', {}, c.tension || c.kind), ' ', h('code', {}, c.concept), ` [${c.jurisdictions.join(', ')}] `,
    c.irreconcilable ? h('span', { class: 'pill pill-denied' }, 'irreconcilable') : null, ' ', c.description)));
}

export function render(main) {
  const packsOut = h('div', { id: 'packs' }, h('p', { class: 'muted' }, 'Loading…'));
  const juris = h('input', { id: 'jurisdictions', value: 'EU,CN,US-CA', 'aria-describedby': 'juris-help' });
  const cwOut = h('div', { id: 'crosswalk' });
  const csOut = h('div', { id: 'consensus' });
  const form = h('form', { class: 'row card', onsubmit: (e) => { e.preventDefault(); crosswalk(); } },
    h('label', { for: 'jurisdictions' }, 'Jurisdictions'), juris,
    h('span', { id: 'juris-help', class: 'muted' }, 'comma-separated, e.g. EU,CN,US-CA'),
    h('button', { type: 'submit', class: 'primary', id: 'show-crosswalk' }, 'Crosswalk'),
    h('button', { type: 'button', id: 'show-consensus', onclick: consensus }, 'Consensus'));
  main.append(h('h1', {}, 'Governance'), form, cwOut, csOut, h('h2', {}, 'Packs and rules'), packsOut);

  async function crosswalk() {
    clear(cwOut).append(h('p', { class: 'muted' }, 'Building the crosswalk…'));
    try {
      const cw = await api(`/admin/crosswalk?jurisdictions=${encodeURIComponent(juris.value)}`);
      clear(cwOut).append(h('section', { class: 'card' },
        h('h2', {}, `Crosswalk: ${cw.jurisdictions.join(' · ')}`),
        h('p', { class: 'legend' }, h('span', { class: 'cell-irreconcilable swatch' }, 'conflict'), ' irreconcilable ',
          h('span', { class: 'cell-conflict swatch' }, '≠'), ' parameters or tension differ'),
        h('div', { class: 'scroll' }, crosswalkTable(cw)),
        h('h3', {}, 'Conflicts and tensions'), conflictList(cw.conflicts)));
    } catch (e) {
      clear(cwOut).append(h('p', { class: 'error' }, e.message));
    }
  }

  async function consensus() {
    clear(csOut).append(h('p', { class: 'muted' }, 'Merging…'));
    try {
      const c = await api(`/admin/consensus?jurisdictions=${encodeURIComponent(juris.value)}`);
      clear(csOut).append(h('section', { class: `card consensus ${c.ok ? 'ok' : 'bad'}`, id: 'consensus-result' },
        h('h2', {}, c.ok ? `✓ One profile satisfies ${c.jurisdictions.join(', ')} (${c.rules} rules)` : `✗ No single profile satisfies ${c.jurisdictions.join(', ')}`),
        conflictList(c.conflicts),
        c.ok ? h('details', {}, h('summary', {}, 'Merged pack (YAML)'), h('pre', { class: 'json' }, c.pack_yaml)) : null));
    } catch (e) {
      clear(csOut).append(h('p', { class: 'error' }, e.message));
    }
  }

  api('/admin/packs').then((r) => {
    clear(packsOut).append(h('p', { class: 'muted' }, `${r.packs.length} pack(s), ${r.rules_total} rule(s).`),
      r.packs.map((p) => h('details', { class: 'pack card' },
        h('summary', {}, h('strong', {}, p.id), ` — ${p.instrument || ''} `, h('span', { class: 'muted' }, `${p.jurisdiction} · ${p.rules.length} rules${p.version ? ' · ' + p.version : ''}`)),
        table(['Rule', 'Citation', 'Concept', 'Action', 'Effective', 'Summary'],
          p.rules.map((x) => h('tr', { class: x.enabled ? '' : 'disabled' },
            h('td', {}, h('code', {}, x.id)), h('td', {}, h('cite', {}, x.cite)), h('td', {}, h('code', {}, x.concept)),
            h('td', {}, h('span', { class: `pill pill-${x.action}` }, x.action)),
            h('td', {}, x.effective_from || '-', x.effective_until ? ` → ${x.effective_until}` : ''),
            h('td', {}, x.summary)))))));
  }).catch((e) => clear(packsOut).append(h('p', { class: 'error' }, e.message)));

  const q = new URLSearchParams(location.hash.split('?')[1] || '');
  if (q.get('jurisdictions')) { juris.value = q.get('jurisdictions'); crosswalk(); }
}
