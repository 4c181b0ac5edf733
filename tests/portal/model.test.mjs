// The portal's data shaping (no browser): documents survive a round trip through the form state, pasted
// subjects become rows, CSV and the device list's query behave, version diffs and certificate figures add
// up. No validation rule lives here: that is the wasm core's job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { useSchema, suggestedKeySizes, variables, deviceKeyNames, keyTypes, subjectAltNameKeys, words }
  from '../../web/js/core-tables.js';

// The portal's lists come from the core's tables: load them from the wasm package, as the portal does.
const pkg = process.env.ACMEPOLICY_WASM_PKG || new URL('../../build/wasm/pkg', import.meta.url).pathname;
const core = await (await import(`${pkg}/index.js`)).loadAcmePolicy();
const schema = core.schema();
useSchema(schema);
import { parseSlashSubject, stateFromDocument, documentFromState, newPolicyState }
  from '../../web/js/policy-model.js';

test('a slash subject becomes one row per attribute, "+" joins one RDN, "\\/" escapes a slash', () => {
  assert.deepEqual(parseSlashSubject('/C=US/CN=x'), [
    { type: 'C', value: 'US', joinPrevious: false }, { type: 'CN', value: 'x', joinPrevious: false }]);
  assert.deepEqual(parseSlashSubject('/O=A\\/B+OU=Ops/CN={{serial_number}}'), [
    { type: 'O', value: 'A/B', joinPrevious: false }, { type: 'OU', value: 'Ops', joinPrevious: true },
    { type: 'CN', value: '{{serial_number}}', joinPrevious: false }]);
  assert.equal(parseSlashSubject('CN=x'), null, 'not the slash form');
  assert.equal(parseSlashSubject('/novalue'), null);
});

test('a full policy document survives stateFromDocument → documentFromState unchanged', () => {
  const doc = {
    schema_version: 1,
    id: 'corp-acme',
    name: 'Corporate ACME',
    notes: 'Piloted on Sales.',
    server_profile: 'step-ca',
    payload: {
      DirectoryURL: 'https://acme.example.com/directory',
      ClientIdentifier: '{{serial_number}}',
      KeyType: 'ECSECPrimeRandom',
      KeySize: 384,
      HardwareBound: true,
      Attest: true,
      Subject: [[['O', 'Example Inc.'], ['OU', 'IT']], [['CN', '{{serial_number}}']]],
      SubjectAltName: { rfc822Name: '{{user_email}}', dNSName: 'device.example.com' },
      UsageFlags: 5,
      ExtendedKeyUsage: ['1.3.6.1.5.5.7.3.2', '1.3.6.1.5.5.7.3.4'],
      KeyIsExtractable: true,
    },
    ca_certificates: ['-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'],
    targets: { device_groups: ['g-sales'], devices: ['d-0042'] },
  };
  const { document, subjectRows } = documentFromState(stateFromDocument(doc));
  assert.deepEqual(document, doc);
  assert.deepEqual(subjectRows, [[0, 0], [0, 1], [1, 0]], 'rows map back to /payload/Subject/i/j');
});

test('keys the form has no field for, and wrong types, reach the core unchanged so it can report them', () => {
  const doc = { name: 'x', KeyUsage: 1, payload: { KeySize: '384', Subjects: [], UsageFlags: 8 } };
  const out = documentFromState(stateFromDocument(doc)).document;
  assert.equal(out.KeyUsage, 1);
  assert.deepEqual(out.payload.Subjects, []);
  assert.equal(out.payload.UsageFlags, 8, 'undefined bits are kept');
  const typed = newPolicyState();
  typed.KeySize = 'abc';
  assert.equal(documentFromState(typed).document.payload.KeySize, 'abc', 'text stays text for the core to judge');
  typed.KeySize = ' 521 ';
  assert.equal(documentFromState(typed).document.payload.KeySize, 521);
});

test('the document\'s JSON-array Subject form becomes rows; other JSON is not a subject', async () => {
  const { parseJsonSubject, parseSubjectText } = await import('../../web/js/policy-model.js');
  assert.deepEqual(parseJsonSubject('[ [ ["C","US"] ], [ ["CN","foo"] ] ]'), [
    { type: 'C', value: 'US', joinPrevious: false }, { type: 'CN', value: 'foo', joinPrevious: false }]);
  assert.deepEqual(parseJsonSubject('[[["O","A"],["OU","B"]]]'), [
    { type: 'O', value: 'A', joinPrevious: false }, { type: 'OU', value: 'B', joinPrevious: true }]);
  for (const bad of ['[]', '[[]]', '[["C","US"]]', '{"C":"US"}', '[[["C"]]]', 'not json']) {
    assert.equal(parseJsonSubject(bad), null, bad);
  }
  assert.equal(parseSubjectText('/CN=x').length, 1, 'the slash form still works');
});

test('blank DirectoryURL and ClientIdentifier are left out of the document, so the core says "required"', () => {
  const s = newPolicyState();
  s.DirectoryURL = '';
  s.ClientIdentifier = '';
  const { payload } = documentFromState(s).document;
  assert.equal('DirectoryURL' in payload, false);
  assert.equal('ClientIdentifier' in payload, false);
  s.DirectoryURL = ' ';
  assert.equal(documentFromState(s).document.payload.DirectoryURL, ' ', 'anything typed goes to the core as is');
});

test('CSV: quoted fields, doubled quotes and CRLF survive a round trip; device records from CSV', async () => {
  const { parseCsv, formatCsv, devicesFromCsv } = await import('../../web/js/csv.js');
  const rows = [['id', 'device_name'], ['a', 'x, "y"'], ['b', 'two\nlines'], ['c', '']];
  assert.deepEqual(parseCsv(formatCsv(rows)), rows);
  const { records, problems } = devicesFromCsv('\uFEFFid,supervised,colour,os_version\nd1,yes,red,17.1\nd2,0,,\nd3,maybe,,\n');
  assert.deepEqual(records, [{ id: 'd1', supervised: true, os_version: '17.1' }, { id: 'd2', supervised: false },
    { id: 'd3', supervised: 'maybe' }]);
  assert.match(problems.join(' '), /colour/);
  assert.match(devicesFromCsv('serial_number\nX\n').problems.join(' '), /"id" column/);
});

test('device list query: the hash round-trips; filters, search and numeric sorting', async () => {
  const { readQuery, writeQuery, filterDevices } = await import('../../web/js/device-filters.js');
  const q = readQuery('#/devices?status=failed&platform=iOS&page=3');
  assert.equal(q.status, 'failed');
  assert.equal(q.page, 3);
  assert.equal(writeQuery(q), '#/devices?platform=iOS&status=failed&page=3');
  assert.equal(writeQuery(readQuery('#/devices')), '#/devices');
  const devices = [
    { id: 'a', device_name: 'Mac', platform: 'macOS', os_version: '14.2' },
    { id: 'b', device_name: 'Phone', platform: 'iOS', os_version: '9.3', user_email: 'ana@example.com' },
    { id: 'c', device_name: 'Pad', platform: 'iPadOS', os_version: '16.10' },
    { id: 'd', device_name: 'Pad 2', platform: 'iPadOS', os_version: '16.9' },
  ];
  const ids = (list) => list.map((d) => d.id);
  const base = readQuery('#/devices');
  assert.deepEqual(ids(filterDevices(devices, { ...base, sort: 'os_version' }, null)), ['b', 'a', 'd', 'c']);
  assert.deepEqual(ids(filterDevices(devices, { ...base, sort: 'os_version', dir: 'desc' }, null)), ['c', 'd', 'a', 'b']);
  assert.deepEqual(ids(filterDevices(devices, { ...base, platform: 'iPadOS' }, null)), ['c', 'd']);
  assert.deepEqual(ids(filterDevices(devices, { ...base, os: '16' }, null)), ['c', 'd']);
  assert.deepEqual(ids(filterDevices(devices, { ...base, q: 'ANA@' }, null)), ['b']);
  const status = { a: 'failed', b: 'none', c: 'failed', d: 'pending' };
  assert.deepEqual(ids(filterDevices(devices, { ...base, status: 'failed' }, (id) => status[id])), ['a', 'c']);
});

test('the version diff marks removed and added lines and keeps the rest; JSON is compared with sorted keys', async () => {
  const { lineDiff, canonicalJson } = await import('../../web/js/line-diff.js');
  assert.deepEqual(lineDiff('a\nb\nc', 'a\nx\nc'), [{ op: ' ', text: 'a' }, { op: '-', text: 'b' },
    { op: '+', text: 'x' }, { op: ' ', text: 'c' }]);
  assert.deepEqual(lineDiff('', 'new'), [{ op: '-', text: '' }, { op: '+', text: 'new' }]);
  assert.ok(lineDiff('same\ntext', 'same\ntext').every((l) => l.op === ' '));
  assert.equal(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 0 }], c: 3 } }),
    canonicalJson({ a: { c: 3, d: [2, { y: 0, z: 1 }] }, b: 1 }));
  const before = canonicalJson({ payload: { KeySize: 256, KeyType: 'ECSECPrimeRandom' } });
  const after = canonicalJson({ payload: { KeySize: 384, KeyType: 'ECSECPrimeRandom' } });
  const changed = lineDiff(before, after).filter((l) => l.op !== ' ');
  assert.deepEqual(changed.map((l) => `${l.op}${l.text.trim()}`), ['-"KeySize": 256,', '+"KeySize": 384,']);
});

test('certificate expiry is worded in whole days; renewal days sum per series and per week', async () => {
  const { expiryText, daysLeft } = await import('../../web/js/device-certificates.js');
  const now = Date.parse('2026-12-01T12:00:00Z');
  assert.equal(expiryText('2026-12-13T13:00:00Z', now), 'expires in 12 days (2026-12-13)');
  assert.equal(expiryText('2026-12-02T11:00:00Z', now), 'expires in 0 days (2026-12-02)');
  assert.equal(expiryText('2026-11-28T12:00:00Z', now), 'expired 3 days ago (2026-11-28)');
  assert.equal(daysLeft('not a date', now), null);
  const { totals, weeks } = await import('../../web/js/expiry-chart.js');
  const days = Array.from({ length: 10 }, (_, i) => ({ date: `2026-12-${String(i + 1).padStart(2, '0')}`,
    expiring: i, renewals_planned: 1, renewed: i % 2 }));
  assert.deepEqual(totals(days), { expiring: 45, renewals_planned: 10, renewed: 5 });
  assert.deepEqual(weeks(days).map((w) => [w.from, w.to, w.expiring]), [['2026-12-01', '2026-12-07', 21],
    ['2026-12-08', '2026-12-10', 24]]);
});

test('pickers and columns are the core\'s tables, not copies', () => {
  assert.deepEqual(variables().map((v) => v.name), schema.variables.map((v) => v.name));
  // Labels say what the core's availability table says.
  for (const v of schema.variables) {
    const label = variables().find((x) => x.name === v.name).label;
    assert.equal(/every device/.test(label), v.always_available, label);
    assert.equal(/not on User Enrollment/.test(label), !v.always_available && v.enrollment.user === false, label);
  }
  assert.equal(variables().find((v) => v.name === 'enrollment_id').label, 'Enrollment ID');
  assert.deepEqual(deviceKeyNames(), schema.device_record_keys.map((k) => k.name));
  assert.deepEqual(subjectAltNameKeys(), schema.payload_keys.find((k) => k.name === 'SubjectAltName').keys);
  assert.deepEqual(keyTypes(), [...new Set(schema.key_sizes.filter((r) => r.allowed).map((r) => r.key_type))]);
  assert.equal(words('os_version'), 'OS version');
  assert.equal(words('udid'), 'UDID');
});

test('suggested key sizes follow the core\'s rules: never a weak or refused size', () => {
  for (const rule of schema.key_sizes) {
    const sizes = suggestedKeySizes(rule.key_type, rule.hardware_bound);
    if (!rule.allowed) {
      assert.deepEqual(sizes, []);
      continue;
    }
    assert.ok(sizes.length > 0, `${rule.key_type} ${rule.hardware_bound}`);
    for (const size of sizes) {
      const policy = { name: 'P', payload: { DirectoryURL: 'https://ca.example.com/acme/directory',
        ClientIdentifier: 'x', KeyType: rule.key_type, KeySize: size, HardwareBound: rule.hardware_bound,
        Subject: [[['CN', 'x']]] }, targets: { devices: ['d'] } };
      const found = core.validate(policy).diagnostics.filter((d) => /^(keysize|hardwarebound)\./.test(d.path) ||
        /^(keysize|hardwarebound)\./.test(d.code));
      assert.deepEqual(found, [], `${rule.key_type} HardwareBound=${rule.hardware_bound} KeySize=${size}`);
    }
  }
  assert.deepEqual(suggestedKeySizes('ECSECPrimeRandom', true), [256, 384]);
  assert.deepEqual(suggestedKeySizes('RSA', false), [2048, 3072, 4096]);
});

test('a refused save says why: findings at their fields, a rename for a derived id, sign in again on 401', async () => {
  const { saveFailure, savedFindings } = await import('../../web/js/save-outcome.js');
  const { ApiError } = await import('../../web/js/api.js');
  const rejected = saveFailure(new ApiError(422, 'policy.invalid', 'Invalid.',
    [{ severity: 'error', code: 'keysize.ec_curve', path: '/payload/KeySize', message: 'Use 256 or 384.' }]), {});
  assert.deepEqual(rejected.diagnostics, [{ severity: 'error', code: 'keysize.ec_curve', path: '/payload/KeySize',
    message: 'Use 256 or 384. (server)' }]);
  assert.equal(rejected.signIn, false);
  const derived = saveFailure(new ApiError(409, 'policy.id_conflict', 'A policy with id "x" exists.'), { name: 'X' });
  assert.match(derived.diagnostics[0].message, /derived from the name: rename/);
  assert.equal(derived.diagnostics[0].path, '/name');
  const named = saveFailure(new ApiError(409, 'policy.id_conflict', 'A policy with id "x" exists.'), { id: 'x' });
  assert.equal(named.diagnostics[0].message, 'A policy with id "x" exists.');
  assert.equal(saveFailure(new ApiError(401, 'auth.invalid', 'No.'), {}).signIn, true);
  assert.equal(saveFailure(new TypeError('Failed to fetch'), {}).message, 'Not saved: Failed to fetch');
  assert.deepEqual(savedFindings({ diagnostics: [{ severity: 'warning', code: 'w' }, { severity: 'error', code: 'e' }] }),
    [{ severity: 'warning', code: 'w' }]);
  assert.deepEqual(savedFindings(null), []);
});
