// Browser tests of the fleet pages against the real `acmepolicy serve`: the dashboard (numbers equal the
// REST API's), the Devices page (search, filters, sorting, create, bulk add to a group, CSV import of 1,000
// devices and export), a Device page, and the Groups pages; each by keyboard and mouse, with screenshots.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { artifacts, openBrowserPage, prepareSuite, wasmRoot, webRoot } from './lib/suite.mjs';
import { startAcmepolicyServer } from './lib/acmepolicy-server.mjs';
import { seedInventory } from './lib/inventory.mjs';
import { openPortal, signIn } from './lib/portal-page.mjs';
import { restStatuses, countStatuses, screenshotBoth, LAPTOP } from './lib/fleet.mjs';

const binary = process.env.ACMEPOLICY_BIN;
let server;
let browser;
let page;
let dir;
const pageErrors = [];

const policy = (name, groups, clientId) => ({ name, targets: { device_groups: groups, devices: [] }, payload: {
  DirectoryURL: 'https://acme.example.com/acme/directory', ClientIdentifier: clientId, KeyType: 'ECSECPrimeRandom',
  KeySize: 256, HardwareBound: true, Subject: [[['CN', clientId]]] } });

const rowIds = () => page.locator('#devices-table tbody tr').evaluateAll((trs) => trs.map((tr) => tr.dataset.device));
// The list is paged on the server: a changed query is settled once its answer is drawn (no data-loading).
const statusesLoaded = () => page.waitForFunction(() => !document.querySelector('#view-page').dataset.loading
  && document.querySelector('#devices-table tbody tr .col-status')
  && ![...document.querySelectorAll('#devices-table .col-status')].some((td) => td.textContent === '…'));

before(async () => {
  assert.ok(binary, 'ACMEPOLICY_BIN names the acmepolicy binary');
  await prepareSuite();
  server = await startAcmepolicyServer({ binary, webRoot, wasmRoot });
  await seedInventory(server.api);
  for (const p of [policy('Headquarters ACME', ['g-mixed'], '{{serial_number}}'),
    policy('Personal ACME', ['g-byod'], '{{serial_number}}')]) {
    const r = await server.api('POST', '/policies', p);
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  dir = await mkdtemp(path.join(tmpdir(), 'acmepolicy-fleet-'));
  ({ browser, page } = await openBrowserPage(pageErrors));
  await page.setViewportSize(LAPTOP);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('the dashboard is the landing page; its counts equal the REST API\'s and link to the filtered list', async () => {
  await page.goto(server.url);
  await signIn(page, server.token);
  await page.waitForSelector('#status-cards');
  assert.equal(await page.evaluate(() => location.hash), '');
  const expected = countStatuses(await restStatuses(server.api));
  const shown = await page.locator('#status-cards .stat-card').evaluateAll((as) => Object.fromEntries(as.map((a) =>
    [a.dataset.status, Number(a.querySelector('.stat-count').textContent)])));
  assert.deepEqual(shown, expected);
  assert.ok(expected.pending > 0 && expected.attention > 0, 'the seed has pending and excluded devices');
  // The chart: the same numbers, as text and distinct fill patterns (readable without colour).
  const bars = await page.locator('#status-chart .bar-row').evaluateAll((gs) => gs.map((g) => ({
    key: g.dataset.key, value: Number(g.dataset.value), text: g.querySelector('.bar-value').textContent,
    label: g.querySelector('.bar-label').textContent, fill: [...g.querySelector('.bar').classList].find((c) => c.startsWith('fill-')) })));
  for (const b of bars) {
    assert.equal(b.value, expected[b.key]);
    assert.equal(b.text, String(expected[b.key]));
    assert.ok(b.label.length > 0);
  }
  assert.equal(new Set(bars.map((b) => b.fill)).size, bars.length, 'each status has its own pattern');
  assert.match(await page.locator('#status-chart').getAttribute('aria-label'), new RegExp(`Pending ${expected.pending}`));
  const attention = await page.locator('#attention-table tbody tr').evaluateAll((trs) => trs.map((t) => t.dataset.policy));
  assert.equal(attention.length, 2, 'both policies exclude devices');
  assert.equal(await screenshotBoth(page, artifacts, 'dashboard'), 0, 'no sideways scrolling on a tablet');

  await page.locator('#status-cards a[data-status="attention"]').click();
  await page.waitForSelector('#devices-table');
  await statusesLoaded();
  assert.equal(await page.evaluate(() => location.hash), '#/devices?status=attention');
  assert.equal(await page.locator('#filter-status').inputValue(), 'attention');
  assert.deepEqual((await rowIds()).sort(), ['d-byod', 'd-mac', 'd-old-iphone']);
});

test('the Devices page: search, filters and sorting by keyboard; the address keeps the query', async () => {
  await page.selectOption('#filter-status', '');
  await statusesLoaded();
  assert.equal((await rowIds()).length, 6);
  await page.locator('#devices-search').focus();
  await page.keyboard.type('F2LXK1');
  await page.waitForFunction(() => document.querySelectorAll('#devices-table tbody tr').length === 1);
  assert.deepEqual(await rowIds(), ['d-iphone']);
  await page.fill('#devices-search', '');
  await page.selectOption('#filter-platform', 'iPadOS');
  await page.waitForFunction(() => document.querySelectorAll('#devices-table tbody tr').length === 2);
  assert.match(await page.evaluate(() => location.hash), /platform=iPadOS/);
  await page.selectOption('#filter-platform', '');
  await page.selectOption('#filter-enrollment', 'user');
  await page.waitForFunction(() => document.querySelectorAll('#devices-table tbody tr').length === 1);
  assert.deepEqual(await rowIds(), ['d-byod']);
  await page.selectOption('#filter-enrollment', '');
  await page.selectOption('#filter-os', '15');
  await page.waitForFunction(() => document.querySelectorAll('#devices-table tbody tr').length === 1);
  assert.deepEqual(await rowIds(), ['d-old-iphone']);
  await page.selectOption('#filter-os', '');
  // Sort by OS version with the keyboard: ascending, then descending (numeric order: 14.2 < 15.7 < 16.1).
  await page.locator('button.sort[data-sort="os_version"]').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('th[aria-sort="ascending"] button[data-sort="os_version"]'));
  assert.equal((await rowIds())[0], 'd-mac');
  await page.locator('button.sort[data-sort="os_version"]').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('th[aria-sort="descending"] button[data-sort="os_version"]'));
  const desc = await rowIds();
  assert.ok(['d-iphone'].includes(desc[0]), `17.4.1 first: ${desc}`);
  assert.match(await page.evaluate(() => location.hash), /sort=os_version&dir=desc/);
  assert.equal(await page.locator('#page-info').innerText(), 'Page 1 of 1');
  assert.equal(await screenshotBoth(page, artifacts, 'devices'), 0, 'no sideways scrolling on a tablet');
});

test('a device record is created from the form (keyboard); a taken id comes back at the id field', async () => {
  await page.click('#new-device');
  await page.waitForSelector('#device-form');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'device-id');
  await page.keyboard.type('d-ipad');  // exists
  await page.locator('#device-form button[type="submit"]').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => document.querySelector('#device-id')?.getAttribute('aria-invalid') === 'true');
  await page.fill('#device-id', 'd-new-byod');
  await page.fill('#device-user_email', 'dana@example.com');
  await page.fill('#device-device_name', "Dana's iPhone");
  await page.fill('#device-platform', 'iOS');
  await page.fill('#device-os_version', '17.5');
  await page.fill('#device-enrollment_id', 'C0FFEE00-0000-4000-8000-000000000001');
  await page.selectOption('#device-enrollment', 'user');
  await page.click('#device-save');
  await page.waitForFunction(() => location.hash === '#/device/d-new-byod');
  await page.waitForSelector('#device-facts');
  const stored = await server.api('GET', '/devices/d-new-byod');
  assert.equal(stored.status, 200);
  assert.equal(stored.body.user_email, 'dana@example.com');
  assert.equal(stored.body.enrollment, 'user');
  assert.equal(stored.body.serial_number ?? null, null, 'no serial number for a User Enrollment device');
});

test('a Device page: facts, each policy with the core\'s answer and the server\'s status; edit; groups', async () => {
  await page.goto(`${server.url}#/device/d-iphone`);
  await page.waitForSelector('#device-facts');
  assert.equal(await page.locator('#device-facts dd[data-fact="serial_number"]').innerText(), 'F2LXK1ABCD');
  assert.equal(await page.locator('#device-facts dd[data-fact="product_name"]').innerText(), 'iPhone15,2');
  const row = page.locator('#device-policies tr[data-policy]').first();
  assert.match(await row.innerText(), /Headquarters ACME/);
  assert.match(await row.locator('.receives').innerText(), /^yes/);
  // Not enrolled yet (inventory only): the policy's assignments say "pending", but nothing can be sent
  // before enrollment, and the page says so.
  const rest = (await server.api('GET', '/devices/d-iphone/status')).body;
  assert.equal(rest.enrolled, false);
  const policyId = await row.getAttribute('data-policy');
  const listed = (await server.api('GET', `/policies/${policyId}/assignments`)).body.included
    .find((x) => x.device === 'd-iphone');
  assert.equal(listed.status, 'pending');
  assert.match(await row.innerText(), /waiting for enrollment/);
  assert.doesNotMatch(await row.innerText(), /\bpending\b/);
  // The Mac is targeted but left out, with the core's reason.
  await page.goto(`${server.url}#/device/d-mac`);
  await page.waitForSelector('#device-policies');
  assert.match(await page.locator('#device-policies .receives').first().innerText(), /^no: .*macOS/);
  // Add to a group and remove again, by keyboard.
  await page.locator('#device-add-group').focus();
  await page.selectOption('#device-add-group', 'g-lab');
  await page.locator('#device-add-group-go').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Added to Lab/.test(document.querySelector('#device-action-status')?.textContent || ''));
  assert.ok((await server.api('GET', '/groups/g-lab')).body.devices.includes('d-mac'));
  assert.equal(await screenshotBoth(page, artifacts, 'device'), 0, 'no sideways scrolling on a tablet');
  await page.getByRole('button', { name: 'Remove from Lab' }).click();
  await page.waitForFunction(() => /Removed from Lab/.test(document.querySelector('#device-action-status')?.textContent || ''));
  assert.ok(!(await server.api('GET', '/groups/g-lab')).body.devices.includes('d-mac'));
  // Edit the record.
  await page.click('#edit-device');
  await page.fill('#device-user_email', 'ben.b@example.com');
  await page.click('#device-save');
  await page.waitForFunction(() => /ben\.b@example\.com/.test(document.querySelector('#device-facts')?.textContent || ''));
  assert.equal((await server.api('GET', '/devices/d-mac')).body.user_email, 'ben.b@example.com');
});

test('bulk: selected devices are added to a group in one step', async () => {
  await page.goto(`${server.url}#/devices?platform=iPadOS`);
  await page.waitForSelector('#devices-table');
  await page.locator('#select-page').check();
  assert.equal(await page.locator('#selected-count').innerText(), '2 selected');
  await page.selectOption('#bulk-group', 'g-byod');
  await page.click('#bulk-add');
  await page.waitForFunction(() => /Added 2 devices/.test(document.querySelector('#bulk-status').textContent));
  const members = (await server.api('GET', '/groups/g-byod')).body.devices;
  assert.deepEqual([...members].sort(), ['d-byod', 'd-ipad', 'd-ipad-a10x']);
  await server.api('PUT', '/groups/g-byod/members', { devices: ['d-byod'] });
});

test('CSV: 1,000 devices import through the page; the export lists every record', async () => {
  const rows = ['id,serial_number,platform,os_version,enrollment,device_name,user_email,supervised'];
  for (let i = 0; i < 1000; i += 1) {
    rows.push(`csv-${String(i).padStart(4, '0')},SN${100000 + i},${i % 3 ? 'iOS' : 'iPadOS'},17.${i % 5},ade,"Kiosk ${i}, hall ${i % 7}",k${i}@example.com,${i % 2 ? 'yes' : 'no'}`);
  }
  const csv = path.join(dir, 'devices.csv');
  await writeFile(csv, `${rows.join('\n')}\n`);
  await page.goto(`${server.url}#/devices`);
  await page.waitForSelector('#devices-table');
  const started = Date.now();
  await page.setInputFiles('#import-csv-file', csv);
  await page.waitForFunction(() => /Imported/.test(document.querySelector('#import-summary')?.textContent || ''),
    null, { timeout: 120000 });
  const seconds = (Date.now() - started) / 1000;
  console.log(`portal CSV import: 1000 devices in ${seconds.toFixed(1)} s`);
  assert.match(await page.locator('#import-summary').innerText(), /1000 created, 0 updated, 0 refused/);
  const all = (await server.api('GET', '/devices')).body.devices;
  assert.equal(all.length, 1007);
  const one = all.find((d) => d.id === 'csv-0007');
  assert.equal(one.device_name, 'Kiosk 7, hall 0');
  assert.equal(one.supervised, true);
  assert.match(await page.locator('#page-info').innerText(), /Page 1 of 21/);
  // Paging by keyboard.
  await page.locator('#page-next').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Page 2 of 21/.test(document.querySelector('#page-info').textContent));
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#export-csv')]);
  const exported = path.join(dir, 'export.csv');
  await download.saveAs(exported);
  const lines = (await readFile(exported, 'utf8')).trim().split(/\r\n/);
  assert.equal(lines[0], 'id,serial_number,udid,enrollment_id,platform,os_version,product_name,enrollment,supervised,device_name,user_email');
  assert.equal(lines.length, 1008);
  assert.ok(lines.includes('csv-0007,SN100007,,,iOS,17.2,,ade,true,"Kiosk 7, hall 0",k7@example.com'));
  // Re-importing the export changes nothing but counts as updates.
  await page.setInputFiles('#import-csv-file', exported);
  await page.waitForFunction(() => /Imported/.test(document.querySelector('#import-summary')?.textContent || ''),
    null, { timeout: 120000 });
  assert.match(await page.locator('#import-summary').innerText(), /0 created, 1007 updated, 0 refused/);
});

test('the Groups pages: create, rename, members by search, the policies targeting a group, delete', async () => {
  await page.click('#nav-groups');
  await page.waitForSelector('#groups-table');
  const mixed = page.locator('#groups-table tr[data-group="g-mixed"]');
  assert.match(await mixed.innerText(), /Headquarters ACME/);
  await page.locator('#group-name').focus();
  await page.keyboard.type('Front Office');
  assert.equal(await page.locator('#group-id').inputValue(), 'front-office');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /created/.test(document.querySelector('#groups-status').textContent));
  assert.equal((await server.api('GET', '/groups/front-office')).body.name, 'Front Office');
  assert.equal(await screenshotBoth(page, artifacts, 'groups'), 0, 'no sideways scrolling on a tablet');

  await page.getByRole('button', { name: 'Rename Front Office' }).click();
  await page.keyboard.type('Front desk');
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Renamed/.test(document.querySelector('#groups-status').textContent));
  assert.equal((await server.api('GET', '/groups/front-office')).body.name, 'Front desk');

  await page.locator('#groups-table a.group-link', { hasText: 'Front desk' }).click();
  await page.waitForSelector('#add-search');
  await page.locator('#add-search').focus();
  await page.keyboard.type('Kiosk 42,');
  await page.locator('#add-results button[data-device="csv-0042"]').click();
  await page.waitForFunction(() => document.querySelector('#members-table tr[data-device="csv-0042"]'));
  assert.equal(await page.evaluate(() => document.activeElement.id), 'add-search', 'focus back in the search');
  await page.fill('#add-search', 'ana@');
  await page.locator('#add-results button[data-device="d-iphone"]').press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('#members-table tbody tr').length === 2);
  assert.deepEqual([...(await server.api('GET', '/groups/front-office')).body.devices].sort(), ['csv-0042', 'd-iphone']);
  await page.fill('#member-search', 'kiosk');
  await page.waitForFunction(() => document.querySelectorAll('#members-table tbody tr').length === 1);
  await page.getByRole('button', { name: 'Remove Kiosk 42, hall 0' }).click();
  await page.waitForFunction(() => /Removed/.test(document.querySelector('#group-status').textContent));
  assert.deepEqual((await server.api('GET', '/groups/front-office')).body.devices, ['d-iphone']);
  await page.fill('#member-search', '');
  assert.equal(await screenshotBoth(page, artifacts, 'group'), 0, 'no sideways scrolling on a tablet');

  await page.goto(`${server.url}#/group/g-mixed`);
  await page.waitForSelector('#group-policies');
  assert.match(await page.locator('#group-policies').innerText(), /Headquarters ACME/);

  await page.click('#nav-groups');
  await page.getByRole('button', { name: 'Delete Front desk' }).click();
  await page.waitForSelector('#confirm-dialog[open]');
  await page.click('#confirm-ok');
  await page.waitForFunction(() => /deleted/.test(document.querySelector('#groups-status').textContent));
  assert.equal((await server.api('GET', '/groups/front-office')).status, 404);
});

test('the policy list and the editor at laptop and tablet sizes (screenshots), in light and dark', async () => {
  await page.click('#nav-policies');
  await page.waitForSelector('#policy-table');
  assert.equal(await screenshotBoth(page, artifacts, 'policies'), 0, 'no sideways scrolling on a tablet');
  // The list has a search.
  await page.locator('#policy-search').focus();
  await page.keyboard.type('personal');
  const visible = await page.locator('#policy-table tbody tr:not([hidden])').allInnerTexts();
  assert.equal(visible.length, 1);
  assert.match(visible[0], /Personal ACME/);
  assert.match(await page.locator('#view-list .list-status').innerText(), /1 of 2 policies match/);
  await page.fill('#policy-search', '');
  assert.equal(await page.locator('#policy-table tbody tr:not([hidden])').count(), 2);
  await page.locator('#policy-table a.policy-link', { hasText: 'Headquarters ACME' }).click();
  await page.waitForFunction(() => document.querySelector('#f-name')?.value === 'Headquarters ACME');
  assert.equal(await screenshotBoth(page, artifacts, 'editor'), 0, 'no sideways scrolling on a tablet');
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.click('#nav-dashboard');
  await page.waitForSelector('#status-chart');
  await screenshotBoth(page, artifacts, 'dashboard-dark');
  await page.emulateMedia({ colorScheme: 'light' });
  // By keyboard: a chart bar is a link too.
  await page.locator('#status-chart a:has(g[data-key="pending"])').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => location.hash === '#/devices?status=pending');
  await statusesLoaded();
  const expected = Object.entries(await restStatuses(server.api)).filter(([, st]) => st === 'pending').map(([id]) => id);
  assert.deepEqual((await rowIds()).sort(), expected.sort());
});

test('a device record is deleted from its page after confirmation', async () => {
  await page.goto(`${server.url}#/device/d-new-byod`);
  await page.click('#delete-device');
  await page.waitForSelector('#confirm-dialog[open]');
  await page.click('#confirm-ok');
  await page.waitForFunction(() => location.hash === '#/devices');
  assert.equal((await server.api('GET', '/devices/d-new-byod')).status, 404);
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});
