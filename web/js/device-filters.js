// The device list's query: search text, filters, sort and page, kept in the URL hash
// (#/devices?status=failed&platform=iOS&q=ana&sort=os_version&dir=desc&page=2) so links can open it filtered.
import { ENROLLMENT_LABEL } from './inventory-model.js';

export const PAGE_SIZE = 50;
const KEYS = ['q', 'platform', 'os', 'enrollment', 'status', 'expires', 'sort', 'dir', 'page'];

/** The certificate-expiry filter's choices: the server's expires_within_days (0 = already expired). */
export const EXPIRY_CHOICES = [['0', 'Expired'], ['7', 'Within 7 days'], ['30', 'Within 30 days'],
  ['90', 'Within 90 days']];

/** The query in `hash` (missing keys are ''; page is a number from 1). */
export function readQuery(hash) {
  const at = hash.indexOf('?');
  const params = new URLSearchParams(at >= 0 ? hash.slice(at + 1) : '');
  const q = Object.fromEntries(KEYS.map((k) => [k, params.get(k) || '']));
  q.page = Math.max(1, Number.parseInt(q.page, 10) || 1);
  return q;
}

/** The hash of the device list with query `q` (empty values and page 1 left out). */
export function writeQuery(q) {
  const params = new URLSearchParams();
  for (const k of KEYS) if (q[k] && !(k === 'page' && q[k] === 1)) params.set(k, String(q[k]));
  const text = params.toString();
  return `#/devices${text ? `?${text}` : ''}`;
}

/** The OS major version ("17" of "17.4.1"), the OS filter's unit. */
export function osMajor(d) {
  return d.os_version ? String(d.os_version).split('.')[0] : '';
}

function text(d) {
  return [d.id, d.device_name, d.serial_number, d.user_email, d.product_name, d.udid, d.enrollment_id]
    .filter(Boolean).join(' ').toLowerCase();
}

/** Devices matching `q` (statusOf: id → status key, or null while statuses load), sorted. */
export function filterDevices(devices, q, statusOf) {
  const needle = q.q.trim().toLowerCase();
  const out = devices.filter((d) => (!needle || text(d).includes(needle))
    && (!q.platform || d.platform === q.platform)
    && (!q.os || osMajor(d) === q.os)
    && (!q.enrollment || (d.enrollment || '') === q.enrollment)
    && (!q.status || !statusOf || statusOf(d.id) === q.status));
  const key = q.sort || 'device_name';
  const dir = q.dir === 'desc' ? -1 : 1;
  const value = (d) => (key === 'status' ? (statusOf ? statusOf(d.id) : '') : d[key] ?? '');
  const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
  return out.sort((a, b) => dir * collator.compare(String(value(a)), String(value(b)))
    || collator.compare(a.id, b.id));
}

/** The distinct values of the filters' fields in the data, for the filter menus. */
export function filterChoices(devices) {
  const distinct = (f) => [...new Set(devices.map(f).filter(Boolean))]
    .sort(new Intl.Collator(undefined, { numeric: true }).compare);
  return {
    platform: distinct((d) => d.platform),
    os: distinct(osMajor),
    enrollment: distinct((d) => d.enrollment).map((v) => [v, ENROLLMENT_LABEL[v] || v]),
  };
}
