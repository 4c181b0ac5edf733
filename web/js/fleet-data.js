// The fleet as the pages see it: devices, groups and policies from the REST API, and each device's status
// folded from the policies' assignment routes (one request per policy, not per device).
import { api } from './api.js';

/** Device statuses, worst first, with the words the pages show. */
export const STATUSES = [
  { key: 'failed', label: 'Failed', help: 'a policy failed to install' },
  { key: 'pending', label: 'Pending', help: 'a policy is waiting to be installed' },
  { key: 'attention', label: 'Needs attention', help: 'targeted by a policy it cannot receive' },
  { key: 'installed', label: 'Installed', help: 'every policy it receives is installed' },
  { key: 'none', label: 'No policy', help: 'no policy targets it' },
];
const RANK = Object.fromEntries(STATUSES.map((s, i) => [s.key, i]));
const ASSIGNMENT_STATUS = { failed: 'failed', pending: 'pending', removing: 'pending', installed: 'installed' };

/**
 * Loads everything the fleet pages need. Resolves to {devices, groups, policies, statusOf} where
 * statusOf.get(deviceId) = {status, policies: [{id, name, status, reason, message}]}; throws ApiError.
 * `known` ({devices, groups}, just fetched by the caller) saves fetching those again.
 */
export async function loadFleet(known = null) {
  const [devices, groups, policies] = await Promise.all([known ? known.devices : api.listDevices(),
    known ? known.groups : api.listGroups(), api.listPolicies()]);
  const assignments = await Promise.all(policies.map((p) => api.assignments(p.id).catch(() => null)));
  const statusOf = new Map(devices.map((d) => [d.id, { status: 'none', policies: [] }]));
  const note = (deviceId, status, entry) => {
    const s = statusOf.get(deviceId);
    if (!s) return;
    s.policies.push(entry);
    if (s.status === 'none' || RANK[status] < RANK[s.status]) s.status = status;
  };
  policies.forEach((p, i) => {
    const a = assignments[i];
    if (!a) return;
    for (const inc of a.included || []) {
      const status = ASSIGNMENT_STATUS[inc.status] || 'pending';
      note(inc.device, status, { id: p.id, name: p.name, status: inc.status || 'pending' });
    }
    for (const ex of a.excluded || []) {
      note(ex.device, 'attention', { id: p.id, name: p.name, status: 'excluded', reason: ex.reason, message: ex.message });
    }
  });
  return { devices, groups, policies, statusOf };
}

/** How long an inventory just loaded counts as fresh: the whole device list is one large answer (it is
 *  compressed on every request), so pages opened one after another share it. */
const FRESH_MS = 15000;

/**
 * The inventory ({devices, groups}): the session's when it was loaded within FRESH_MS, else fetched anew
 * (and kept in the session). Throws ApiError.
 */
export async function freshInventory(session) {
  if (session.inventory && Date.now() - (session.inventoryAt || 0) < FRESH_MS) return session.inventory;
  const [devices, groups] = await Promise.all([api.listDevices(), api.listGroups()]);
  session.inventory = { devices, groups };
  session.inventoryAt = Date.now();
  return session.inventory;
}

/** Counts of devices per status key (every key present). */
export function countByStatus(fleet) {
  const counts = Object.fromEntries(STATUSES.map((s) => [s.key, 0]));
  for (const d of fleet.devices) counts[fleet.statusOf.get(d.id).status] += 1;
  return counts;
}

/** The label of a status key. */
export function statusLabel(key) {
  return (STATUSES.find((s) => s.key === key) || { label: key }).label;
}
