// The inventory the browser tests seed through the REST API: a mixed iOS/iPadOS/macOS group, an iOS 15
// device, an A10X iPad (cannot attest), a User Enrollment device.
export const devices = [
  { id: 'd-iphone', serial_number: 'F2LXK1ABCD', udid: '00008110-000A1C2E3C41801E', platform: 'iOS',
    os_version: '17.4.1', product_name: 'iPhone15,2', enrollment: 'ade', supervised: true,
    device_name: "Ana's iPhone", user_email: 'ana@example.com' },
  { id: 'd-ipad', serial_number: 'DMPX2ABCD1', udid: '00008103-001234560A38001E', platform: 'iPadOS',
    os_version: '16.5', product_name: 'iPad13,4', enrollment: 'device', supervised: false,
    device_name: 'Front desk iPad', user_email: 'desk@example.com' },
  { id: 'd-mac', serial_number: 'C02ZX1ABMD6T', udid: '1F2E3D4C-5B6A-7980-ABCD-1234567890AB', platform: 'macOS',
    os_version: '14.2', product_name: 'Mac14,2', enrollment: 'ade', supervised: true,
    device_name: "Ben's MacBook Air", user_email: 'ben@example.com' },
  { id: 'd-old-iphone', serial_number: 'FFMX1OLD01', udid: '0a1b2c3d4e5f60718293a4b5c6d7e8f901234567', platform: 'iOS',
    os_version: '15.7', product_name: 'iPhone10,1', enrollment: 'ade', supervised: true,
    device_name: 'Warehouse iPhone 8', user_email: 'ops@example.com' },
  { id: 'd-ipad-a10x', serial_number: 'DLXQ7A10X1', udid: 'f1e2d3c4b5a6978812345678abcdef0123456789', platform: 'iPadOS',
    os_version: '16.1', product_name: 'iPad7,3', enrollment: 'device', supervised: false,
    device_name: 'Lab iPad Pro', user_email: 'lab@example.com' },
  { id: 'd-byod', enrollment_id: 'B5B2E6F1-7C21-4E7D-9F0A-3C4D5E6F7A8B', platform: 'iOS', os_version: '17.2',
    product_name: 'iPhone14,5', enrollment: 'user', supervised: false, device_name: "Cleo's own iPhone",
    user_email: 'cleo@example.com' },
];

export const groups = [
  { id: 'g-mixed', name: 'Headquarters (mixed)', devices: ['d-iphone', 'd-ipad', 'd-mac', 'd-old-iphone'] },
  { id: 'g-lab', name: 'Lab', devices: ['d-ipad-a10x'] },
  { id: 'g-byod', name: 'Personal devices', devices: ['d-byod'] },
];

/** Seeds devices and groups through the API; throws with the server's answer when one is refused. */
export async function seedInventory(api) {
  for (const device of devices) {
    const r = await api('POST', '/devices', device);
    if (r.status !== 201 && r.status !== 200) throw new Error(`POST /devices ${device.id}: ${r.status} ${JSON.stringify(r.body)}`);
  }
  for (const group of groups) {
    const r = await api('POST', '/groups', group);
    if (r.status !== 201 && r.status !== 200) throw new Error(`POST /groups ${group.id}: ${r.status} ${JSON.stringify(r.body)}`);
  }
}
