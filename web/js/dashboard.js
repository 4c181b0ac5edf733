// The fleet dashboard (the landing page): devices per status, each linked to the filtered device list and
// drawn as an SVG bar chart; certificate expiries per day for the next 90 days and the renewals (GET
// /renewals, "no certificate data" where the server has none); and the policies that need attention.
import { h, replaceChildren } from './dom.js';
import { loadFleet, freshInventory, countByStatus, STATUSES } from './fleet-data.js';
import { barChart } from './svg-chart.js';
import { needsServer, loadFailed } from './page-common.js';
import { api } from './api.js';
import { expiryChart, totals, weeks } from './expiry-chart.js';

const DAYS = 90;

/** The certificates card: the chart and its week table, or why there is none. */
async function certificatesCard() {
  const card = h('section', { class: 'card chart-card', 'aria-labelledby': 'expiry-title', id: 'expiry-card' },
    h('h2', { id: 'expiry-title' }, `Certificate expiries and renewals, next ${DAYS} days`));
  let days;
  try {
    days = (await api.renewals(DAYS)).days;
  } catch (err) {
    card.append(h('p', { class: 'empty', id: 'no-certificate-data' }, err.status === 404 || err.status === 405
      ? 'No certificate data: this server does not report certificate expiries.'
      : `No certificate data: ${err.message}`));
    return card;
  }
  if (!Array.isArray(days) || !days.length) {
    card.append(h('p', { class: 'empty', id: 'no-certificate-data' }, 'No certificate data yet.'));
    return card;
  }
  const t = totals(days);
  const soon = totals(days.slice(0, 7));
  card.append(
    h('ul', { class: 'stat-cards compact', id: 'expiry-cards' },
      [['expiring-7', soon.expiring, 'expiring this week'], ['expiring', t.expiring, `expiring in ${days.length} days`],
        ['planned', t.renewals_planned, 'renewals planned'], ['renewed', t.renewed, 'renewed']].map(([key, n, label]) =>
        h('li', {}, h('div', { class: 'stat-card', dataset: { expiry: key } }, h('span', { class: 'stat-count' }, String(n)),
          h('span', { class: 'stat-label' }, label))))),
    expiryChart({ id: 'expiry-chart', title: 'Certificates per day', days }),
    h('details', { class: 'chart-table' }, h('summary', {}, 'The same numbers per week'),
      h('table', { class: 'data', id: 'expiry-weeks' }, h('thead', {}, h('tr', {},
        ['Week', 'Expiring', 'Renewals planned', 'Renewed'].map((x, i) => h('th', { scope: 'col', class: i ? 'num' : '' }, x)))),
      h('tbody', {}, weeks(days).map((w) => h('tr', {}, h('th', { scope: 'row' }, `${w.from} – ${w.to}`),
        h('td', { class: 'num' }, String(w.expiring)), h('td', { class: 'num' }, String(w.renewals_planned)),
        h('td', { class: 'num' }, String(w.renewed))))))));
  return card;
}

/** Mounts the dashboard into `root`. */
export async function mountDashboard(root, session, isCurrent) {
  if (!session.online || !session.inventory) return needsServer(root, 'The fleet dashboard');
  let fleet;
  try {
    fleet = await loadFleet(await freshInventory(session));
  } catch (err) {
    return loadFailed(root, session, 'the fleet', err);
  }
  const certificates = await certificatesCard();
  if (!isCurrent()) return;
  const counts = countByStatus(fleet);
  const link = (key) => `#/devices?status=${key}`;
  const cards = h('ul', { class: 'stat-cards', id: 'status-cards' }, STATUSES.map((s) => h('li', {},
    h('a', { href: link(s.key), class: `stat-card stat-${s.key}`, dataset: { status: s.key } },
      h('span', { class: 'stat-count' }, String(counts[s.key])),
      h('span', { class: 'stat-label' }, s.label),
      h('span', { class: 'stat-help' }, s.help)))));
  const chart = barChart({ id: 'status-chart', title: 'Devices by status',
    items: STATUSES.map((s) => ({ key: s.key, label: s.label, value: counts[s.key], href: link(s.key) })) });
  const attention = fleet.policies.filter((p) => (p.counts?.failed || 0) + (p.counts?.excluded || 0) > 0);
  replaceChildren(root,
    h('div', { class: 'list-head' }, h('div', {},
      h('h1', { id: 'page-title' }, 'Fleet'),
      h('p', { class: 'subtitle' }, `${fleet.devices.length} devices, ${fleet.groups.length} groups, ` +
        `${fleet.policies.length} ACME policies.`))),
    cards,
    h('figure', { class: 'chart-card' }, h('figcaption', {}, 'Devices by status'), chart),
    certificates,
    h('section', { class: 'card', 'aria-labelledby': 'attention-title' },
      h('h2', { id: 'attention-title' }, 'Policies needing attention'),
      attention.length
        ? h('table', { class: 'data', id: 'attention-table' },
          h('thead', {}, h('tr', {}, ['Policy', 'Failed', 'Excluded', 'Pending'].map((t, i) =>
            h('th', { scope: 'col', class: i ? 'num' : '' }, t)))),
          h('tbody', {}, attention.map((p) => h('tr', { dataset: { policy: p.id } },
            h('th', { scope: 'row' }, h('a', { href: `#/policy/${encodeURIComponent(p.id)}` }, p.name)),
            h('td', { class: 'num' }, String(p.counts?.failed || 0)),
            h('td', { class: 'num' }, String(p.counts?.excluded || 0)),
            h('td', { class: 'num' }, String(p.counts?.pending || 0))))))
        : h('p', { class: 'empty' }, 'No policy has failed installs or excluded devices.')));
}
