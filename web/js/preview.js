// The Preview tab: the profile the core renders for a chosen device (or with placeholders), highlighted,
// with a download; the declarative (DDM) form for iOS 17+ too. Rendering runs in the browser (wasm).
import { h, replaceChildren } from './dom.js';
import { highlightXml, highlightJson } from './highlight.js';
import { deviceRecord, coreInventory } from './inventory-model.js';
import { mergeDiagnostics } from './diagnostics-view.js';
import { nowOptions } from './core.js';

function validationKeys(core, doc) {
  try {
    return (core.validate(doc, nowOptions()).diagnostics || []).map((d) => `${d.code} ${d.path}`);
  } catch {
    return [];
  }
}

/** A notice when the core's resolution leaves `device` out of this policy: the preview shows what it would
 *  get, but it will not be sent. Null when the device receives the policy (or the core cannot tell). */
function leftOut(core, doc, inv, device) {
  let why;
  try {
    why = core.explain(coreInventory(inv), doc, device.id, nowOptions());
  } catch {
    return null;
  }
  if (!why || why.included !== false) return null;
  return h('p', { class: 'msg msg-warning', id: 'preview-excluded', role: 'status' },
    h('span', { class: 'sev' }, 'Warning:'), ` ${device.device_name || device.id} will not receive this policy: ` +
      `${why.message || why.reason}. The preview shows what it would get if it did.`);
}

function downloadName(doc, format, device) {
  const base = (doc.id || doc.name || 'policy').toString().toLowerCase().replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '') || 'policy';
  const suffix = device ? `-${String(device.id).replace(/[^A-Za-z0-9._-]+/g, '-')}` : '';
  return format === 'ddm' ? `${base}${suffix}-ddm.json` : `${base}${suffix}.mobileconfig`;
}

/**
 * Builds the preview panel. getDocument() → the current policy document; getCore() → core or null;
 * getInventory() → {devices, groups} or null. Returns {element, render()}.
 */
export function previewPanel(getDocument, getCore, getInventory) {
  const formatId = 'preview-format';
  const deviceId = 'preview-device';
  const prefixId = 'preview-prefix';
  const format = h('select', { id: formatId, onchange: () => render() },
    h('option', { value: 'mobileconfig' }, 'Configuration profile (.mobileconfig)'),
    h('option', { value: 'ddm' }, 'Declarative (iOS 17+)'));
  const device = h('select', { id: deviceId, onchange: () => render() });
  const prefix = h('input', { id: prefixId, type: 'text', class: 'mono', placeholder: 'com.example',
    spellcheck: 'false', autocomplete: 'off', onchange: () => render() });
  const baseUrlField = h('div', { class: 'field', hidden: true },
    h('label', { for: 'preview-ddm-base', class: 'field-label' }, 'Credential base URL'),
    h('input', { id: 'preview-ddm-base', type: 'url', class: 'mono', spellcheck: 'false', autocomplete: 'off',
      value: location.protocol === 'https:' ? `${location.origin}/ddm` : 'https://mdm.example.com/ddm',
      'aria-describedby': 'preview-ddm-base-help', onchange: () => render() }),
    h('p', { class: 'help', id: 'preview-ddm-base-help' }, 'Where the server serves credential documents (its --ddm-base-url).'));
  const baseUrl = baseUrlField.querySelector('input');
  const info = h('p', { class: 'preview-info', role: 'status', 'aria-live': 'polite' });
  const problems = h('div', { class: 'preview-problems' });
  const pre = h('pre', { class: 'code-view', tabindex: '0', 'aria-label': 'Rendered profile' });
  let last = null;
  const download = h('button', { type: 'button', class: 'primary', id: 'download-profile', disabled: true,
    onclick: () => {
      if (!last) return;
      const blob = new Blob([last.output], { type: last.format === 'ddm' ? 'application/json'
        : 'application/x-apple-aspen-config' });
      const a = h('a', { href: URL.createObjectURL(blob), download: last.name });
      document.body.append(a);
      a.click();
      a.remove();
      setTimeout(() => URL.revokeObjectURL(a.href), 10000);
    } }, 'Download');

  function fillDevices() {
    const inv = getInventory();
    const current = device.value;
    replaceChildren(device, h('option', { value: '' }, 'No device: keep {{placeholders}}'),
      (inv ? inv.devices : []).map((d) => h('option', { value: d.id },
        `${d.device_name || d.id} (${[d.platform, d.os_version].filter(Boolean).join(' ') || d.id})`)));
    device.value = [...device.options].some((o) => o.value === current) ? current : '';
  }

  function render() {
    fillDevices();
    const core = getCore();
    last = null;
    download.disabled = true;
    replaceChildren(problems);
    if (!core) {
      info.textContent = 'The validation engine is not loaded, so nothing can be rendered.';
      replaceChildren(pre);
      return;
    }
    const doc = getDocument();
    const inv = getInventory();
    const chosen = device.value && inv ? inv.devices.find((d) => d.id === device.value) : null;
    const options = { format: format.value };
    if (chosen) options.device = deviceRecord(chosen);
    else options.preview = true;
    if (prefix.value.trim()) options.identifier_prefix = prefix.value.trim();
    baseUrlField.hidden = format.value !== 'ddm';
    if (format.value === 'ddm') options.ddm_base_url = baseUrl.value.trim();
    let result;
    try {
      result = core.render(doc, options);
    } catch (err) {
      result = { ok: false, diagnostics: [{ severity: 'error', code: 'portal.render_failed', message: err.message }] };
    }
    // The policy's own findings are in the editor's summary already; here only what rendering adds (the
    // DDM form's notes on macOS-only keys, say), each once.
    const known = new Set(validationKeys(core, doc));
    const diags = mergeDiagnostics(Array.isArray(result.diagnostics) ? result.diagnostics : [])
      .filter((d) => !known.has(`${d.code} ${d.path}`) || d.severity === 'error');
    const left = chosen ? leftOut(core, doc, inv, chosen) : null;
    if (diags.length || left) {
      replaceChildren(problems, left, h('ul', { class: 'plain-list' }, diags.map((d) =>
        h('li', { class: `msg msg-${d.severity || 'error'}` }, h('span', { class: 'sev' },
          `${d.severity === 'warning' ? 'Warning' : d.severity === 'info' ? 'Note' : 'Error'}:`), ' ', d.message))));
    }
    if (!result.ok || typeof result.output !== 'string') {
      info.textContent = 'Nothing to preview until the problems below are fixed.';
      replaceChildren(pre);
      return;
    }
    const isJson = /json/.test(result.content_type || '') || result.format === 'ddm';
    replaceChildren(pre, isJson ? highlightJson(result.output) : highlightXml(result.output));
    last = { output: result.output, format: format.value, name: downloadName(doc, format.value, chosen) };
    download.disabled = false;
    const bits = [chosen ? `Rendered for ${chosen.device_name || chosen.id}` : 'Rendered with placeholders'];
    if (result.payload_identifier) bits.push(`PayloadIdentifier ${result.payload_identifier}`);
    bits.push(`${new Blob([result.output]).size.toLocaleString()} bytes, unsigned (the server signs what it sends)`);
    info.textContent = `${bits.join(' · ')}.`;
  }

  const element = h('div', { class: 'preview' },
    h('div', { class: 'preview-controls' },
      h('div', { class: 'field' }, h('label', { for: formatId, class: 'field-label' }, 'Format'), format),
      h('div', { class: 'field' }, h('label', { for: deviceId, class: 'field-label' }, 'Device'), device),
      h('div', { class: 'field' }, h('label', { for: prefixId, class: 'field-label' }, 'Identifier prefix'), prefix),
      baseUrlField,
      h('div', { class: 'field field-action' }, download)),
    info, problems, pre);
  return { element, render };
}
