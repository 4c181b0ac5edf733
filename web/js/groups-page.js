// The Groups page: every device group with its members and the policies that target it; create, rename
// and delete (PUT /groups/{id} replaces the name and keeps the members).
import { h, replaceChildren } from './dom.js';
import { api } from './api.js';
import { needsServer, loadFailed } from './page-common.js';
import { targetsOf } from './policy-targets.js';

/** The policies whose documents target group `id` (read by the core). */
export function policiesTargeting(core, policies, id) {
  return policies.filter((p) => targetsOf(core, p.document).device_groups.includes(id));
}

/** A suggested group id from a name (lower case, dashes); the admin may type another. */
function slug(name) {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
}

/** Mounts the page into `root`. */
export async function mountGroupsPage(root, session, isCurrent) {
  if (!session.online || !session.inventory) return needsServer(root, 'The groups page');
  let groups;
  let policies;
  try {
    [groups, policies] = await Promise.all([api.listGroups(), api.listPolicies()]);
  } catch (err) {
    return loadFailed(root, session, 'the groups', err);
  }
  if (!isCurrent()) return;
  const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite', id: 'groups-status',
    tabindex: '-1' });
  const remount = async (message) => {
    await session.reloadInventory();
    await mountGroupsPage(root, session, isCurrent);
    const s = root.querySelector('#groups-status');
    s.textContent = message;
    s.focus();
  };

  const name = h('input', { type: 'text', id: 'group-name', autocomplete: 'off', 'aria-required': 'true', required: true,
    oninput: () => { if (!idEdited) id.value = slug(name.value); } });
  let idEdited = false;
  const id = h('input', { type: 'text', id: 'group-id', class: 'mono', autocomplete: 'off', 'aria-required': 'true',
    required: true, spellcheck: 'false', oninput: () => { idEdited = true; } });
  const createError = h('p', { class: 'field-error', id: 'group-create-error', role: 'alert' });
  const create = h('form', { class: 'inline-form card', id: 'group-create', 'aria-label': 'New group',
    onsubmit: async (e) => {
      e.preventDefault();
      try {
        await api.createGroup({ id: id.value.trim(), name: name.value.trim(), devices: [] });
        await remount(`Group ${name.value.trim()} created.`);
      } catch (err) {
        createError.textContent = `Not created: ${err.message}`;
      }
    } },
  h('h2', {}, 'New group'),
  h('div', { class: 'inline-fields' },
    h('div', { class: 'field' }, h('label', { for: 'group-name', class: 'field-label' }, 'Name'), name),
    h('div', { class: 'field' }, h('label', { for: 'group-id', class: 'field-label' }, 'Id'), id),
    h('button', { type: 'submit', class: 'primary', 'data-write': true }, 'Create group')),
  createError);

  const rows = groups.map((g) => {
    const targeting = policiesTargeting(session.core, policies, g.id);
    const label = g.name || g.id;
    const cell = h('th', { scope: 'row' }, h('a', { href: `#/group/${encodeURIComponent(g.id)}`, class: 'group-link' }, label),
      h('div', { class: 'dev-sub' }, h('code', {}, g.id)));
    const rename = h('button', { type: 'button', class: 'small ghost', 'data-write': true, 'aria-label': `Rename ${label}`, onclick: () => {
      const input = h('input', { type: 'text', value: label, 'aria-label': `New name for ${label}`, class: 'rename-input' });
      const form = h('form', { class: 'rename-form', onsubmit: async (e) => {
        e.preventDefault();
        try {
          await api.putGroup(g.id, { id: g.id, name: input.value.trim(), devices: g.devices || [] });
          await remount(`Renamed ${label} to ${input.value.trim()}.`);
        } catch (err) {
          status.textContent = `Not renamed: ${err.message}`;
        }
      } }, input, h('button', { type: 'submit', class: 'small primary' }, 'Save'),
      h('button', { type: 'button', class: 'small ghost', onclick: () => remount('') }, 'Cancel'));
      replaceChildren(cell, form);
      input.focus();
      input.select();
    } }, 'Rename');
    const del = h('button', { type: 'button', class: 'small ghost danger-text', 'data-write': true, 'aria-label': `Delete ${label}`,
      onclick: async () => {
        const more = targeting.length ? ` ${targeting.length} polic${targeting.length === 1 ? 'y targets' : 'ies target'} it.` : '';
        const ok = await session.confirm(`Delete the group “${label}”? Its devices stay in the inventory.${more}`,
          { title: 'Delete group?', action: 'Delete' });
        if (!ok) return;
        try {
          await api.deleteGroup(g.id);
          await remount(`Group ${label} deleted.`);
        } catch (err) {
          status.textContent = `Not deleted: ${err.message}`;
        }
      } }, 'Delete');
    return h('tr', { dataset: { group: g.id } }, cell,
      h('td', { class: 'num' }, String((g.devices || []).length)),
      h('td', {}, targeting.length ? targeting.map((p, i) => [i ? ', ' : '',
        h('a', { href: `#/policy/${encodeURIComponent(p.id)}` }, p.name)]) : '—'),
      h('td', { class: 'actions' }, rename, del));
  });
  replaceChildren(root,
    h('div', { class: 'list-head' }, h('div', {}, h('h1', { id: 'page-title' }, 'Device groups'),
      h('p', { class: 'subtitle' }, 'Policies target groups; a device receives what its groups receive.'))),
    status,
    groups.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'groups-table' },
      h('caption', { class: 'visually-hidden' }, 'Device groups'),
      h('thead', {}, h('tr', {}, ['Group', 'Members', 'Targeted by', ''].map((t, i) => h('th', { scope: 'col',
        class: i === 1 ? 'num' : '' }, t || h('span', { class: 'visually-hidden' }, 'Actions'))))),
      h('tbody', {}, rows)))
      : h('p', { class: 'empty' }, 'No group yet.'),
    create);
}
