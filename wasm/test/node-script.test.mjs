// The Node example script validates policy files through the package: exit 0 for a good policy, 1 with
// the diagnostic printed for a bad one, 2 for a missing file.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

import { NOW, pkgDir } from './support.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const script = path.join(here, '..', 'examples', 'validate-policy.mjs');
const run = (...args) => spawnSync(process.execPath, [script, '--pkg', pkgDir, '--now', NOW, ...args], { encoding: 'utf8' });

test('a good policy validates with exit 0', () => {
  const result = run(path.join(here, 'fixtures', 'corp-acme.json'));
  assert.equal(result.status, 0, result.stdout + result.stderr);
  assert.match(result.stdout, /corp-acme\.json: valid/);
});

test('a bad policy prints its diagnostic and exits 1', () => {
  const result = run(path.join(here, 'fixtures', 'bad-keytype.json'));
  assert.equal(result.status, 1, result.stdout + result.stderr);
  assert.match(result.stdout, /bad-keytype\.json:\/payload\/KeyType: error\[/);
});

test('a missing file exits 2', () => {
  assert.equal(run(path.join(here, 'fixtures', 'missing.json')).status, 2);
});
