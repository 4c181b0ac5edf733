// The fleet dashboard (the landing page): devices per status, each linked to the filtered device list and
// drawn as an SVG bar chart, and the policies that need attention.
import { h, replaceChildren } from './dom.js';
import { loadFleet, freshInventory, countByStatus, STATUSES } from './fleet-data.js';
import { barChart } from './svg-chart.js';
import { needsServer, loadFailed } from './page-common.js';

/** Mounts the dashboard into `root`. */
export async function mountDashboard(root, session, isCurrent) {
  if (!session.online || !session.inventory) return needsServer(root, 'The fleet dashboard');
  let fleet;
  try {
    fleet = await loadFleet(await freshInventory(session));
  } catch (err) {
    return loadFailed(root, session, 'the fleet', err);
  }
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
