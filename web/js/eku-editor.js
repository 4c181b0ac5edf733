// Extended Key Usage: a list of dotted OIDs with a picker of common usages (client authentication, ...).
import { h, replaceChildren, uniqueId } from './dom.js';
import { COMMON_EKUS } from './policy-model.js';

function describe(oid) {
  const known = COMMON_EKUS.find((e) => e.oid === oid.trim());
  return known ? known.label : '';
}

/** Builds the editor over `state.eku` (edited in place); returns {element, render()}. */
export function ekuEditor(state, onChange) {
  const rowsBox = h('div', { class: 'rows', role: 'list', 'aria-label': 'Extended key usages' });
  const pickerId = uniqueId('eku-picker');
  const picker = h('select', {
    id: pickerId, dataset: { path: '/payload/ExtendedKeyUsage', label: 'Extended Key Usage' },
    onchange: () => {
      if (!picker.value) return;
      state.eku.push(picker.value === 'custom' ? '' : picker.value);
      picker.value = '';
      onChange(true);
      const inputs = rowsBox.querySelectorAll('input');
      inputs[inputs.length - 1]?.focus();
    },
  },
  h('option', { value: '' }, 'Add a usage…'),
  COMMON_EKUS.map((e) => h('option', { value: e.oid }, `${e.label} (${e.oid})`)),
  h('option', { value: 'custom' }, 'Other OID…'));

  function render() {
    replaceChildren(rowsBox, state.eku.map((oid, index) => {
      const path = `/payload/ExtendedKeyUsage/${index}`;
      const name = h('span', { class: 'oid-name' }, describe(oid));
      const input = h('input', {
        type: 'text', class: 'mono', value: oid, spellcheck: 'false', autocomplete: 'off',
        placeholder: '1.3.6.1.5.5.7.3.2', 'aria-label': `Extended key usage ${index + 1} OID`,
        dataset: { path, label: `Extended key usage ${index + 1}` },
        oninput: (e) => {
          state.eku[index] = e.target.value;
          name.textContent = describe(e.target.value);
          onChange(false);
        },
      });
      return h('div', { class: 'row', role: 'listitem' },
        h('div', { class: 'row-fields' }, input, name,
          h('div', { class: 'row-actions' },
            h('button', { type: 'button', class: 'icon remove', 'aria-label': `Remove extended key usage ${index + 1}`,
              onclick: () => { state.eku.splice(index, 1); onChange(true); } }, '✕'))),
        h('div', { class: 'msgs', dataset: { msgsFor: path }, hidden: true }));
    }));
  }

  const element = h('div', { class: 'eku-editor' }, rowsBox,
    h('div', { class: 'row-tools' }, h('label', { for: pickerId, class: 'visually-hidden' }, 'Add an extended key usage'),
      picker));
  return { element, render };
}
