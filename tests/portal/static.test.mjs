// The portal as plain static files (no acmepolicy server): validation, preview and download still work;
// saving and assignments say they need the server. Also checks the layout at a tablet width.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { artifacts, openBrowserPage, prepareSuite, wasmRoot, webRoot } from './lib/suite.mjs';
import { startStaticServer } from './lib/static-server.mjs';
import { openPortal, expectMessage, expectInvalid, openTab } from './lib/portal-page.mjs';

let server;
let browser;
let page;
const pageErrors = [];

before(async () => {
  await prepareSuite();
  server = await startStaticServer({ webRoot, pkgRoot: wasmRoot });
  ({ browser, page } = await openBrowserPage(pageErrors));
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
});

test('without a server the portal says so, and the list points to the editor', async () => {
  await openPortal(page, server.url);
  await page.waitForSelector('#connection[data-state="offline"]');
  assert.match(await page.locator('#banner').innerText(), /static mode/);
  assert.match(await page.locator('#view-list').innerText(), /No server connected/);
});

test('without a server the fleet pages say they need it and point to the editor', async () => {
  const pages = { '': 'The fleet dashboard', '#/devices': 'The device list', '#/device/d-1': 'The device page',
    '#/groups': 'The groups page', '#/group/g-1': 'The group page' };
  for (const [hash, title] of Object.entries(pages)) {
    await openPortal(page, server.url, hash);
    await page.waitForFunction((t) => document.querySelector('#view-page:not([hidden]) #page-title')?.textContent === t, title);
    const text = await page.locator('#view-page').innerText();
    assert.match(text, /needs the acmepolicy server/, `${hash || '(landing)'}: ${text}`);
    assert.equal(await page.locator('#view-page a[href="#/policy/new"]').count(), 1);
  }
});

test('validation works offline; Save says it needs the server', async () => {
  await openPortal(page, server.url, '#/policy/new');
  await page.waitForSelector('#f-key-size');
  await page.fill('#f-directory', 'https://acme.example.com/directory');
  await page.fill('#f-key-size', '512');
  await expectMessage(page, '/payload/KeySize', /521/);
  await expectInvalid(page, '#f-key-size');
  assert.equal(await page.locator('#save-policy').isDisabled(), true);
  assert.match(await page.locator('#save-status').innerText(), /needs the acmepolicy server/);
  await page.fill('#f-key-size', '256');
  await page.waitForFunction(() => !document.querySelector('[aria-invalid="true"]'));
  assert.equal(await page.locator('#save-policy').isDisabled(), true, 'still no saving without a server');
});

test('keyboard: the tabs move with the arrow keys and the Assignment tab says it needs the server', async () => {
  await page.getByRole('tab', { name: 'Settings' }).focus();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  assert.equal(await page.evaluate(() => document.activeElement.id), 'tab-assignment');
  assert.equal(await page.locator('#tab-assignment').getAttribute('aria-selected'), 'true');
  assert.match(await page.locator('#panel-assignment').innerText(), /need the acmepolicy server/);
});

test('Subject rows: add, reorder and remove by keyboard; the document follows the rows', async () => {
  await openTab(page, 'Settings');
  const values = () => page.locator('.subject-row').evaluateAll((els) => els.map((el) =>
    `${el.querySelector('.subject-type').value}=${el.querySelector('.subject-value').value}`));
  await page.getByRole('button', { name: '+ Add attribute' }).focus();
  await page.keyboard.press('Enter');
  // The new row's type field has focus: type the attribute, then Tab to its value.
  await page.keyboard.press('Control+A');
  await page.keyboard.type('O');
  await page.keyboard.press('Tab');
  await page.keyboard.type('Example Inc.');
  assert.deepEqual(await values(), ['CN={{serial_number}}', 'O=Example Inc.']);
  await page.getByRole('button', { name: 'Move attribute 2 up' }).focus();
  await page.keyboard.press('Enter');
  assert.deepEqual(await values(), ['O=Example Inc.', 'CN={{serial_number}}']);
  await page.getByRole('tab', { name: 'Preview' }).click();
  await page.waitForFunction(() => /Example Inc\.[\s\S]*\{\{serial_number\}\}/.test(
    document.querySelector('#panel-preview pre').textContent));
  await openTab(page, 'Settings');
  await page.getByRole('button', { name: 'Remove attribute 1' }).focus();
  await page.keyboard.press('Enter');
  assert.deepEqual(await values(), ['CN={{serial_number}}']);
});

test('preview renders with placeholders and downloads offline', async () => {
  await openTab(page, 'Preview');
  await page.waitForSelector('#download-profile:not([disabled])');
  const code = await page.locator('#panel-preview pre').innerText();
  assert.match(code, /com\.apple\.security\.acme/);
  assert.match(code, /\{\{serial_number\}\}/, 'placeholders stay visible without a device');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-profile')]);
  assert.match(download.suggestedFilename(), /\.mobileconfig$/);
  await download.saveAs(path.join(artifacts, 'static-preview.mobileconfig'));

  // The declarative form (iOS 17+): the core's declarations as JSON, downloadable too.
  await page.selectOption('#preview-format', 'ddm');
  await page.waitForFunction(() => /"declarations"/.test(document.querySelector('#panel-preview pre').textContent));
  const ddm = JSON.parse(await page.locator('#panel-preview pre').innerText());
  assert.ok(Array.isArray(ddm.declarations) && ddm.declarations.length > 0);
  assert.equal(ddm.credential.DirectoryURL, 'https://acme.example.com/directory');
  const [ddmDownload] = await Promise.all([page.waitForEvent('download'), page.click('#download-profile')]);
  assert.match(ddmDownload.suggestedFilename(), /-ddm\.json$/);
  await page.selectOption('#preview-format', 'mobileconfig');
});

test('a pasted CA certificate is described by the core: subject, issuer, validity, CA flag', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'acmepolicy-portal-ca-'));
  try {
    const pem = path.join(dir, 'ca.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-subj', '/O=Example/CN=Example ACME Root', '-days', '30', '-keyout', path.join(dir, 'key.pem'), '-out', pem,
      '-addext', 'basicConstraints=critical,CA:TRUE'], { stdio: 'ignore' });
    await openTab(page, 'Settings');
    await page.fill('[data-path="/ca_certificates"]', await readFile(pem, 'utf8'));
    await page.getByRole('button', { name: 'Add pasted certificate' }).click();
    const card = page.locator('.cert-row').first();
    await card.waitFor();
    const text = await card.innerText();
    assert.match(text, /CN=Example ACME Root/);
    assert.match(text, /CA\s+yes/);
    assert.match(text, /EC 256 bits/);
    assert.match(text, /\d{4}-\d{2}-\d{2}T/);
    await page.getByRole('button', { name: 'Remove CA certificate 1' }).click();
    assert.equal(await page.locator('.cert-row').count(), 0);
    // Uploading the same file gives the same description.
    await page.setInputFiles('.ca-editor input[type="file"]', pem);
    await page.locator('.cert-row').first().waitFor();
    assert.match(await page.locator('.cert-row').first().innerText(), /CN=Example ACME Root/);
    await page.getByRole('button', { name: 'Remove CA certificate 1' }).click();
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('Open JSON loads a policy file; a key the form has no field for still reaches the core and is reported', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'acmepolicy-portal-json-'));
  try {
    const file = path.join(dir, 'legacy.json');
    await writeFile(file, JSON.stringify({ name: 'Legacy ACME', payload: {
      DirectoryURL: 'https://acme.example.com/directory', ClientIdentifier: '{{udid}}', KeyType: 'ECSECPrimeRandom',
      KeySize: 256, HardwareBound: true, Subject: [[['CN', '{{udid}}']]], KeyUsage: 1 } }));
    await openTab(page, 'Settings');
    await page.setInputFiles('#open-json-file', file);
    // The editor holds unsaved edits, so it asks before the file replaces them (as a new policy).
    await page.waitForSelector('#confirm-dialog[open]');
    await page.click('#confirm-ok');
    await page.waitForFunction(() => document.querySelector('#f-name')?.value === 'Legacy ACME');
    assert.equal(await page.locator('#f-client-id').inputValue(), '{{udid}}');
    assert.equal(await page.locator('#f-key-size').inputValue(), '256');
    const summary = await page.locator('#diag-summary').innerText();
    assert.match(summary, /KeyUsage/);
    assert.match(summary, /UsageFlags/, 'the core suggests the right key');
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('readable at a tablet width: no horizontal scrolling of the page', async () => {
  await page.setViewportSize({ width: 820, height: 1180 });
  await openTab(page, 'Settings');
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  assert.ok(overflow <= 0, `page overflows horizontally by ${overflow}px`);
  await page.screenshot({ path: path.join(artifacts, 'editor-tablet.png'), fullPage: false });
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});

// The browser validates against the clock, as the server does on save: a CA certificate that has expired by
// the browser's time is an error here too (its page's clock is set 60 days past the certificate's 30).
test('an expired CA certificate fails in the browser as on save', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'acmepolicy-portal-expired-'));
  const later = await browser.context.newPage();
  const errors = [];
  later.on('pageerror', (err) => errors.push(err.message));
  try {
    const pem = path.join(dir, 'ca.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-subj', '/CN=Soon Expired Root', '-days', '30', '-keyout', path.join(dir, 'key.pem'), '-out', pem,
      '-addext', 'basicConstraints=critical,CA:TRUE'], { stdio: 'ignore' });
    await later.clock.setFixedTime(new Date(Date.now() + 60 * 86400 * 1000));
    await openPortal(later, server.url, '#/policy/new');
    await later.waitForSelector('#f-key-size');
    await later.fill('#f-directory', 'https://acme.example.com/directory');
    await later.fill('[data-path="/ca_certificates"]', await readFile(pem, 'utf8'));
    await later.getByRole('button', { name: 'Add pasted certificate' }).click();
    await later.waitForFunction(() => /cacertificates\.expired|expired/.test(document.querySelector('#diag-summary')?.textContent || ''));
    assert.match(await later.locator('#diag-summary').innerText(), /expired/i);
    assert.deepEqual(errors, [], 'no uncaught errors in the page');
  } finally {
    await later.close();
    await rm(dir, { recursive: true, force: true });
  }
});
