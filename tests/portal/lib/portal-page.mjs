// Page-level helpers for the portal's browser tests: what an admin does, expressed with stable selectors.
import assert from 'node:assert/strict';

/** Opens the portal at `hash` and waits until the first view is on screen. */
export async function openPortal(page, baseUrl, hash = '#/policies') {
  await page.goto(`${baseUrl}${hash}`);
  await page.waitForSelector('body[data-ready="true"], #token-panel:not([hidden])', { timeout: 20000 });
}

/** Pastes the admin token into the sign-in form and waits (up to `timeout` ms: signing in loads the whole
 *  inventory) for the connected state. */
export async function signIn(page, token, timeout = 10000) {
  await page.waitForSelector('#token-panel:not([hidden])');
  await page.fill('#token-input', token);
  await page.click('#token-form button[type="submit"]');
  await page.waitForSelector('#connection[data-state="online"]', { timeout });
}

/** The message box of a JSON-pointer path and its text. */
export function messagesAt(page, path) {
  return page.locator(`[data-msgs-for="${path}"]`);
}

/** Waits until the message box at `path` shows text matching `re`; returns the text. */
export async function expectMessage(page, path, re) {
  const box = messagesAt(page, path);
  await box.waitFor({ state: 'visible', timeout: 5000 });
  const text = await box.innerText();
  assert.match(text, re, `message at ${path}: ${text}`);
  return text;
}

/** Asserts an input is marked invalid and described by its visible message box. */
export async function expectInvalid(page, selector) {
  const el = page.locator(selector);
  assert.equal(await el.getAttribute('aria-invalid'), 'true', `${selector} has aria-invalid`);
  const describedBy = (await el.getAttribute('aria-describedby')) || '';
  const ids = describedBy.split(/\s+/).filter(Boolean);
  const texts = await Promise.all(ids.map((id) => page.locator(`#${id}`).innerText()));
  assert.ok(texts.some((t) => /Error:/.test(t)), `${selector} is described by its error (${describedBy})`);
}

/** Opens one of the editor's tabs by its label. */
export async function openTab(page, label) {
  await page.getByRole('tab', { name: label }).click();
}

/** Median of a list of numbers. */
export function median(values) {
  const s = [...values].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Leaves an editor with unsaved edits through `selector`, confirming the discard dialog. */
export async function discardAndGo(page, selector) {
  await page.click(selector);
  await page.waitForSelector('#confirm-dialog[open]');
  await page.click('#confirm-ok');
  await page.waitForSelector('#confirm-dialog[open]', { state: 'detached' });
}
