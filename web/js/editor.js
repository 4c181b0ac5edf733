// The policy editor: the seed's fields in the seed's order, validated by the wasm core on every change,
// with Device Groups / Devices / Assignment / Preview tabs and saving to the server.
import { h, replaceChildren } from './dom.js';
import { field, checkboxField, group } from './fields.js';
import { VARIABLES, SAN_KEYS, newPolicyState, stateFromDocument, documentFromState, suggestedKeySizes }
  from './policy-model.js';
import { showDiagnostics } from './diagnostics-view.js';
import { subjectEditor } from './subject-editor.js';
import { ekuEditor } from './eku-editor.js';
import { certificateEditor } from './certificates.js';
import { targetPicker } from './targets.js';
import { previewPanel } from './preview.js';
import { assignmentPanel } from './assignment.js';
import { api, ApiError } from './api.js';
import { metrics } from './metrics.js';
import { setChecker } from './set-diagnostics.js';
import { variableChecker } from './variable-check.js';
import { mergeDiagnostics } from './diagnostics-view.js';
import { POLICY_FILE_TYPES, readPolicyFile, downloadText } from './policy-files.js';

const SAN_LABELS = {
  rfc822Name: ['RFC 822 Name', 'An email address for the Subject Alt Name, e.g. {{user_email}}.'],
  dNSName: ['DNS Name', 'A DNS name for the Subject Alt Name, e.g. device.example.com.'],
  uniformResourceIdentifier: ['URI', 'A URI for the Subject Alt Name, e.g. urn:example:{{udid}}.'],
  ntPrincipalName: ['NT Principal Name', 'user@REALM; sent as another name with OID 1.3.6.1.4.1.311.20.2.3.'],
};


/** Where the editor shows a diagnostic instead of the field its path names: the core puts "Attest needs
 *  Hardware Bound" at HardwareBound (the value it suggests changing), but the admin's action was Attest. */
const SHOWN_AT = { 'attest.requires_hardware_bound': '/payload/Attest' };

/**
 * Mounts an editor into `root`. session: {online, core, coreError, inventory, onSaved(id), confirm(text),
 * openDocument(doc, note)}. policyId: an existing policy to load from the server, or null for a new one;
 * opened: {document, note} to start a new policy from (an opened file), or null.
 */
export async function mountEditor(root, session, policyId, isCurrent = () => true, opened = null) {
  let state = opened ? stateFromDocument(opened.document) : newPolicyState();
  let savedJson = null;
  let savedId = null;
  let savedVersion = null;
  let serverDiags = [];
  let loadError = '';

  if (policyId) {
    try {
      const data = await api.getPolicy(policyId);
      state = stateFromDocument((data && data.document) || data);
      if (!state.id) state.id = policyId;
      savedId = (data && data.id) || policyId;
      savedVersion = data && data.version;
    } catch (err) {
      loadError = err instanceof ApiError ? err.message : String(err);
    }
  }

  // The server's other policies, so the core's set rules (unique names and ids) run while typing.
  let otherDocuments = [];
  if (session.online) {
    try {
      otherDocuments = (await api.listPolicies()).filter((p) => p.id !== savedId && p.document)
        .map((p) => p.document);
    } catch {
      otherDocuments = [];
    }
  }

  // The admin may have navigated elsewhere while the policy loaded: then this editor is not mounted.
  if (!isCurrent()) return null;

  const core = () => session.core;
  const inventory = () => session.inventory;
  const currentDocument = () => documentFromState(state).document;
  if (savedId) savedJson = JSON.stringify(currentDocument());
  // A new policy is unchanged until it differs from the defaults (an opened file is unsaved from the start).
  const initialJson = JSON.stringify(documentFromState(newPolicyState()).document);
  const isDirty = () => JSON.stringify(currentDocument()) !== (savedJson ?? initialJson);

  // ---- header, summary, tabs ---------------------------------------------------------------------------
  const title = h('h1', { id: 'editor-title' });
  // Focus moves here after a save (the Save button is then disabled), so it can hold focus.
  const saveStatus = h('p', { class: 'save-status', id: 'save-status', role: 'status', 'aria-live': 'polite',
    tabindex: '-1' });
  const saveButton = h('button', { type: 'button', class: 'primary', id: 'save-policy',
    'aria-describedby': 'save-status', onclick: () => save() }, 'Save');
  const deleteButton = h('button', { type: 'button', class: 'ghost danger-text', id: 'delete-policy',
    hidden: !savedId, onclick: () => remove() }, 'Delete');
  const fileInput = h('input', { type: 'file', accept: POLICY_FILE_TYPES, class: 'visually-hidden',
    id: 'open-json-file', tabindex: '-1', onchange: () => openFile() });
  const actions = h('div', { class: 'editor-actions' },
    h('button', { type: 'button', class: 'ghost', id: 'open-json', onclick: () => fileInput.click() }, 'Open JSON…'),
    fileInput,
    h('button', { type: 'button', class: 'ghost', onclick: () => downloadJson() }, 'Download JSON'),
    deleteButton,
    saveButton);
  const summary = h('div', { class: 'diag-summary', id: 'diag-summary', role: 'region',
    'aria-label': 'Validation summary', tabindex: '-1' });
  // Announces only changes in the counts, not every re-render of the summary on each keystroke.
  const liveCounts = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', id: 'diag-live' });

  const tabDefs = [
    ['settings', 'Settings'], ['groups', 'Device Groups'], ['devices', 'Devices'],
    ['assignment', 'Assignment'], ['preview', 'Preview'],
  ];
  const tabs = {};
  const panels = {};
  const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Policy sections' });
  for (const [key, label] of tabDefs) {
    const tabId = `tab-${key}`;
    const panelId = `panel-${key}`;
    tabs[key] = h('button', { type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId,
      'aria-selected': 'false', tabindex: '-1', onclick: () => activate(key, true) }, label,
    h('span', { class: 'tab-count', id: `${tabId}-count` }));
    panels[key] = h('div', { role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, class: 'panel', hidden: true,
      tabindex: '0' });
    tablist.append(tabs[key]);
  }
  tablist.addEventListener('keydown', (event) => {
    const keys = tabDefs.map(([k]) => k);
    const at = keys.findIndex((k) => tabs[k] === document.activeElement);
    if (at < 0) return;
    let to = null;
    if (event.key === 'ArrowRight') to = (at + 1) % keys.length;
    if (event.key === 'ArrowLeft') to = (at - 1 + keys.length) % keys.length;
    if (event.key === 'Home') to = 0;
    if (event.key === 'End') to = keys.length - 1;
    if (to !== null) {
      event.preventDefault();
      activate(keys[to], true);
    }
  });
  let activeTab = 'settings';
  function activate(key, focus) {
    activeTab = key;
    for (const [k] of tabDefs) {
      const on = k === key;
      tabs[k].setAttribute('aria-selected', String(on));
      tabs[k].tabIndex = on ? 0 : -1;
      panels[k].hidden = !on;
    }
    if (focus) tabs[key].focus();
    if (key === 'preview') preview.render();
    if (key === 'assignment') assignment.render();
    if (key === 'groups') groupsPicker.render();
    if (key === 'devices') devicesPicker.render();
  }
  function reveal(el) {
    const panel = el.closest('[role="tabpanel"]');
    if (panel) {
      const key = Object.keys(panels).find((k) => panels[k] === panel);
      if (key && key !== activeTab) activate(key, false);
    }
    const details = el.closest('details');
    if (details) details.open = true;
  }

  // ---- settings: the seed's fields -------------------------------------------------------------------
  const bindText = (el, key) => {
    el.value = state[key];
    el.addEventListener('input', () => { state[key] = el.value; changed(false); });
    return el;
  };
  const name = bindText(h('input', { type: 'text', id: 'f-name', autocomplete: 'off', maxlength: '512' }), 'name');
  const notes = bindText(h('textarea', { id: 'f-notes', rows: '3' }), 'notes');
  const directory = bindText(h('input', { type: 'url', id: 'f-directory', class: 'mono', autocomplete: 'off',
    spellcheck: 'false', placeholder: 'https://acme.example.com/directory' }), 'DirectoryURL');
  const clientId = bindText(h('input', { type: 'text', id: 'f-client-id', class: 'mono', autocomplete: 'off',
    spellcheck: 'false' }), 'ClientIdentifier');
  const variablePicker = h('select', { id: 'f-client-id-var', 'aria-label': 'Insert a variable into Client Identifier',
    onchange: () => {
      if (!variablePicker.value) return;
      const token = `{{${variablePicker.value}}}`;
      const start = clientId.selectionStart ?? clientId.value.length;
      const end = clientId.selectionEnd ?? clientId.value.length;
      clientId.value = clientId.value.slice(0, start) + token + clientId.value.slice(end);
      state.ClientIdentifier = clientId.value;
      variablePicker.value = '';
      clientId.focus();
      clientId.setSelectionRange(start + token.length, start + token.length);
      changed(false);
    } },
  h('option', { value: '' }, 'Insert variable…'),
  VARIABLES.map((v) => h('option', { value: v.name }, `${v.label}: {{${v.name}}}`)));

  const keyType = h('select', { id: 'f-key-type' });
  const keyTypeOptions = () => {
    const values = ['RSA', 'ECSECPrimeRandom'];
    const opts = [h('option', { value: '' }, 'Choose a key type…'),
      h('option', { value: 'RSA' }, 'RSA'), h('option', { value: 'ECSECPrimeRandom' }, 'ECSECPrimeRandom (elliptic curve)')];
    if (state.KeyType && !values.includes(state.KeyType)) opts.push(h('option', { value: state.KeyType }, state.KeyType));
    replaceChildren(keyType, opts);
    keyType.value = state.KeyType;
  };
  keyTypeOptions();
  keyType.addEventListener('change', () => { state.KeyType = keyType.value; keySizeChoices(); changed(false); });
  const keySizeList = h('datalist', { id: 'key-size-choices' });
  const keySize = bindText(h('input', { type: 'text', id: 'f-key-size', inputmode: 'numeric', class: 'mono short',
    autocomplete: 'off', list: 'key-size-choices' }), 'KeySize');
  const keySizeChips = h('div', { class: 'chips', role: 'group', 'aria-label': 'Suggested key sizes' });
  function keySizeChoices() {
    const sizes = suggestedKeySizes(state.KeyType, state.HardwareBound);
    replaceChildren(keySizeList, sizes.map((n) => h('option', { value: String(n) })));
    replaceChildren(keySizeChips, sizes.map((n) => h('button', { type: 'button', class: 'chip',
      'aria-pressed': String(String(n) === state.KeySize.trim()),
      onclick: () => { keySize.value = String(n); state.KeySize = keySize.value; keySizeChoices(); changed(false); } },
    String(n))));
  }
  keySize.addEventListener('input', () => keySizeChoices());
  keySizeChoices();

  const checkbox = (key, id) => {
    const el = h('input', { type: 'checkbox', id, checked: state[key] });
    el.addEventListener('change', () => { state[key] = el.checked; keySizeChoices(); changed(false); });
    return el;
  };
  const hardwareBound = checkbox('HardwareBound', 'f-hardware-bound');
  const attest = checkbox('Attest', 'f-attest');
  const extractable = checkbox('KeyIsExtractable', 'f-extractable');
  const allApps = checkbox('AllowAllAppsAccess', 'f-all-apps');

  const sanInputs = SAN_KEYS.map((key) => {
    const el = h('input', { type: 'text', id: `f-san-${key}`, class: 'mono', autocomplete: 'off', spellcheck: 'false',
      value: state.san[key] });
    el.addEventListener('input', () => { state.san[key] = el.value; changed(false); });
    return field({ label: SAN_LABELS[key][0], path: `/payload/SubjectAltName/${key}`, help: SAN_LABELS[key][1],
      control: el });
  });

  const usageSign = h('input', { type: 'checkbox', id: 'f-usage-sign', checked: state.usage.signature,
    dataset: { path: '/payload/UsageFlags', label: 'Key Usage' } });
  const usageEnc = h('input', { type: 'checkbox', id: 'f-usage-enc', checked: state.usage.encryption,
    dataset: { path: '/payload/UsageFlags', label: 'Key Usage' } });
  for (const [el, key] of [[usageSign, 'signature'], [usageEnc, 'encryption']]) {
    el.addEventListener('change', () => { state.usage[key] = el.checked; state.usage.zero = false; changed(false); });
  }

  const serverProfile = h('select', { id: 'f-server-profile' },
    h('option', { value: 'generic' }, 'Generic ACME server (RFC 8555)'),
    h('option', { value: 'step-ca' }, 'step-ca (device-attest-01)'));
  if (![...serverProfile.options].some((o) => o.value === state.server_profile)) {
    serverProfile.append(h('option', { value: state.server_profile }, state.server_profile));
  }
  serverProfile.value = state.server_profile;
  serverProfile.addEventListener('change', () => { state.server_profile = serverProfile.value; changed(false); });

  const subject = subjectEditor(state, (structural) => changed(structural));
  const eku = ekuEditor(state, (structural) => changed(structural));
  const certs = certificateEditor(state, core, (structural) => changed(structural));

  const sections = [];
  const section = (heading, ...children) => {
    const id = `section-${sections.length + 1}`;
    const title = h('h2', { class: 'section-title', id: `${id}-title`, tabindex: '-1' }, heading);
    const el = h('section', { class: 'form-section', id, 'aria-labelledby': `${id}-title` }, title, children);
    const count = h('span', { class: 'nav-count' });
    const link = h('a', { href: `#${id}`, onclick: (event) => {
      event.preventDefault();  // the URL hash is the router's
      el.scrollIntoView({ block: 'start' });
      title.focus({ preventScroll: true });
    } }, heading, count);
    sections.push({ el, count, link });
    return el;
  };

  const form = h('div', { class: 'settings-form' });
  const sectionNav = h('nav', { class: 'section-nav', 'aria-label': 'Settings sections' });
  replaceChildren(panels.settings, form, sectionNav);
  replaceChildren(form,
    section('Policy',
      field({ label: 'Policy Name', path: '/name', control: name, badge: 'Required',
        help: 'Shown in this portal and as the profile name on devices. Policy names must be unique.' }),
      field({ label: 'Policy Notes', path: '/notes', control: notes,
        help: 'For your team: when it was created, how it was tested and rolled out. Not sent to devices.' })),
    section('ACME server',
      field({ label: 'ACME Directory URL', path: '/payload/DirectoryURL', control: directory, badge: 'Required',
        help: 'The full HTTPS URL of your ACME directory endpoint, e.g. https://acme.example.com/directory, as ' +
          'given by your certificate authority.' }),
      field({ label: 'Client Identifier', path: '/payload/ClientIdentifier', control: clientId, badge: 'Required',
        extra: h('div', { class: 'inline-tools' }, variablePicker),
        help: 'A string unique to each device; the ACME server uses it as an anti-replay code. Use a variable ' +
          'such as {{serial_number}} so every device presents its own. A secondary trust signal only: it can be ' +
          'intercepted.' })),
    section('Key',
      field({ label: 'Key Type', path: '/payload/KeyType', control: keyType, badge: 'Required',
        help: 'RSA, or ECSECPrimeRandom for an elliptic-curve key (P-256, P-384, P-521).' }),
      field({ label: 'Key Size', path: '/payload/KeySize', control: keySize, badge: 'Required',
        extra: [keySizeList, keySizeChips],
        help: 'In bits. The suggestions follow the key type; Hardware Bound keys use 256 or 384.' }),
      checkboxField({ label: 'Hardware Bound', path: '/payload/HardwareBound', input: hardwareBound,
        help: 'Generate the private key in the Secure Enclave so it can never be exported. Requires ' +
          'ECSECPrimeRandom with a key size of 256 or 384.' })),
    section('Certificate request',
      group({ legend: 'Subject', path: '/payload/Subject', badge: 'Required', body: subject.element,
        help: 'The X.500 name the device requests, one attribute per row: a shortcut (C, L, ST, O, OU, CN) or a ' +
          'dotted OID, then its value. The ACME server may override or ignore it.' }),
      group({ legend: 'Subject Alternative Name', path: '/payload/SubjectAltName', body: h('div', { class: 'two-col' }, sanInputs),
        help: 'Optional names added to the request. The ACME server may override them.' }),
      group({ legend: 'Key Usage', path: '/payload/UsageFlags',
        help: 'Mapped to UsageFlags. The ACME server may override it.',
        body: h('div', { class: 'check-list' },
          h('div', { class: 'check-row' }, usageSign, h('label', { for: 'f-usage-sign' }, 'Digital signature (0x01)')),
          h('div', { class: 'check-row' }, usageEnc, h('label', { for: 'f-usage-enc' }, 'Encryption (0x04)'))) }),
      group({ legend: 'Extended Key Usage', path: '/payload/ExtendedKeyUsage', body: eku.element,
        help: 'OIDs in dotted notation, e.g. 1.3.6.1.5.5.7.3.2 for client authentication. The ACME server may ' +
          'override them.' }),
      checkboxField({ label: 'Attest', path: '/payload/Attest', input: attest,
        help: 'The device sends attestations of itself and of the key, strong evidence of hardware binding for ' +
          'the ACME server\'s trust decision. Requires Hardware Bound. Needs an A11 chip or later.' }),
      checkboxField({ label: 'Allow Key to be Extractable', path: '/payload/KeyIsExtractable', input: extractable,
        note: 'macOS only: ignored by iOS/iPadOS',
        help: 'Tags the private key of the ACME identity as extractable in the keychain.' }),
      checkboxField({ label: 'Allow All Apps Access', path: '/payload/AllowAllAppsAccess', input: allApps,
        note: 'macOS only: ignored by iOS/iPadOS',
        help: 'Lets all applications use the private key.' })),
    section('Server and trust',
      field({ label: 'ACME server compatibility', path: '/server_profile', control: serverProfile,
        help: 'Generic checks Apple\'s rules; step-ca also checks what step-ca\'s device-attest-01 enforces ' +
          '(attested serial number or UDID as Client Identifier).' }),
      group({ legend: 'CA certificates', path: '/ca_certificates', body: certs.element,
        help: 'The ACME server\'s CA chain, installed with the profile so devices trust the directory URL. Paste ' +
          'or upload PEM.' })));

  replaceChildren(sectionNav, h('p', { class: 'nav-title' }, 'On this page'),
    h('ul', {}, sections.map((x) => h('li', {}, x.link))));

  /** Shows per section how many errors and warnings it holds (from the messages now on screen). */
  function updateSectionCounts() {
    for (const x of sections) {
      const errors = x.el.querySelectorAll('.msgs .msg-error').length;
      const warnings = x.el.querySelectorAll('.msgs .msg-warning').length;
      x.count.className = `nav-count ${errors ? 'has-errors' : warnings ? 'has-warnings' : ''}`;
      x.count.textContent = errors ? `${errors} error${errors > 1 ? 's' : ''}`
        : warnings ? `${warnings} warning${warnings > 1 ? 's' : ''}` : '';
    }
  }

  const groupsPicker = targetPicker('device_groups', state, inventory, (s) => changed(s));
  const devicesPicker = targetPicker('devices', state, inventory, (s) => changed(s));
  replaceChildren(panels.groups,
    h('p', { class: 'panel-intro' }, 'Select the device groups that get this policy. In groups with several ' +
      'operating systems, only the iOS and iPadOS members receive it (see Assignment).'),
    groupsPicker.element);
  replaceChildren(panels.devices,
    h('p', { class: 'panel-intro' }, 'Select individual devices that get this policy, in addition to the groups.'),
    devicesPicker.element);
  const assignment = assignmentPanel({
    getDocument: currentDocument, getCore: core, getInventory: inventory,
    getSavedId: () => savedId, isDirty, fetchAssignments: (id) => api.assignments(id),
  });
  replaceChildren(panels.assignment, assignment.element);
  const preview = previewPanel(currentDocument, core, inventory);
  replaceChildren(panels.preview, preview.element);

  const banner = [];
  if (loadError) banner.push(h('p', { class: 'msg msg-error', role: 'alert' }, `Could not load the policy: ${loadError}`));
  if (!session.core) {
    banner.push(h('p', { class: 'msg msg-error', role: 'alert' }, session.coreError ||
      'The validation engine is not loaded.'));
  }

  const crumbHere = h('span', { id: 'crumb-here', 'aria-current': 'page' });
  const variableFix = h('div', { class: 'fix-box', id: 'variable-fix', role: 'region',
    'aria-label': 'Suggested fix', hidden: true });
  replaceChildren(root,
    h('div', { class: 'editor-head' },
      h('div', { class: 'editor-title' },
        h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/policies' }, 'Policies'), ' / ',
          crumbHere),
        title,
        h('p', { class: 'subtitle' }, 'Security ACME · iOS and iPadOS 16 or later',
          h('span', { class: 'version', id: 'saved-version' }))),
      h('div', { class: 'editor-side' }, actions, saveStatus)),
    banner,
    liveCounts,
    summary,
    variableFix,
    tablist,
    Object.values(panels));

  // ---- validation loop ---------------------------------------------------------------------------------
  let lastCounts = { errors: 0, warnings: 0, infos: 0 };
  function renderLists() {
    const { subjectRows } = documentFromState(state);
    subject.render(subjectRows);
    eku.render();
    certs.render();
    if (activeTab === 'groups') groupsPicker.render();
    if (activeTab === 'devices') devicesPicker.render();
  }

  const setDiagnostics = setChecker(session.core, otherDocuments);
  const variableCheck = variableChecker(core, inventory);

  /** The suggested replacements of a variable that leaves targeted devices out (the core confirmed each). */
  function renderFixes(fixes) {
    variableFix.hidden = !fixes.length;
    replaceChildren(variableFix, fixes.length ? [
      h('p', { class: 'fix-title' }, 'Suggested fix: use a variable every targeted device has'),
      h('div', { class: 'fix-actions' }, fixes.map((f) => h('button', { type: 'button', class: 'small',
        dataset: { from: f.from, to: f.to }, onclick: () => applyVariableFix(f.from, f.to) },
      `Replace {{${f.from}}} with {{${f.to}}}`,
      h('span', { class: 'fix-note' }, f.left ? ` (${f.left} still left out)` : ' (all of them then receive it)')))),
    ] : []);
  }

  function applyVariableFix(from, to) {
    const swap = (text) => String(text).split(`{{${from}}}`).join(`{{${to}}}`);
    state.ClientIdentifier = swap(state.ClientIdentifier);
    clientId.value = state.ClientIdentifier;
    for (const row of state.subject) row.value = swap(row.value);
    for (const key of SAN_KEYS) {
      state.san[key] = swap(state.san[key]);
      root.querySelector(`#f-san-${key}`).value = state.san[key];
    }
    changed(true);
    saveMessage = `Replaced {{${from}}} with {{${to}}}.`;
    updateSaveState();
    clientId.focus();
  }

  function validate() {
    const doc = currentDocument();
    let diagnostics = [];
    if (session.core) {
      try {
        const result = session.core.validate(doc);
        diagnostics = Array.isArray(result.diagnostics) ? result.diagnostics : [];
        diagnostics = diagnostics.concat(setDiagnostics(doc));
        const found = variableCheck(doc);
        diagnostics = diagnostics.concat(found.diagnostics);
        renderFixes(found.fixes);
      } catch (err) {
        diagnostics = [{ severity: 'error', code: 'portal.engine_failed', path: '',
          message: `The validation engine failed: ${err.message}` }];
      }
    } else {
      diagnostics = [{ severity: 'error', code: 'portal.engine_missing', path: '',
        message: 'The validation engine is not loaded, so this policy cannot be checked or saved.' }];
    }
    // The server re-runs the same core on save: what it repeats is shown once.
    const shown = mergeDiagnostics([...diagnostics, ...serverDiags])
      .map((d) => (SHOWN_AT[d.code] ? { ...d, path: SHOWN_AT[d.code] } : d));
    const counts = showDiagnostics(root, summary, shown, reveal);
    if (counts.errors !== lastCounts.errors || counts.warnings !== lastCounts.warnings || !liveCounts.textContent) {
      liveCounts.textContent = counts.errors || counts.warnings
        ? `${counts.errors} error${counts.errors === 1 ? '' : 's'}, ${counts.warnings} warning${counts.warnings === 1 ? '' : 's'}.`
        : 'No errors.';
    }
    lastCounts = counts;
    updateSectionCounts();
    tabs.groups.querySelector('.tab-count').textContent =
      state.targets.device_groups.length ? ` (${state.targets.device_groups.length})` : '';
    tabs.devices.querySelector('.tab-count').textContent =
      state.targets.devices.length ? ` (${state.targets.devices.length})` : '';
    updateSaveState();
  }

  function updateSaveState() {
    title.textContent = state.name.trim() || 'Untitled policy';
    crumbHere.textContent = savedId ? 'Edit policy' : 'New policy';
    document.title = `${title.textContent} · acmepolicy`;
    let reason = '';
    if (!session.online) reason = 'Saving needs the acmepolicy server; download the JSON or the profile instead.';
    else if (!session.core) reason = 'Saving needs the validation engine.';
    else if (lastCounts.errors) {
      reason = `Fix ${lastCounts.errors} error${lastCounts.errors > 1 ? 's' : ''} to save.`;
    } else if (savedId && !isDirty()) reason = 'All changes saved.';
    saveButton.disabled = Boolean(reason) || saving;
    if (!saving && !saveMessage) saveStatus.textContent = reason || (savedId ? 'Unsaved changes.' : 'Ready to save.');
    if (saveMessage) saveStatus.textContent = saveMessage;
    deleteButton.hidden = !savedId;
    const v = root.querySelector('#saved-version');
    if (v) v.textContent = savedVersion ? ` · saved version ${savedVersion}` : '';
  }

  function changed(structural) {
    const started = performance.now();
    serverDiags = [];
    saveMessage = '';
    if (structural) renderLists();
    validate();
    metrics.validation.push(performance.now() - started);
    if (metrics.validation.length > 5000) metrics.validation.splice(0, 1000);
    if (activeTab === 'preview') schedule(preview.render);
    if (activeTab === 'assignment') schedule(assignment.render);
  }

  // Preview and assignment are heavier than validation and not needed on every keystroke: coalesce them.
  const pending = new Set();
  function schedule(fn) {
    if (pending.has(fn)) return;
    pending.add(fn);
    setTimeout(() => { pending.delete(fn); fn(); }, 150);
  }

  // ---- save, delete, files -----------------------------------------------------------------------------
  let saving = false;
  let saveMessage = '';
  async function save() {
    if (saveButton.disabled) return;
    saving = true;
    saveMessage = 'Saving…';
    updateSaveState();
    const doc = currentDocument();
    try {
      const result = savedId ? await api.updatePolicy(savedId, doc) : await api.createPolicy(doc);
      const stored = (result && result.document) || doc;
      const fresh = stateFromDocument(stored);
      if (!fresh.id && result && result.id) fresh.id = result.id;
      Object.assign(state, fresh);
      savedId = (result && result.id) || fresh.id || savedId;
      savedVersion = result && result.version;
      savedJson = JSON.stringify(currentDocument());
      serverDiags = (result && Array.isArray(result.diagnostics)) ? result.diagnostics.filter((d) => d.severity !== 'error') : [];
      saveMessage = `Saved${savedVersion ? ` (version ${savedVersion})` : ''}.`;
      saving = false;
      validate();
      session.onSaved(savedId);
      // Save is disabled now (nothing to save): keep focus on the page, on the sentence that says what happened.
      saveStatus.focus();
      if (activeTab === 'assignment') assignment.render();
    } catch (err) {
      saving = false;
      if (err instanceof ApiError && err.status === 422) {
        serverDiags = err.diagnostics.map((d) => ({ ...d, message: `${d.message} (server)` }));
        saveMessage = 'The server rejected the policy: see the problems listed above.';
      } else if (err instanceof ApiError && err.status === 409) {
        // The form has no id field: a new policy's id is derived from its name, so both clashes are fixed
        // by renaming.
        const derived = err.code === 'policy.id_conflict' && !doc.id;
        serverDiags = [{ severity: 'error', code: err.code, path: '/name',
          message: derived ? `${err.message} The id is derived from the name: rename the policy.` : err.message }];
        saveMessage = err.message;
      } else if (err instanceof ApiError && err.status === 401) {
        saveMessage = 'The server did not accept the admin token: sign in again.';
        session.requireToken(saveMessage);
      } else {
        saveMessage = `Not saved: ${err.message}`;
      }
      validate();
      summary.focus();
    }
  }

  async function remove() {
    if (!savedId) return;
    const ok = await session.confirm(`Delete “${state.name}”? Devices that have its profile get it removed.`);
    if (!ok) return;
    try {
      await api.deletePolicy(savedId);
      savedJson = JSON.stringify(currentDocument());
      location.hash = '#/policies';
    } catch (err) {
      saveMessage = `Not deleted: ${err.message}`;
      updateSaveState();
    }
  }

  function downloadJson() {
    const doc = currentDocument();
    downloadText(`${(doc.id || doc.name || 'policy').toLowerCase().replace(/[^a-z0-9]+/g, '-')}.json`,
      `${JSON.stringify(doc, null, 2)}\n`, 'application/json');
  }

  /** Opens a file always as a new, unsaved policy; asks first when that would drop this one's edits or
   *  leave a saved policy (which stays as it is on the server). */
  async function openFile() {
    const file = fileInput.files[0];
    fileInput.value = '';
    if (!file) return;
    const result = await readPolicyFile(file, session.core);
    if (result.error) {
      saveMessage = result.error;
      updateSaveState();
      return;
    }
    if (savedId || isDirty()) {
      const what = isDirty() ? 'Your unsaved changes to this policy are lost.'
        : `“${state.name}” stays on the server as it is.`;
      const ok = await session.confirm(`Open ${file.name} as a new, unsaved policy? ${what}`,
        { title: 'Open as a new policy?', action: 'Open as new policy' });
      if (!ok) return;
    }
    session.openDocument(result.document, result.note);
  }

  if (opened && opened.note) saveMessage = opened.note;
  renderLists();
  activate('settings', false);
  validate();
  return {
    isDirty,
    refreshInventory: () => { renderLists(); if (activeTab === 'assignment') assignment.render(); },
  };
}
