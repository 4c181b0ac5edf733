// schema(): the core's tables reach JavaScript whole, and they agree with what the same module does (a
// size the table lists validates, one it leaves out does not; a model the hardware table says cannot attest
// gets the attestation warning), with the documented codes, and with the native CLI's `acmepolicy schema`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';

import { goodDevice, goodPolicy, load, sourceDir } from './support.mjs';

let acme;
let schema;
before(async () => {
  acme = await load();
  schema = acme.schema();
});

const keyErrors = (result) =>
  result.diagnostics.filter((d) => d.severity === 'error' && /^(keysize|hardwarebound)\./.test(d.code));

function withKey(keyType, hardwareBound, size) {
  const policy = goodPolicy();
  Object.assign(policy.payload, { KeyType: keyType, HardwareBound: hardwareBound, KeySize: size, Attest: false });
  return policy;
}

describe('schema', () => {
  test('answers one document with every table', () => {
    for (const key of ['variables', 'device_record_keys', 'payload_keys', 'key_sizes', 'codes', 'assignment',
                       'attestation_hardware'])
      assert.ok(key in schema, key);
    assert.equal(schema.schema_version, acme.version().schema_version);
    assert.equal(schema.version, acme.version().version);
    assert.deepEqual(acme.schema(), schema, 'the same answer every call');
  });

  test('every code of docs/diagnostics.md is in the code table, with its documented severity', () => {
    const doc = readFileSync(path.join(sourceDir, 'docs/diagnostics.md'), 'utf8');
    const rows = [...doc.matchAll(/^\| `([a-z_]+\.[a-z_0-9]+)` \| (error|warning|info) \|/gm)];
    assert.ok(rows.length > 50, `documented codes found: ${rows.length}`);
    const bySchema = new Map(schema.codes.map((c) => [c.code, c.severity]));
    for (const [, code, severity] of rows) assert.equal(bySchema.get(code), severity, code);
  });

  test('key sizes: what the table lists validates, what it leaves out does not', () => {
    for (const rule of schema.key_sizes) {
      const listed = rule.sizes ?? (rule.allowed ? [rule.min, rule.max, rule.min + rule.multiple_of] : []);
      for (const size of listed) {
        const result = acme.validate(withKey(rule.key_type, rule.hardware_bound, size));
        assert.deepEqual(keyErrors(result), [], `${rule.key_type} ${rule.hardware_bound} ${size}`);
      }
      for (const size of [0, 255, 257, 521, 2048, 4104]) {
        const accepted = rule.allowed &&
          (rule.sizes ? rule.sizes.includes(size)
                      : size >= rule.min && size <= rule.max && size % rule.multiple_of === 0);
        const result = acme.validate(withKey(rule.key_type, rule.hardware_bound, size));
        assert.equal(keyErrors(result).length === 0, accepted,
                     `${rule.key_type} HardwareBound=${rule.hardware_bound} KeySize=${size}`);
      }
    }
  });

  test('payload and device-record keys are the ones the readers accept', () => {
    const policy = goodPolicy();
    for (const key of schema.payload_keys) assert.ok(typeof key.platforms === 'object', key.name);
    policy.payload.NotAKey = true;
    const unknown = acme.validate(policy).diagnostics.filter((d) => d.code === 'document.unknown_key');
    assert.deepEqual(unknown.map((d) => d.path), ['/payload/NotAKey']);
    const macOnly = schema.payload_keys.filter((k) => !('iOS' in k.platforms)).map((k) => k.name).sort();
    assert.deepEqual(macOnly, ['AllowAllAppsAccess', 'KeyIsExtractable']);

    // A record with every key of the table (values of their type) is read; one key more is refused.
    const record = {};
    for (const key of schema.device_record_keys)
      record[key.name] = key.type === 'boolean' ? true : key.values ? key.values[0] : `x-${key.name}`;
    const read = (device) => acme.resolve({ devices: [device] }, [goodPolicy()]);
    assert.equal(read(record).status, 'ok', JSON.stringify(read(record).diagnostics));
    const extra = read({ ...record, not_a_key: 'x' });
    assert.ok(extra.diagnostics.some((d) => d.code === 'device.unknown_key'), JSON.stringify(extra.diagnostics));
  });

  test('the hardware table decides the attestation warning', () => {
    const family = schema.attestation_hardware.families.find((f) => f.prefix === 'iPad');
    assert.ok(schema.attestation_hardware.source.includes('com.apple.security.acme'));
    const make = (id, product) =>
      ({ ...goodDevice(), id, serial_number: `S-${id}`, platform: 'iPadOS', product_name: product });
    const inventory = {
      devices: [make('d-old', `iPad${family.first_capable_major - 1},11`), make('d-new', `iPad${family.first_capable_major},1`),
                make('d-odd', 'iPad')],
      groups: [{ id: 'g-sales', devices: ['d-old', 'd-new', 'd-odd'] }],
    };
    const resolved = acme.resolve(inventory, [goodPolicy()]);
    const warnings = Object.fromEntries(resolved.policies[0].included.map((i) => [i.device, i.warnings]));
    assert.equal(warnings['d-old'][0].severity, 'warning');
    assert.deepEqual(warnings['d-new'], []);
    assert.equal(warnings['d-odd'][0].severity, 'info', 'unknown identifiers are an info, never an error');
    assert.ok(warnings['d-odd'][0].message.includes('"iPad"'));
  });

  test('variables: User Enrollment never provides serial_number or udid', () => {
    const byName = Object.fromEntries(schema.variables.map((v) => [v.name, v]));
    assert.equal(byName.serial_number.enrollment.user, false);
    assert.equal(byName.udid.enrollment.user, false);
    assert.equal(byName.serial_number.enrollment.ade, true);
    assert.equal(byName.device_id.always_available, true);
    assert.equal(byName.user_email.always_available, false);
  });

  test('is the same document as the native CLI prints', { skip: !process.env.ACMEPOLICY_CLI }, () => {
    const result = spawnSync(process.env.ACMEPOLICY_CLI, ['schema'], { encoding: 'utf8' });
    assert.equal(result.status, 0, result.stderr);
    assert.deepEqual(JSON.parse(result.stdout), schema);
  });
});
