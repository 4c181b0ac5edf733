// The server's inventory in the core's contract: device records with the contract's keys only, groups as
// {id, name, devices}. Shared by every view that hands devices to the wasm core.

import { deviceKeyNames } from './core-tables.js';

/** The device record contract's keys only (the core's device_record_keys): the server may add bookkeeping
 *  fields the core rejects. */
export function deviceRecord(device) {
  const out = {};
  for (const key of deviceKeyNames()) if (device[key] !== undefined && device[key] !== null) out[key] = device[key];
  return out;
}

/** The inventory in the core's contract: device records and {id, name, devices} groups. */
export function coreInventory(inv) {
  return {
    devices: inv.devices.map(deviceRecord),
    groups: inv.groups.map((g) => ({ id: g.id, name: g.name ?? g.id, devices: [...(g.devices || [])] })),
  };
}

/** Words for the contract's enrollment values (display only). */
export const ENROLLMENT_LABEL = { ade: 'Automated (ADE)', device: 'Device Enrollment', user: 'User Enrollment',
  none: 'Not enrolled' };
