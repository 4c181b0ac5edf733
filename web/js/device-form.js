// The form for one device record (create or edit): the contract's fields, saved over REST; the server's
// judgement (422 device.invalid with diagnostics) is shown at the fields its paths name.
import { h } from './dom.js';
import { field, checkboxField } from './fields.js';
import { showDiagnostics } from './diagnostics-view.js';
import { ENROLLMENT_LABEL } from './inventory-model.js';
import { api, ApiError } from './api.js';

const TEXT_FIELDS = [
  ['id', 'Id', 'The inventory id; devices enrolled through the MDM use their enrollment id.'],
  ['serial_number', 'Serial number', 'Leave empty for User Enrollment devices: they have none.'],
  ['user_email', 'User e-mail', ''],
  ['device_name', 'Device name', ''],
  ['platform', 'Platform', 'iOS, iPadOS, macOS, …'],
  ['os_version', 'OS version', 'e.g. 17.4.1'],
  ['product_name', 'Model', 'The product identifier, e.g. iPhone15,2.'],
  ['udid', 'UDID', ''],
  ['enrollment_id', 'Enrollment id', 'User Enrollment devices are identified by this.'],
];

/**
 * Builds the form. device: the record to edit, or null to create one. onSaved(record) is called after the
 * server stored it. Returns {element, focus()}.
 */
export function deviceForm({ device, onSaved, onCancel }) {
  const editing = Boolean(device);
  const inputs = {};
  const fields = TEXT_FIELDS.map(([key, label, help]) => {
    const input = h('input', { type: key === 'user_email' ? 'email' : 'text', id: `device-${key}`,
      autocomplete: 'off', spellcheck: 'false', value: device?.[key] ?? '', readonly: editing && key === 'id' });
    inputs[key] = input;
    return field({ label, path: `/${key}`, control: input, help, badge: key === 'id' ? 'Required' : undefined });
  });
  const enrollment = h('select', { id: 'device-enrollment' }, h('option', { value: '' }, 'Unknown'),
    Object.entries(ENROLLMENT_LABEL).map(([v, label]) => h('option', { value: v }, label)));
  enrollment.value = device?.enrollment ?? '';
  const supervised = h('input', { type: 'checkbox', id: 'device-supervised', checked: device?.supervised === true });
  const summary = h('div', { class: 'diag-summary', tabindex: '-1', hidden: true });
  const status = h('p', { class: 'save-status', role: 'status', 'aria-live': 'polite', tabindex: '-1' });
  const form = h('form', { class: 'device-form', id: 'device-form', 'aria-label': editing ? 'Edit device' : 'New device',
    onsubmit: (e) => { e.preventDefault(); save(); } },
  summary,
  h('div', { class: 'two-col' }, fields,
    field({ label: 'Enrollment', path: '/enrollment', control: enrollment }),
    checkboxField({ label: 'Supervised', path: '/supervised', input: supervised })),
  h('div', { class: 'form-actions' },
    h('button', { type: 'submit', class: 'primary', id: 'device-save' }, editing ? 'Save device' : 'Create device'),
    onCancel ? h('button', { type: 'button', class: 'ghost', onclick: onCancel }, 'Cancel') : null),
  status);

  function record() {
    const out = {};
    for (const [key] of TEXT_FIELDS) if (inputs[key].value.trim() !== '') out[key] = inputs[key].value.trim();
    if (enrollment.value) out.enrollment = enrollment.value;
    if (supervised.checked || device?.supervised === false) out.supervised = supervised.checked;
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
