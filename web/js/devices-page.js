// The Devices page: the inventory as a table with search, filters, sorting and paging done by the server
// (GET /devices?q=&platform=&…&limit=&offset=, one page per request, so it stays fast at any fleet size);
// create a record, add selected devices to a group, import and export CSV.
import { h, replaceChildren } from './dom.js';
import { api } from './api.js';
import { STATUSES, statusLabel } from './fleet-data.js';
import { ENROLLMENT_LABEL } from './inventory-model.js';
import { EXPIRY_CHOICES, readQuery, writeQuery, PAGE_SIZE } from './device-filters.js';
import { deviceForm } from './device-form.js';
import { importDevicesCsv, exportDevicesCsv } from './device-import.js';
import { needsServer, statusPill } from './page-common.js';
import { metrics } from './metrics.js';

const COLUMNS = [
  ['device_name', 'Device'], ['platform', 'Platform'], ['os_version', 'OS'], ['product_name', 'Model'],
  ['enrollment', 'Enrollment'], ['serial_number', 'Serial'], ['user_email', 'User'], ['status', 'Status'],
];

function select(id, label, value, choices, onChange) {
  const el = h('select', { id, onchange: () => onChange(el.value) }, h('option', { value: '' }, `All`),
    choices.map(([v, text]) => h('option', { value: v }, text)));
  el.value = value;
  return h('div', { class: 'field filter' }, h('label', { for: id, class: 'field-label' }, label), el);
}

/** A selector that finds `el` again after the page redraws (by id, row checkbox or sort button). */
function focusKey(el) {
  if (el.id) return `#${CSS.escape(el.id)}`;
  if (el.dataset.target) return `input[data-target="${CSS.escape(el.dataset.target)}"]`;
  if (el.dataset.sort) return `button[data-sort="${CSS.escape(el.dataset.sort)}"]`;
  return '';
}

/** The server's query for `q` (the page's query): its filters, sort and the page's window. */
function serverQuery(q, limit = PAGE_SIZE, offset = (q.page - 1) * PAGE_SIZE) {
  const out = { limit: String(limit), offset: String(offset) };
  for (const k of ['q', 'platform', 'os', 'enrollment', 'status', 'sort', 'dir']) if (q[k]) out[k] = q[k];
  if (q.expires) out.expires_within_days = q.expires;
  return out;
}

/** Every record matching `q`, page by page (for the export). */
async function allMatching(q) {
  const out = [];
  for (let offset = 0; ; offset += 1000) {
    const page = await api.devicesPage(serverQuery(q, 1000, offset));
    out.push(...page.devices);
    if (page.next_offset === null || page.next_offset === undefined) return out;
  }
}

/** Mounts the page into `root`; the query comes from the URL hash. */
export async function mountDevicesPage(root, session, isCurrent) {
  if (!session.online) return needsServer(root, 'The device list');
  const started = performance.now();
  delete root.dataset.statuses;
  const q = readQuery(location.hash);
  let answer = null;  // the server's last page: {devices, total, inventory, statuses, facets, …}
  let groups = (session.inventory && session.inventory.groups) || [];
  let turn = 0;
  const selected = new Set();
  const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite', id: 'devices-status' });
  const tableBox = h('div', { class: 'table-wrap' });
  const pager = h('nav', { class: 'pager', 'aria-label': 'Pages' });
  const filters = h('div', { class: 'filters', role: 'search' });
  const bulk = h('div', { class: 'bulk-bar' });
  const formBox = h('div', { class: 'card', hidden: true });
  const importReport = h('div', { class: 'import-report', role: 'status', 'aria-live': 'polite', id: 'import-report' });

  /** Fetches the page of `q` and draws it; an older answer arriving late is dropped. */
  async function load() {
    const mine = ++turn;
    root.dataset.loading = 'true';
    let got;
    try {
      got = await api.devicesPage(serverQuery(q));
    } catch (err) {
      if (mine !== turn || !isCurrent()) return;
      if (err.status === 401) session.requireToken('The server did not accept the token.');
      status.textContent = `The device list could not be loaded: ${err.message}`;
      delete root.dataset.loading;
      return;
    }
    if (mine !== turn || !isCurrent()) return;
    const pages = Math.max(1, Math.ceil(got.total / PAGE_SIZE));
    if (q.page > pages && got.total > 0) {
      q.page = pages;
      history.replaceState(null, '', writeQuery(q));
      return load();
    }
    const first = !answer;
    answer = got;
    const focused = document.activeElement && root.contains(document.activeElement) ? focusKey(document.activeElement) : '';
    renderFilters();
    render();
    if (focused) root.querySelector(focused)?.focus();
    delete root.dataset.loading;
    root.dataset.statuses = 'loaded';
    if (first) {
      metrics.deviceList.push(performance.now() - started);
      if (metrics.deviceListSinceLoad === null) metrics.deviceListSinceLoad = performance.now();
      window.dispatchEvent(new Event('acmepolicy:first-rows'));
    }
  }

  let typing = null;
  const update = (changes, { debounce = false } = {}) => {
    Object.assign(q, changes);
    // The address follows the query without remounting the page (replaceState fires no hashchange).
    history.replaceState(null, '', writeQuery(q));
    clearTimeout(typing);
    if (debounce) typing = setTimeout(load, 150);
    else load();
  };

  function renderFilters() {
    const facets = (answer && answer.facets) || { platform: [], os: [], enrollment: [] };
    const search = h('input', { type: 'search', id: 'devices-search', value: q.q, autocomplete: 'off',
      placeholder: 'Name, serial, e-mail, model, id', oninput: () => update({ q: search.value, page: 1 }, { debounce: true }) });
    const keepSearch = filters.querySelector('#devices-search');
    replaceChildren(filters,
      h('div', { class: 'field filter filter-search' }, h('label', { for: 'devices-search', class: 'field-label' },
        'Search devices'), keepSearch || search),
      select('filter-platform', 'Platform', q.platform, facets.platform.map((p) => [p, p]),
        (v) => update({ platform: v, page: 1 })),
      select('filter-os', 'OS version', q.os, facets.os.map((v) => [v, `${v}.x`]), (v) => update({ os: v, page: 1 })),
      select('filter-enrollment', 'Enrollment', q.enrollment,
        facets.enrollment.map((v) => [v, ENROLLMENT_LABEL[v] || v]), (v) => update({ enrollment: v, page: 1 })),
      select('filter-status', 'Status', q.status, STATUSES.map((s) => [s.key, s.label]),
        (v) => update({ status: v, page: 1 })),
      select('filter-expiry', 'Certificate expiry', q.expires, EXPIRY_CHOICES, (v) => update({ expires: v, page: 1 })));
  }

  function sortButton(key, label) {
    const on = (q.sort || 'device_name') === key;
    return h('button', { type: 'button', class: 'sort', dataset: { sort: key },
      'aria-label': `Sort by ${label}${on ? (q.dir === 'desc' ? ', now descending' : ', now ascending') : ''}`,
      onclick: () => update({ sort: key, dir: on && q.dir !== 'desc' ? 'desc' : 'asc', page: 1 }) },
    label, h('span', { 'aria-hidden': 'true', class: 'sort-mark' }, on ? (q.dir === 'desc' ? ' ▼' : ' ▲') : ''));
  }

  function render() {
    const shown = answer ? answer.devices : [];
    const total = answer ? answer.total : 0;
    const inventory = answer ? answer.inventory : 0;
    const statusOf = (answer && answer.statuses) || {};
    const pages = Math.max(1, Math.ceil(total / PAGE_SIZE));
    const first = (q.page - 1) * PAGE_SIZE;
    const allOn = shown.length > 0 && shown.every((d) => selected.has(d.id));
    const head = h('tr', {},
      h('th', { scope: 'col', class: 'pick' }, h('input', { type: 'checkbox', id: 'select-page', checked: allOn,
        'aria-label': 'Select every device on this page', onchange: (e) => {
          for (const d of shown) (e.target.checked ? selected.add(d.id) : selected.delete(d.id));
          render();
          document.getElementById('select-page')?.focus();
        } })),
      COLUMNS.map(([key, label]) => {
        const on = (q.sort || 'device_name') === key;
        return h('th', { scope: 'col', 'aria-sort': on ? (q.dir === 'desc' ? 'descending' : 'ascending') : null },
          sortButton(key, label));
      }));
    const body = shown.map((d) => {
      const s = statusOf[d.id] || 'none';
      return h('tr', { dataset: { device: d.id }, class: selected.has(d.id) ? 'selected' : '' },
        h('td', { class: 'pick' }, h('input', { type: 'checkbox', checked: selected.has(d.id), dataset: { target: d.id },
          'aria-label': `Select ${d.device_name || d.id}`, onchange: (e) => {
            (e.target.checked ? selected.add(d.id) : selected.delete(d.id));
            render();
            tableBox.querySelector(`input[data-target="${CSS.escape(d.id)}"]`)?.focus();
          } })),
        h('th', { scope: 'row' }, h('a', { href: `#/device/${encodeURIComponent(d.id)}`, class: 'device-link' },
          d.device_name || d.id), h('div', { class: 'dev-sub' }, h('code', {}, d.id))),
        h('td', {}, d.platform || ''), h('td', {}, d.os_version || ''), h('td', {}, d.product_name || ''),
        h('td', {}, ENROLLMENT_LABEL[d.enrollment] || d.enrollment || ''), h('td', {}, d.serial_number || ''),
        h('td', {}, d.user_email || ''),
        h('td', { class: 'col-status' }, statusPill(s, statusLabel(s))));
    });
    replaceChildren(tableBox, h('table', { class: 'data devices', id: 'devices-table' },
      h('caption', { class: 'visually-hidden' }, 'Devices'), h('thead', {}, head), h('tbody', {}, body)));
    status.textContent = !answer ? 'Loading…' : total
      ? `Showing ${first + 1}–${first + shown.length} of ${total} device${total === 1 ? '' : 's'}` +
        `${total !== inventory ? ` (${inventory} in the inventory)` : ''}.`
      : `No device matches (${inventory} in the inventory).`;
    replaceChildren(pager,
      h('button', { type: 'button', class: 'small', id: 'page-prev', disabled: q.page <= 1,
        onclick: () => update({ page: q.page - 1 }) }, '‹ Previous'),
      h('span', { id: 'page-info' }, `Page ${q.page} of ${pages}`),
      h('button', { type: 'button', class: 'small', id: 'page-next', disabled: q.page >= pages,
        onclick: () => update({ page: q.page + 1 }) }, 'Next ›'));
    renderBulk();
  }

  // Kept across redraws: the chosen group and the last outcome stay.
  const groupSelect = h('select', { id: 'bulk-group', 'aria-label': 'Group to add the selected devices to' });
  const note = h('span', { class: 'bulk-note', role: 'status', 'aria-live': 'polite', id: 'bulk-status' });
  function renderBulk() {
    const chosen = groupSelect.value;
    replaceChildren(groupSelect, h('option', { value: '' }, 'Choose a group…'),
      groups.map((g) => h('option', { value: g.id }, g.name || g.id)));
    groupSelect.value = groups.some((g) => g.id === chosen) ? chosen : '';
    replaceChildren(bulk, h('span', { id: 'selected-count' }, `${selected.size} selected`), groupSelect,
      h('button', { type: 'button', class: 'small', id: 'bulk-add', 'data-write': true, disabled: !selected.size, onclick: async () => {
        const g = groups.find((x) => x.id === groupSelect.value);
        if (!g) { note.textContent = 'Choose a group first.'; return; }
        const members = [...new Set([...(g.devices || []), ...selected])];
        try {
          const stored = await api.setMembers(g.id, members);
          g.devices = (stored && stored.devices) || members;
          note.textContent = `Added ${selected.size} device${selected.size === 1 ? '' : 's'} to ${g.name || g.id}.`;
          session.inventoryAt = 0;  // the session's copy is stale now
        } catch (err) {
          note.textContent = `Not added: ${err.message}`;
        }
      } }, 'Add to group'),
      h('button', { type: 'button', class: 'small ghost', disabled: !selected.size,
        onclick: () => { selected.clear(); render(); } }, 'Clear selection'), note);
  }

  const csvInput = h('input', { type: 'file', id: 'import-csv-file', 'data-write': true, accept: '.csv,text/csv', class: 'file-input',
    onchange: async () => {
      const file = csvInput.files[0];
      csvInput.value = '';
      if (!file) return;
      importReport.textContent = `Importing ${file.name}…`;
      const result = await importDevicesCsv(await file.text(), (done, total) => {
        importReport.textContent = `Importing ${file.name}: ${done} of ${total}…`;
      });
      session.reloadInventory();  // for the other pages; this one asks the server for its page
      await load();
      replaceChildren(importReport,
        h('p', { id: 'import-summary' }, `Imported ${file.name}: ${result.created} created, ${result.updated} updated, ` +
          `${result.failed.length} refused.`),
        result.problems.map((p) => h('p', { class: 'msg msg-warning' }, p)),
        result.failed.length ? h('ul', { class: 'plain-list' }, result.failed.slice(0, 20).map((f) =>
          h('li', { class: 'msg msg-error' }, `Row ${f.row}${f.id ? ` (${f.id})` : ''}: ${f.message}`))) : null);
    } });

  const showForm = () => {
    const form = deviceForm({ device: null, onCancel: () => { formBox.hidden = true; },
      onSaved: async (rec) => {
        await session.reloadInventory();
        location.hash = `#/device/${encodeURIComponent(rec.id)}`;
      } });
    replaceChildren(formBox, h('h2', {}, 'New device'), form.element);
    formBox.hidden = false;
    form.focus();
  };

  const exportNote = h('span', { class: 'bulk-note', role: 'status', 'aria-live': 'polite', id: 'export-status' });
  replaceChildren(root,
    h('div', { class: 'list-head' },
      h('div', {}, h('h1', { id: 'page-title' }, 'Devices'),
        h('p', { class: 'subtitle' }, 'Every device record of the inventory; enrolled devices appear by themselves.')),
      h('div', { class: 'editor-actions' },
        h('button', { type: 'button', class: 'primary', id: 'new-device', 'data-write': true, onclick: showForm }, '+ New device'),
        csvInput, h('label', { for: 'import-csv-file', class: 'button file-label' }, 'Import CSV…'),
        h('button', { type: 'button', id: 'export-csv', onclick: async () => {
          exportNote.textContent = 'Exporting…';
          try {
            exportDevicesCsv(await allMatching(q));
            exportNote.textContent = '';
          } catch (err) {
            exportNote.textContent = `Not exported: ${err.message}`;
          }
        } }, 'Export CSV'), exportNote)),
    formBox, importReport, filters, status, bulk, tableBox, pager);
  // The table appears with the server's first answer (until then the status says "Loading…").
  status.textContent = 'Loading…';
  await load();
  // The groups for "Add to group" come with the inventory loaded at sign-in.
  await session.inventoryReady;
  if (session.inventory) groups = session.inventory.groups;
  else groups = await api.listGroups().catch(() => []);
  if (isCurrent() && answer) renderBulk();
}
