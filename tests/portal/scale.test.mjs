// The Devices page and the dashboard at 10,000 devices against the real `acmepolicy serve`: the time to the
// first rows, measured in the page and reported (opening the page from the navigation: one paged GET
// /devices searched, filtered and sorted on the server, held to 500 ms; a cold page load, reported);
// paging to the last page; filters; the dashboard's numbers equal the REST API's.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { artifacts, openBrowserPage, prepareSuite, wasmRoot, webRoot } from './lib/suite.mjs';
import { startAcmepolicyServer } from './lib/acmepolicy-server.mjs';
import { signIn, median } from './lib/portal-page.mjs';
import { restStatuses, countStatuses, LAPTOP } from './lib/fleet.mjs';

const binary = process.env.ACMEPOLICY_BIN;
const DEVICES = 10000;
const FIRST_ROWS_BUDGET_MS = 500;
let server;
let browser;
let page;
const pageErrors = [];

function device(i) {
  const platform = ['iOS', 'iPadOS', 'macOS'][i % 3];
  const user = i % 10 === 9;
  return { id: `dev-${String(i).padStart(5, '0')}`, platform, os_version: `${15 + (i % 4)}.${i % 6}`,
    enrollment: user ? 'user' : i % 2 ? 'ade' : 'device', device_name: `Device ${i}`,
    user_email: `user${i}@example.com`, ...(user ? { enrollment_id: `E-${i}` } : { serial_number: `SER${i}` }) };
}

before(async () => {
  assert.ok(binary, 'ACMEPOLICY_BIN names the acmepolicy binary');
  await prepareSuite();
  server = await startAcmepolicyServer({ binary, webRoot, wasmRoot });
  const started = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < DEVICES) {
      const rec = device(next);
      next += 1;
      const r = await server.api('POST', '/devices', rec);
      if (r.status !== 201) throw new Error(`POST /devices ${rec.id}: ${r.status} ${JSON.stringify(r.body)}`);
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  const half = Array.from({ length: DEVICES / 2 }, (_, i) => device(i).id);
  assert.equal((await server.api('POST', '/groups', { id: 'g-half', name: 'First half', devices: half })).status, 201);
  const r = await server.api('POST', '/policies', { name: 'Fleet ACME', targets: { device_groups: ['g-half'], devices: [] },
    payload: { DirectoryURL: 'https://acme.example.com/acme/directory', ClientIdentifier: '{{serial_number}}',
      KeyType: 'ECSECPrimeRandom', KeySize: 256, HardwareBound: true, Subject: [[['CN', '{{serial_number}}']]] } });
  assert.equal(r.status, 201, JSON.stringify(r.body));
  console.log(`seeded ${DEVICES} devices in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  ({ browser, page } = await openBrowserPage(pageErrors));
  await page.setViewportSize(LAPTOP);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

test(`the device list shows its first rows within ${FIRST_ROWS_BUDGET_MS} ms at ${DEVICES} devices`, async () => {
  await page.goto(`${server.url}#/devices`);
  // Signing in checks the token (GET /whoami); the whole inventory (for the other pages) loads after the
  // list's first page.
  const signInStarted = Date.now();
  await signIn(page, server.token, 120000);
  console.log(`portal sign-in at ${DEVICES} devices (checks the token): ${Date.now() - signInStarted} ms`);
  await page.waitForSelector('#devices-table tbody tr');
  const samples = [];
  for (let i = 0; i < 5; i += 1) {
    // Each load is a fresh mount: leave and come back through the navigation.
    await page.click('#nav-groups');
    await page.waitForSelector('#groups-table');
    await page.click('#nav-devices');
    await page.waitForFunction((n) => window.acmePortalMetrics.deviceList.length >= n, i + 2);
    samples.push(await page.evaluate(() => window.acmePortalMetrics.deviceList.at(-1)));
    // Let the page finish its refresh (the fresh list and the statuses) before leaving again.
    await page.waitForSelector('#view-page[data-statuses="loaded"]', { timeout: 60000 });
  }
  const med = median(samples);
  console.log(`portal device list at ${DEVICES} devices: first rows in median ${med.toFixed(0)} ms ` +
    `(max ${Math.max(...samples).toFixed(0)} ms over ${samples.length} loads; budget ${FIRST_ROWS_BUDGET_MS} ms, ` +
    `ratio ${(med / FIRST_ROWS_BUDGET_MS).toFixed(2)})`);
  assert.equal(await page.locator('#devices-table tbody tr').count(), 50);
  assert.ok(med <= FIRST_ROWS_BUDGET_MS, `median ${med} ms <= ${FIRST_ROWS_BUDGET_MS} ms`);

  // A cold load of #/devices (the token kept for the tab): from navigation start to the first rows. This
  // includes fetching and evaluating the page's modules (no build step bundles them) and the sign-in
  // check before the first page, so it is reported, not held to the budget.
  const cold = [];
  for (let i = 0; i < 3; i += 1) {
    await page.reload({ timeout: 60000 });
    await page.waitForFunction(() => window.acmePortalMetrics?.deviceListSinceLoad != null, null, { timeout: 60000 });
    cold.push(await page.evaluate(() => window.acmePortalMetrics.deviceListSinceLoad));
    await page.waitForSelector('#view-page[data-statuses="loaded"]', { timeout: 60000 });
  }
  const coldMed = median(cold);
  console.log(`portal device list at ${DEVICES} devices, cold page load to first rows: median ${coldMed.toFixed(0)} ms ` +
    `(ratio to the ${FIRST_ROWS_BUDGET_MS} ms budget ${(coldMed / FIRST_ROWS_BUDGET_MS).toFixed(2)})`);
  await writeFile(path.join(artifacts, 'device-list-first-rows.json'), `${JSON.stringify({
    devices: DEVICES, budget_ms: FIRST_ROWS_BUDGET_MS, navigation: { median_ms: med, samples_ms: samples },
    cold_load: { median_ms: coldMed, samples_ms: cold },
  }, null, 2)}\n`);
  assert.equal(await page.locator('#devices-table tbody tr').count(), 50);
});

test('paging reaches the last page; filters and search narrow 10,000 rows', async () => {
  assert.equal(await page.locator('#page-info').innerText(), `Page 1 of ${DEVICES / 50}`);
  await page.goto(`${server.url}#/devices?page=${DEVICES / 50}`);
  await page.waitForFunction((n) => document.querySelector('#page-info')?.textContent === `Page ${n} of ${n}`, DEVICES / 50);
  assert.equal(await page.locator('#page-next').isDisabled(), true);
  assert.equal(await page.locator('#devices-table tbody tr').count(), 50);
  await page.selectOption('#filter-enrollment', 'user');
  await page.waitForFunction(() => /of 1000 devices/.test(document.querySelector('#devices-status').textContent));
  assert.equal(await page.locator('#page-info').innerText(), 'Page 1 of 20');
  await page.fill('#devices-search', 'user4919@');
  await page.waitForFunction(() => document.querySelectorAll('#devices-table tbody tr').length === 1);
  assert.equal(await page.locator('#devices-table tbody tr').getAttribute('data-device'), 'dev-04919');
  await page.screenshot({ path: path.join(artifacts, 'devices-10000.png') });
});

test('the dashboard at 10,000 devices: its numbers equal the REST API\'s', async () => {
  await page.click('#nav-dashboard');
  await page.waitForSelector('#status-cards');
  const expected = countStatuses(await restStatuses(server.api));
  const shown = await page.locator('#status-cards .stat-card').evaluateAll((as) => Object.fromEntries(as.map((a) =>
    [a.dataset.status, Number(a.querySelector('.stat-count').textContent)])));
  assert.deepEqual(shown, expected);
  assert.equal(expected.none, DEVICES / 2);
  assert.ok(expected.attention > 0 && expected.pending > 0);
  await page.locator('#status-cards a[data-status="attention"]').click();
  await page.waitForFunction((n) => new RegExp(`of ${n} devices`).test(document.querySelector('#devices-status')?.textContent || ''),
    expected.attention, { timeout: 20000 });
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});
