// Browser tests of the editor defects fixed for the fleet portal (one test per defect), against the real
// `acmepolicy serve` with the seeded inventory; plus sign-out, the token never in a URL, and dark mode.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { artifacts, openBrowserPage, prepareSuite, wasmRoot, webRoot } from './lib/suite.mjs';
import { startAcmepolicyServer } from './lib/acmepolicy-server.mjs';
import { seedInventory } from './lib/inventory.mjs';
import { openPortal, signIn, expectMessage, openTab, messagesAt, discardAndGo } from './lib/portal-page.mjs';

const binary = process.env.ACMEPOLICY_BIN;
const SAVED = 'Warehouse ACME';

let server;
let browser;
let page;
let dir;
let savedId;
const pageErrors = [];
const urlsSeen = [];

const activeId = () => page.evaluate(() => document.activeElement?.id || document.activeElement?.tagName);

async function newPolicy() {
  await page.click('#nav-new');
  await page.waitForSelector('#f-name');
}

before(async () => {
  assert.ok(binary, 'ACMEPOLICY_BIN names the acmepolicy binary');
  await prepareSuite();
  server = await startAcmepolicyServer({ binary, webRoot, wasmRoot });
  await seedInventory(server.api);
  dir = await mkdtemp(path.join(tmpdir(), 'acmepolicy-defects-'));
  ({ browser, page } = await openBrowserPage(pageErrors));
  page.on('framenavigated', (frame) => { if (frame === page.mainFrame()) urlsSeen.push(frame.url()); });
  page.on('request', (r) => urlsSeen.push(r.url()));
});

after(async () => {
  if (browser) await browser.close();
  if (server) await server.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

test('sign-in: the token is never in a URL; the session state is visible', async () => {
  await openPortal(page, server.url, '#/policies');
  await signIn(page, server.token);
  assert.match(await page.locator('#connection-text').innerText(), /Signed in/);
  assert.equal(await page.locator('#sign-out').isVisible(), true);
  assert.equal(await page.locator('#token-input').getAttribute('name'), null, 'the token field is never submitted');
  assert.equal(await page.locator('#token-form').getAttribute('method'), 'post');
});

test('a blank form says DirectoryURL is required (not "not an absolute URL"); required fields carry aria-required', async () => {
  await newPolicy();
  const text = await expectMessage(page, '/payload/DirectoryURL', /required/i);
  assert.doesNotMatch(text, /absolute URL/i);
  for (const id of ['f-name', 'f-directory', 'f-client-id', 'f-key-type', 'f-key-size']) {
    assert.equal(await page.locator(`#${id}`).getAttribute('aria-required'), 'true', `#${id} is aria-required`);
  }
  assert.equal(await page.locator('#f-notes').getAttribute('aria-required'), null, 'optional fields are not');
  assert.equal(await page.locator('.subject-value').first().getAttribute('aria-required'), 'true');
});

test('the seed\'s JSON-array Subject is accepted by the paste box', async () => {
  const paste = page.locator('input[placeholder^="/C=US"]');
  await paste.fill('[ [ ["C","US"] ], [ ["CN","foo"] ] ]');
  await paste.press('Enter');
  await page.waitForFunction(() => document.querySelectorAll('.subject-row').length === 2);
  const rows = await page.locator('.subject-row').evaluateAll((els) => els.map((el) =>
    [el.querySelector('.subject-type').value, el.querySelector('.subject-value').value]));
  assert.deepEqual(rows, [['C', 'US'], ['CN', 'foo']]);
  // Not that shape: refused with a hint naming both forms, rows unchanged.
  await paste.fill('[["C"]]');
  await paste.press('Enter');
  assert.match(await page.locator('.subject-editor .local-hint').innerText(), /JSON/);
  assert.equal(await page.locator('.subject-row').count(), 2);
});

test('the Attest error shows under Attest, not under Hardware Bound', async () => {
  await page.fill('#f-directory', 'https://acme.example.com/acme/directory');
  await page.uncheck('#f-hardware-bound');
  await page.check('#f-attest');
  await expectMessage(page, '/payload/Attest', /HardwareBound/);
  assert.equal(await page.locator('#f-attest').getAttribute('aria-invalid'), 'true');
  assert.equal(await messagesAt(page, '/payload/HardwareBound').isVisible(), false,
    'nothing about Attest under Hardware Bound');
  await page.uncheck('#f-attest');
  await page.check('#f-hardware-bound');
  await page.waitForFunction(() => !document.querySelector('[aria-invalid="true"]'));
});

test('after the first save: warnings listed once, the breadcrumb says "Edit policy", focus stays on the page', async () => {
  await page.fill('#f-name', SAVED);
  await page.fill('#f-client-id', 'warehouse-fixed');  // the same on every device: a warning, not an error
  await page.check('#f-extractable');                  // macOS-only key: another warning
  await page.waitForSelector('#save-policy:not([disabled])');
  assert.equal(await page.locator('#crumb-here').innerText(), 'New policy');
  const before = await page.locator('#diag-summary .summary-warning').allInnerTexts();
  assert.ok(before.length >= 2, `warnings before saving: ${before.join(' | ')}`);
  await page.locator('#save-policy').focus();
  await page.keyboard.press('Enter');
  await page.waitForFunction(() => /Saved/.test(document.querySelector('#save-status').textContent), null, { timeout: 10000 });
  const afterSave = await page.locator('#diag-summary .summary-warning').allInnerTexts();
  assert.deepEqual(afterSave, before, 'the same warnings, each once');
  assert.equal(new Set(afterSave).size, afterSave.length, 'no warning twice');
  assert.equal(await page.locator('#crumb-here').innerText(), 'Edit policy');
  assert.equal(await activeId(), 'save-status', 'focus moved to the save status, not to <body>');
  savedId = (await server.api('GET', '/policies')).body.policies.find((p) => p.name === SAVED).id;
  assert.ok(savedId);
  assert.equal(await page.evaluate(() => location.hash), `#/policy/${savedId}`);
});

test('Space on a group or device checkbox keeps focus on that checkbox', async () => {
  await openTab(page, 'Device Groups');
  const lab = page.getByLabel('Lab', { exact: true });
  await lab.focus();
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('#tab-groups .tab-count').textContent.includes('1'));
  assert.equal(await page.evaluate(() => document.activeElement.dataset.target), 'g-lab');
  assert.equal(await page.evaluate(() => document.activeElement.checked), true);
  await page.keyboard.press('Space');
  await page.waitForFunction(() => document.querySelector('#tab-groups .tab-count').textContent === '');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.target), 'g-lab');
  await openTab(page, 'Devices');
  await page.getByLabel("Ben's MacBook Air").focus();
  await page.keyboard.press('Space');
  assert.equal(await page.evaluate(() => document.activeElement.dataset.target), 'd-mac');
  assert.equal(await page.evaluate(() => document.activeElement.checked), true);
});

test('the preview for an excluded device says it will not receive the policy', async () => {
  await openTab(page, 'Preview');
  await page.selectOption('#preview-device', 'd-mac');
  const notice = page.locator('#preview-excluded');
  await notice.waitFor();
  assert.match(await notice.innerText(), /will not receive this policy/);
  assert.match(await notice.innerText(), /macOS/);
  await page.selectOption('#preview-device', '');
  await page.waitForSelector('#preview-excluded', { state: 'detached' });
});

test('DDM preview: each warning once (the macOS-only key is not reported twice)', async () => {
  await page.selectOption('#preview-format', 'ddm');
  await page.waitForFunction(() => /"declarations"/.test(document.querySelector('#panel-preview pre').textContent));
  const items = await page.locator('#panel-preview .preview-problems li').allInnerTexts();
  const aboutExtractable = items.filter((t) => /KeyIsExtractable/.test(t));
  assert.equal(aboutExtractable.length, 1, `one KeyIsExtractable warning in the preview: ${items.join(' | ')}`);
  const summary = await page.locator('#diag-summary').innerText();
  assert.equal((summary.match(/KeyIsExtractable is a macOS-only key/g) || []).length, 1);
  await page.selectOption('#preview-format', 'mobileconfig');
});

test('a duplicate name names the other policy and says nothing about a hidden id', async () => {
  await page.locator('#save-policy').click();  // keep the device pick saved so leaving asks nothing
  await page.waitForFunction(() => /Saved/.test(document.querySelector('#save-status').textContent));
  await newPolicy();
  await page.fill('#f-directory', 'https://acme.example.com/acme/directory');
  await page.fill('#f-name', SAVED.toUpperCase());
  const text = await expectMessage(page, '/name', /unique/);
  assert.match(text, new RegExp(`“${SAVED}”`), text);
  assert.doesNotMatch(text, /policy \d/);
  const errors = await page.locator('#diag-summary .summary-error').allInnerTexts();
  assert.equal(errors.length, 1, `one error: ${errors.join(' | ')}`);
  assert.doesNotMatch(errors.join(' '), /\bid\b/);
  // A name that differs but derives the same id: one error, at the name, saying what to do.
  await page.fill('#f-name', `${SAVED}!`);
  const idText = await expectMessage(page, '/name', /id/);
  assert.match(idText, /choose a name/);
  await discardAndGo(page, '#nav-policies');
});

test('the default {{serial_number}} template warns about User Enrollment devices and offers the fix', async () => {
  await newPolicy();
  await page.fill('#f-name', 'BYOD ACME');
  await page.fill('#f-directory', 'https://acme.example.com/acme/directory');
  await openTab(page, 'Device Groups');
  await page.getByLabel('Personal devices').check();
  await openTab(page, 'Settings');
  const warning = await expectMessage(page, '/payload/ClientIdentifier', /will not receive this policy/);
  assert.match(warning, /Cleo's own iPhone/);
  assert.match(warning, /User Enrollment/);
  assert.doesNotMatch(await page.locator('#diag-summary').innerText(), /this policy is valid/);
  const fix = page.locator('#variable-fix');
  await fix.waitFor();
  const fixText = await fix.innerText();
  assert.doesNotMatch(`${warning} ${fixText}`, /add (a |the )?serial/i, 'never advises adding a serial number');
  const offered = await fix.locator('button').evaluateAll((bs) => bs.map((b) => b.dataset.to));
  assert.ok(offered.includes('client_token') || offered.includes('enrollment_id'), `fixes offered: ${offered}`);
  await page.screenshot({ path: path.join(artifacts, 'editor-variable-fix.png'), fullPage: true });
  await fix.locator('button', { hasText: '{{client_token}}' }).first().click();
  assert.equal(await page.locator('#f-client-id').inputValue(), '{{client_token}}');
  assert.equal(await page.locator('.subject-value').first().inputValue(), '{{client_token}}');
  await page.waitForSelector('#variable-fix', { state: 'hidden' });
  await openTab(page, 'Assignment');
  await page.locator('#assign-included tr[data-device="d-byod"]').waitFor();
  await discardAndGo(page, '#nav-policies');
});

test('Open JSON on a saved policy asks, then opens the file as a new policy; the saved one is untouched', async () => {
  const file = path.join(dir, 'other.json');
  await writeFile(file, JSON.stringify({ name: 'From a file', payload: { DirectoryURL: 'https://acme.example.com/d',
    ClientIdentifier: '{{udid}}', KeyType: 'ECSECPrimeRandom', KeySize: 256, HardwareBound: true,
    Subject: [[['CN', '{{udid}}']]] } }));
  await page.locator('#policy-table a.policy-link', { hasText: SAVED }).click();
  await page.waitForFunction((n) => document.querySelector('#f-name')?.value === n, SAVED);
  const versionBefore = (await server.api('GET', `/policies/${savedId}`)).body.version;
  await page.setInputFiles('#open-json-file', file);
  await page.waitForSelector('#confirm-dialog[open]');
  assert.match(await page.locator('#confirm-dialog').innerText(), /new, unsaved policy/);
  await page.locator('#confirm-dialog button[value="cancel"]').click();
  assert.equal(await page.locator('#f-name').inputValue(), SAVED, 'Cancel keeps the open policy');
  await page.setInputFiles('#open-json-file', file);
  await page.waitForSelector('#confirm-dialog[open]');
  await page.click('#confirm-ok');
  await page.waitForFunction(() => document.querySelector('#f-name')?.value === 'From a file');
  assert.equal(await page.evaluate(() => location.hash), '#/policy/new');
  assert.equal(await page.locator('#crumb-here').innerText(), 'New policy');
  const stored = (await server.api('GET', `/policies/${savedId}`)).body;
  assert.equal(stored.name, SAVED);
  assert.equal(stored.version, versionBefore);
  await discardAndGo(page, '#nav-policies');
});

test('.mobileconfig import: the ACME payload is read back into a policy by the core\'s plist reader', async () => {
  await page.locator('#policy-table a.policy-link', { hasText: SAVED }).click();
  await page.waitForFunction((n) => document.querySelector('#f-name')?.value === n, SAVED);
  await openTab(page, 'Preview');
  await page.waitForSelector('#download-profile:not([disabled])');
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download-profile')]);
  const profile = path.join(dir, 'warehouse.mobileconfig');
  await download.saveAs(profile);
  await page.setInputFiles('#open-json-file', profile);
  await page.waitForSelector('#confirm-dialog[open]');
  await page.click('#confirm-ok');
  await page.waitForFunction(() => location.hash === '#/policy/new' && document.querySelector('#f-directory'));
  await openTab(page, 'Settings');
  assert.equal(await page.locator('#f-name').inputValue(), SAVED);
  assert.equal(await page.locator('#f-directory').inputValue(), 'https://acme.example.com/acme/directory');
  assert.equal(await page.locator('#f-client-id').inputValue(), 'warehouse-fixed');
  assert.equal(await page.locator('#f-key-size').inputValue(), '384');
  assert.equal(await page.locator('#f-hardware-bound').isChecked(), true);
  assert.match(await page.locator('#save-status').innerText(), /Imported/);
  const summary = await page.locator('#diag-summary').innerText();
  assert.doesNotMatch(summary, /Payload(Type|UUID|Identifier)/, 'the profile bookkeeping keys are not policy keys');
  // A file that is neither JSON nor a profile gets a sentence, not a raw parse error.
  const junk = path.join(dir, 'junk.mobileconfig');
  await writeFile(junk, '<?xml version="1.0"?><plist version="1.0"><dict><key>PayloadType</key><string>Configuration</string></dict></plist>');
  await page.setInputFiles('#open-json-file', junk);
  await page.waitForFunction(() => /no ACME payload/.test(document.querySelector('#save-status').textContent));
  await discardAndGo(page, '#nav-policies');
});

test('a signed .mobileconfig with a CA certificate imports too: the payload and the certificate come back', async () => {
  const ca = path.join(dir, 'ca.pem');
  const signer = path.join(dir, 'signer.pem');
  const signerKey = path.join(dir, 'signer-key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-subj', '/O=Example/CN=Imported ACME Root', '-days', '60', '-keyout', path.join(dir, 'ca-key.pem'), '-out', ca,
    '-addext', 'basicConstraints=critical,CA:TRUE'], { stdio: 'ignore' });
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
    '-subj', '/CN=Profile Signer', '-days', '60', '-keyout', signerKey, '-out', signer], { stdio: 'ignore' });
  const policyFile = path.join(dir, 'signed-policy.json');
  await writeFile(policyFile, JSON.stringify({ name: 'Signed ACME', ca_certificates: [await readFile(ca, 'utf8')],
    payload: { DirectoryURL: 'https://acme.example.com/signed', ClientIdentifier: '{{udid}}', KeyType: 'ECSECPrimeRandom',
      KeySize: 256, HardwareBound: true, Subject: [[['O', 'Example']], [['CN', '{{udid}}']]] } }));
  const profile = path.join(dir, 'signed.mobileconfig');
  execFileSync(binary, ['render', policyFile, '--preview', '--sign-cert', signer, '--sign-key', signerKey, '-o', profile]);
  assert.equal((await readFile(profile))[0], 0x30, 'the profile is CMS (DER)');
  await newPolicy();
  await page.setInputFiles('#open-json-file', profile);
  await page.waitForFunction(() => document.querySelector('#f-name')?.value === 'Signed ACME');
  assert.equal(await page.locator('#f-directory').inputValue(), 'https://acme.example.com/signed');
  const rows = await page.locator('.subject-row').evaluateAll((els) => els.map((el) =>
    [el.querySelector('.subject-type').value, el.querySelector('.subject-value').value]));
  assert.deepEqual(rows, [['O', 'Example'], ['CN', '{{udid}}']]);
  await page.locator('.cert-row').first().waitFor();
  assert.match(await page.locator('.cert-row').first().innerText(), /CN=Imported ACME Root/);
  await discardAndGo(page, '#nav-policies');
});

test('tablet width: checkboxes are 44 px touch targets', async () => {
  await page.setViewportSize({ width: 820, height: 1180 });
  await newPolicy();
  for (const id of ['f-hardware-bound', 'f-attest', 'f-usage-sign']) {
    const box = await page.locator(`#${id}`).boundingBox();
    assert.ok(box.width >= 44 && box.height >= 44, `#${id} is ${box.width}×${box.height}`);
  }
  await page.screenshot({ path: path.join(artifacts, 'editor-tablet-touch.png') });
  await page.setViewportSize({ width: 1280, height: 800 });
  const laptop = await page.locator('#f-hardware-bound').boundingBox();
  assert.ok(laptop.width < 44, 'laptop widths keep the compact checkbox');
});

test('dark mode follows prefers-color-scheme', async () => {
  const bg = () => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);
  const luminance = (rgb) => {
    const [r, g, b] = rgb.match(/\d+/g).map(Number);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  await page.emulateMedia({ colorScheme: 'light' });
  assert.ok(luminance(await bg()) > 200, `light background ${await bg()}`);
  await page.emulateMedia({ colorScheme: 'dark' });
  assert.ok(luminance(await bg()) < 60, `dark background ${await bg()}`);
  const ink = await page.evaluate(() => getComputedStyle(document.querySelector('#f-name')).color);
  assert.ok(luminance(ink) > 180, `text stays readable on dark (${ink})`);
  await page.screenshot({ path: path.join(artifacts, 'editor-dark.png') });
  await page.emulateMedia({ colorScheme: 'light' });
});

test('sign out forgets the token, hides the pages, and signing in again works', async () => {
  await discardAndGo(page, '#nav-policies').catch(() => {});
  await page.click('#sign-out');
  await page.waitForSelector('#token-panel:not([hidden])');
  assert.match(await page.locator('#connection-text').innerText(), /Signed out/);
  assert.equal(await page.evaluate(() => sessionStorage.getItem('acmepolicy.token')), null);
  assert.equal(await page.locator('#main').isVisible(), false, 'no page content while signed out');
  assert.equal(await page.locator('#sign-out').isVisible(), false);
  await signIn(page, server.token);
  await page.waitForSelector('#main:not([hidden])');
  assert.ok(!urlsSeen.some((u) => u.includes(server.token)), 'the token never appeared in a URL');
  assert.deepEqual(pageErrors, [], 'no uncaught errors in the page');
});
