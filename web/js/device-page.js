// One device: its record's facts, each policy that targets it (the server's resolution: whether it receives
// it, in which form, through which fallback; the install status with the device's ErrorChain and the
// certificate), the command history, its certificates, its groups, and the actions: reconcile now, retry,
// re-push, edit, delete.
import { h, replaceChildren } from './dom.js';
import { api } from './api.js';
import { coreInventory, ENROLLMENT_LABEL } from './inventory-model.js';
import { deviceRecordKeys, words } from './core-tables.js';
import { deviceForm } from './device-form.js';
import { needsServer, loadFailed, statusPill } from './page-common.js';
import { commandHistory } from './device-commands.js';
import { certificatesSection, expiryText } from './device-certificates.js';
import { nowOptions } from './core.js';
import { targetsOf } from './policy-targets.js';

const DELIVERY_LABEL = { profile: 'Configuration profile', declarative: 'Declarative (DDM)' };

/** This device's entry in each policy's resolution: {included?, excluded?, fallback?} by policy id. */
function resolutionOf(policies, resolutions, id) {
  const out = new Map();
  policies.forEach((p, i) => {
    const r = resolutions[i];
    if (!r) return;
    const inc = (r.included || []).find((x) => x.device === id);
    const exc = (r.excluded || []).find((x) => x.device === id);
    const fb = (r.included_via_fallback || []).find((x) => x.device === id);
    if (inc || exc || fb) out.set(p.id, { included: inc, excluded: exc, fallback: fb });
  });
  return out;
}

// Words for some of the core's device-record keys (the others are named by words()); the id heads the page.
const FACT_WORDS = { device_name: 'Name', product_name: 'Model', enrollment_id: 'Enrollment id', user_email: 'User e-mail' };

/** The facts shown, [key, label], in the core's device-record order (docs/schema.md). */
function facts() {
  return deviceRecordKeys().filter((k) => !k.required).map((k) => [k.name, FACT_WORDS[k.name] || words(k.name)]);
}

function factValue(device, key) {
  const v = device[key];
  if (key === 'enrollment') return ENROLLMENT_LABEL[v] || v || '—';
  if (key === 'supervised') return v === true ? 'yes' : v === false ? 'no' : '—';
  return v === undefined || v === null || v === '' ? '—' : String(v);
}

function errorText(e) {
  if (!e) return '';
  if (e.mdm) return `${e.status}: ${e.mdm}`;
  const chain = Array.isArray(e.error_chain) ? e.error_chain.map((c) => [c.ErrorDomain, c.ErrorCode,
    c.LocalizedDescription || c.USEnglishDescription].filter((x) => x !== undefined && x !== '').join(' ')) : [];
  return [e.status, ...chain].filter(Boolean).join(' · ');
}

/** Mounts the page of device `id` into `root`. */
export async function mountDevicePage(root, session, isCurrent, id) {
  if (!session.online || !session.inventory) return needsServer(root, 'The device page');
  delete root.dataset.deviceLoaded;
  let device;
  let state;
  let groups;
  let policies;
  try {
    [device, state, groups, policies] = await Promise.all([api.getDevice(id), api.deviceStatus(id).catch(() => null),
      api.listGroups(), api.listPolicies()]);
  } catch (err) {
    return loadFailed(root, session, `the device ${id}`, err);
  }
  if (!isCurrent()) return;
  const resolutions = await Promise.all(policies.map((p) => api.assignments(p.id).catch(() => null)));
  if (!isCurrent()) return;
  const resolved = resolutionOf(policies, resolutions, id);
  const nameOf = new Map(policies.map((p) => [p.id, p.name]));
  const remount = async (message) => {
    await mountDevicePage(root, session, isCurrent, id);
    const el = root.querySelector('#device-action-status');
    if (el && message) {
      el.textContent = message;
      el.focus();
    }
  };
  const core = session.core;
  const enrolled = state ? state.enrolled === true : null;
  const statusByPolicy = new Map(((state && state.assignments) || []).map((a) => [a.policy, a]));
  const memberOf = groups.filter((g) => (g.devices || []).includes(id));
  // The policies that target it, through a group or directly (their targets as the core reads them).
  const targeting = policies.filter((p) => {
    const t = targetsOf(core, p.document);
    return t.devices.includes(id) || t.device_groups.some((g) => memberOf.some((m) => m.id === g))
      || statusByPolicy.has(p.id) || resolved.has(p.id);
  });
  const explain = (p) => {
    if (!core || !inv) return null;
    try {
      const inventory = coreInventory({ devices: [...inv.devices.filter((d) => d.id !== id), device], groups });
      return core.explain(inventory, p.document, id, nowOptions());
    } catch {
      return null;
    }
  };
  const note = h('p', { class: 'save-status', role: 'status', 'aria-live': 'polite', id: 'device-action-status',
    tabindex: '-1' });
  const editBox = h('div', { class: 'card', hidden: true });

  const policyRows = targeting.map((p) => {
    const a = statusByPolicy.get(p.id);
    const r = resolved.get(p.id);
    const why = r ? null : explain(p);
    let receives = why ? (why.included ? 'yes' : `no: ${why.message}`) : '—';
    if (r && r.included) {
      const fallbackOf = (r.included.via || []).filter((v) => v.startsWith('fallback:')).map((v) => v.slice(9));
      receives = fallbackOf.length ? `yes, as the fallback of ${fallbackOf.map((f) => nameOf.get(f) || f).join(', ')}` : 'yes';
    } else if (r && r.fallback) {
      receives = `no, its fallback instead: ${r.fallback.message || `gets ${nameOf.get(r.fallback.policy) || r.fallback.policy} instead`}`;
    } else if (r && r.excluded) {
      receives = `no: ${r.excluded.message || r.excluded.reason}`;
    }
    // Whether it receives the policy: the server's resolution, else the core's explanation here.
    const gets = r ? Boolean(r.included) : why ? why.included : null;
    const delivery = r && r.included && r.included.delivery;
    const cert = a && a.certificate;
    const retryable = a && a.last_command_uuid && (a.dead || a.status === 'failed');
    // An assignment waits for the MDM only once the device has enrolled.
    const waiting = ['not-enrolled', 'waiting for enrollment'];
    let shown = ['none', '—'];
    if (a) shown = a.status === 'pending' && enrolled === false ? waiting : [a.status, a.status];
    else if (gets === false) shown = ['excluded', 'not sent'];
    else if (gets === true) shown = enrolled === false ? waiting : ['pending', 'pending'];
    return h('tr', { dataset: { policy: p.id } },
      h('th', { scope: 'row' }, h('a', { href: `#/policy/${encodeURIComponent(p.id)}` }, p.name)),
      h('td', { class: 'receives' }, receives),
      h('td', {}, statusPill(shown[0], shown[1])),
      h('td', {}, a ? `${a.installed_version ?? '—'} / ${a.desired_version ?? '—'}` : ''),
      h('td', { class: 'delivery' }, delivery ? [DELIVERY_LABEL[delivery] || delivery,
        r.included.delivery_reason ? h('div', { class: 'dev-sub' }, r.included.delivery_reason) : null] : '—'),
      h('td', { class: 'certificate' }, cert && cert.not_after ? [expiryText(cert.not_after),
        cert.serial ? h('div', { class: 'dev-sub' }, `serial ${cert.serial}`) : null] : '—'),
      h('td', { class: 'last-error' }, a ? errorText(a.last_error) : ''),
      h('td', {}, a && a.last_command_uuid ? h('code', {}, a.last_command_uuid) : ''),
      h('td', { class: 'actions' },
        retryable ? h('button', { type: 'button', class: 'small', 'data-write': true, dataset: { retryPolicy: p.id },
          'aria-label': `Retry ${p.name}`, onclick: async () => {
            try {
              await api.retryCommand(a.last_command_uuid);
              await remount(`Retry of ${p.name} queued.`);
            } catch (err) {
              note.textContent = `Not retried: ${err.message}`;
            }
          } }, 'Retry') : null,
        a && enrolled && (a.status === 'installed' || a.status === 'failed' || a.status === 'pending')
          ? h('button', { type: 'button', class: 'small ghost', 'data-write': true, dataset: { repush: p.id },
            'aria-label': `Re-push ${p.name}`, onclick: async () => {
              try {
                const out = await api.repush(id, p.id);
                await remount(`${p.name} sent again (${out.command_uuid}).`);
              } catch (err) {
                note.textContent = `Not re-pushed: ${err.message}`;
              }
            } }, 'Re-push') : null));
  });

  const addGroup = h('select', { id: 'device-add-group', 'aria-label': 'Add this device to a group' },
    h('option', { value: '' }, 'Add to a group…'),
    groups.filter((g) => !memberOf.includes(g)).map((g) => h('option', { value: g.id }, g.name || g.id)));
  const setGroup = async (g, on) => {
    const members = on ? [...new Set([...(g.devices || []), id])] : (g.devices || []).filter((x) => x !== id);
    try {
      await api.setMembers(g.id, members);
      await session.reloadInventory();
      await mountDevicePage(root, session, isCurrent, id);
      root.querySelector('#device-action-status').textContent = on ? `Added to ${g.name || g.id}.` : `Removed from ${g.name || g.id}.`;
      root.querySelector('#device-action-status').focus();
    } catch (err) {
      note.textContent = `Not changed: ${err.message}`;
    }
  };

  replaceChildren(root,
    h('div', { class: 'list-head' },
      h('div', {},
        h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/devices' }, 'Devices'), ' / ',
          h('span', { 'aria-current': 'page' }, device.device_name || id)),
        h('h1', { id: 'page-title' }, device.device_name || id),
        h('p', { class: 'subtitle' }, h('code', {}, id), ' · ', enrolled === null ? 'enrollment state unknown'
          : enrolled ? 'enrolled in the MDM' : 'not enrolled yet: inventory record only')),
      h('div', { class: 'editor-side' }, h('div', { class: 'editor-actions' },
        h('button', { type: 'button', id: 'reconcile-device', 'data-write': true, onclick: async () => {
          try {
            const out = await api.reconcile(id);
            await remount(`Reconciled: ${out.commands_queued} command${out.commands_queued === 1 ? '' : 's'} queued.`);
          } catch (err) {
            note.textContent = `Not reconciled: ${err.message}`;
          }
        } }, 'Reconcile now'),
        h('button', { type: 'button', id: 'edit-device', 'data-write': true, onclick: () => {
          const form = deviceForm({ device, onCancel: () => { editBox.hidden = true; },
            onSaved: async () => { await session.reloadInventory(); await mountDevicePage(root, session, isCurrent, id); } });
          replaceChildren(editBox, h('h2', {}, 'Edit device'), form.element);
          editBox.hidden = false;
          form.focus();
        } }, 'Edit'),
        h('button', { type: 'button', class: 'ghost danger-text', id: 'delete-device', 'data-write': true, onclick: async () => {
          const ok = await session.confirm(`Delete the device record “${device.device_name || id}”?`,
            { title: 'Delete device?', action: 'Delete' });
          if (!ok) return;
          try {
            await api.deleteDevice(id);
            await session.reloadInventory();
            location.hash = '#/devices';
          } catch (err) {
            note.textContent = `Not deleted: ${err.message}`;
          }
        } }, 'Delete')), note)),
    editBox,
    h('section', { class: 'card', 'aria-labelledby': 'facts-title' }, h('h2', { id: 'facts-title' }, 'Facts'),
      h('dl', { class: 'facts', id: 'device-facts' }, facts().map(([k, label]) => [h('dt', {}, label),
        h('dd', { dataset: { fact: k } }, factValue(device, k))]))),
    h('section', { class: 'card', 'aria-labelledby': 'policies-title' }, h('h2', { id: 'policies-title' }, 'Policies'),
      policyRows.length ? h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'device-policies' },
        h('thead', {}, h('tr', {}, ['Policy', 'Receives it', 'Status', 'Installed / wanted version', 'Delivery',
          'Certificate', 'Last error', 'Last command', ''].map((t) => h('th', { scope: 'col' },
          t || h('span', { class: 'visually-hidden' }, 'Actions'))))),
        h('tbody', {}, policyRows)))
        : h('p', { class: 'empty' }, 'No policy targets this device.')),
    h('section', { class: 'card', 'aria-labelledby': 'groups-title' }, h('h2', { id: 'groups-title' }, 'Groups'),
      memberOf.length ? h('ul', { class: 'plain-list', id: 'device-groups' }, memberOf.map((g) => h('li', {},
        h('a', { href: `#/group/${encodeURIComponent(g.id)}` }, g.name || g.id), ' ',
        h('button', { type: 'button', class: 'small ghost', 'data-write': true, 'aria-label': `Remove from ${g.name || g.id}`,
          onclick: () => setGroup(g, false) }, 'Remove'))))
        : h('p', { class: 'empty' }, 'Not in any group.'),
      h('div', { class: 'row-tools' }, addGroup, h('button', { type: 'button', class: 'small', id: 'device-add-group-go', 'data-write': true,
        onclick: () => { const g = groups.find((x) => x.id === addGroup.value); if (g) setGroup(g, true); } }, 'Add'))));
  const [history, certificates] = await Promise.all([commandHistory(id, remount), certificatesSection(id)]);
  if (!isCurrent()) return;
  root.append(history, certificates);
  root.dataset.deviceLoaded = id;
}
