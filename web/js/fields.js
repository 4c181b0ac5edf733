// Labelled form fields with help text and a message box, wired for assistive technology: the help is
// always described; the box (filled by diagnostics-view.js) is added to aria-describedby when it has text.
import { h, uniqueId } from './dom.js';

/**
 * A field block. `control` is the input element (gets an id, data-path and data-label); `path` is the
 * JSON pointer diagnostics use for it; `badge` an optional marker after the label ("Required").
 */
export function field({ label, path, help, control, badge, extra }) {
  const id = control.id || uniqueId('f');
  control.id = id;
  control.dataset.path = path;
  control.dataset.label = label;
  const helpId = `${id}-help`;
  if (help) control.setAttribute('aria-describedby', helpId);
  // The visible "Required" badge and the announced state come from the same argument.
  if (badge === 'Required') control.setAttribute('aria-required', 'true');
  return h('div', { class: 'field' },
    h('label', { for: id, class: 'field-label' }, label, badge ? h('span', { class: 'badge' }, badge) : null),
    control,
    extra || null,
    help ? h('p', { class: 'help', id: helpId }, help) : null,
    h('div', { class: 'msgs', dataset: { msgsFor: path }, hidden: true }));
}

/** A checkbox field: the label follows the box; `note` is a visible qualifier (e.g. macOS only). */
export function checkboxField({ label, path, help, input, note }) {
  const id = input.id || uniqueId('c');
  input.id = id;
  input.type = 'checkbox';
  input.dataset.path = path;
  input.dataset.label = label;
  const helpId = `${id}-help`;
  if (help) input.setAttribute('aria-describedby', helpId);
  return h('div', { class: 'field field-check' },
    h('div', { class: 'check-row' }, input, h('label', { for: id, class: 'field-label' }, label),
      note ? h('span', { class: 'badge badge-note' }, note) : null),
    help ? h('p', { class: 'help', id: helpId }, help) : null,
    h('div', { class: 'msgs', dataset: { msgsFor: path }, hidden: true }));
}

/** A fieldset grouping several controls under one legend, with its own message box. */
export function group({ legend, path, help, body, badge }) {
  const helpId = uniqueId('g-help');
  return h('fieldset', { class: 'field group', 'aria-describedby': help ? helpId : null },
    h('legend', { class: 'field-label' }, legend, badge ? h('span', { class: 'badge' }, badge) : null),
    help ? h('p', { class: 'help', id: helpId }, help) : null,
    body,
    h('div', { class: 'msgs', dataset: { msgsFor: path }, hidden: true }));
}
