// Shared by the Node tests: where the built package is, how to load it, and the documents the tests use.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** The assembled package (build/wasm/pkg); CTest passes it explicitly. */
export const pkgDir = path.resolve(
  process.env.ACMEPOLICY_WASM_PKG ?? fileURLToPath(new URL('../../build/wasm/pkg/', import.meta.url)));

/** The source tree (for examples and corpora). */
export const sourceDir = path.resolve(
  process.env.ACMEPOLICY_SOURCE_DIR ?? fileURLToPath(new URL('../../', import.meta.url)));

/** Imports the package's index.js and loads the module. */
export async function load(options) {
  const { loadAcmePolicy } = await import(pathToFileURL(path.join(pkgDir, 'index.js')).href);
  return loadAcmePolicy(options);
}

/** Every test pins the time so certificate rules do not depend on the day the suite runs. */
export const NOW = '2026-11-28T12:00:00Z';

/** The policy of the documentation: valid, no CA certificates (so no time dependence). */
export function goodPolicy() {
  return {
    schema_version: 1,
    id: 'corp-acme',
    name: 'Corporate ACME',
    server_profile: 'generic',
    payload: {
      DirectoryURL: 'https://acme.example.com/directory',
      ClientIdentifier: '{{serial_number}}',
      KeyType: 'ECSECPrimeRandom',
      KeySize: 384,
      HardwareBound: true,
      Attest: true,
      Subject: [[['O', 'Example Inc.']], [['CN', '{{serial_number}}']]],
      SubjectAltName: { rfc822Name: '{{user_email}}' },
      UsageFlags: 1,
      ExtendedKeyUsage: ['1.3.6.1.5.5.7.3.2'],
    },
    targets: { device_groups: ['g-sales'], devices: [] },
  };
}

/** A supervised iOS 17 device enrolled through ADE: receives the policy. */
export function goodDevice() {
  return {
    id: 'd-0042', serial_number: 'F2LXK1ABCD', udid: '00008110-000A1B2C3D4E5F60', platform: 'iOS',
    os_version: '17.4.1', product_name: 'iPhone15,2', enrollment: 'ade', supervised: true,
    device_name: "Ana's iPhone", user_email: 'ana@example.com',
  };
}

/** Sales: the good device plus an iOS 15 device (excluded: os_too_old). */
export function inventory() {
  return {
    devices: [
      goodDevice(),
      { id: 'd-0015', serial_number: 'F2LXK1OLD1', udid: '00008020-0001', platform: 'iOS', os_version: '15.7',
        product_name: 'iPhone12,1', enrollment: 'ade', supervised: true, user_email: 'old@example.com' },
    ],
    groups: [{ id: 'g-sales', name: 'Sales', devices: ['d-0042', 'd-0015'] }],
  };
}

/** Makes a CA certificate with the real openssl; returns {pem, fingerprint (lower-case hex), serial}. */
export function makeCaCertificate({ curve = 'prime256v1', days = 3650 } = {}) {
  const dir = mkdtempSync(path.join(tmpdir(), 'acmepolicy-wasm-'));
  try {
    const key = path.join(dir, 'ca.key');
    const cert = path.join(dir, 'ca.pem');
    execFileSync('openssl', ['ecparam', '-name', curve, '-genkey', '-noout', '-out', key]);
    execFileSync('openssl', ['req', '-x509', '-new', '-key', key, '-out', cert, '-days', String(days), '-sha256',
      '-subj', '/O=Example Inc./CN=Example Test Root', '-addext', 'basicConstraints=critical,CA:TRUE']);
    const fingerprint = execFileSync('openssl', ['x509', '-in', cert, '-noout', '-fingerprint', '-sha256'])
      .toString().split('=')[1].trim().replaceAll(':', '').toLowerCase();
    return { pem: readFileSync(cert, 'utf8'), fingerprint };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Lower-case hex without separators, to compare fingerprints whatever their spelling. */
export function hex(text) {
  return String(text).replaceAll(':', '').toLowerCase();
}
