// Shows the core's diagnostics where the admin can act on them: each one next to the field its JSON-pointer
// path names (aria-invalid + aria-describedby), and all of them in a summary that links to the fields.
import { h, replaceChildren, addDescribedBy, removeDescribedBy } from './dom.js';

const SEVERITY_LABEL = { error: 'Error', warning: 'Warning', info: 'Note' };
const SEVERITY_ORDER = { error: 0, warning: 1, info: 2 };

function parentPointer(path) {
  const i = path.lastIndexOf('/');
  return i <= 0 ? '' : path.slice(0, i);
}

/**
 * Finds the inputs a diagnostic path belongs to inside `root`: inputs carry data-path (their JSON pointer),
 * message boxes data-msgs-for. Exact match first, then the value's own sub-fields (a whole Subject row),
 * then the nearest enclosing field (a sub-key the form has no input for). Null when nothing matches.
 */
export function locate(root, path) {
  if (!path) return null;
  const inputs = [...root.querySelectorAll('[data-path]')];
  let found = inputs.filter((e) => e.dataset.path === path);
  if (!found.length) {
    const children = inputs.filter((e) => e.dataset.path.startsWith(`${path}/`));
    found = children.length <= 4 ? children : children.slice(0, 1);
  }
  let p = path;
  while (!found.length && p) {
    p = parentPointer(p);
    if (p) found = inputs.filter((e) => e.dataset.path === p);
  }
  if (!found.length) return null;
  const target = found[0].dataset.path;
  let box = null;
  for (const b of root.querySelectorAll('[data-msgs-for]')) {
    const f = b.dataset.msgsFor;
    if ((target === f || target.startsWith(`${f}/`)) && (!box || f.length > box.dataset.msgsFor.length)) box = b;
  }
  return { inputs: found, box };
}

function labelOf(root, input) {
  if (input.dataset.label) return input.dataset.label;
  const label = input.id ? root.querySelector(`label[for="${CSS.escape(input.id)}"]`) : null;
  return label ? label.textContent.trim() : input.getAttribute('aria-label') || '';
}

function messageNode(d) {
  const sev = SEVERITY_LABEL[d.severity] ? d.severity : 'error';
  return h('p', { class: `msg msg-${sev}`, dataset: { code: d.code || '' } },
    h('span', { class: 'sev' }, `${SEVERITY_LABEL[sev]}:`), ' ', d.message || d.code,
    d.code ? h('code', { class: 'diag-code' }, d.code) : null);
}

/** Drops repeats: the same severity, code and path said twice (by the core in two passes, or by the browser's
 *  core and the server's) is shown once, the first wording kept. */
export function mergeDiagnostics(diagnostics) {
  const seen = new Set();
  return diagnostics.filter((d) => {
    const key = `${d.severity}\u0000${d.code}\u0000${d.path}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** Sorts errors first, keeping the core's order within a severity. */
export function sortDiagnostics(diagnostics) {
  return diagnostics.map((d, i) => [d, i])
    .sort((a, b) => (SEVERITY_ORDER[a[0].severity] ?? 3) - (SEVERITY_ORDER[b[0].severity] ?? 3) || a[1] - b[1])
    .map(([d]) => d);
}

/**
 * Clears previous marks in `root` and shows `diagnostics` next to their fields; fills `summary` with a
 * linked list. `reveal(input)` makes a field visible (switches tab) before it is focused.
 * Returns {errors, warnings, infos}.
 */
export function showDiagnostics(root, summary, diagnostics, reveal) {
  for (const box of root.querySelectorAll('[data-msgs-for]')) {
    box.textContent = '';
    box.hidden = true;
  }
  for (const input of root.querySelectorAll('[data-path]')) {
    input.removeAttribute('aria-invalid');
    input.classList.remove('has-error', 'has-warning');
    if (input.dataset.msgsId) removeDescribedBy(input, input.dataset.msgsId);
  }
  const sorted = sortDiagnostics(diagnostics);
  const counts = { errors: 0, warnings: 0, infos: 0 };
  const items = [];
  for (const d of sorted) {
    if (d.severity === 'error') counts.errors += 1;
    else if (d.severity === 'warning') counts.warnings += 1;
    else counts.infos += 1;
    const where = locate(root, d.path || '');
    if (where) {
      if (where.box) {
        where.box.append(messageNode(d));
        where.box.hidden = false;
      }
      for (const input of where.inputs) {
        if (d.severity === 'error') {
          input.setAttribute('aria-invalid', 'true');
          input.classList.add('has-error');
        } else if (d.severity === 'warning') {
          input.classList.add('has-warning');
        }
        if (where.box) {
          if (!where.box.id) where.box.id = `msgs-${Math.random().toString(36).slice(2, 10)}`;
          input.dataset.msgsId = where.box.id;
          addDescribedBy(input, where.box.id);
        }
      }
    }
    items.push({ d, where });
  }
  renderSummary(root, summary, items, counts, reveal);
  return counts;
}

function renderSummary(root, summary, items, counts, reveal) {
  if (!items.length) {
    summary.className = 'diag-summary ok';
    replaceChildren(summary, h('p', { class: 'summary-ok' }, h('span', { 'aria-hidden': 'true' }, '✓ '),
      'No problems found: this policy is valid.'));
    return;
  }
  const parts = [];
  if (counts.errors) parts.push(`${counts.errors} error${counts.errors > 1 ? 's' : ''}`);
  if (counts.warnings) parts.push(`${counts.warnings} warning${counts.warnings > 1 ? 's' : ''}`);
  if (counts.infos) parts.push(`${counts.infos} note${counts.infos > 1 ? 's' : ''}`);
  summary.className = `diag-summary ${counts.errors ? 'has-errors' : counts.warnings ? 'has-warnings' : 'has-notes'}`;
  const list = h('ul', { class: 'summary-list' }, items.map(({ d, where }) => {
    const sev = SEVERITY_LABEL[d.severity] ? d.severity : 'error';
    const target = where && where.inputs[0];
    const label = target ? labelOf(root, target) : (d.path || 'Policy');
    const text = [h('span', { class: `sev-badge sev-${sev}` }, SEVERITY_LABEL[sev]), ' ',
      h('strong', {}, label), ': ', d.message || d.code];
    return h('li', { class: `summary-item summary-${sev}` }, target
      ? h('button', { type: 'button', class: 'linklike', onclick: () => {
        reveal(target);
        target.focus();
      } }, text)
      : h('span', {}, text));
  }));
  replaceChildren(summary,
    h('h2', { class: 'summary-title' }, counts.errors ? `${parts.join(', ')}: fix the errors to save`
      : `${parts.join(', ')}: the policy can be saved`),
    list);
}
