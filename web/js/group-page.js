// One device group: its members (search, remove), adding devices from the inventory by search, and the
// policies that target it. Membership is written with PUT /groups/{id}/members.
import { h, replaceChildren } from './dom.js';
import { api } from './api.js';
import { needsServer, loadFailed } from './page-common.js';
import { policiesTargeting } from './groups-page.js';
import { freshInventory } from './fleet-data.js';

const MAX_RESULTS = 25;

function matches(d, needle) {
  return !needle || [d.id, d.device_name, d.serial_number, d.user_email, d.product_name]
    .some((v) => v && String(v).toLowerCase().includes(needle));
}

/** Mounts the page of group `id` into `root`. */
export async function mountGroupPage(root, session, isCurrent, id) {
  if (!session.online || !session.inventory) return needsServer(root, 'The group page');
  let group;
  let devices;
  let policies;
  try {
    [group, { devices }, policies] = await Promise.all([api.getGroup(id), freshInventory(session), api.listPolicies()]);
  } catch (err) {
    return loadFailed(root, session, `the group ${id}`, err);
  }
  if (!isCurrent()) return;
  const byId = new Map(devices.map((d) => [d.id, d]));
  let members = [...(group.devices || [])];
  const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite', id: 'group-status' });
  const memberSearch = h('input', { type: 'search', id: 'member-search', autocomplete: 'off',
    placeholder: 'Filter members', oninput: () => renderMembers() });
  const addSearch = h('input', { type: 'search', id: 'add-search', autocomplete: 'off',
    placeholder: 'Search the inventory by name, serial, e-mail, model', oninput: () => renderCandidates() });
  const membersBox = h('div', { class: 'table-wrap' });
  const candidatesBox = h('div', { class: 'candidates' });

  async function save(next, message, focusSelector) {
    try {
      const stored = await api.setMembers(id, next);
      members = (stored && stored.devices) || next;
      await session.reloadInventory();
      status.textContent = message;
      renderMembers();
      renderCandidates();
      (root.querySelector(focusSelector) || addSearch).focus();
    } catch (err) {
      status.textContent = `Not changed: ${err.message}`;
    }
  }

  function renderMembers() {
    const needle = memberSearch.value.trim().toLowerCase();
    const shown = members.filter((m) => matches(byId.get(m) || { id: m }, needle));
    replaceChildren(membersBox, shown.length ? h('table', { class: 'data', id: 'members-table' },
      h('caption', { class: 'visually-hidden' }, 'Members'),
      h('thead', {}, h('tr', {}, ['Device', 'Platform', 'OS', 'Serial', ''].map((t) => h('th', { scope: 'col' },
        t || h('span', { class: 'visually-hidden' }, 'Actions'))))),
      h('tbody', {}, shown.map((m, i) => {
        const d = byId.get(m) || { id: m };
        return h('tr', { dataset: { device: m } },
          h('th', { scope: 'row' }, h('a', { href: `#/device/${encodeURIComponent(m)}` }, d.device_name || m),
            byId.has(m) ? null : h('span', { class: 'badge badge-warn' }, 'not in inventory')),
          h('td', {}, d.platform || ''), h('td', {}, d.os_version || ''), h('td', {}, d.serial_number || ''),
          h('td', { class: 'actions' }, h('button', { type: 'button', class: 'small ghost', 'data-write': true,
            'aria-label': `Remove ${d.device_name || m}`, onclick: () => {
              const nextRow = shown[i + 1] || shown[i - 1];
              save(members.filter((x) => x !== m), `Removed ${d.device_name || m}.`,
                nextRow ? `#members-table tr[data-device="${CSS.escape(nextRow)}"] button` : '#member-search');
            } }, 'Remove')));
      })))
      : h('p', { class: 'empty' }, members.length ? 'No member matches.' : 'No members yet: add devices below.'));
    root.querySelector('#member-count')?.replaceChildren(`${members.length} member${members.length === 1 ? '' : 's'}`);
  }

  function renderCandidates() {
    const needle = addSearch.value.trim().toLowerCase();
    if (!needle) {
      replaceChildren(candidatesBox, h('p', { class: 'help' }, 'Type to find devices to add.'));
      return;
    }
    const inGroup = new Set(members);
    const found = devices.filter((d) => !inGroup.has(d.id) && matches(d, needle));
    replaceChildren(candidatesBox,
      h('p', { class: 'help', role: 'status' }, found.length > MAX_RESULTS
        ? `${found.length} devices match; showing ${MAX_RESULTS}. Type more to narrow.` : `${found.length} match.`),
      h('ul', { class: 'plain-list', id: 'add-results' }, found.slice(0, MAX_RESULTS).map((d) => h('li', {},
        h('button', { type: 'button', class: 'small', 'data-write': true, dataset: { device: d.id }, 'aria-label': `Add ${d.device_name || d.id}`,
          onclick: () => save([...members, d.id], `Added ${d.device_name || d.id}.`, '#add-search') }, 'Add'),
        ' ', d.device_name || d.id, h('span', { class: 'dev-sub' }, ` · ${[d.platform, d.os_version, d.serial_number]
          .filter(Boolean).join(' · ')}`)))));
  }

  const targeting = policiesTargeting(session.core, policies, id);
  replaceChildren(root,
    h('div', { class: 'list-head' }, h('div', {},
      h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/groups' }, 'Groups'), ' / ',
        h('span', { 'aria-current': 'page' }, group.name || id)),
      h('h1', { id: 'page-title' }, group.name || id),
      h('p', { class: 'subtitle' }, h('code', {}, id), ' · ', h('span', { id: 'member-count' })))),
    status,
    h('section', { class: 'card', 'aria-labelledby': 'targeting-title' }, h('h2', { id: 'targeting-title' }, 'Policies targeting this group'),
      targeting.length ? h('ul', { class: 'plain-list', id: 'group-policies' }, targeting.map((p) =>
        h('li', {}, h('a', { href: `#/policy/${encodeURIComponent(p.id)}` }, p.name))))
        : h('p', { class: 'empty' }, 'No policy targets this group.')),
    h('section', { class: 'card', 'aria-labelledby': 'members-title' }, h('h2', { id: 'members-title' }, 'Members'),
      h('div', { class: 'field' }, h('label', { for: 'member-search', class: 'field-label' }, 'Filter members'), memberSearch),
      membersBox),
    h('section', { class: 'card', 'aria-labelledby': 'add-title' }, h('h2', { id: 'add-title' }, 'Add devices'),
      h('div', { class: 'field' }, h('label', { for: 'add-search', class: 'field-label' }, 'Find devices'), addSearch),
      candidatesBox));
  renderMembers();
  renderCandidates();
}
