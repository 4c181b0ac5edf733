// What the fleet browser tests share: the statuses the REST API implies for each device (computed here
// independently of the portal, from GET /devices and each policy's /assignments), and screenshots at the
// laptop and tablet sizes the issue names.
import path from 'node:path';

export const LAPTOP = { width: 1280, height: 800 };
export const TABLET = { width: 820, height: 1180 };

/** {deviceId: status} from the REST API: failed > pending > needs attention > installed; 'none' untargeted. */
export async function restStatuses(api) {
  const devices = (await api('GET', '/devices')).body.devices;
  const policies = (await api('GET', '/policies')).body.policies;
  const rank = ['failed', 'pending', 'attention', 'installed', 'none'];
  const out = Object.fromEntries(devices.map((d) => [d.id, 'none']));
  const worse = (id, s) => { if (id in out && rank.indexOf(s) < rank.indexOf(out[id])) out[id] = s; };
  for (const p of policies) {
    const a = (await api('GET', `/policies/${encodeURIComponent(p.id)}/assignments`)).body;
    for (const inc of a.included) worse(inc.device, inc.status === 'failed' ? 'failed' : inc.status === 'installed' ? 'installed' : 'pending');
    for (const ex of a.excluded) worse(ex.device, 'attention');
  }
  return out;
}

/** Counts per status key of a {deviceId: status} map. */
export function countStatuses(statuses) {
  const counts = { failed: 0, pending: 0, attention: 0, installed: 0, none: 0 };
  for (const s of Object.values(statuses)) counts[s] += 1;
  return counts;
}

/** Screenshots the page at laptop and tablet sizes as <name>-laptop.png and <name>-tablet.png; returns the
 *  page's horizontal overflow at the tablet width (0 when nothing scrolls sideways). */
export async function screenshotBoth(page, artifacts, name) {
  await page.setViewportSize(LAPTOP);
  await page.screenshot({ path: path.join(artifacts, `${name}-laptop.png`), fullPage: true });
  await page.setViewportSize(TABLET);
  await page.screenshot({ path: path.join(artifacts, `${name}-tablet.png`), fullPage: true });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  await page.setViewportSize(LAPTOP);
  return overflow;
}
