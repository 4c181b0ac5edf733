// The form for one device record (create or edit): the core's device-record keys, saved over REST; the server's
// judgement (422 device.invalid with diagnostics) is shown at the fields its paths name.
import { h } from './dom.js';
import { field, checkboxField } from './fields.js';
import { showDiagnostics } from './diagnostics-view.js';
import { ENROLLMENT_LABEL } from './inventory-model.js';
import { deviceRecordKeys, words } from './core-tables.js';
import { api, ApiError } from './api.js';

// Words for some of the core's device-record keys (looked up by name; the others are named by words()).
const FIELD_WORDS = {
  id: ['Id', 'The inventory id; devices enrolled through the MDM use their enrollment id.'],
  serial_number: [null, 'Leave empty for User Enrollment devices: they have none.'],
  user_email: ['User e-mail', ''],
  os_version: [null, 'e.g. 17.4.1'],
  product_name: ['Model', 'The product identifier, e.g. iPhone15,2.'],
  enrollment_id: ['Enrollment id', 'User Enrollment devices are identified by this.'],
};
// Enumerated keys shown as a menu, with words for each of the core's values; the others are text with suggestions.
const VALUE_WORDS = { enrollment: ENROLLMENT_LABEL };

/**
 * Builds the form. device: the record to edit, or null to create one. onSaved(record) is called after the
 * server stored it. Returns {element, focus()}.
 */
export function deviceForm({ device, onSaved, onCancel }) {
  const editing = Boolean(device);
  const inputs = {};
  const controls = [];
  for (const key of deviceRecordKeys()) {
    const [label = null, help = ''] = FIELD_WORDS[key.name] || [];
    const title = label || words(key.name);
    const path = `/${key.name}`;
    if (key.type === 'boolean') {
      const input = h('input', { type: 'checkbox', id: `device-${key.name}`, checked: device?.[key.name] === true });
      inputs[key.name] = input;
      controls.push(checkboxField({ label: title, path, input }));
    } else if (key.values && VALUE_WORDS[key.name]) {
      const select = h('select', { id: `device-${key.name}` }, h('option', { value: '' }, 'Unknown'),
        key.values.map((v) => h('option', { value: v }, VALUE_WORDS[key.name][v] || v)));
      select.value = device?.[key.name] ?? '';
      inputs[key.name] = select;
      controls.push(field({ label: title, path, control: select }));
    } else {
      const list = key.values ? h('datalist', { id: `device-${key.name}-values` },
        key.values.map((v) => h('option', { value: v }))) : null;
      const input = h('input', { type: key.name === 'user_email' ? 'email' : 'text', id: `device-${key.name}`,
        autocomplete: 'off', spellcheck: 'false', value: device?.[key.name] ?? '', readonly: editing && key.required,
        list: list ? list.id : undefined });
      inputs[key.name] = input;
      controls.push(field({ label: title, path, control: input, help: help || (key.values ? key.values.join(', ') : ''),
        badge: key.required ? 'Required' : undefined }), list);
    }
  }
  const summary = h('div', { class: 'diag-summary', tabindex: '-1', hidden: true });
  const status = h('p', { class: 'save-status', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
  const form = h('form', { class: 'device-form', id: 'device-form', 'aria-label': editing ? 'Edit device' : 'New device',
    onsubmit: (e) => { e.preventDefault(); save(); } },
  summary,
  h('div', { class: 'two-col' }, controls),
  h('div', { class: 'form-actions' },
    h('button', { type: 'submit', class: 'primary', id: 'device-save' }, editing ? 'Save device' : 'Create device'),
    onCancel ? h('button', { type: 'button', class: 'ghost', onclick: onCancel }, 'Cancel') : null),
  status);

  function record() {
    const out = {};
    for (const key of deviceRecordKeys()) {
      const input = inputs[key.name];
      if (key.type === 'boolean') {
        if (input.checked || device?.[key.name] === false) out[key.name] = input.checked;
      } else if (input.value.trim() !== '') {
        out[key.name] = input.value.trim();
      }
    }
    return out;
  }

  async function save() {
    const rec = record();
    status.textContent = 'Saving…';
    showDiagnostics(form, summary, [], () => {});
    summary.hidden = true;
    try {
      const stored = editing ? await api.updateDevice(device.id, rec) : await api.createDevice(rec);
      status.textContent = editing ? 'Device saved.' : `Device ${rec.id} created.`;
      status.focus();
      onSaved(stored || rec);
    } catch (err) {
      const diags = err instanceof ApiError && err.diagnostics.length ? err.diagnostics
        : [{ severity: 'error', code: err.code || 'error', path: err.code === 'device.id_conflict' ? '/id' : '',
          message: err.message }];
      summary.hidden = false;
      showDiagnostics(form, summary, diags, () => {});
      status.textContent = `Not saved: ${err.message}`;
      summary.focus();
    }
  }

  return { element: form, focus: () => inputs[editing ? 'serial_number' : 'id'].focus() };
}
