// CA certificates of the ACME server: paste or upload PEM; each is described by the core's
// inspectCertificate (subject, issuer, validity, CA flag) so the admin sees what will be installed.
import { h, replaceChildren, uniqueId } from './dom.js';

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Splits pasted or uploaded text into PEM certificate blocks; text without any block is kept whole so
 *  the core can say what is wrong with it. */
function splitPem(text) {
  const blocks = String(text).match(PEM_BLOCK);
  return blocks && blocks.length ? blocks.map((b) => `${b}\n`) : [String(text)];
}

/** A DER upload becomes PEM (base64 in 64-column lines); the core still decides whether it parses. */
function derToPem(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  const lines = btoa(binary).match(/.{1,64}/g) || [];
  return `-----BEGIN CERTIFICATE-----\n${lines.join('\n')}\n-----END CERTIFICATE-----\n`;
}

function infoCard(info) {
  if (!info) return null;
  if (Array.isArray(info.diagnostics) && !info.subject) {
    return h('p', { class: 'cert-info cert-bad' }, info.diagnostics.map((d) => d.message).join(' '));
  }
  const rows = [
    ['Subject', info.subject],
    ['Issuer', info.issuer],
    ['Valid', `${info.not_before || '?'} → ${info.not_after || '?'}`],
    ['CA', info.is_ca ? 'yes (basicConstraints CA)' : 'no: not a CA certificate'],
    ['Key', [info.key_type, info.key_bits ? `${info.key_bits} bits` : ''].filter(Boolean).join(' ')],
  ];
  if (info.sha256_fingerprint) rows.push(['SHA-256', info.sha256_fingerprint]);
  return h('dl', { class: 'cert-info' }, rows.map(([k, v]) => [h('dt', {}, k), h('dd', {}, v || '—')]));
}

/** Builds the editor over `state.ca` (PEM strings, edited in place). `getCore()` returns the loaded
 *  core or null. Returns {element, render()}. */
export function certificateEditor(state, getCore, onChange) {
  const listBox = h('div', { class: 'rows', role: 'list', 'aria-label': 'CA certificates' });
  const pasteId = uniqueId('ca-paste');
  const fileId = uniqueId('ca-file');
  const paste = h('textarea', { id: pasteId, class: 'mono', rows: '4', spellcheck: 'false',
    placeholder: '-----BEGIN CERTIFICATE-----\n…\n-----END CERTIFICATE-----',
    dataset: { path: '/ca_certificates', label: 'CA certificates' } });
  const addFromText = (text) => {
    if (!String(text).trim()) return;
    state.ca.push(...splitPem(text));
    onChange(true);
  };
  const file = h('input', { id: fileId, type: 'file', class: 'file-input', accept: '.pem,.crt,.cer,.der,application/x-pem-file',
    multiple: true, onchange: async () => {
      for (const f of file.files) {
        const bytes = new Uint8Array(await f.arrayBuffer());
        const text = new TextDecoder().decode(bytes);
        if (text.includes('-----BEGIN')) addFromText(text);
        else addFromText(derToPem(bytes));
      }
      file.value = '';
    } });

  function render() {
    const core = getCore();
    replaceChildren(listBox, state.ca.map((pem, index) => {
      const path = `/ca_certificates/${index}`;
      let info = null;
      if (core) {
        try {
          info = core.inspectCertificate(pem);
        } catch (err) {
          info = { diagnostics: [{ message: err.message }] };
        }
      }
      const title = info && info.subject ? info.subject : `Certificate ${index + 1}`;
      return h('div', { class: 'row cert-row', role: 'listitem' },
        h('div', { class: 'cert-head' },
          h('span', { class: 'cert-title' }, title),
          h('button', { type: 'button', class: 'icon remove', 'aria-label': `Remove CA certificate ${index + 1}`,
            onclick: () => { state.ca.splice(index, 1); onChange(true); } }, '✕')),
        infoCard(info),
        h('details', {}, h('summary', {}, 'PEM'),
          h('textarea', { class: 'mono', rows: '6', spellcheck: 'false', value: pem,
            'aria-label': `CA certificate ${index + 1} PEM`,
            dataset: { path, label: `CA certificate ${index + 1}` },
            onchange: (e) => { state.ca[index] = e.target.value; onChange(true); } })),
        h('div', { class: 'msgs', dataset: { msgsFor: path }, hidden: true }));
    }));
  }

  const element = h('div', { class: 'ca-editor' }, listBox,
    h('label', { for: pasteId, class: 'sub-label' }, 'Paste PEM'),
    paste,
    h('div', { class: 'row-tools' },
      h('button', { type: 'button', class: 'ghost small', onclick: () => { addFromText(paste.value); paste.value = ''; } },
        'Add pasted certificate'),
      file, h('label', { for: fileId, class: 'file-label ghost small' }, 'Upload .pem / .cer…')));
  return { element, render };
}
