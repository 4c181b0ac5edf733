#!/usr/bin/env node
// The ajv peer of bench_validate: what a user would run instead of acmepolicy to check a policy, that is
// JSON.parse of the text and a compiled JSON Schema's validate (ajv 8, allErrors so every finding is
// listed, as acmepolicy lists them). The schemas beside this file: basic (keys, types, enumerations)
// and tuned (plus lengths, patterns, ranges and key-size rules).
//
//   node peer.mjs basic|tuned POLICY.json [ITERATIONS]
//
// Prints the median CPU time per validation over five runs as "median_cpu_ns=<ns> bytes=<size>".
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Ajv2020 from 'ajv/dist/2020.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const [schemaName, policyFile, iterationsText] = process.argv.slice(2);
if (!schemaName || !policyFile) {
  console.error('usage: peer.mjs basic|tuned POLICY.json [ITERATIONS]');
  process.exit(2);
}
const schema = JSON.parse(readFileSync(path.join(here, `${schemaName}.schema.json`), 'utf8'));
const validate = new Ajv2020({ allErrors: true, strict: false }).compile(schema);
const text = readFileSync(policyFile, 'utf8');
const iterations = Number(iterationsText ?? 20000);
if (!validate(JSON.parse(text))) {
  console.error(`the policy does not pass the ${schemaName} schema: ${JSON.stringify(validate.errors)}`);
  process.exit(1);
}
let sink = 0;
const once = () => { sink += validate(JSON.parse(text)) ? 1 : 0; };
for (let i = 0; i < iterations; i += 1) once(); // warm-up: the JIT compiles the validator
const runs = [];
for (let r = 0; r < 5; r += 1) {
  const start = process.cpuUsage();
  for (let i = 0; i < iterations; i += 1) once();
  const used = process.cpuUsage(start);
  runs.push(((used.user + used.system) * 1000) / iterations);
}
runs.sort((a, b) => a - b);
if (sink === 0) process.exit(1);
console.log(`median_cpu_ns=${runs[2].toFixed(1)} bytes=${Buffer.byteLength(text)}`);
