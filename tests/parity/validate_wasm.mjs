// Validates each policy file named on the command line through the wasm package and prints one JSON
// object: file path → {valid, diagnostics}. Usage: node validate_wasm.mjs PKG_DIR NOW FILE...
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkgDir, now, ...files] = process.argv.slice(2);
const { loadAcmePolicy } = await import(pathToFileURL(path.join(pkgDir, 'index.js')).href);
const acme = await loadAcmePolicy();
const out = {};
for (const file of files) {
  const result = acme.validate(readFileSync(file, 'utf8'), { now });
  out[file] = { valid: result.valid, diagnostics: result.diagnostics };
}
process.stdout.write(JSON.stringify(out));
