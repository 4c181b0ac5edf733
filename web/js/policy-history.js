// The editor's History section for a saved policy: every version the server kept (who saved it and when,
// whether it restored an older one), the diff of a chosen version against the current one, and Restore,
// which saves that version's document as a new version (GET/POST /policies/{id}/versions…).
import { h, replaceChildren } from './dom.js';
import { api } from './api.js';
import { lineDiff, canonicalJson } from './line-diff.js';

function who(by) {
  if (!by || (!by.name && !by.scope)) return 'before history was kept';
  return `${by.name || 'unnamed token'}${by.scope ? ` (${by.scope})` : ''}`;
}

/** The diff of `from` → `to` as a <pre>: only changed lines with two lines of context around them. */
function diffView(from, to) {
  const lines = lineDiff(canonicalJson(from), canonicalJson(to));
  const keep = new Set();
  lines.forEach((l, i) => {
    if (l.op !== ' ') for (let k = Math.max(0, i - 2); k <= Math.min(lines.length - 1, i + 2); k += 1) keep.add(k);
  });
  if (!keep.size) return h('p', { class: 'empty', id: 'version-diff' }, 'No difference: the documents are the same.');
  const rows = [];
  let last = -1;
  lines.forEach((l, i) => {
    if (!keep.has(i)) return;
    if (last >= 0 && i > last + 1) rows.push(h('span', { class: 'diff-gap' }, '…\n'));
    rows.push(h('span', { class: l.op === '+' ? 'diff-add' : l.op === '-' ? 'diff-del' : 'diff-same' },
      `${l.op} ${l.text}\n`));
    last = i;
  });
  const added = lines.filter((l) => l.op === '+').length;
  const removed = lines.filter((l) => l.op === '-').length;
  return h('div', { id: 'version-diff' },
    h('p', { class: 'help' }, `${removed} line${removed === 1 ? '' : 's'} removed (−), ${added} added (+).`),
    h('pre', { class: 'diff', 'aria-label': 'Changes from the chosen version to the current one' }, rows));
}

/**
 * The History section. {id, session, isDirty(), onRestored(version)}: `refresh()` (re)loads the versions;
 * `element` is the <section>. Nothing shows for an unsaved policy or without the server.
 */
export function policyHistory({ session, isDirty, onRestored }) {
  const element = h('section', { class: 'card history', id: 'policy-history', 'aria-labelledby': 'history-title',
    hidden: true });
  let policyId = null;
  let chosen = null;

  async function refresh(id = policyId) {
    policyId = id;
    if (!policyId || !session.online) {
      element.hidden = true;
      return;
    }
    let data;
    try {
      data = await api.policyVersions(policyId);
    } catch (err) {
      element.hidden = false;
      replaceChildren(element, h('h2', { id: 'history-title' }, 'History'),
        h('p', { class: 'empty' }, err.status === 404 ? 'No version history on this server.'
          : `The history could not be loaded: ${err.message}`));
      return;
    }
    const versions = data.versions || [];
    const current = versions.find((v) => v.current) || versions[0];
    if (!versions.some((v) => v.version === chosen)) chosen = versions.length > 1 ? versions[1].version : null;
    const note = h('p', { class: 'save-status', role: 'status', 'aria-live': 'polite', id: 'history-status',
      tabindex: '-1' });
    const detail = h('div', { class: 'version-detail' });
    const showDetail = () => {
      const v = versions.find((x) => x.version === chosen);
      if (!v || !current) {
        replaceChildren(detail, h('p', { class: 'help' }, 'Choose a version to see what changed since.'));
        return;
      }
      replaceChildren(detail,
        h('h3', {}, v.current ? `Version ${v.version} is the current one` : `Version ${v.version} → current (${current.version})`),
        v.current ? null : diffView(v.document, current.document),
        v.current ? null : h('button', { type: 'button', class: 'primary', id: 'restore-version', 'data-write': true,
          onclick: async () => {
            const lose = isDirty() ? ' Your unsaved changes are lost.' : '';
            const ok = await session.confirm(`Restore version ${v.version} of “${v.name}”? It is saved as version ` +
              `${data.current + 1}; devices get it like any edit.${lose}`, { title: 'Restore this version?', action: 'Restore' });
            if (!ok) return;
            try {
              const stored = await api.restoreVersion(policyId, v.version);
              onRestored(stored, v.version);
            } catch (err) {
              note.textContent = `Not restored: ${err.message}`;
              note.focus();
            }
          } }, `Restore version ${v.version}`));
    };
    element.hidden = false;
    replaceChildren(element, h('h2', { id: 'history-title' }, 'History'), note,
      h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'versions-table' },
        h('thead', {}, h('tr', {}, ['', 'Version', 'Name', 'Saved', 'By', ''].map((t, i) => h('th', { scope: 'col' },
          t || h('span', { class: 'visually-hidden' }, i ? 'Notes' : 'Choose'))))),
        h('tbody', {}, versions.map((v) => h('tr', { dataset: { version: String(v.version) } },
          h('td', { class: 'pick' }, h('input', { type: 'radio', name: 'version-pick', value: String(v.version),
            checked: v.version === chosen, 'aria-label': `Compare version ${v.version} with the current one`,
            onchange: () => { chosen = v.version; showDetail(); } })),
          h('th', { scope: 'row' }, String(v.version)), h('td', {}, v.name),
          h('td', {}, v.saved_at || ''), h('td', {}, who(v.by)),
          h('td', {}, [v.current ? h('span', { class: 'badge' }, 'current') : null,
            v.restored_from ? ` restored from version ${v.restored_from}` : ''])))))),
      detail);
    showDetail();
  }

  return { element, refresh };
}
