// The portal's form-state shaping (no browser): documents survive a round trip through the form state,
// and OpenSSL-style subjects become rows. No validation rule lives here: that is the wasm core's job.
import { test } from 'node:test';
import assert from 'node:assert/strict';
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
