// No memory is leaked per call: 100,000 validate calls (and fewer of every other method) leave the
// module's malloc heap and its linear memory where they were after a warm-up.
import assert from 'node:assert/strict';
import { test } from 'node:test';

import { NOW, goodDevice, goodPolicy, inventory, load } from './support.mjs';

// Allowed drift: allocator bookkeeping, never proportional to the number of calls.
const HEAP_SLACK_BYTES = 4096;

function badPolicy() {
  const policy = goodPolicy();
  policy.payload.KeySize = 512;
  policy.payload.KeyUsage = 1;
  return policy;
}

function measure(acme, label, calls, body) {
  for (let i = 0; i < 200; i += 1) body(i); // warm-up: scratch buffers, lazily built tables
  const before = acme.memoryStats();
  for (let i = 0; i < calls; i += 1) body(i);
  const after = acme.memoryStats();
  console.log(`${label}: ${calls} calls, heap in use ${before.heap_in_use} -> ${after.heap_in_use} bytes, ` +
              `linear memory ${before.memory_bytes} -> ${after.memory_bytes} bytes`);
  assert.ok(after.heap_in_use - before.heap_in_use <= HEAP_SLACK_BYTES,
            `${label}: the heap grew by ${after.heap_in_use - before.heap_in_use} bytes over ${calls} calls`);
  assert.equal(after.memory_bytes, before.memory_bytes, `${label}: linear memory grew`);
}

test('100,000 validate calls leak nothing', async () => {
  const acme = await load();
  const inputs = [goodPolicy(), JSON.stringify(badPolicy()), '{"name": ', JSON.stringify(goodPolicy())];
  measure(acme, 'validate', 100_000, (i) => {
    const result = acme.validate(inputs[i % inputs.length], { now: NOW });
    if (typeof result.valid !== 'boolean') throw new Error('no result');
  });
});

test('the other methods leak nothing either', async () => {
  const acme = await load();
  const options = { format: 'mobileconfig', device: goodDevice(), identifier_prefix: 'com.example', now: NOW };
  const policies = [goodPolicy(), badPolicy()];
  measure(acme, 'render', 5_000, (i) => acme.render(policies[i % 2], options));
  measure(acme, 'validateSet', 5_000, () => acme.validateSet(policies, { now: NOW }));
  measure(acme, 'resolve', 5_000, () => acme.resolve(inventory(), policies, { now: NOW }));
  measure(acme, 'explain', 5_000, () => acme.explain(inventory(), goodPolicy(), 'd-0015', { now: NOW }));
  measure(acme, 'plan', 5_000, () => acme.plan(inventory(), policies, { devices: {} }, { now: NOW }));
  measure(acme, 'parsePlist', 5_000, () => acme.parsePlist('<plist version="1.0"><dict><key>a</key><integer>1</integer></dict></plist>'));
  measure(acme, 'inspectCertificate', 5_000, () => acme.inspectCertificate('not a certificate'));
  // A large input uses a temporary buffer that is released again.
  const big = JSON.stringify({ ...goodPolicy(), notes: 'x'.repeat(200_000) });
  measure(acme, 'large input', 200, () => acme.validate(big, { now: NOW }));
});
