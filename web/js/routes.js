// The fleet pages' routes (the policy list and editor are routed by app.js): hash → page and its nav link.
import { mountDashboard } from './dashboard.js';
import { mountDevicesPage } from './devices-page.js';
import { mountDevicePage } from './device-page.js';
import { mountGroupsPage } from './groups-page.js';
import { mountGroupPage } from './group-page.js';
import { mountAuditPage } from './audit-page.js';

/** {nav, mount(root, session, isCurrent)} for `hash`, or null when it is not a fleet page. */
export function pageFor(hash) {
  const path = hash.split('?')[0];
  if (path === '#/dashboard' || path === '#/' || path === '#') return { nav: 'nav-dashboard', mount: mountDashboard };
  if (path === '#/devices') return { nav: 'nav-devices', mount: mountDevicesPage };
  if (path === '#/groups') return { nav: 'nav-groups', mount: mountGroupsPage };
  if (path === '#/audit') return { nav: 'nav-audit', mount: mountAuditPage };
  let m = /^#\/device\/(.+)$/.exec(path);
  if (m) {
    const id = decodeURIComponent(m[1]);
    return { nav: 'nav-devices', mount: (root, session, isCurrent) => mountDevicePage(root, session, isCurrent, id) };
  }
  m = /^#\/group\/(.+)$/.exec(path);
  if (m) {
    const id = decodeURIComponent(m[1]);
    return { nav: 'nav-groups', mount: (root, session, isCurrent) => mountGroupPage(root, session, isCurrent, id) };
  }
  return null;
}
