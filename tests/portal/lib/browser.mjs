// Launches Debian's Chromium through playwright-core (pinned in web/package.json) with a fresh profile.
import { createRequire } from 'node:module';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const sourceDir = path.resolve(here, '../../..');
const requireFromWeb = createRequire(path.join(sourceDir, 'web', 'package.json'));

/** Resolves to {browser, close()}; the profile folder is removed on close. */
export async function launchChromium() {
  const { chromium } = requireFromWeb('playwright-core');
  const profile = await mkdtemp(path.join(tmpdir(), 'acmepolicy-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    acceptDownloads: true,
    viewport: { width: 1366, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      // Containers often have a tiny /dev/shm; Chromium then crashes on large pages without this.
      '--disable-dev-shm-usage'],
  });
  return {
    context,
    close: async () => {
      await context.close();
      await rm(profile, { recursive: true, force: true });
    },
  };
}
