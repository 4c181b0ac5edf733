// The editor's Settings tab: the seed's fields in the seed's order, bound to the form state, with an
// "on this page" navigation that counts each section's problems. Whether a value is valid is the core's call.
import { h, replaceChildren } from './dom.js';
import { field, checkboxField, group } from './fields.js';
import { variables, subjectAltNameKeys, suggestedKeySizes, keyTypes, words } from './core-tables.js';
import { subjectEditor } from './subject-editor.js';
import { ekuEditor } from './eku-editor.js';
import { certificateEditor } from './certificates.js';

// Words for what the core's tables name (looked up by the core's names; a name without words is shown as is).
const KEY_TYPE_WORDS = { ECSECPrimeRandom: 'elliptic curve' };
const SAN_LABELS = {
  rfc822Name: ['RFC 822 Name', 'An email address for the Subject Alt Name, e.g. {{user_email}}.'],
  dNSName: ['DNS Name', 'A DNS name for the Subject Alt Name, e.g. device.example.com.'],
  uniformResourceIdentifier: ['URI', 'A URI for the Subject Alt Name, e.g. urn:example:{{udid}}.'],
  ntPrincipalName: ['NT Principal Name', 'user@REALM; sent as another name with OID 1.3.6.1.4.1.311.20.2.3.'],
};

/**
 * Builds the Settings tab over `state` (edited in place). changed(structural) is called after every edit
 * (structural: rows were added or removed); core() returns the loaded core or null. Returns {elements,
 * renderLists(subjectRows), updateSectionCounts(), replaceVariable(from, to), focusClientIdentifier()}.
 */
export function settingsForm(state, { changed, core }) {
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
  variables().map((v) => h('option', { value: v.name }, `${v.label}: {{${v.name}}}`)));

  const keyType = h('select', { id: 'f-key-type' });
  const keyTypeOptions = () => {
    const values = keyTypes();
    const opts = [h('option', { value: '' }, 'Choose a key type…'),
      ...values.map((v) => h('option', { value: v }, KEY_TYPE_WORDS[v] ? `${v} (${KEY_TYPE_WORDS[v]})` : v))];
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

  const sanKeys = subjectAltNameKeys();
  const sanInputs = sanKeys.map((key) => {
    const el = h('input', { type: 'text', id: `f-san-${key}`, class: 'mono', autocomplete: 'off', spellcheck: 'false',
      value: state.san[key] });
    el.addEventListener('input', () => { state.san[key] = el.value; changed(false); });
    const [label, help] = SAN_LABELS[key] || [words(key), ''];
    return field({ label, path: `/payload/SubjectAltName/${key}`, help,
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

  function renderLists(subjectRows) {
    subject.render(subjectRows);
    eku.render();
    certs.render();
  }

  /** Replaces {{from}} by {{to}} in every text the form holds (Client Identifier, Subject, SAN). */
  function replaceVariable(from, to) {
    const swap = (text) => String(text).split(`{{${from}}}`).join(`{{${to}}}`);
    state.ClientIdentifier = swap(state.ClientIdentifier);
    clientId.value = state.ClientIdentifier;
    for (const row of state.subject) row.value = swap(row.value);
    sanKeys.forEach((key, i) => {
      state.san[key] = swap(state.san[key]);
      sanInputs[i].querySelector('input').value = state.san[key];
    });
  }

  return { elements: [form, sectionNav], renderLists, updateSectionCounts, replaceVariable,
    focusClientIdentifier: () => clientId.focus() };
}
