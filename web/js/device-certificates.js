// The device page's certificates: each certificate the device holds (subject, issuer, serial, validity,
// key, SHA-256, whether it is the ACME identity and from which policy) with the days left before it
// expires. A server without certificate data (404) gets a plain "no certificate data" instead.
import { h } from './dom.js';
import { api } from './api.js';

const DAY_MS = 86400000;

/** Whole days from now to `iso` (negative once past). */
export function daysLeft(iso, now = Date.now()) {
  const t = Date.parse(iso);
  return Number.isNaN(t) ? null : Math.floor((t - now) / DAY_MS);
}

/** "expires in 12 days (2026-12-13)", "expired 3 days ago (…)". */
export function expiryText(iso, now = Date.now()) {
  const d = daysLeft(iso, now);
  const date = String(iso || '').slice(0, 10);
  if (d === null) return '—';
  if (d < 0) return `expired ${-d} day${d === -1 ? '' : 's'} ago (${date})`;
  return `expires in ${d} day${d === 1 ? '' : 's'} (${date})`;
}

/** The expiry's urgency for the pill: failed (expired), pending (within 30 days) or installed. */
function urgency(iso) {
  const d = daysLeft(iso);
  if (d === null) return 'none';
  return d < 0 ? 'failed' : d <= 30 ? 'pending' : 'installed';
}

/** The certificates section of device `id`. */
export async function certificatesSection(id) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'certificates-title', id: 'device-certificates' },
    h('h2', { id: 'certificates-title' }, 'Certificates'));
  let list;
  try {
    list = (await api.deviceCertificates(id)).certificates;
  } catch (err) {
    section.append(h('p', { class: 'empty', id: 'no-certificate-data' }, err.status === 404 || err.status === 405
      ? 'No certificate data: this server does not report device certificates.'
      : `No certificate data: ${err.message}`));
    return section;
  }
  if (!Array.isArray(list) || !list.length) {
    section.append(h('p', { class: 'empty', id: 'no-certificate-data' }, 'No certificate data: the device reported no certificate yet.'));
    return section;
  }
  const sorted = [...list].sort((a, b) => String(a.not_after).localeCompare(String(b.not_after)));
  section.append(h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'certificates-table' },
    h('thead', {}, h('tr', {}, ['Subject', 'Expiry', 'Issuer', 'Serial', 'Valid from', 'Key', 'Identity',
      'Policy', 'SHA-256'].map((t) => h('th', { scope: 'col' }, t)))),
    h('tbody', {}, sorted.map((c) => h('tr', { dataset: { serial: c.serial || '' } },
      h('th', { scope: 'row' }, c.subject || '—'),
      h('td', { class: 'expiry' }, h('span', { class: `status status-${urgency(c.not_after)}` }, expiryText(c.not_after))),
      h('td', {}, c.issuer || '—'), h('td', {}, h('code', {}, c.serial || '—')),
      h('td', {}, String(c.not_before || '').slice(0, 10) || '—'), h('td', {}, c.key_type || '—'),
      h('td', {}, c.is_identity ? 'ACME identity' : 'no'),
      h('td', {}, c.policy ? h('a', { href: `#/policy/${encodeURIComponent(c.policy)}` }, c.policy) : '—'),
      h('td', { class: 'fingerprint' }, h('code', {}, c.sha256 || '—'))))))));
  return section;
}
