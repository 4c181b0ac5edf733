// The Assignment view: which targeted devices receive the policy and, for each one left out, the core's
// reason in words. Resolution runs in the browser (wasm) over the server's inventory, so it follows every
// edit; install statuses come from the server for the saved version.
import { h, replaceChildren } from './dom.js';
import { coreInventory } from './inventory-model.js';
import { nowOptions } from './core.js';

function viaText(via, groupsById) {
  const one = (v) => {
    if (typeof v === 'string') {
      const m = /^(?:group:)?(.+)$/.exec(v);
      const g = groupsById.get(v) || (m && groupsById.get(m[1]));
      if (v === 'device' || v === 'direct') return 'chosen directly';
      return g ? `group ${g.name || g.id}` : v;
    }
    if (v && typeof v === 'object') {
      if (v.group) return `group ${(groupsById.get(v.group) || {}).name || v.group}`;
      if (v.kind === 'device' || v.device) return 'chosen directly';
      return Object.values(v).join(' ');
    }
    return '';
  };
  return Array.isArray(via) ? via.map(one).join(', ') : one(via);
}

function deviceCell(id, devicesById) {
  const d = devicesById.get(id);
  if (!d) return h('td', {}, h('code', {}, id));
  const bits = [d.platform, d.os_version, d.product_name].filter(Boolean).join(' · ');
  return h('td', {}, h('div', { class: 'dev-name' }, d.device_name || id),
    h('div', { class: 'dev-sub' }, h('code', {}, id), bits ? ` · ${bits}` : ''));
}

/**
 * Builds the panel. getDocument(), getCore(), getInventory() as elsewhere; getSavedId() → the saved policy id
 * or null; fetchAssignments(id) → the server's assignments element (with per-device status) or throws.
 * Returns {element, render()}.
 */
export function assignmentPanel({ getDocument, getCore, getInventory, getSavedId, isDirty, fetchAssignments }) {
  const box = h('div', { class: 'assignment', 'aria-live': 'polite' });
  let serverStatus = new Map();
  let serverNote = '';
  let renderSeq = 0;

  async function refreshStatuses() {
    const id = getSavedId();
    serverStatus = new Map();
    serverNote = '';
    if (!id) return;
    try {
      const a = await fetchAssignments(id);
      for (const inc of (a && a.included) || []) if (inc.status) serverStatus.set(inc.device, inc.status);
    } catch (err) {
      serverNote = `Install statuses are unavailable: ${err.message}`;
    }
  }

  async function render() {
    const seq = ++renderSeq;
    const inv = getInventory();
    const core = getCore();
    if (!inv) {
      replaceChildren(box, h('p', { class: 'empty' },
        'Assignments need the acmepolicy server: it holds the device inventory and applies the policy. ' +
        'Start it with `acmepolicy serve` and open the portal from it.'));
      return;
    }
    if (!core) {
      replaceChildren(box, h('p', { class: 'empty' }, 'The validation engine is not loaded.'));
      return;
    }
    await refreshStatuses();
    if (seq !== renderSeq) return;
    const doc = getDocument();
    let result;
    try {
      result = core.resolve(coreInventory(inv), [doc], nowOptions());
    } catch (err) {
      replaceChildren(box, h('p', { class: 'msg msg-error' }, `Resolution failed: ${err.message}`));
      return;
    }
    const list = Array.isArray(result.policies) ? result.policies : Array.isArray(result) ? result : [];
    const entry = list[0];
    const devicesById = new Map(inv.devices.map((d) => [d.id, d]));
    const groupsById = new Map(inv.groups.map((g) => [g.id, g]));
    if (!entry) {
      const diags = Array.isArray(result.diagnostics) ? result.diagnostics : [];
      replaceChildren(box, h('p', { class: 'msg msg-error' }, diags.map((d) => d.message).join(' ') ||
        'The core returned no resolution for this policy.'));
      return;
    }
    const included = entry.included || [];
    const excluded = entry.excluded || [];
    const targeted = included.length + excluded.length;
    const head = h('div', { class: 'assign-counts' },
      h('div', { class: 'count-card' }, h('span', { class: 'count' }, String(targeted)), 'targeted'),
      h('div', { class: 'count-card ok' }, h('span', { class: 'count' }, String(included.length)), 'will receive it'),
      h('div', { class: 'count-card warn' }, h('span', { class: 'count' }, String(excluded.length)), 'excluded'));
    const notes = [];
    if (isDirty()) notes.push('Showing your unsaved edits; install statuses are those of the saved version.');
    if (!getSavedId()) notes.push('Not saved yet: nothing is sent to devices until you save.');
    if (serverNote) notes.push(serverNote);
    if (entry.valid === false) notes.push('The policy has errors: no device receives an invalid policy.');
    const includedTable = included.length
      ? h('table', { class: 'data', id: 'assign-included' },
        h('caption', {}, 'Devices that will receive the policy'),
        h('thead', {}, h('tr', {}, ['Device', 'Through', 'Notes', 'Status'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, included.map((inc) => h('tr', { dataset: { device: inc.device } },
          deviceCell(inc.device, devicesById),
          h('td', {}, viaText(inc.via, groupsById)),
          h('td', {}, (inc.warnings || []).map((w) => h('p', { class: `msg msg-${w.severity || 'warning'}` },
            h('span', { class: 'sev' }, w.severity === 'info' ? 'Note:' : 'Warning:'), ' ', w.message))),
          h('td', {}, serverStatus.has(inc.device)
            ? h('span', { class: `status status-${serverStatus.get(inc.device)}` }, serverStatus.get(inc.device))
            : h('span', { class: 'status status-none' }, getSavedId() ? '—' : 'not saved'))))))
      : h('p', { class: 'empty' }, 'No device will receive this policy yet: choose device groups or devices.');
    const excludedTable = excluded.length
      ? h('table', { class: 'data', id: 'assign-excluded' },
        h('caption', {}, 'Targeted devices that will not receive it, and why'),
        h('thead', {}, h('tr', {}, ['Device', 'Reason'].map((c) => h('th', { scope: 'col' }, c)))),
        h('tbody', {}, excluded.map((ex) => h('tr', { dataset: { device: ex.device, reason: ex.reason } },
          deviceCell(ex.device, devicesById),
          h('td', {}, h('div', { class: 'reason-text' }, ex.message), h('code', { class: 'diag-code' }, ex.reason))))))
      : null;
    const policyDiags = (entry.diagnostics || []).filter((d) => String(d.path || '').startsWith('/targets'));
    replaceChildren(box, head,
      notes.map((n) => h('p', { class: 'note' }, n)),
      policyDiags.map((d) => h('p', { class: `msg msg-${d.severity}` }, h('span', { class: 'sev' },
        d.severity === 'error' ? 'Error:' : 'Warning:'), ' ', d.message)),
      includedTable, excludedTable);
  }

  return { element: box, render };
}
