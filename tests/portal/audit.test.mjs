// Browser tests of history, audit and the device page's actions against the real `acmepolicy serve` (with a
// NanoMDM stand-in that refuses commands, so they fail and can be retried): a read-only token sees every
// page and can change nothing; the policy page diffs and restores a version; the audit page lists and
// filters every write; the device page shows delivery form, fallback, command history, and retries,
// re-pushes and reconciles; certificates and renewals render from their routes' answers (intercepted) and
// say "no certificate data" without them. Screenshots of each page at laptop and tablet sizes.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { artifacts, openBrowserPage, prepareSuite, wasmRoot, webRoot } from './lib/suite.mjs';
import { sourceDir } from './lib/browser.mjs';
import { startAcmepolicyServer } from './lib/acmepolicy-server.mjs';
import { seedInventory } from './lib/inventory.mjs';
import { signIn } from './lib/portal-page.mjs';
import { screenshotBoth, LAPTOP } from './lib/fleet.mjs';
import { startRefusingMdm, enrollDevice } from './lib/mdm.mjs';

const binary = process.env.ACMEPOLICY_BIN;
let server;
let mdm;
let browser;
let page;
let readOnlyToken;
const pageErrors = [];

const example = async (name) => JSON.parse(await readFile(path.join(sourceDir, 'examples', 'policies', `${name}.json`), 'utf8'));
const waitFor = async (predicate, what, timeout = 10000) => {
  const end = Date.now() + timeout;
  for (;;) {
    if (await predicate()) return;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
};
const confirmDialog = async () => {
  await page.waitForSelector('#confirm-dialog[open]');
  await page.click('#confirm-ok');
  await page.waitForSelector('#confirm-dialog[open]', { state: 'detached' });
};
const deviceLoaded = (id) => page.waitForSelector(`#view-page[data-device-loaded="${id}"]`, { timeout: 20000 });

before(async () => {
  assert.ok(binary, 'ACMEPOLICY_BIN names the acmepolicy binary');
  await prepareSuite();
  mdm = await startRefusingMdm();
  server = await startAcmepolicyServer({ binary, webRoot, wasmRoot,
    extra: ['--nanomdm-url', mdm.url, '--nanomdm-api-key', 'test-key'] });
  await seedInventory(server.api);
  const primary = await example('attested-step-ca');
  primary.targets = { device_groups: ['g-mixed', 'g-lab'], devices: [] };
  const fallback = await example('corp-acme-no-attest');
  fallback.targets = { device_groups: [], devices: [] };
  for (const doc of [fallback, primary]) {
    const r = await server.api('POST', '/policies', doc);
    assert.equal(r.status, 201, JSON.stringify(r.body));
  }
  // A second version of the fallback policy, for the history.
  const changed = structuredClone(fallback);
  changed.payload.KeySize = 384;
  assert.equal((await server.api('PUT', '/policies/corp-acme-no-attest', changed)).status, 200);
  // An enrolled device in the primary's group: its command is refused by the stand-in (failed).
  assert.equal((await server.api('PUT', '/groups/g-mixed/members', { devices: ['d-iphone', 'd-ipad', 'd-mac',
    'd-old-iphone', 'enr-1'] })).status, 200);
  await enrollDevice(server.url, { enrollmentId: 'enr-1', udid: 'ENR1-UDID-0001', serial: 'ENR1SERIAL',
    product: 'iPhone15,2', osVersion: '16.7' });
  await waitFor(async () => (await server.api('GET', '/commands?device=enr-1')).body.commands.some((c) => c.status === 'failed'),
    'the refused command of enr-1');
  const { stdout } = await promisify(execFile)(binary, ['token', 'create', '--scope', 'read-only', '--name', 'auditor',
    '--database', server.database]);
  readOnlyToken = JSON.parse(stdout).token;
  ({ browser, page } = await openBrowserPage(pageErrors));
  await page.setViewportSize(LAPTOP);
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
  if (mdm) await mdm.close();
});

test('a read-only token sees every page and can change nothing (buttons disabled, API 403)', async () => {
  const auditBefore = (await server.api('GET', '/audit?limit=1000')).body.entries.length;
  await page.goto(server.url);
  await signIn(page, readOnlyToken);
  assert.match(await page.locator('#connection-text').innerText(), /read-only token “auditor”/);
  const disabled = async (selector) => {
    await page.waitForSelector(selector);
    const all = await page.locator(selector).evaluateAll((els) => els.map((e) => e.disabled));
    assert.ok(all.length > 0 && all.every(Boolean), `${selector} disabled (${all})`);
  };

  await page.goto(`${server.url}#/policies`);
  await disabled('button[aria-label^="Delete "]');
  await page.goto(`${server.url}#/policy/corp-acme-no-attest`);
  await page.waitForSelector('#versions-table');
  await page.fill('#f-name', 'Changed by a reader');
  await disabled('#save-policy');
  await disabled('#restore-version');
  await page.click('#nav-devices');
  await confirmDialog();  // the edit is not saved: leaving asks first
  await page.waitForSelector('#devices-table tbody tr');
  await disabled('#new-device');
  await disabled('#import-csv-file');
  await page.locator('#select-page').check();  // selecting is reading; adding to a group is not
  await disabled('#bulk-add');
  await page.goto(`${server.url}#/device/enr-1`);
  await deviceLoaded('enr-1');
  for (const s of ['#reconcile-device', '#edit-device', '#delete-device', '#device-add-group-go',
    'button[data-retry]', 'button[data-repush]']) await disabled(s);
  await screenshotBoth(page, artifacts, 'device-read-only');
  await page.goto(`${server.url}#/groups`);
  await disabled('button[aria-label^="Rename "]');
  await disabled('#view-page form button[type="submit"]');
  await page.goto(`${server.url}#/audit`);
  await page.waitForSelector('#audit-table');

  // Even past the disabled buttons, the server refuses every write of this token.
  const answers = await page.evaluate(async () => {
    const token = sessionStorage.getItem('acmepolicy.token');
    const call = async (method, p, body) => (await fetch(`api/v1${p}`, { method,
      headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
      body: body && JSON.stringify(body) })).status;
    return [await call('POST', '/devices', { id: 'sneaky' }), await call('DELETE', '/policies/corp-acme-no-attest'),
      await call('POST', '/devices/enr-1/reconcile'), await call('POST', '/policies/corp-acme-no-attest/versions/1/restore'),
      await call('GET', '/whoami')];
  });
  assert.deepEqual(answers, [403, 403, 403, 403, 200]);
  const audit = (await server.api('GET', '/audit?limit=1000')).body.entries;
  assert.equal(audit.length, auditBefore, 'nothing was changed');
  assert.ok(!audit.some((e) => e.actor.name === 'auditor'));
  assert.equal((await server.api('GET', '/policies/corp-acme-no-attest')).body.version, 2);

  await page.click('#sign-out');
  await signIn(page, server.token);
  assert.match(await page.locator('#connection-text').innerText(), /Signed in \(admin token\)/);
  await page.goto(`${server.url}#/devices`);
  await page.waitForSelector('#devices-table tbody tr');
  assert.equal(await page.locator('#new-device').isDisabled(), false, 'an admin session writes again');
});

test('the policy page lists its versions with a diff and restores one', async () => {
  await page.goto(`${server.url}#/policy/corp-acme-no-attest`);
  await page.waitForSelector('#versions-table');
  const versions = await page.locator('#versions-table tbody tr').evaluateAll((trs) => trs.map((t) => t.dataset.version));
  const rest = (await server.api('GET', '/policies/corp-acme-no-attest/versions')).body;
  assert.deepEqual(versions, rest.versions.map((v) => String(v.version)));
  assert.deepEqual(versions, ['2', '1']);
  // Version 1 is chosen: its diff to the current version shows the key size change, marked - and +.
  await page.locator('#versions-table input[value="1"]').check();
  const diff = await page.locator('#version-diff').innerText();
  assert.match(diff, /- +"KeySize": 256/);
  assert.match(diff, /\+ +"KeySize": 384/);
  await screenshotBoth(page, artifacts, 'policy-history');
  await page.click('#restore-version');
  await confirmDialog();
  await page.waitForFunction(() => /Restored version 1 as version 3/.test(document.querySelector('#save-status')?.textContent || ''));
  const stored = (await server.api('GET', '/policies/corp-acme-no-attest')).body;
  assert.equal(stored.version, 3);
  assert.equal(stored.document.payload.KeySize, 256);
  await page.waitForSelector('#versions-table tr[data-version="3"]');
  assert.match(await page.locator('#versions-table tr[data-version="3"]').innerText(), /restored from version 1/);
  const entry = (await server.api('GET', '/audit?action=policy.restore')).body.entries[0];
  assert.equal(entry.actor.name, 'admin token file');
  assert.equal(entry.before.payload.KeySize, 384);
  assert.equal(entry.after.payload.KeySize, 256);
});

test('the audit page lists every write, newest first, with filters', async () => {
  await page.goto(`${server.url}#/audit`);
  await page.waitForSelector('#audit-table');
  const rows = () => page.locator('#audit-table tbody tr').evaluateAll((trs) => trs.map((t) => t.dataset.entry));
  const all = (await server.api('GET', '/audit?limit=50')).body.entries;
  assert.deepEqual(await rows(), all.map((e) => String(e.id)));
  assert.equal((await page.locator('#audit-table tbody tr').first().getAttribute('data-action')), 'policy.restore');
  await page.selectOption('#audit-target_type', 'group');
  await page.waitForFunction(() => [...document.querySelectorAll('#audit-table tbody tr')].every((t) => t.dataset.action.startsWith('group.')));
  const groups = (await server.api('GET', '/audit?target_type=group')).body.entries;
  assert.ok(groups.length >= 4);
  assert.deepEqual(await rows(), groups.map((e) => String(e.id)));
  assert.match(await page.evaluate(() => location.hash), /target_type=group/);
  await page.selectOption('#audit-target_type', '');
  await page.fill('#audit-action', 'policy.update');
  await page.press('#audit-action', 'Enter');
  await page.waitForFunction(() => document.querySelectorAll('#audit-table tbody tr').length === 1);
  await page.locator('#audit-table details summary').click();
  assert.match(await page.locator('#audit-table pre.diff').innerText(), /\+ +"KeySize": 384/);
  await page.fill('#audit-action', '');
  await page.press('#audit-action', 'Enter');
  await page.fill('#audit-since', '2999-01-01');
  await page.waitForSelector('#view-page .empty');
  await page.fill('#audit-since', '');
  await page.waitForSelector('#audit-table');
  assert.equal(await screenshotBoth(page, artifacts, 'audit'), 0, 'no sideways scrolling on a tablet');
});

test('the device page: delivery form, fallback, command history; retry, re-push and reconcile now', async () => {
  await page.goto(`${server.url}#/device/enr-1`);
  await deviceLoaded('enr-1');
  const commands = (await server.api('GET', '/commands?device=enr-1')).body.commands;
  const shown = await page.locator('#commands-table tbody tr').evaluateAll((trs) => trs.map((t) => t.dataset.command));
  assert.deepEqual(shown, commands.map((c) => c.command_uuid));
  const failed = commands.find((c) => c.status === 'failed');
  assert.match(await page.locator(`#commands-table tr[data-command="${failed.command_uuid}"] .mdm-answer`).innerText(),
    /HTTP 500.*storage refused the command/);
  // The delivery form comes from the resolution (iOS 16.7: a configuration profile, and why).
  const resolution = (await server.api('GET', '/policies/attested-step-ca/assignments')).body;
  const inc = resolution.included.find((x) => x.device === 'enr-1');
  const delivery = await page.locator('#device-policies tr[data-policy="attested-step-ca"] .delivery').innerText();
  assert.match(delivery, inc.delivery === 'profile' ? /Configuration profile/ : /Declarative/);
  assert.ok(delivery.includes(inc.delivery_reason), delivery);

  await page.click(`#commands-table button[data-retry="${failed.command_uuid}"]`);
  await page.waitForFunction(() => /Retry queued/.test(document.querySelector('#device-action-status')?.textContent || ''));
  await waitFor(async () => mdm.received.length >= 2, 'the retried command sent again');
  await deviceLoaded('enr-1');
  await page.click('#device-policies button[data-repush="attested-step-ca"]');
  await page.waitForFunction(() => /sent again/.test(document.querySelector('#device-action-status')?.textContent || ''));
  const after = (await server.api('GET', '/commands?device=enr-1')).body.commands;
  assert.ok(after.length > commands.length, 're-push queued a new command');
  await deviceLoaded('enr-1');
  await page.click('#reconcile-device');
  await page.waitForFunction(() => /Reconciled: \d+ commands? queued/.test(document.querySelector('#device-action-status')?.textContent || ''));
  const actions = (await server.api('GET', '/audit?target=enr-1')).body.entries.map((e) => e.action);
  assert.deepEqual(actions.slice(0, 2), ['device.reconcile', 'device.repush']);
  // Without the certificate routes on this server the section says so.
  await deviceLoaded('enr-1');
  assert.match(await page.locator('#no-certificate-data').innerText(), /No certificate data/);
  await screenshotBoth(page, artifacts, 'device-history');

  // The A10X iPad cannot attest: the primary hands it to its fallback, with the resolution's reason.
  await page.goto(`${server.url}#/device/d-ipad-a10x`);
  await deviceLoaded('d-ipad-a10x');
  const fb = resolution.included_via_fallback.find((x) => x.device === 'd-ipad-a10x');
  assert.ok(fb, 'the resolution gives the A10X iPad to the fallback');
  const primaryRow = await page.locator('#device-policies tr[data-policy="attested-step-ca"] .receives').innerText();
  assert.ok(primaryRow.includes(fb.message), primaryRow);
  assert.match(fb.message, /iPad7,3 cannot attest: gets Corp ACME \(no attestation\) instead/);
  assert.match(await page.locator('#device-policies tr[data-policy="corp-acme-no-attest"] .receives').innerText(),
    /yes, as the fallback of Attested step-ca/);
});

test('certificates and renewals render from their routes (intercepted); without them: no certificate data', async () => {
  const day = (i) => new Date(Date.now() + i * 86400000).toISOString().slice(0, 10);
  const days = Array.from({ length: 90 }, (_, i) => ({ date: day(i), expiring: (i * 7) % 5, renewals_planned: i % 3,
    renewed: i < 10 ? i % 2 : 0 }));
  const soon = new Date(Date.now() + 12.5 * 86400000).toISOString();
  const certificates = [
    { subject: 'CN=ENR1SERIAL', issuer: 'CN=Example Intermediate CA', serial: '4F2A', not_before: '2026-01-01T00:00:00Z',
      not_after: soon, key_type: 'ECSECPrimeRandom 256', sha256: 'ab'.repeat(32), is_identity: true, policy: 'attested-step-ca' },
    { subject: 'CN=Old', issuer: 'CN=Example Intermediate CA', serial: '11', not_before: '2025-01-01T00:00:00Z',
      not_after: '2025-06-01T00:00:00Z', key_type: 'RSA 2048', sha256: 'cd'.repeat(32), is_identity: false, policy: null },
  ];
  await page.route('**/api/v1/devices/*/certificates', (route) => route.fulfill({ status: 200,
    contentType: 'application/json', body: JSON.stringify({ certificates }) }));
  await page.route('**/api/v1/renewals?*', (route) => route.fulfill({ status: 200, contentType: 'application/json',
    body: JSON.stringify({ days }) }));
  await page.goto(`${server.url}#/dashboard`);
  await page.waitForSelector('#expiry-chart');
  const drawn = await page.locator('#expiry-chart g.day').evaluateAll((gs) => gs.map((g) => ({ date: g.dataset.date,
    expiring: Number(g.dataset.expiring), renewals_planned: Number(g.dataset.planned), renewed: Number(g.dataset.renewed) })));
  assert.deepEqual(drawn, days);
  const sum = (k, list = days) => list.reduce((t, d) => t + d[k], 0);
  const cards = await page.locator('#expiry-cards .stat-card').evaluateAll((cs) => Object.fromEntries(cs.map((c) =>
    [c.dataset.expiry, Number(c.querySelector('.stat-count').textContent)])));
  assert.deepEqual(cards, { 'expiring-7': sum('expiring', days.slice(0, 7)), expiring: sum('expiring'),
    planned: sum('renewals_planned'), renewed: sum('renewed') });
  assert.equal(await page.locator('#expiry-weeks tbody tr').count(), 13);
  assert.match(await page.locator('#expiry-chart').getAttribute('aria-label'), new RegExp(`${sum('expiring')} expiring`));
  assert.equal(await screenshotBoth(page, artifacts, 'dashboard-certificates'), 0, 'no sideways scrolling on a tablet');

  await page.goto(`${server.url}#/device/enr-1`);
  await deviceLoaded('enr-1');
  const rows = await page.locator('#certificates-table tbody tr').evaluateAll((trs) => trs.map((t) => t.innerText));
  assert.equal(rows.length, 2);
  assert.match(rows[0], /CN=Old[\s\S]*expired \d+ days ago \(2025-06-01\)/, 'sorted by expiry, soonest first');
  assert.match(rows[1], /CN=ENR1SERIAL[\s\S]*expires in 12 days[\s\S]*ACME identity/);
  await screenshotBoth(page, artifacts, 'device-certificates');

  // A server without the lifecycle routes (404): the dashboard says so instead of breaking.
  await page.unroute('**/api/v1/devices/*/certificates');
  await page.unroute('**/api/v1/renewals?*');
  const missing = (route) => route.fulfill({ status: 404, contentType: 'application/json',
    body: JSON.stringify({ error: { code: 'http.not_found', message: 'Nothing is here.' } }) });
  await page.route('**/api/v1/devices/*/certificates', missing);
  await page.route('**/api/v1/renewals?*', missing);
  await page.goto(`${server.url}#/dashboard`);
  await page.waitForSelector('#expiry-card #no-certificate-data');
  assert.match(await page.locator('#expiry-card').innerText(), /No certificate data/);
  await page.waitForSelector('#status-cards');
  await page.unroute('**/api/v1/devices/*/certificates');
  await page.unroute('**/api/v1/renewals?*');

  // This server's own route (the seeded fleet has reported no certificates): the card follows its answer, a
  // day per column, or "no certificate data yet" when it has no days.
  const real = await server.api('GET', '/renewals?days=90');
  assert.equal(real.status, 200, JSON.stringify(real.body));
  await page.reload();  // the same #/dashboard again: a reload, since a goto to the same hash does nothing
  if (real.body.days.length === 0) {
    await page.waitForSelector('#expiry-card #no-certificate-data');
    assert.match(await page.locator('#expiry-card').innerText(), /No certificate data yet/);
  } else {
    await page.waitForSelector('#expiry-chart', { state: 'attached' });  // all-zero columns draw nothing visible
    const served = await page.locator('#expiry-chart g.day').evaluateAll((gs) => gs.map((g) => g.dataset.date));
    assert.deepEqual(served, real.body.days.map((d) => d.date));
  }
});

test('the device list filters by certificate expiry on the server', async () => {
  const asked = [];
  const watch = (request) => { if (request.url().includes('/api/v1/devices?')) asked.push(new URL(request.url())); };
  page.on('request', watch);
  await page.goto(`${server.url}#/devices`);
  await page.waitForSelector('#filter-expiry');
  await page.selectOption('#filter-expiry', '30');
  await waitFor(async () => (await page.locator('#devices-status').innerText()).startsWith('No device matches'),
    'the filtered list (nothing in this fleet has reported a certificate)');
  page.off('request', watch);
  assert.match(page.url(), /expires=30/, 'the filter is kept in the URL');
  assert.ok(asked.some((u) => u.searchParams.get('expires_within_days') === '30'), 'the server filters');
  const served = await server.api('GET', '/devices?expires_within_days=30');
  assert.equal(served.status, 200);
  assert.equal(served.body.total, 0);
});

test('screenshots of each page at laptop and tablet sizes', async () => {
  const pages = [['dashboard', '#/dashboard', '#status-cards'], ['policies', '#/policies', 'table'],
    ['policy-editor', '#/policy/attested-step-ca', '#versions-table'], ['devices', '#/devices', '#devices-table tbody tr'],
    ['device', '#/device/d-ipad-a10x', '#view-page[data-device-loaded]'], ['groups', '#/groups', '#groups-table'],
    ['group', '#/group/g-mixed', '#members-table'], ['audit', '#/audit', '#audit-table']];
  for (const [name, hash, ready] of pages) {
    await page.goto(`${server.url}${hash}`);
    await page.waitForSelector(ready, { timeout: 20000 });
    await screenshotBoth(page, artifacts, `page-${name}`);
  }
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});
