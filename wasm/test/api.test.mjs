// Each method of the package and each of its error paths, against the real release module.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { before, describe, test } from 'node:test';

import { NOW, goodDevice, goodPolicy, hex, inventory, load, makeCaCertificate, pkgDir, sourceDir } from './support.mjs';

let acme;
before(async () => {
  acme = await load();
});

const errors = (result) => result.diagnostics.filter((d) => d.severity === 'error');

function badKeyTypePolicy() {
  const policy = goodPolicy();
  policy.payload.KeyType = 'EC';
  return policy;
}

describe('version', () => {
  test('reports the library, schema and ABI versions, matching package.json', () => {
    const v = acme.version();
    const pkg = JSON.parse(readFileSync(path.join(pkgDir, 'package.json'), 'utf8'));
    assert.equal(v.version, pkg.version);
    assert.equal(v.schema_version, 1);
    assert.equal(v.abi_version, 1);
  });
});

describe('validate', () => {
  test('a good policy is valid, as an object and as JSON text alike', () => {
    const fromObject = acme.validate(goodPolicy(), { now: NOW });
    assert.equal(fromObject.valid, true, JSON.stringify(fromObject.diagnostics));
    assert.equal(fromObject.status, 'ok');
    assert.deepEqual(errors(fromObject), []);
    assert.equal(Object.getPrototypeOf(fromObject), Object.prototype);
    assert.deepEqual(acme.validate(JSON.stringify(goodPolicy()), { now: NOW }), fromObject);
    assert.deepEqual(acme.validate(goodPolicy(), { now: new Date(NOW) }), fromObject);
  });

  test('a wrong KeyType is an error at /payload/KeyType', () => {
    const result = acme.validate(badKeyTypePolicy(), { now: NOW });
    assert.equal(result.valid, false);
    assert.equal(result.status, 'invalid_input');
    assert.ok(errors(result).some((d) => d.path === '/payload/KeyType'), JSON.stringify(result.diagnostics));
    for (const d of result.diagnostics) {
      assert.match(d.code, /^[a-z0-9_]+(\.[a-z0-9_]+)+$/);
      assert.ok(d.message.length > 0);
    }
  });

  test('text that is not JSON comes back as a json.* diagnostic, never an exception', () => {
    for (const text of ['{', '', 'null', '[]', '"x"', '{"name": "a", "name": "b"}', '\u0000', '\ud800']) {
      const result = acme.validate(text, { now: NOW });
      assert.equal(result.valid, false, text);
      assert.ok(errors(result).length > 0, text);
    }
    const duplicate = acme.validate('{"name": "a", "name": "b"}');
    assert.ok(duplicate.diagnostics.some((d) => d.code === 'json.duplicate_key'), JSON.stringify(duplicate));
    assert.ok(acme.validate('{').diagnostics.some((d) => d.code.startsWith('json.')));
  });

  test('a clean answer is a fresh object each time, the same as the core\'s JSON', () => {
    // The module flags the clean report and index.js builds it without parsing: it must not be shared.
    const first = acme.validate(goodPolicy(), { now: NOW });
    assert.deepEqual(first, { ...JSON.parse('{"diagnostics":[],"valid":true}'), status: 'ok' });
    assert.deepEqual(Object.keys(first), ['diagnostics', 'valid', 'status']);
    first.diagnostics.push('changed');
    first.valid = false;
    assert.deepEqual(acme.validate(goodPolicy(), { now: NOW }), { diagnostics: [], valid: true, status: 'ok' });
  });

  test('answers come back whole whether short or long, ASCII or not', () => {
    // Short ASCII answers are decoded by a loop, the rest by TextDecoder: both must give the same text.
    for (const key of ['Cle', 'Clé', 'Cl\u{1F600}', `K${'x'.repeat(600)}`, `K${'é'.repeat(300)}`]) {
      const policy = goodPolicy();
      policy.payload[key] = 1;
      const result = acme.validate(policy, { now: NOW });
      assert.ok(result.diagnostics.some((d) => d.path === `/payload/${key}`), `${key}: ${JSON.stringify(result.diagnostics)}`);
    }
  });

  test('a malformed "now" is a diagnostic, a "now" of the wrong type a TypeError', () => {
    const result = acme.validate(goodPolicy(), { now: 'yesterday' });
    assert.equal(result.valid, false);
    assert.equal(result.status, 'bad_arguments');
    assert.equal(result.diagnostics[0].code, 'options.now');
    assert.throws(() => acme.validate(goodPolicy(), { now: 1700000000 }), TypeError);
    assert.throws(() => acme.validate(goodPolicy(), { now: new Date(NaN) }), TypeError);
  });

  test('wrong argument types throw TypeError', () => {
    for (const bad of [undefined, null, 42, true, () => {}]) assert.throws(() => acme.validate(bad), TypeError);
    assert.throws(() => acme.validate(goodPolicy(), 'now'), TypeError);
    assert.throws(() => acme.validate({ n: 1n }), TypeError);
    const cyclic = goodPolicy();
    cyclic.self = cyclic;
    assert.throws(() => acme.validate(cyclic), TypeError);
  });
});

describe('validateSet', () => {
  test('names must be unique ignoring case across the set', () => {
    const other = goodPolicy();
    other.id = 'corp-acme-2';
    other.name = 'CORPORATE acme';
    const result = acme.validateSet([goodPolicy(), JSON.stringify(other)], { now: NOW });
    assert.equal(result.valid, false);
    assert.equal(result.policies.length, 2);
    assert.ok(errors(result).length > 0, JSON.stringify(result));
    const unique = acme.validateSet([goodPolicy()], { now: NOW });
    assert.equal(unique.valid, true, JSON.stringify(unique));
    assert.deepEqual(acme.validateSet(JSON.stringify([goodPolicy()]), { now: NOW }), unique);
  });

  test('bad data is a diagnostic; a non-list a TypeError', () => {
    assert.equal(acme.validateSet('[{', { now: NOW }).valid, false);
    assert.throws(() => acme.validateSet(goodPolicy()), TypeError);
    assert.throws(() => acme.validateSet([42]), TypeError);
  });
});

describe('render', () => {
  const options = () => ({ format: 'mobileconfig', device: goodDevice(), identifier_prefix: 'com.example',
                           now: NOW });

  test('a per-device mobileconfig, byte-stable, readable by the plist reader', () => {
    const result = acme.render(goodPolicy(), options());
    assert.equal(result.ok, true, JSON.stringify(result.diagnostics));
    assert.equal(result.status, 'ok');
    assert.equal(result.format, 'mobileconfig');
    assert.equal(typeof result.content_type, 'string');
    assert.equal(typeof result.payload_identifier, 'string');
    assert.equal(typeof result.payload_uuid, 'string');
    assert.ok(result.output.startsWith('<?xml'), result.output.slice(0, 80));
    assert.ok(result.output.includes('com.apple.security.acme'));
    assert.ok(result.output.includes('F2LXK1ABCD'), 'the serial number replaces {{serial_number}}');
    assert.equal(acme.render(goodPolicy(), options()).output, result.output);
    const device = JSON.stringify(goodDevice());
    assert.equal(acme.render(JSON.stringify(goodPolicy()), { ...options(), device }).output, result.output);
    const parsed = acme.parsePlist(result.output);
    assert.equal(parsed.value.PayloadType, 'Configuration');
    assert.equal(parsed.value.PayloadUUID, result.payload_uuid);
  });

  test('every format except signing', () => {
    const ddm = acme.render(goodPolicy(), { ...options(), format: 'ddm', ddm_base_url: 'https://mdm.example.com/ddm' });
    assert.equal(ddm.ok, true, JSON.stringify(ddm.diagnostics));
    assert.doesNotThrow(() => JSON.parse(ddm.output));
    for (const [format, requestType] of [['install-command', 'InstallProfile'], ['remove-command', 'RemoveProfile']]) {
      const command = acme.render(goodPolicy(), { ...options(), format,
                                                  command_uuid: '0f1e2d3c-4b5a-4978-8695-a4b3c2d1e0f9' });
      assert.equal(command.ok, true, JSON.stringify(command.diagnostics));
      assert.equal(acme.parsePlist(command.output).value.Command.RequestType, requestType);
    }
  });

  test('an invalid policy renders nothing and says why', () => {
    const result = acme.render(badKeyTypePolicy(), options());
    assert.equal(result.ok, false);
    assert.equal(result.output, null);
    assert.ok(errors(result).some((d) => d.path === '/payload/KeyType'), JSON.stringify(result));
  });

  test('an unknown format or a device that is not JSON is a diagnostic', () => {
    const format = acme.render(goodPolicy(), { ...options(), format: 'pdf' });
    assert.equal(format.ok, false);
    assert.equal(format.status, 'bad_arguments');
    assert.ok(format.diagnostics.length > 0);
    const device = acme.render(goodPolicy(), { ...options(), device: '{"id": ' });
    assert.equal(device.ok, false);
    assert.ok(device.diagnostics.length > 0);
  });

  test('signing is refused: private keys never reach a browser', () => {
    assert.throws(() => acme.render(goodPolicy(), { ...options(), signing: { key_pem: 'x', certificate_pem: 'y' } }),
                  TypeError);
    assert.throws(() => acme.render(goodPolicy(), 'mobileconfig'), TypeError);
    assert.throws(() => acme.render(goodPolicy(), { ...options(), device: 7 }), TypeError);
  });

  test('a device string cannot smuggle options (signing) into the core', () => {
    const smuggled = '{"id": "d1"}, "signing": {"key_pem": "x", "certificate_pem": "y"}, "x": {}';
    const result = acme.render(goodPolicy(), { ...options(), device: smuggled });
    assert.equal(result.ok, false);
    assert.equal(result.output, null);
    assert.ok(result.diagnostics.some((d) => d.path === '/options/device'), JSON.stringify(result.diagnostics));
    assert.ok(!JSON.stringify(result).includes('signing'), JSON.stringify(result));
    // A list item string cannot add list items either.
    const listed = acme.validateSet([JSON.stringify(goodPolicy()) + ', {"id": "smuggled"}']);
    assert.equal(listed.policies.length <= 1, true, JSON.stringify(listed));
  });
});

describe('resolve, explain, plan', () => {
  test('resolve names the excluded iOS 15 device and its reason', () => {
    const result = acme.resolve(inventory(), [goodPolicy()], { now: NOW });
    assert.equal(result.status, 'ok', JSON.stringify(result));
    assert.ok(JSON.stringify(result).includes('os_too_old'));
    assert.deepEqual(acme.resolve(JSON.stringify(inventory()), JSON.stringify([goodPolicy()]), { now: NOW }), result);
  });

  test('explain answers one pair', () => {
    const included = acme.explain(inventory(), goodPolicy(), 'd-0042', { now: NOW });
    assert.equal(included.included, true, JSON.stringify(included));
    assert.equal(typeof included.message, 'string');
    const excluded = acme.explain(inventory(), goodPolicy(), 'd-0015', { now: NOW });
    assert.equal(excluded.included, false);
    assert.equal(excluded.reason, 'os_too_old');
    const unknown = acme.explain(inventory(), goodPolicy(), 'd-none', { now: NOW });
    assert.equal(unknown.status, 'not_found');
    assert.throws(() => acme.explain(inventory(), goodPolicy(), 42), TypeError);
  });

  test('plan installs, and planning the applied state again gives nothing', () => {
    const first = acme.plan(inventory(), [goodPolicy()], { devices: {} }, { now: NOW });
    assert.equal(first.status, 'ok', JSON.stringify(first));
    const installs = first.actions.filter((a) => a.action === 'install');
    assert.deepEqual(installs.map((a) => a.device), ['d-0042']);
    const state = { devices: {} };
    for (const a of installs) {
      state.devices[a.device] = { [a.policy]: { payload_identifier: a.payload_identifier, payload_uuid: a.payload_uuid } };
    }
    assert.deepEqual(acme.plan(inventory(), [goodPolicy()], state, { now: NOW }).actions, []);
  });

  test('bad documents are diagnostics; wrong types TypeErrors', () => {
    const result = acme.resolve('[', [goodPolicy()]);
    assert.notEqual(result.status, 'ok');
    assert.ok(result.diagnostics.length > 0);
    assert.ok(acme.plan(inventory(), [goodPolicy()], '{"devices": 3}').diagnostics.length > 0);
    assert.throws(() => acme.resolve(inventory(), goodPolicy()), TypeError);
    assert.throws(() => acme.plan(inventory(), [goodPolicy()], 5), TypeError);
  });
});

describe('policyTargets', () => {
  test('the targets and fallback as the core reads them, for an object and for JSON text', () => {
    const policy = { ...goodPolicy(), targets: { device_groups: ['g1'], devices: ['d1', 'd2'] },
      fallback: { policy: 'basic', when: ['os_too_old'] } };
    const result = acme.policyTargets(policy);
    assert.equal(result.status, 'ok', JSON.stringify(result));
    assert.deepEqual(result.targets, { device_groups: ['g1'], devices: ['d1', 'd2'] });
    assert.deepEqual(result.fallback, { policy: 'basic', when: ['os_too_old'] });
    assert.equal(result.id, policy.id ?? 'corporate-acme');
    assert.deepEqual(acme.policyTargets(JSON.stringify(policy)), result);
  });

  test('strict reading: a duplicate key is a diagnostic, a non-document a TypeError', () => {
    const result = acme.policyTargets('{"name": "a", "name": "b"}');
    assert.equal(result.status, 'invalid_input');
    assert.equal(result.diagnostics[0].code, 'json.duplicate_key');
    assert.equal(result.targets, undefined);
    assert.throws(() => acme.policyTargets(5), TypeError);
  });
});

describe('inspectCertificate', () => {
  test('describes a CA made by openssl, with the same fingerprint openssl computes', () => {
    const ca = makeCaCertificate();
    const info = acme.inspectCertificate(ca.pem);
    assert.equal(info.status, 'ok', JSON.stringify(info));
    assert.equal(info.is_ca, true);
    assert.equal(info.key_bits, 256);
    assert.match(info.key_type, /^EC/);
    assert.ok(info.subject.includes('Example Test Root'));
    assert.equal(hex(info.sha256_fingerprint), ca.fingerprint);
    assert.ok(Date.parse(info.not_after) > Date.parse(info.not_before));
  });

  test('garbage is a diagnostic; a non-string a TypeError', () => {
    const result = acme.inspectCertificate('-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----\n');
    assert.equal(result.status, 'invalid_input');
    assert.ok(result.diagnostics.length > 0);
    assert.ok(acme.inspectCertificate('').diagnostics.length > 0);
    assert.throws(() => acme.inspectCertificate(new Uint8Array(3)), TypeError);
  });
});

describe('parsePlist', () => {
  const text = '<?xml version="1.0" encoding="UTF-8"?>\n<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" ' +
    '"http://www.apple.com/DTDs/PropertyList-1.0.dtd">\n<plist version="1.0"><dict><key>UDID</key>' +
    '<string>00008110-000A</string><key>Count</key><integer>3</integer><key>On</key><true/></dict></plist>\n';

  test('reads strings, integers and booleans, from text or bytes', () => {
    const result = acme.parsePlist(text);
    assert.equal(result.status, 'ok', JSON.stringify(result));
    assert.deepEqual(result.value, { UDID: '00008110-000A', Count: 3, On: true });
    assert.deepEqual(acme.parsePlist(new TextEncoder().encode(text)), result);
  });

  test('a broken plist is a diagnostic; a number a TypeError', () => {
    const result = acme.parsePlist('<plist><dict><key>a</key></plist>');
    assert.notEqual(result.status, 'ok');
    assert.ok(result.diagnostics.length > 0);
    assert.throws(() => acme.parsePlist(3), TypeError);
  });
});

describe('loading', () => {
  test('the debug build gives the same answers', async () => {
    const debug = await load({ debug: true });
    assert.deepEqual(debug.version(), acme.version());
    assert.deepEqual(debug.validate(goodPolicy(), { now: NOW }), acme.validate(goodPolicy(), { now: NOW }));
    assert.deepEqual(debug.validate('{'), acme.validate('{'));
  });

  test('wasmUrl and wasmBinary select the module; a missing file rejects', async () => {
    const wasm = path.join(pkgDir, 'acmepolicy.wasm');
    assert.deepEqual((await load({ wasmUrl: wasm })).version(), acme.version());
    assert.deepEqual((await load({ wasmBinary: readFileSync(wasm) })).version(), acme.version());
    await assert.rejects(load({ wasmUrl: path.join(pkgDir, 'missing.wasm') }));
    await assert.rejects(load('debug'), TypeError);
    await assert.rejects(load({ wasmBinary: 'bytes' }), TypeError);
  });
});

describe('certificate lifecycle', () => {
  const examples = path.join(sourceDir, 'examples', 'certificates');
  const lifecyclePolicy = () => JSON.parse(readFileSync(path.join(examples, 'corp-acme.json'), 'utf8'));
  const certificateInventory = () => JSON.parse(readFileSync(path.join(examples, 'inventory.json'), 'utf8'));

  test('parseCertificateList reads a device answer, as bytes or text', () => {
    const bytes = readFileSync(path.join(examples, 'certificate-list.plist'));
    const result = acme.parseCertificateList(new Uint8Array(bytes));
    assert.equal(result.status, 'ok');
    assert.equal(result.certificates.length, 4);
    const newest = result.certificates.find((c) => c.serial === '1002');
    assert.equal(newest.not_after, '2026-12-05T00:00:00Z');
    assert.equal(newest.is_identity, true);
    assert.equal(newest.key_type, 'EC');
    assert.match(newest.sha256_fingerprint, /^[0-9a-f]{64}$/);
    assert.deepEqual(acme.parseCertificateList(bytes.toString('utf8')), result);
    const bad = acme.parseCertificateList('<plist><array/></plist>');
    assert.equal(bad.status, 'invalid_input');
    assert.deepEqual(bad.certificates, []);
    assert.equal(bad.diagnostics[0].code, 'certificate_list.not_dict');
    assert.throws(() => acme.parseCertificateList(42), TypeError);
  });

  test('certificateStatus matches the newest certificate of the policy and decides', () => {
    const entry = certificateInventory().devices[0];
    const status = acme.certificateStatus(lifecyclePolicy(), entry, { now: new Date(NOW), spread_hours: 0 });
    assert.equal(status.status, 'ok', JSON.stringify(status.diagnostics));
    assert.equal(status.state, 'due');
    assert.equal(status.due, true);
    assert.equal(status.certificate.serial, '1002');
    assert.equal(status.matched, 2);
    assert.equal(status.foreign, 2);
    const missingNow = acme.certificateStatus(lifecyclePolicy(), entry, {});
    assert.equal(missingNow.status, 'bad_arguments');
    assert.equal(missingNow.diagnostics[0].code, 'options.now');
  });

  test('planRenewals lists who renews when, the same as the CLI would', () => {
    const plan = acme.planRenewals(certificateInventory(), [lifecyclePolicy()], { now: NOW });
    assert.equal(plan.status, 'ok');
    assert.deepEqual(plan.summary, { pairs: 5, ok: 1, due: 1, expired: 1, throttled: 1, missing: 1 });
    assert.deepEqual(plan.renewals.map((r) => r.device), ['d-0042', 'd-0311', 'd-0500', 'd-0107']);
    assert.equal(plan.per_day.reduce((n, d) => n + d.count, 0), plan.renewals.length);
    const broken = acme.planRenewals('{"devices": 5}', '[]', { now: NOW });
    assert.equal(broken.status, 'invalid_input');
    assert.deepEqual(broken.renewals, []);
  });
});
