// The Device Groups and Devices tabs: choose a policy's targets from the server's inventory, with search.
import { h, replaceChildren, uniqueId } from './dom.js';
import { ENROLLMENT_LABEL } from './inventory-model.js';

function platformMix(group, devicesById) {
  const counts = {};
  for (const id of group.devices || []) {
    const d = devicesById.get(id);
    const p = (d && d.platform) || 'unknown';
    counts[p] = (counts[p] || 0) + 1;
  }
  return Object.entries(counts).map(([p, n]) => `${n} ${p}`).join(', ');
}


/** The selected groups that already contain a device (shown in the Devices tab). */
function selectedGroupsOf(deviceId, state, groups) {
  return groups.filter((g) => state.targets.device_groups.includes(g.id) && (g.devices || []).includes(deviceId))
    .map((g) => g.name || g.id);
}

function matches(query, ...values) {
  if (!query) return true;
  const q = query.toLowerCase();
  return values.some((v) => v !== undefined && v !== null && String(v).toLowerCase().includes(q));
}

/**
 * One target picker. kind: 'device_groups' | 'devices'. `getInventory()` returns {devices, groups} or
 * null when there is no server. Returns {element, render()}.
 */
export function targetPicker(kind, state, getInventory, onChange) {
  const isGroups = kind === 'device_groups';
  const searchId = uniqueId(`${kind}-search`);
  const noun = isGroups ? 'device groups' : 'devices';
  const search = h('input', { id: searchId, type: 'search', autocomplete: 'off',
    placeholder: isGroups ? 'Search groups by name or id' : 'Search by name, serial, model, OS, platform',
    dataset: { path: `/targets/${kind}`, label: isGroups ? 'Device Groups' : 'Devices' } });
  const status = h('p', { class: 'picker-status', role: 'status', 'aria-live': 'polite' });
  const tableBox = h('div', { class: 'table-wrap' });
  search.addEventListener('input', () => render());

  function render() {
    const inv = getInventory();
    const selected = state.targets[kind];
    if (!inv) {
      replaceChildren(tableBox, h('p', { class: 'empty' },
        `Choosing ${noun} needs the acmepolicy server (its inventory). Validation, preview and download work without it.`));
      status.textContent = selected.length ? `${selected.length} selected (saved in the document).` : '';
      return;
    }
    const devicesById = new Map(inv.devices.map((d) => [d.id, d]));
    const items = isGroups ? inv.groups : inv.devices;
    const known = new Set(items.map((x) => x.id));
    const unknown = selected.filter((id) => !known.has(id)).map((id) => ({ id, unknown: true }));
    const rows = [...items, ...unknown].filter((x) => x.unknown || (isGroups
      ? matches(search.value, x.name, x.id)
      : matches(search.value, x.device_name, x.id, x.serial_number, x.product_name, x.os_version, x.platform,
        x.user_email)));
    const toggle = (id, on) => {
      const list = state.targets[kind];
      const at = list.indexOf(id);
      if (on && at < 0) list.push(id);
      if (!on && at >= 0) list.splice(at, 1);
      onChange(true);
      // The change redraws the table: give focus back to the same item's new checkbox (Space, then Tab on).
      const again = [...tableBox.querySelectorAll('input[type="checkbox"]')].find((b) => b.dataset.target === id);
      if (again) again.focus();
    };
    const head = isGroups
      ? ['', 'Group', 'Id', 'Members', 'Platforms']
      : ['', 'Device', 'Id', 'Platform', 'OS', 'Model', 'Enrollment', 'Serial', 'In selected groups'];
    const body = rows.map((x) => {
      const index = selected.indexOf(x.id);
      const boxId = uniqueId(`${kind}-pick`);
      const label = isGroups ? (x.name || x.id) : (x.device_name || x.id);
      const box = h('input', { type: 'checkbox', id: boxId, checked: index >= 0,
        dataset: index >= 0 ? { target: x.id, path: `/targets/${kind}/${index}`, label: `${isGroups ? 'Group' : 'Device'} ${label}` }
          : { target: x.id },
        onchange: (e) => toggle(x.id, e.target.checked) });
      const name = h('label', { for: boxId }, label, x.unknown ? h('span', { class: 'badge badge-warn' }, 'not in inventory') : null);
      const cells = isGroups
        ? [name, h('code', {}, x.id), x.unknown ? '' : String((x.devices || []).length),
          x.unknown ? '' : platformMix(x, devicesById)]
        : [name, h('code', {}, x.id), x.platform || '', x.os_version || '', x.product_name || '',
          ENROLLMENT_LABEL[x.enrollment] || x.enrollment || '', x.serial_number || '',
          x.unknown ? '' : selectedGroupsOf(x.id, state, inv.groups).join(', ')];
      return h('tr', { class: index >= 0 ? 'selected' : '' }, h('td', { class: 'pick' }, box),
        cells.map((c) => h('td', {}, c)),
      );
    });
    replaceChildren(tableBox, rows.length
      ? h('table', { class: 'data' },
        h('caption', { class: 'visually-hidden' }, `Choose ${noun}`),
        h('thead', {}, h('tr', {}, head.map((c, i) => h('th', { scope: 'col' }, i === 0 ? h('span', { class: 'visually-hidden' }, 'Selected') : c)))),
        h('tbody', {}, body))
      : h('p', { class: 'empty' }, items.length ? `No ${noun} match “${search.value}”.` : `The inventory has no ${noun} yet.`));
    status.textContent = `${selected.length} of ${items.length} ${noun} selected.`;
  }

  const element = h('div', { class: 'picker' },
    h('div', { class: 'field' },
      h('label', { for: searchId, class: 'field-label' }, `Search ${noun}`), search,
      h('div', { class: 'msgs', dataset: { msgsFor: `/targets/${kind}` }, hidden: true })),
    status, tableBox);
  return { element, render };
}
