// The policy list: every ACME policy on the server with its target counts and install status.
import { h, replaceChildren } from './dom.js';
import { api } from './api.js';

function countCell(value, cls) {
  const n = Number.isFinite(value) ? value : 0;
  return h('td', { class: `num ${n && cls ? cls : ''}` }, String(n));
}

function formatTime(text) {
  if (!text) return '';
  const d = new Date(text);
  return Number.isNaN(d.getTime()) ? String(text) : d.toLocaleString();
}

/** Renders the list into `root`. session: {online, confirm(text), requireToken(msg)}. */
export async function mountPolicyList(root, session) {
  const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite' });
  const body = h('div', { class: 'list-body' });
  replaceChildren(root,
    h('div', { class: 'list-head' },
      h('div', {}, h('h1', { id: 'list-title' }, 'ACME certificate policies'),
        h('p', { class: 'subtitle' }, 'Security ACME (com.apple.security.acme) for iOS and iPadOS 16 or later.')),
      h('a', { href: '#/policy/new', class: 'button primary', id: 'new-policy' }, '+ New policy')),
    status, body);

  if (!session.online) {
    replaceChildren(body, h('div', { class: 'empty-card' },
      h('h2', {}, 'No server connected'),
      h('p', {}, 'The policy list, saving and assignments live on the acmepolicy server. Start it with ',
        h('code', {}, 'acmepolicy serve'), ' and open the portal from it.'),
      h('p', {}, 'Without it you can still create a policy, validate it as you type, preview the profile and ' +
        'download it: ', h('a', { href: '#/policy/new' }, 'New policy'), '.')));
    return;
  }

  status.textContent = 'Loading policies…';
  let policies;
  try {
    policies = await api.listPolicies();
  } catch (err) {
    status.textContent = '';
    if (err.status === 401) session.requireToken('The server did not accept the admin token.');
    replaceChildren(body, h('p', { class: 'msg msg-error', role: 'alert' }, `Could not load the policies: ${err.message}`));
    return;
  }
  status.textContent = `${policies.length} polic${policies.length === 1 ? 'y' : 'ies'}.`;
  if (!policies.length) {
    replaceChildren(body, h('div', { class: 'empty-card' }, h('h2', {}, 'No ACME policy yet'),
      h('p', {}, 'Create one to have your devices request client certificates from your ACME server.'),
      h('a', { href: '#/policy/new', class: 'button primary' }, 'Create a policy')));
    return;
  }
  const rows = policies.map((p) => {
    const c = p.counts || {};
    const doc = p.document || {};
    const url = doc.payload && doc.payload.DirectoryURL;
    const del = h('button', { type: 'button', class: 'ghost small danger-text', 'data-write': true, 'aria-label': `Delete ${p.name}`,
      onclick: async () => {
        const ok = await session.confirm(`Delete “${p.name}”? Devices that have its profile get it removed.`);
        if (!ok) return;
        try {
          await api.deletePolicy(p.id);
          mountPolicyList(root, session);
        } catch (err) {
          status.textContent = `Not deleted: ${err.message}`;
        }
      } }, 'Delete');
    return h('tr', { dataset: { policy: p.id } },
      h('th', { scope: 'row' }, h('a', { href: `#/policy/${encodeURIComponent(p.id)}`, class: 'policy-link' }, p.name),
        h('div', { class: 'dev-sub' }, h('code', {}, p.id), url ? h('span', { class: 'policy-url' }, ` · ${url}`) : '')),
      countCell(c.targeted), countCell(c.included), countCell(c.excluded, 'warn'),
      countCell(c.installed, 'ok'), countCell(c.pending, 'pending'), countCell(c.failed, 'bad'),
      h('td', { class: 'when col-updated' }, formatTime(p.updated_at), p.version ? h('div', { class: 'dev-sub' }, `version ${p.version}`) : null),
      h('td', { class: 'actions' }, h('a', { href: `#/policy/${encodeURIComponent(p.id)}`, class: 'button ghost small',
        'aria-label': `Open ${p.name}` }, 'Open'), del));
  });
  const search = h('input', { type: 'search', id: 'policy-search', autocomplete: 'off',
    placeholder: 'Name, id or directory URL', oninput: () => {
      const needle = search.value.trim().toLowerCase();
      let shown = 0;
      rows.forEach((tr, i) => {
        const p = policies[i];
        const hit = !needle || [p.name, p.id, p.document?.payload?.DirectoryURL]
          .some((v) => v && String(v).toLowerCase().includes(needle));
        tr.hidden = !hit;
        shown += hit ? 1 : 0;
      });
      status.textContent = needle ? `${shown} of ${policies.length} policies match.`
        : `${policies.length} polic${policies.length === 1 ? 'y' : 'ies'}.`;
    } });
  replaceChildren(body, h('div', { class: 'field filter-search' },
    h('label', { for: 'policy-search', class: 'field-label' }, 'Search policies'), search),
  h('div', { class: 'table-wrap' }, h('table', { class: 'data policies', id: 'policy-table' },
    h('caption', { class: 'visually-hidden' }, 'ACME policies with their targets and install status'),
    h('thead', {}, h('tr', {}, ['Policy', 'Targeted', 'Included', 'Excluded', 'Installed', 'Pending', 'Failed',
      'Updated', ''].map((t, i) => h('th', { scope: 'col', class: i >= 1 && i <= 6 ? 'num' : i === 7 ? 'col-updated' : '' },
      t || h('span', { class: 'visually-hidden' }, 'Actions'))))),
    h('tbody', {}, rows))));
}
