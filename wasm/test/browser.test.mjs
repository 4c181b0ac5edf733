// A plain HTML page importing the package validates a policy in headless Chromium (Debian's, driven by
// playwright-core), served from a static server on 127.0.0.1.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, test } from 'node:test';

import { chromium } from 'playwright-core';

import { pkgDir } from './support.mjs';
import { serveStatic } from './static-server.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
let server;
let context;
let profileDir;

before(async () => {
  server = await serveStatic([['/pkg/', pkgDir], ['/fixtures/', path.join(here, 'fixtures')],
                              ['/', path.join(here, 'browser')]]);
  profileDir = mkdtempSync(path.join(tmpdir(), 'acmepolicy-chromium-'));
  context = await chromium.launchPersistentContext(profileDir, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

after(async () => {
  await context?.close();
  await server?.close();
  if (profileDir) rmSync(profileDir, { recursive: true, force: true });
});

test('a plain page validates and previews a policy with the package', async () => {
  const page = await context.newPage();
  const problems = [];
  page.on('pageerror', (error) => problems.push(String(error)));
  page.on('console', (message) => { if (message.type() === 'error') problems.push(message.text()); });
  await page.goto(server.url);
  await page.waitForFunction(() => window.acmeResult !== undefined, null, { timeout: 30_000 });
  const result = await page.evaluate(() => window.acmeResult);
  assert.equal(result.error, undefined, result.error);
  assert.deepEqual(problems, []);
  assert.equal(result.version.schema_version, 1);
  assert.equal(result.good.valid, true, JSON.stringify(result.good.diagnostics));
  assert.deepEqual(result.goodObject, result.good);
  assert.equal(result.bad.valid, false);
  assert.ok(result.bad.diagnostics.some((d) => d.path === '/payload/KeyType' && d.severity === 'error'));
  assert.deepEqual(result.debugBad, result.bad);
  assert.equal(result.render.ok, true, JSON.stringify(result.render.diagnostics));
  assert.ok(result.render.output.includes('com.apple.security.acme'));
  assert.equal(result.signingRefused, true);
});
