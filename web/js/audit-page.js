// The audit page: every write over REST (who: token name and scope; when; what; a policy's document before
// and after), newest first, filtered on the server (GET /audit) with the filters kept in the address
// (#/audit?actor=alice&target_type=policy), and "Older entries" paging.
import { h, replaceChildren } from './dom.js';
import { api } from './api.js';
import { needsServer, loadFailed } from './page-common.js';
import { lineDiff, canonicalJson } from './line-diff.js';

const KEYS = ['actor', 'scope', 'action', 'target_type', 'target', 'since', 'until'];
const PAGE = 50;
const TYPES = [['policy', 'Policies'], ['device', 'Devices'], ['group', 'Groups'], ['command', 'Commands'],
  ['identity_conflict', 'Identity conflicts']];
const SCOPES = [['admin', 'admin'], ['read-only', 'read-only']];

function readFilters(hash) {
  const at = hash.indexOf('?');
  const params = new URLSearchParams(at >= 0 ? hash.slice(at + 1) : '');
  return Object.fromEntries(KEYS.map((k) => [k, params.get(k) || '']));
}

function writeFilters(f) {
  const params = new URLSearchParams();
  for (const k of KEYS) if (f[k]) params.set(k, f[k]);
  const text = params.toString();
  return `#/audit${text ? `?${text}` : ''}`;
}

/** A date input's "YYYY-MM-DD" as the RFC 3339 bound the server compares with. */
function bound(date, end) {
  if (!date) return '';
  return `${date}T${end ? '23:59:59' : '00:00:00'}Z`;
}

function changeView(e) {
  if (!e.before && !e.after) return null;
  const lines = lineDiff(e.before ? canonicalJson(e.before) : '', e.after ? canonicalJson(e.after) : '')
    .filter((l) => l.op !== ' ' && l.text.trim() !== '');
  return h('details', { class: 'audit-change' }, h('summary', {}, `${lines.length} changed line${lines.length === 1 ? '' : 's'}`),
    h('pre', { class: 'diff' }, lines.slice(0, 200).map((l) => h('span', { class: l.op === '+' ? 'diff-add' : 'diff-del' },
      `${l.op} ${l.text}\n`))));
}

/** Mounts the audit page into `root`. */
export async function mountAuditPage(root, session, isCurrent) {
  if (!session.online) return needsServer(root, 'The audit log');
  const f = readFilters(location.hash);
  const entries = [];
  let next = null;
  const status = h('p', { class: 'list-status', role: 'status', 'aria-live': 'polite', id: 'audit-status' });
  const tableBox = h('div', { class: 'table-wrap' });
  const more = h('button', { type: 'button', class: 'small', id: 'audit-more', onclick: () => load(true) }, 'Older entries');

  async function load(append = false) {
    const query = { limit: String(PAGE) };
    for (const k of ['actor', 'scope', 'action', 'target_type', 'target']) if (f[k]) query[k] = f[k];
    if (f.since) query.since = bound(f.since, false);
    if (f.until) query.until = bound(f.until, true);
    if (append && next) query.before = String(next);
    let data;
    try {
      data = await api.audit(query);
    } catch (err) {
      if (!append) return loadFailed(root, session, 'the audit log', err);
      status.textContent = `Older entries could not be loaded: ${err.message}`;
      return;
    }
    if (!isCurrent()) return;
    if (!append) entries.length = 0;
    entries.push(...(data.entries || []));
    next = data.next_before ?? null;
    render();
  }

  function render() {
    replaceChildren(tableBox, entries.length ? h('table', { class: 'data', id: 'audit-table' },
      h('caption', { class: 'visually-hidden' }, 'Audit log'),
      h('thead', {}, h('tr', {}, ['When', 'Who', 'Scope', 'Action', 'Target', 'Change'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, entries.map((e) => h('tr', { dataset: { entry: String(e.id), action: e.action } },
        h('td', {}, e.at), h('th', { scope: 'row' }, e.actor?.name || '—'), h('td', {}, e.actor?.scope || '—'),
        h('td', {}, h('code', {}, e.action)),
        h('td', {}, e.target?.type === 'policy' && e.action !== 'policy.delete'
          ? h('a', { href: `#/policy/${encodeURIComponent(e.target.id)}` }, e.target.id)
          : e.target?.type === 'device' && e.action !== 'device.delete'
            ? h('a', { href: `#/device/${encodeURIComponent(e.target.id)}` }, e.target.id) : e.target?.id || '—'),
        h('td', {}, changeView(e) || h('span', { class: 'dev-sub' }, `${e.method} ${e.path}`))))))
      : h('p', { class: 'empty' }, 'No entry matches.'));
    status.textContent = `${entries.length} entr${entries.length === 1 ? 'y' : 'ies'} shown${next ? '; older ones exist' : ''}.`;
    more.hidden = !next;
  }

  const change = (k, v) => {
    f[k] = v;
    history.replaceState(null, '', writeFilters(f));
    next = null;
    load();
  };
  const text = (k, label, placeholder) => {
    const input = h('input', { type: 'text', id: `audit-${k}`, value: f[k], placeholder, autocomplete: 'off',
      onchange: () => change(k, input.value.trim()) });
    return h('div', { class: 'field filter' }, h('label', { for: `audit-${k}`, class: 'field-label' }, label), input);
  };
  const pick = (k, label, choices) => {
    const el = h('select', { id: `audit-${k}`, onchange: () => change(k, el.value) }, h('option', { value: '' }, 'All'),
      choices.map(([v, t]) => h('option', { value: v }, t)));
    el.value = f[k];
    return h('div', { class: 'field filter' }, h('label', { for: `audit-${k}`, class: 'field-label' }, label), el);
  };
  const date = (k, label) => {
    const input = h('input', { type: 'date', id: `audit-${k}`, value: f[k], onchange: () => change(k, input.value) });
    return h('div', { class: 'field filter' }, h('label', { for: `audit-${k}`, class: 'field-label' }, label), input);
  };
  replaceChildren(root,
    h('div', { class: 'list-head' }, h('div', {}, h('h1', { id: 'page-title' }, 'Audit log'),
      h('p', { class: 'subtitle' }, 'Every change made over the REST API: who, when and what, newest first.'))),
    h('div', { class: 'filters', role: 'search' }, text('actor', 'Token name', 'e.g. alice'),
      pick('scope', 'Scope', SCOPES), pick('target_type', 'Type', TYPES),
      text('action', 'Action', 'e.g. policy.update'), text('target', 'Target id', 'id'),
      date('since', 'From'), date('until', 'To')),
    status, tableBox, h('div', { class: 'pager' }, more));
  await load();
}
