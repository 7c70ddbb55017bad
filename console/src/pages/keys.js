// Keys: the gateway's API keys (ids, tenants, scopes; never secrets).
import { api } from '../api.js';
import { h, table } from '../dom.js';

export function render(main) {
  const body = h('div', {}, h('p', { class: 'muted' }, 'Loading…'));
  main.append(h('h1', {}, 'Keys'),
    h('p', { class: 'muted' }, 'Create and revoke keys with ', h('code', {}, 'concord keys create|revoke'), '. Secrets are never shown.'), body);
  api('/admin/keys').then((r) => {
    body.replaceChildren(r.keys.length
      ? table(['Id', 'Tenant', 'Status', 'Jurisdictions', 'Models', 'Roles', 'Budget', 'Last 4', 'Created'],
        r.keys.map((k) => h('tr', { class: k.status === 'revoked' ? 'revoked' : '' },
          h('td', {}, h('code', {}, k.id)), h('td', {}, k.tenant), h('td', {}, h('span', { class: `pill pill-${k.status}` }, k.status)),
          h('td', {}, (k.jurisdictions || []).join(', ') || '-'), h('td', {}, (k.models || []).join(', ') || 'all'),
          h('td', {}, (k.roles || []).join(', ') || '-'), h('td', { class: 'num' }, k.budget_tokens ? String(k.budget_tokens) : '∞'),
          h('td', {}, h('code', {}, '…' + k.last4)), h('td', {}, k.created_at))), { class: 'keys' })
      : h('p', { class: 'muted' }, 'No keys yet.'));
  }).catch((e) => body.replaceChildren(h('p', { class: 'error' }, e.message)));
}
