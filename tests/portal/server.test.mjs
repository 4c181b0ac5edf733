// Browser tests of the portal against the real `acmepolicy serve` (temporary SQLite database, inventory
// seeded over REST), driven in Debian's Chromium: the admin's walk from the seed, end to end.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { artifacts, openBrowserPage, prepareSuite, wasmRoot, webRoot } from './lib/suite.mjs';
import { startAcmepolicyServer } from './lib/acmepolicy-server.mjs';
import { seedInventory } from './lib/inventory.mjs';
import { openPortal, signIn, expectMessage, expectInvalid, openTab, median, messagesAt, discardAndGo }
  from './lib/portal-page.mjs';

const binary = process.env.ACMEPOLICY_BIN;
const POLICY_NAME = 'Corporate ACME';

let server;
let browser;
let page;
const pageErrors = [];

before(async () => {
  assert.ok(binary, 'ACMEPOLICY_BIN names the acmepolicy binary');
  await prepareSuite();
  server = await startAcmepolicyServer({ binary, webRoot, wasmRoot });
  await seedInventory(server.api);
  ({ browser, page } = await openBrowserPage(pageErrors));
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

test('the portal is served at / and asks for the admin token; a wrong token is refused', async () => {
  await openPortal(page, server.url);
  await page.waitForSelector('#token-panel:not([hidden])');
  await page.fill('#token-input', 'not-the-token');
  await page.click('#token-form button[type="submit"]');
  await page.waitForFunction(() => /rejected/.test(document.querySelector('#token-error').textContent));
  await signIn(page, server.token);
  assert.match(await page.locator('#list-title').innerText(), /ACME certificate policies/);
});

test('RSA with Hardware Bound: the error sits at the field and Save is disabled; fixing it enables Save; saving lists the policy', async () => {
  await page.click('#new-policy');
  await page.waitForSelector('#f-name');
  await page.fill('#f-name', POLICY_NAME);
  await page.fill('#f-notes', 'Piloted on headquarters devices.');
  await page.fill('#f-directory', 'https://acme.example.com/acme/directory');
  await page.selectOption('#f-key-type', 'RSA');
  await page.fill('#f-key-size', '2048');
  await page.check('#f-hardware-bound');

  // The core decides which of the two fields carries the cross-field error; the portal shows it there.
  const boxes = [messagesAt(page, '/payload/KeyType'), messagesAt(page, '/payload/HardwareBound')];
  await page.waitForFunction(() => [...document.querySelectorAll('[data-msgs-for="/payload/KeyType"], [data-msgs-for="/payload/HardwareBound"]')]
    .some((b) => !b.hidden && /Error:/.test(b.textContent)));
  const texts = await Promise.all(boxes.map(async (b) => ((await b.isVisible()) ? b.innerText() : '')));
  assert.match(texts.join(' '), /hardware ?bound/i, `the error names Hardware Bound: ${texts.join(' | ')}`);
  const invalidField = texts[0].includes('Error:') ? '#f-key-type' : '#f-hardware-bound';
  await expectInvalid(page, invalidField);
  assert.equal(await page.locator('#save-policy').isDisabled(), true, 'Save is disabled while errors remain');
  const summary = await page.locator('#diag-summary').innerText();
  assert.match(summary, /error/i);
  // The summary links to the field.
  await page.locator('#diag-summary button', { hasText: /hardware ?bound/i }).first().click();
  assert.ok(['f-key-type', 'f-hardware-bound', 'f-key-size'].includes(await page.evaluate(() => document.activeElement.id)));
  await page.screenshot({ path: path.join(artifacts, 'editor-with-errors.png'), fullPage: true });

  await page.selectOption('#f-key-type', 'ECSECPrimeRandom');
  await page.fill('#f-key-size', '384');
  await page.waitForFunction(() => !document.querySelector('[aria-invalid="true"]'));
  for (const b of boxes) assert.equal(await b.isVisible(), false);
  await page.waitForSelector('#save-policy:not([disabled])');

  await page.click('#save-policy');
  await page.waitForFunction(() => /Saved/.test(document.querySelector('#save-status').textContent), null, { timeout: 10000 });
  await page.click('#nav-policies');
  const row = page.locator('#policy-table tbody tr', { hasText: POLICY_NAME });
  await row.waitFor({ timeout: 10000 });
  assert.equal(await row.count(), 1);
  const listed = await server.api('GET', '/policies');
  assert.equal(listed.status, 200);
  assert.ok(listed.body.policies.some((p) => p.name === POLICY_NAME), 'the server stored the policy');
});

test('a second policy whose name differs only in case is refused while typing (the core set rule)', async () => {
  await page.click('#nav-new');
  await page.waitForSelector('#f-name');
  await page.fill('#f-directory', 'https://acme.example.com/acme/directory');
  await page.fill('#f-name', POLICY_NAME.toLowerCase());
  await expectMessage(page, '/name', /unique/);
  await expectInvalid(page, '#f-name');
  assert.equal(await page.locator('#save-policy').isDisabled(), true);
  await page.fill('#f-name', 'Another ACME policy');
  await page.waitForFunction(() => !document.querySelector('#f-name[aria-invalid="true"]'));
  await discardAndGo(page, '#nav-policies');
  await page.locator('#policy-table tbody tr', { hasText: POLICY_NAME }).waitFor();
});

test('the server re-validates on save: a name taken meanwhile by another admin comes back at the name field', async () => {
  await page.click('#nav-new');
  await page.waitForSelector('#f-name');
  // Another admin saves a policy after this editor loaded the list, so only the server can know.
  const other = await server.api('POST', '/policies', { name: 'Mobile ACME', payload: {
    DirectoryURL: 'https://acme.example.com/acme/directory', ClientIdentifier: '{{udid}}', KeyType: 'ECSECPrimeRandom',
    KeySize: 256, HardwareBound: true, Subject: [[['CN', '{{udid}}']]] } });
  assert.equal(other.status, 201, JSON.stringify(other.body));
  await page.fill('#f-directory', 'https://acme.example.com/acme/directory');
  await page.fill('#f-name', 'mobile acme');
  await page.waitForSelector('#save-policy:not([disabled])');
  await page.click('#save-policy');
  await expectMessage(page, '/name', /exists|already|in use/i);
  await expectInvalid(page, '#f-name');
  assert.equal(await page.locator('#save-policy').isDisabled(), true);
  assert.match(await page.locator('#save-status').innerText(), /.+/);
  assert.equal((await server.api('DELETE', `/policies/${other.body.id}`)).status, 204);
  await discardAndGo(page, '#nav-policies');
  await page.locator('#policy-table tbody tr', { hasText: POLICY_NAME }).waitFor();
});

test('KeySize 512 with EC says "did you mean 521"; a pasted /C=US/CN=x Subject becomes two rows', async () => {
  await page.locator('#policy-table a.policy-link', { hasText: POLICY_NAME }).click();
  await page.waitForFunction((name) => document.querySelector('#f-name')?.value === name, POLICY_NAME);
  await page.fill('#f-key-size', '512');
  await expectMessage(page, '/payload/KeySize', /521/);
  await expectInvalid(page, '#f-key-size');
  assert.equal(await page.locator('#save-policy').isDisabled(), true);
  await page.fill('#f-key-size', '384');
  await page.waitForFunction(() => !document.querySelector('#f-key-size[aria-invalid="true"]'));

  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: server.url.replace(/\/$/, '') });
  await page.evaluate(() => navigator.clipboard.writeText('/C=US/CN=x'));
  await page.locator('[data-path="/payload/Subject"]').focus();
  await page.keyboard.press('Control+V');
  await page.waitForFunction(() => document.querySelectorAll('.subject-row').length === 2);
  const rows = await page.locator('.subject-row').evaluateAll((els) => els.map((el) =>
    [el.querySelector('.subject-type').value, el.querySelector('.subject-value').value]));
  assert.deepEqual(rows, [['C', 'US'], ['CN', 'x']]);
  // Valid again, so it can be saved with the new subject.
  await page.waitForSelector('#save-policy:not([disabled])');
  await page.click('#save-policy');
  await page.waitForFunction(() => /Saved/.test(document.querySelector('#save-status').textContent));
});

test('assigning a mixed group: the assignment view lists the macOS device as excluded with its reason', async () => {
  await openTab(page, 'Settings');
  await page.check('#f-attest');
  await openTab(page, 'Device Groups');
  await page.fill('[data-path="/targets/device_groups"]', 'headquarters');
  await page.getByLabel('Headquarters (mixed)').click();
  await page.fill('[data-path="/targets/device_groups"]', '');
  await page.getByLabel('Lab').click();
  await page.getByLabel('Personal devices').click();
  await page.waitForFunction(() => document.querySelector('#tab-groups .tab-count').textContent.includes('3'));
  await openTab(page, 'Assignment');
  const mac = page.locator('#assign-excluded tr[data-device="d-mac"]');
  await mac.waitFor({ timeout: 10000 });
  assert.equal(await mac.getAttribute('data-reason'), 'platform_unsupported');
  assert.match(await mac.locator('.reason-text').innerText(), /macOS/);
  const reasons = await page.locator('#assign-excluded tbody tr').evaluateAll((els) =>
    Object.fromEntries(els.map((e) => [e.dataset.device, e.dataset.reason])));
  assert.deepEqual(reasons, { 'd-mac': 'platform_unsupported', 'd-old-iphone': 'os_too_old',
    'd-byod': 'variable_unavailable' });
  assert.match(await page.locator('#assign-excluded tr[data-device="d-old-iphone"] .reason-text').innerText(), /15\.7/);
  const included = await page.locator('#assign-included tbody tr').evaluateAll((els) => els.map((e) => e.dataset.device));
  assert.deepEqual(included.sort(), ['d-ipad', 'd-ipad-a10x', 'd-iphone']);
  const a10x = await page.locator('#assign-included tr[data-device="d-ipad-a10x"]').innerText();
  assert.match(a10x, /attest/i, 'the A10X iPad is included with the attestation warning');

  await page.click('#save-policy');
  await page.waitForFunction(() => /Saved/.test(document.querySelector('#save-status').textContent));
  // Saved: the server's install status (no MDM connected here, so pending) shows per included device.
  await page.waitForFunction(() => [...document.querySelectorAll('#assign-included .status')]
    .every((s) => !/^(—|not saved)$/.test(s.textContent)), null, { timeout: 10000 });
  await page.screenshot({ path: path.join(artifacts, 'assignment-view.png'), fullPage: true });
  const id = (await server.api('GET', '/policies')).body.policies.find((p) => p.name === POLICY_NAME).id;
  const assignments = await server.api('GET', `/policies/${id}/assignments`);
  assert.equal(assignments.status, 200);
  assert.ok(assignments.body.excluded.some((e) => e.device === 'd-mac' && e.reason === 'platform_unsupported'),
    'the server resolves the saved policy the same way');
});

test('the Devices tab: search finds a device by serial number; chosen directly it is still counted once', async () => {
  await openTab(page, 'Devices');
  await page.fill('[data-path="/targets/devices"]', 'F2LXK1');
  const rows = page.locator('#panel-devices tbody tr');
  await page.waitForFunction(() => document.querySelectorAll('#panel-devices tbody tr').length === 1);
  assert.match(await rows.first().innerText(), /Ana's iPhone/);
  await page.getByLabel("Ana's iPhone").click();
  await page.waitForFunction(() => document.querySelector('#tab-devices .tab-count').textContent.includes('1'));
  await openTab(page, 'Assignment');
  const iphone = page.locator('#assign-included tr[data-device="d-iphone"]');
  await page.waitForFunction(() => /chosen directly/.test(
    document.querySelector('#assign-included tr[data-device="d-iphone"]')?.textContent || ''));
  assert.match(await iphone.innerText(), /Headquarters \(mixed\)/);
  assert.equal(await page.locator('#assign-included tbody tr').count(), 3);
  // Undo, so the saved policy stays as it was.
  await openTab(page, 'Devices');
  await page.getByLabel("Ana's iPhone").click();
  await page.waitForFunction(() => document.querySelector('#tab-devices .tab-count').textContent === '');
});

test('the downloaded preview parses with plistlib and carries the policy and device values', async () => {
  await openTab(page, 'Preview');
  await page.selectOption('#preview-device', 'd-iphone');
  await page.waitForSelector('#download-profile:not([disabled])');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-profile')]);
  await page.screenshot({ path: path.join(artifacts, 'preview.png') });
  const file = path.join(artifacts, 'preview-d-iphone.mobileconfig');
  await download.saveAs(file);
  const script = [
    'import json, plistlib, sys',
    'p = plistlib.load(open(sys.argv[1], "rb"))',
    'acme = [c for c in p["PayloadContent"] if c["PayloadType"] == "com.apple.security.acme"][0]',
    'print(json.dumps({"name": p["PayloadDisplayName"], "type": p["PayloadType"], "acme": {k: acme.get(k) for k in',
    '  ["DirectoryURL", "ClientIdentifier", "KeyType", "KeySize", "HardwareBound", "Attest", "Subject", "UsageFlags",',
    '   "ExtendedKeyUsage"]},',
    '  "keysize_is_int": type(acme["KeySize"]) is int, "hb_is_bool": type(acme["HardwareBound"]) is bool}))',
  ].join('\n');
  const parsed = JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' }));
  assert.equal(parsed.name, POLICY_NAME);
  assert.equal(parsed.type, 'Configuration');
  assert.equal(parsed.acme.DirectoryURL, 'https://acme.example.com/acme/directory');
  assert.equal(parsed.acme.ClientIdentifier, 'F2LXK1ABCD', 'the variable became the device serial number');
  assert.equal(parsed.acme.KeyType, 'ECSECPrimeRandom');
  assert.equal(parsed.acme.KeySize, 384);
  assert.equal(parsed.keysize_is_int, true);
  assert.equal(parsed.acme.HardwareBound, true);
  assert.equal(parsed.hb_is_bool, true);
  assert.deepEqual(parsed.acme.Subject, [[['C', 'US']], [['CN', 'x']]]);
  assert.deepEqual(parsed.acme.ExtendedKeyUsage, ['1.3.6.1.5.5.7.3.2']);
  assert.equal(parsed.acme.UsageFlags, 1, 'the Digital signature checkbox maps to UsageFlags 0x01');
  assert.equal(parsed.acme.Attest, true);
});

test('validation latency per keystroke, measured in the page, has a median of at most 16 ms', async () => {
  await openTab(page, 'Settings');
  await page.fill('#f-directory', '');
  await page.evaluate(() => { window.acmePortalMetrics.validation.length = 0; });
  await page.locator('#f-directory').focus();
  await page.keyboard.type('https://acme.example.com/acme/directory/2026', { delay: 5 });
  const samples = await page.evaluate(() => [...window.acmePortalMetrics.validation]);
  assert.ok(samples.length >= 40, `one sample per keystroke (${samples.length})`);
  const med = median(samples);
  const p95 = [...samples].sort((a, b) => a - b)[Math.floor(samples.length * 0.95)];
  console.log(`portal validation latency per keystroke: median ${med.toFixed(2)} ms, p95 ${p95.toFixed(2)} ms, ` +
    `max ${Math.max(...samples).toFixed(2)} ms over ${samples.length} keystrokes`);
  await writeFile(path.join(artifacts, 'validation-latency.json'), `${JSON.stringify({
    keystrokes: samples.length, median_ms: med, p95_ms: p95, max_ms: Math.max(...samples), samples_ms: samples,
  }, null, 2)}\n`);
  assert.ok(med <= 16, `median ${med} ms <= 16 ms`);
});

test('leaving unsaved edits asks first: Cancel stays in the editor, Discard leaves', async () => {
  const editorHash = await page.evaluate(() => location.hash);
  await page.click('#nav-policies');
  await page.waitForSelector('#confirm-dialog[open]');
  assert.match(await page.locator('#confirm-dialog').innerText(), /not saved/);
  await page.locator('#confirm-dialog button[value="cancel"]').click();
  await page.waitForSelector('#confirm-dialog[open]', { state: 'detached' });
  await page.waitForFunction((h) => location.hash === h, editorHash);
  assert.equal(await page.locator('#view-editor').isVisible(), true);
  assert.match(await page.locator('#f-directory').inputValue(), /2026$/, 'the edits are still there');
  await discardAndGo(page, '#nav-policies');
});

test('the policy list shows counts and deletes a policy after confirmation', async () => {
  const row = page.locator('#policy-table tbody tr', { hasText: POLICY_NAME });
  await row.waitFor();
  await page.screenshot({ path: path.join(artifacts, 'policy-list.png') });
  const cells = await row.locator('td.num').allInnerTexts();
  assert.equal(cells[0], '6', 'six devices targeted through three groups');
  assert.equal(cells[1], '3', 'three of them included');
  assert.equal(cells[2], '3', 'three excluded');
  // Tablet width: the list stays readable and its actions stay in view without scrolling.
  await page.setViewportSize({ width: 820, height: 1180 });
  const box = await row.getByRole('button', { name: /Delete/ }).boundingBox();
  assert.ok(box && box.x + box.width <= 820, `Delete is in view at 820 px (${JSON.stringify(box)})`);
  await page.screenshot({ path: path.join(artifacts, 'policy-list-tablet.png') });
  await page.setViewportSize({ width: 1366, height: 900 });
  await row.getByRole('button', { name: /Delete/ }).click();
  await page.waitForSelector('#confirm-dialog[open]');
  await page.click('#confirm-ok');
  await page.waitForFunction((name) => ![...document.querySelectorAll('#policy-table tbody tr')]
    .some((tr) => tr.textContent.includes(name)), POLICY_NAME);
  const listed = await server.api('GET', '/policies');
  assert.ok(!listed.body.policies.some((p) => p.name === POLICY_NAME));
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});
