// The Subject editor: one row per attribute (type: shortcut or dotted OID; value), add / remove / reorder,
// and a paste box that turns "/C=US/O=Example/CN=foo" or the document's JSON array form into rows.
import { h, replaceChildren, uniqueId } from './dom.js';
import { SUBJECT_SHORTCUTS, parseSubjectText } from './policy-model.js';

const DATALIST_ID = 'subject-types';

/**
 * Builds the editor. `state.subject` is edited in place; `onChange()` is called after every edit.
 * Returns {element, render(subjectRows)}: render redraws the rows; subjectRows maps each row to its
 * [rdnIndex, attributeIndex] in the document (from documentFromState) for the rows' JSON pointers.
 */
export function subjectEditor(state, onChange) {
  const rowsBox = h('div', { class: 'rows', role: 'list', 'aria-label': 'Subject attributes' });
  const pasteId = uniqueId('subject-paste');
  const pasteHint = h('p', { class: 'local-hint', id: `${pasteId}-hint`, role: 'status' });
  const paste = h('input', {
    id: pasteId, type: 'text', class: 'mono', spellcheck: 'false', autocomplete: 'off',
    placeholder: '/C=US/O=Example Inc./CN={{serial_number}}',
    'aria-describedby': `${pasteId}-hint`,
    dataset: { path: '/payload/Subject', label: 'Subject' },
  });
  let lastRows = [];

  const applyText = (text) => {
    const rows = parseSubjectText(text);
    if (!rows) {
      pasteHint.textContent = 'Write the subject as /C=US/O=Example Inc./CN=foo (one /TYPE=value per attribute) ' +
        'or as JSON: [[["C","US"]],[["CN","foo"]]].';
      return false;
    }
    state.subject.splice(0, state.subject.length, ...rows);
    paste.value = '';
    pasteHint.textContent = `Subject replaced by ${rows.length} attribute${rows.length > 1 ? 's' : ''}.`;
    onChange(true);
    return true;
  };
  paste.addEventListener('paste', (event) => {
    const text = event.clipboardData ? event.clipboardData.getData('text/plain') : '';
    if (text && applyText(text)) event.preventDefault();
  });
  paste.addEventListener('keydown', (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      if (paste.value.trim()) applyText(paste.value);
    }
  });
  const applyButton = h('button', { type: 'button', class: 'ghost small', onclick: () => {
    if (paste.value.trim()) applyText(paste.value);
  } }, 'Apply');

  const datalist = h('datalist', { id: DATALIST_ID },
    SUBJECT_SHORTCUTS.map((s) => h('option', { value: s.type }, s.label)));

  const move = (index, delta) => {
    const to = index + delta;
    if (to < 0 || to >= state.subject.length) return;
    const [row] = state.subject.splice(index, 1);
    state.subject.splice(to, 0, row);
    onChange(true);
    const focusTarget = rowsBox.querySelectorAll('.row')[to];
    if (focusTarget) focusTarget.querySelector(delta < 0 ? '.move-up' : '.move-down')?.focus();
  };

  function render(subjectRows) {
    lastRows = subjectRows || lastRows;
    replaceChildren(rowsBox, state.subject.map((row, index) => {
      const [i, j] = lastRows[index] || [index, 0];
      const base = `/payload/Subject/${i}/${j}`;
      const n = index + 1;
      const type = h('input', {
        type: 'text', class: 'mono subject-type', value: row.type, list: DATALIST_ID, spellcheck: 'false',
        autocomplete: 'off', 'aria-label': `Attribute ${n} type`, 'aria-required': 'true',
        dataset: { path: `${base}/0`, label: `Subject attribute ${n} type` },
        oninput: (e) => { row.type = e.target.value; onChange(false); },
      });
      const value = h('input', {
        type: 'text', class: 'subject-value', value: row.value, spellcheck: 'false', autocomplete: 'off',
        'aria-label': `Attribute ${n} value`, 'aria-required': 'true',
        dataset: { path: `${base}/1`, label: `Subject attribute ${n} value` },
        oninput: (e) => { row.value = e.target.value; onChange(false); },
      });
      return h('div', { class: 'row subject-row', role: 'listitem' },
        h('div', { class: 'row-fields' },
          h('span', { class: 'row-index', 'aria-hidden': 'true' }, row.joinPrevious && index > 0 ? '+' : n),
          type, h('span', { class: 'eq', 'aria-hidden': 'true' }, '='), value,
          h('div', { class: 'row-actions' },
            h('button', { type: 'button', class: 'icon move-up', 'aria-label': `Move attribute ${n} up`,
              disabled: index === 0, onclick: () => move(index, -1) }, '↑'),
            h('button', { type: 'button', class: 'icon move-down', 'aria-label': `Move attribute ${n} down`,
              disabled: index === state.subject.length - 1, onclick: () => move(index, 1) }, '↓'),
            h('button', { type: 'button', class: 'icon remove', 'aria-label': `Remove attribute ${n}`,
              onclick: () => { state.subject.splice(index, 1); onChange(true); } }, '✕'))),
        h('div', { class: 'msgs', dataset: { msgsFor: base }, hidden: true }));
    }));
  }

  const add = h('button', { type: 'button', class: 'ghost small', onclick: () => {
    state.subject.push({ type: state.subject.length ? 'O' : 'CN', value: '', joinPrevious: false });
    onChange(true);
    const rows = rowsBox.querySelectorAll('.subject-type');
    rows[rows.length - 1]?.focus();
  } }, '+ Add attribute');

  const element = h('div', { class: 'subject-editor' },
    datalist,
    rowsBox,
    h('div', { class: 'row-tools' }, add),
    h('div', { class: 'paste-row' },
      h('label', { for: pasteId, class: 'sub-label' }, 'Paste a subject'), paste, applyButton),
    pasteHint);
  return { element, render };
}
