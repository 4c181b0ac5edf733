// Parity: the validation, rendering and resolution corpus goes through the native CLI and through the wasm
// module with the same inputs and options; the JSON must be identical and rendered profiles byte-identical.
//
// The corpus is globbed, so new files join automatically: every .json under examples/ and under the
// corpus/, cases/ and fixtures/ folders of tests/, plus this package's own fixtures. Files are sorted by
// what they contain (policy, device record, inventory, state).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';

import { NOW, goodDevice, inventory, load, sourceDir } from './support.mjs';

const cli = process.env.ACMEPOLICY_CLI;
const here = path.dirname(fileURLToPath(import.meta.url));
const IDENTIFIER_PREFIX = 'com.example.parity';
const DDM_BASE_URL = 'https://mdm.example.com/ddm';
const COMMAND_UUID = '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9';
// Bounds that keep the suite in seconds however large the corpus grows.
const MAX_RENDER_POLICIES = 15;
const MAX_INVALID_RENDERS = 5;
const MAX_DEVICES = 4;
const MAX_EXPLAIN_PAIRS = 30;

let acme;
let scratch;
const corpus = { policies: [], devices: [], inventories: [], states: [], skipped: [] };

function runCli(args) {
  const result = spawnSync(cli, args, { maxBuffer: 64 * 1024 * 1024 });
  if (result.error) throw result.error;
  return { status: result.status, stdout: result.stdout, stderr: result.stderr.toString() };
}

const cliHelp = (command) => {
  const result = runCli(command ? [command, '--help'] : ['--help']);
  return result.stdout.toString() + result.stderr;
};
const hasCommand = (name) => new RegExp(`^\\s*${name}\\b`, 'm').test(cliHelp());
const hasOption = (command, option) => cliHelp(command).includes(option);

function* jsonFiles(dir) {
  if (!existsSync(dir)) return;
  for (const entry of readdirSync(dir).sort()) {
    const file = path.join(dir, entry);
    if (entry === 'node_modules') continue;
    if (statSync(file).isDirectory()) yield* jsonFiles(file);
    else if (entry.endsWith('.json')) yield file;
  }
}

function corpusFiles() {
  const files = [...jsonFiles(path.join(sourceDir, 'examples'))];
  const testsDir = path.join(sourceDir, 'tests');
  for (const area of existsSync(testsDir) ? readdirSync(testsDir).sort() : []) {
    for (const folder of ['corpus', 'cases', 'fixtures']) files.push(...jsonFiles(path.join(testsDir, area, folder)));
  }
  files.push(...jsonFiles(path.join(here, 'fixtures')));
  return files;
}

// Sorts one file into the corpus by its content; text that is not JSON is a policy case only where
// policies are tested (validation corpora), since that is what it exercises.
function classify(file) {
  const bytes = readFileSync(file);
  let text;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    corpus.skipped.push(`${path.relative(sourceDir, file)} (not UTF-8: a JavaScript string cannot carry it)`);
    return;
  }
  let value;
  try {
    value = JSON.parse(text);
  } catch {
    if (/[/\\]validation[/\\]/.test(file)) corpus.policies.push({ file, text, value: undefined });
    return;
  }
  const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
  if (isObject && 'payload' in value) corpus.policies.push({ file, text, value });
  else if (isObject && Array.isArray(value.devices)) corpus.inventories.push({ file, text, value });
  else if (isObject && value.devices !== null && typeof value.devices === 'object') corpus.states.push({ file, text, value });
  else if (isObject && typeof value.id === 'string' && ('platform' in value || 'serial_number' in value || 'udid' in value))
    corpus.devices.push({ file, text, value });
  else if (/[/\\](validation|policies)[/\\]/.test(file)) corpus.policies.push({ file, text, value });
}

// Writes a generated document into the scratch folder (so the CLI reads exactly what wasm receives).
function scratchFile(name, text) {
  const file = path.join(scratch, name);
  writeFileSync(file, text);
  return file;
}

const withoutStatus = ({ status, ...rest }) => rest;
const label = (file) => path.relative(sourceDir, file);

before(async () => {
  assert.ok(cli && existsSync(cli), `ACMEPOLICY_CLI must name the native acmepolicy CLI (got ${cli})`);
  acme = await load();
  scratch = mkdtempSync(path.join(tmpdir(), 'acmepolicy-parity-'));
  for (const file of corpusFiles()) classify(file);
  // The package's own documents, so every capability is compared even with an empty corpus.
  const inv = JSON.stringify(inventory(), null, 2);
  corpus.inventories.push({ file: scratchFile('inventory.json', inv), text: inv, value: inventory() });
  const device = JSON.stringify(goodDevice(), null, 2);
  corpus.devices.push({ file: scratchFile('device.json', device), text: device, value: goodDevice() });
  const empty = '{"devices": {}}';
  corpus.states.push({ file: scratchFile('state-empty.json', empty), text: empty, value: { devices: {} } });
  console.log(`corpus: ${corpus.policies.length} policies, ${corpus.devices.length} devices, ` +
              `${corpus.inventories.length} inventories, ${corpus.states.length} states`);
  for (const skipped of corpus.skipped) console.log(`skipped ${skipped}`);
});

after(() => {
  if (scratch) rmSync(scratch, { recursive: true, force: true });
});

describe('validate', () => {
  test('every policy: the same {valid, diagnostics} as `acmepolicy validate --format json`', (t) => {
    if (!hasCommand('validate')) return t.skip('the CLI has no validate command');
    let compared = 0;
    for (const policy of corpus.policies) {
      const native = runCli(['validate', policy.file, '--format', 'json', '--now', NOW]);
      const document = JSON.parse(native.stdout.toString());
      const { valid, diagnostics } = document.files[0];
      const wasm = acme.validate(policy.text, { now: NOW });
      assert.deepEqual({ valid: wasm.valid, diagnostics: wasm.diagnostics }, { valid, diagnostics }, label(policy.file));
      compared += 1;
    }
    assert.ok(compared > 0);
    console.log(`validate: ${compared} policies identical`);
  });
});

describe('render', () => {
  test('policies x devices x formats: the same bytes as `acmepolicy render`', (t) => {
    if (!hasCommand('render')) return t.skip('the CLI has no render command');
    const formats = [['mobileconfig'], ['ddm', '--ddm-base-url', DDM_BASE_URL]];
    if (hasOption('render', '--command-uuid')) {
      formats.push(['install-command', '--command-uuid', COMMAND_UUID], ['remove-command', '--command-uuid', COMMAND_UUID]);
    } else {
      console.log('render: the CLI takes no --command-uuid, so command plists (random CommandUUID) are not compared');
    }
    const withNow = hasOption('render', '--now');
    const devices = corpus.devices.slice(0, MAX_DEVICES);
    const parsed = corpus.policies.filter((p) => p.value !== undefined);
    const valid = parsed.filter((p) => acme.validate(p.text, { now: NOW }).valid).slice(0, MAX_RENDER_POLICIES);
    const invalid = parsed.filter((p) => !valid.includes(p)).slice(0, MAX_INVALID_RENDERS);
    // Valid policies: every format for the preview and the first device, mobileconfig for every device.
    // Invalid ones: both must refuse. Bounded so the suite stays fast however large the corpus grows.
    const cases = [];
    for (const policy of valid) {
      for (const format of formats) cases.push([policy, null, format], [policy, devices[0] ?? null, format]);
      for (const device of devices.slice(1)) cases.push([policy, device, formats[0]]);
    }
    for (const policy of invalid) cases.push([policy, devices[0] ?? null, formats[0]]);
    let identical = 0;
    let refused = 0;
    for (const [policy, device, [format, ...extra]] of cases) {
      const out = path.join(scratch, 'rendered.out');
      rmSync(out, { force: true });
      const args = ['render', policy.file, '--format', format, '--identifier-prefix', IDENTIFIER_PREFIX, ...extra,
                    '-o', out];
      const options = { format, identifier_prefix: IDENTIFIER_PREFIX };
      if (device) { args.push('--device', device.file); options.device = device.text; }
      else { args.push('--preview'); options.preview = true; }
      if (format === 'ddm') options.ddm_base_url = DDM_BASE_URL;
      if (format.endsWith('-command')) options.command_uuid = COMMAND_UUID;
      if (withNow) { args.push('--now', NOW); options.now = NOW; }
      const native = runCli(args);
      const wasm = acme.render(policy.text, options);
      const what = `${label(policy.file)} ${format} ${device ? label(device.file) : 'preview'}`;
      if (native.status === 0) {
        assert.equal(wasm.ok, true, `${what}: the CLI rendered, wasm did not: ${JSON.stringify(wasm.diagnostics)}`);
        assert.ok(Buffer.from(wasm.output, 'utf8').equals(readFileSync(out)), `${what}: different bytes`);
        identical += 1;
      } else {
        assert.equal(wasm.ok, false, `${what}: wasm rendered, the CLI did not: ${native.stderr}`);
        assert.equal(existsSync(out), false, `${what}: the CLI left an output file`);
        refused += 1;
      }
    }
    assert.ok(identical > 0, 'nothing was rendered by both');
    console.log(`render: ${identical} outputs byte-identical, ${refused} refused by both`);
  });
});

describe('resolve, explain, plan', () => {
  const policiesFor = () => corpus.policies.filter((p) => p.value !== undefined);

  test('resolve: the same JSON as `acmepolicy resolve --format json`', (t) => {
    if (!hasCommand('resolve')) return t.skip('the CLI has no resolve command');
    const policies = policiesFor();
    const withNow = hasOption('resolve', '--now');
    for (const inv of corpus.inventories) {
      const args = ['resolve', '--inventory', inv.file, ...policies.map((p) => p.file), '--format', 'json'];
      if (withNow) args.push('--now', NOW);
      const native = runCli(args);
      const wasm = acme.resolve(inv.text, policies.map((p) => p.text), withNow ? { now: NOW } : {});
      if (native.status === 2) {
        assert.notEqual(wasm.status, 'ok', `${label(inv.file)}: the CLI refused, wasm did not`);
        continue;
      }
      assert.deepEqual(withoutStatus(wasm), JSON.parse(native.stdout.toString()), label(inv.file));
    }
  });

  test('explain: the same answer as `acmepolicy explain --format json`', (t) => {
    if (!hasCommand('explain')) return t.skip('the CLI has no explain command');
    if (!hasOption('explain', '--format')) return t.skip('the CLI explain prints no JSON');
    const withNow = hasOption('explain', '--now');
    let pairs = 0;
    for (const inv of corpus.inventories) {
      for (const policy of policiesFor()) {
        for (const device of inv.value.devices.slice(0, MAX_DEVICES)) {
          if (pairs >= MAX_EXPLAIN_PAIRS || typeof device?.id !== 'string') continue;
          const args = ['explain', '--inventory', inv.file, policy.file, '--device', device.id, '--format', 'json'];
          if (withNow) args.push('--now', NOW);
          const native = runCli(args);
          const wasm = acme.explain(inv.text, policy.text, device.id, withNow ? { now: NOW } : {});
          if (native.status === 2) {
            assert.notEqual(wasm.status, 'ok', `${label(inv.file)} ${device.id}: the CLI refused, wasm did not`);
          } else {
            assert.deepEqual(withoutStatus(wasm), JSON.parse(native.stdout.toString()), `${label(inv.file)} ${device.id}`);
          }
          pairs += 1;
        }
      }
    }
    assert.ok(pairs > 0);
  });

  test('plan: the same JSON as `acmepolicy plan --format json`', (t) => {
    if (!hasCommand('plan')) return t.skip('the CLI has no plan command');
    const policies = policiesFor();
    const withNow = hasOption('plan', '--now');
    const withPrefix = hasOption('plan', '--identifier-prefix');
    for (const inv of corpus.inventories) {
      for (const state of corpus.states) {
        const args = ['plan', '--inventory', inv.file, '--state', state.file, ...policies.map((p) => p.file),
                      '--format', 'json'];
        const options = {};
        if (withNow) { args.push('--now', NOW); options.now = NOW; }
        if (withPrefix) { args.push('--identifier-prefix', IDENTIFIER_PREFIX); options.identifier_prefix = IDENTIFIER_PREFIX; }
        const native = runCli(args);
        const wasm = acme.plan(inv.text, policies.map((p) => p.text), state.text, options);
        if (native.status === 2) {
          assert.notEqual(wasm.status, 'ok', `${label(inv.file)} ${label(state.file)}: the CLI refused, wasm did not`);
          continue;
        }
        assert.deepEqual(withoutStatus(wasm), JSON.parse(native.stdout.toString()),
                         `${label(inv.file)} ${label(state.file)}`);
      }
    }
  });
});
