#!/usr/bin/env node
// Measures the WebAssembly package (not a test): instantiate time, validate and render per call including
// marshalling, the native/wasm ratio on the same inputs, and the download size.
//
//   node wasm/bench.mjs [--pkg build/wasm/pkg] [--native build/native] [--iterations 20000]
//
// The native figures come from wasm/bench/native_facade.cpp, compiled here with g++ against the native
// preset's core library (build/native/core/libacmepolicy_core.a) when it exists.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';

const here = path.dirname(fileURLToPath(import.meta.url));
const root = path.resolve(here, '..');
const { values } = parseArgs({
  options: {
    pkg: { type: 'string', default: path.join(root, 'build', 'wasm', 'pkg') },
    native: { type: 'string', default: path.join(root, 'build', 'native') },
    iterations: { type: 'string', default: '20000' },
  },
});
const iterations = Number(values.iterations);
const NOW = '2026-11-28T12:00:00Z';
const policyText = readFileSync(path.join(here, 'test', 'fixtures', 'corp-acme.json'), 'utf8');
const device = {
  id: 'd-0042', serial_number: 'F2LXK1ABCD', udid: '00008110-000A1B2C3D4E5F60', platform: 'iOS', os_version: '17.4.1',
  product_name: 'iPhone15,2', enrollment: 'ade', supervised: true, device_name: "Ana's iPhone",
  user_email: 'ana@example.com',
};

const median = (samples) => samples.sort((a, b) => a - b)[samples.length >> 1];
const us = (ns) => `${(ns / 1000).toFixed(2)} µs`;

function perCall(fn) {
  for (let i = 0; i < Math.min(2000, iterations); i += 1) fn(); // warm-up (JIT, scratch buffers)
  const samples = new Array(iterations);
  for (let i = 0; i < iterations; i += 1) {
    const start = process.hrtime.bigint();
    fn();
    samples[i] = Number(process.hrtime.bigint() - start);
  }
  return median(samples);
}

// ---- instantiate ----
const indexUrl = pathToFileURL(path.join(values.pkg, 'index.js')).href;
let start = process.hrtime.bigint();
const { loadAcmePolicy } = await import(indexUrl);
const acme = await loadAcmePolicy();
const coldNs = Number(process.hrtime.bigint() - start);
const wasmBinary = readFileSync(path.join(values.pkg, 'acmepolicy.wasm'));
const warm = [];
for (let i = 0; i < 20; i += 1) {
  start = process.hrtime.bigint();
  await loadAcmePolicy();
  warm.push(Number(process.hrtime.bigint() - start));
}
const fromBytes = [];
for (let i = 0; i < 20; i += 1) {
  start = process.hrtime.bigint();
  await loadAcmePolicy({ wasmBinary });
  fromBytes.push(Number(process.hrtime.bigint() - start));
}

// ---- per call ----
const policyObject = JSON.parse(policyText);
const check = acme.validate(policyText, { now: NOW });
if (!check.valid) console.warn(`note: the benchmark policy is not valid here: ${JSON.stringify(check.diagnostics)}`);
const renderOptions = { format: 'mobileconfig', device, identifier_prefix: 'com.example', now: NOW };
const rendered = acme.render(policyText, renderOptions);
if (!rendered.ok) console.warn(`note: the benchmark policy does not render here: ${JSON.stringify(rendered.diagnostics)}`);
const validateText = perCall(() => acme.validate(policyText, { now: NOW }));
// The same policy with two findings (an EC key size and a usage flag out of range): the answer is then
// written, decoded and parsed as JSON, where a clean answer is flagged and built directly.
const findingsObject = JSON.parse(policyText);
findingsObject.payload.KeySize = 512;
findingsObject.payload.UsageFlags = 64;
const findingsText = JSON.stringify(findingsObject);
const findingsCount = acme.validate(findingsText, { now: NOW }).diagnostics.length;
const validateFindings = perCall(() => acme.validate(findingsText, { now: NOW }));
const validateObject = perCall(() => acme.validate(policyObject, { now: NOW }));
const render = perCall(() => acme.render(policyText, renderOptions));

// ---- the peer: ajv (bench/peers/ajv, npm ci there), JSON.parse + its basic schema, measured the same way ----
let ajvBasic = null;
let ajvFindings = null;
const ajvDir = path.join(root, 'bench', 'peers', 'ajv');
if (existsSync(path.join(ajvDir, 'node_modules', 'ajv', 'package.json'))) {
  const { default: Ajv2020 } = await import(pathToFileURL(path.join(ajvDir, 'node_modules', 'ajv', 'dist', '2020.js')).href);
  const schema = JSON.parse(readFileSync(path.join(ajvDir, 'basic.schema.json'), 'utf8'));
  const ajvValidate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
  ajvBasic = perCall(() => ajvValidate(JSON.parse(policyText)));
  ajvFindings = perCall(() => ajvValidate(JSON.parse(findingsText)));
} else {
  console.warn('note: no ajv figure: run npm ci in bench/peers/ajv');
}

// ---- native, same inputs ----
let native = null;
const coreLib = path.join(values.native, 'core', 'libacmepolicy_core.a');
if (existsSync(coreLib)) {
  const work = mkdtempSync(path.join(tmpdir(), 'acmepolicy-bench-'));
  try {
    const exe = path.join(work, 'native_facade');
    execFileSync('g++', ['-std=c++17', '-O2', '-I', path.join(root, 'core', 'include'),
                         path.join(here, 'bench', 'native_facade.cpp'), coreLib,
                         '-lmbedtls', '-lmbedx509', '-lmbedcrypto', '-lcrypto', '-o', exe], { stdio: 'inherit' });
    const policyFile = path.join(work, 'policy.json');
    const deviceFile = path.join(work, 'device.json');
    writeFileSync(policyFile, policyText);
    writeFileSync(deviceFile, JSON.stringify(device));
    native = JSON.parse(execFileSync(exe, [policyFile, deviceFile, NOW, String(iterations)]).toString());
  } catch (error) {
    console.warn(`note: no native figures: ${error.message}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
} else {
  console.warn(`note: no native figures: ${coreLib} does not exist (build the native preset first)`);
}

// ---- sizes ----
const size = (name) => {
  const bytes = readFileSync(path.join(values.pkg, name));
  return { raw: statSync(path.join(values.pkg, name)).size, gzip: gzipSync(bytes, { level: 9 }).length };
};
const shipped = ['acmepolicy.wasm', 'acmepolicy.mjs', 'index.js'].map((name) => [name, size(name)]);
const gzipTotal = shipped.reduce((sum, [, s]) => sum + s.gzip, 0);

console.log(`acmepolicy ${acme.version().version} wasm benchmark (${iterations} calls per figure, medians)`);
console.log(`instantiate: first load ${(coldNs / 1e6).toFixed(1)} ms (import + read + compile), ` +
            `again ${(median(warm) / 1e6).toFixed(2)} ms, from bytes in memory ${(median(fromBytes) / 1e6).toFixed(2)} ms`);
console.log(`validate (JSON text): ${us(validateText)} per call`);
if (ajvBasic) {
  console.log(`ajv basic (JSON.parse + validate): ${us(ajvBasic)} per call; wasm validate / ajv basic = ` +
              `${(validateText / ajvBasic).toFixed(2)}x   [target <= 2.0x]`);
}
console.log(`validate with ${findingsCount} findings (JSON text): ${us(validateFindings)} per call` +
            (ajvFindings ? `; ajv basic on it ${us(ajvFindings)}, ratio ${(validateFindings / ajvFindings).toFixed(2)}x` : ''));
console.log(`validate (object):    ${us(validateObject)} per call`);
console.log(`render mobileconfig:  ${us(render)} per call`);
if (native) {
  console.log(`native facade:        validate ${us(native.validate_ns)}, render ${us(native.render_ns)}`);
  console.log(`wasm/native ratio:    validate ${(validateText / native.validate_ns).toFixed(2)}x, ` +
              `render ${(render / native.render_ns).toFixed(2)}x`);
}
for (const [name, s] of shipped) console.log(`${name.padEnd(18)} ${(s.raw / 1024).toFixed(1)} KB raw, ${(s.gzip / 1024).toFixed(1)} KB gzip`);
console.log(`download (wasm + loaders): ${(gzipTotal / 1024).toFixed(1)} KB gzip   [budget <= 350 KB]`);
