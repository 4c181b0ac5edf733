// Prints the package's sizes (raw and gzip) and fails when the release module plus its loaders exceed the
// download budget: acmepolicy.wasm + acmepolicy.mjs + index.js <= 350 KB gzip.
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { gzipSync } from 'node:zlib';

import { pkgDir } from './support.mjs';

const BUDGET_BYTES = 350 * 1024;
const shipped = ['acmepolicy.wasm', 'acmepolicy.mjs', 'index.js'];
const informational = ['index.d.ts', 'acmepolicy.debug.wasm', 'acmepolicy.debug.mjs'];

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
let total = 0;
console.log(`package: ${pkgDir}`);
for (const name of [...shipped, ...informational]) {
  const file = path.join(pkgDir, name);
  const raw = statSync(file).size;
  const gzip = gzipSync(readFileSync(file), { level: 9 }).length;
  if (shipped.includes(name)) total += gzip;
  console.log(`${name.padEnd(24)} ${kb(raw).padStart(10)} raw ${kb(gzip).padStart(10)} gzip` +
              `${shipped.includes(name) ? '' : '  (not in the budget)'}`);
}
console.log(`release download (wasm + loaders): ${kb(total)} gzip; budget ${kb(BUDGET_BYTES)}`);
if (total > BUDGET_BYTES) {
  console.error(`over budget by ${kb(total - BUDGET_BYTES)}`);
  process.exit(1);
}
