// What the browser suites share: where the web root, the wasm package and the artifacts are (from the
// environment CTest sets, else the places in a source checkout), and the Chromium page they drive.
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { launchChromium, sourceDir } from './browser.mjs';

export const webRoot = process.env.ACMEPOLICY_WEB_ROOT || path.join(sourceDir, 'web');
export const wasmRoot = process.env.ACMEPOLICY_WASM_PKG || path.join(sourceDir, 'build', 'wasm', 'pkg');
export const artifacts = process.env.ACMEPOLICY_ARTIFACTS || path.join(sourceDir, 'test-artifacts', 'portal');

/** Fails plainly when the wasm package has not been built, and makes the artifacts folder. */
export async function prepareSuite() {
  assert.ok(existsSync(path.join(wasmRoot, 'index.js')) && existsSync(path.join(wasmRoot, 'acmepolicy.wasm')),
    `the wasm package is missing in ${wasmRoot}: build the wasm preset first (cmake --preset wasm && cmake --build --preset wasm)`);
  await mkdir(artifacts, { recursive: true });
}

/** Chromium with one page; the page's uncaught errors are collected in `pageErrors`. */
export async function openBrowserPage(pageErrors) {
  const browser = await launchChromium();
  const page = await browser.context.newPage();
  page.on('pageerror', (err) => pageErrors.push(err.message));
  return { browser, page };
}
