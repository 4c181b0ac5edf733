#!/usr/bin/env node
// Validates policy files with the WebAssembly build, as a Node user of the package would:
//   node validate-policy.mjs POLICY.json... [--now 2026-11-28T12:00:00Z] [--pkg DIR]
// Prints each file's diagnostics like a compiler; exits 0 when every file is valid, 1 when one is not,
// 2 on a usage or I/O error.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

let args;
try {
  args = parseArgs({ allowPositionals: true, options: { now: { type: 'string' }, pkg: { type: 'string' } } });
} catch (error) {
  console.error(`error: ${error.message}`);
  process.exit(2);
}
if (args.positionals.length === 0) {
  console.error('usage: node validate-policy.mjs POLICY.json... [--now RFC3339] [--pkg DIR]');
  process.exit(2);
}

// The package: --pkg, else the build folder of this checkout.
const pkg = args.values.pkg ?? new URL('../../build/wasm/pkg/', import.meta.url).pathname;
const { loadAcmePolicy } = await import(pathToFileURL(path.join(pkg, 'index.js')).href);
const acme = await loadAcmePolicy();

let allValid = true;
for (const file of args.positionals) {
  let text;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    console.error(`${file}: cannot read: ${error.message}`);
    process.exit(2);
  }
  const result = acme.validate(text, args.values.now ? { now: args.values.now } : {});
  for (const d of result.diagnostics) console.log(`${file}:${d.path}: ${d.severity}[${d.code}]: ${d.message}`);
  console.log(`${file}: ${result.valid ? 'valid' : 'invalid'}`);
  allValid &&= result.valid;
}
process.exit(allValid ? 0 : 1);
