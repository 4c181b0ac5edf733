// The facade through the wasm package under Node: reads the calls of calls.py (a JSON file), answers each with
// the JavaScript API (loadAcmePolicy) and prints [{label, result}] as JSON. Options travel as objects, as a
// JavaScript caller passes them. Usage: node wasm_host.mjs PKG_DIR CALLS.json
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkgDir, callsFile] = process.argv.slice(2);
const { loadAcmePolicy } = await import(pathToFileURL(path.join(pkgDir, 'index.js')).href);
const acme = await loadAcmePolicy();
const options = (text) => (text === '' ? undefined : JSON.parse(text));

const methods = {
  version: () => acme.version(),
  schema: () => acme.schema(),
  validate: (p, o) => acme.validate(p, options(o)),
  validate_set: (p, o) => acme.validateSet(p, options(o)),
  render: (p, o) => acme.render(p, options(o)),
  resolve: (i, p, o) => acme.resolve(i, p, options(o)),
  explain: (i, p, d, o) => acme.explain(i, p, d, options(o)),
  plan: (i, p, s, o) => acme.plan(i, p, s, options(o)),
  inspect_certificate: (pem) => acme.inspectCertificate(pem),
  parse_plist: (plist) => acme.parsePlist(plist),
  parse_certificate_list: (plist) => acme.parseCertificateList(plist),
  certificate_status: (p, e, o) => acme.certificateStatus(p, e, options(o)),
  plan_renewals: (i, p, o) => acme.planRenewals(i, p, options(o)),
};

const out = [];
for (const call of JSON.parse(readFileSync(callsFile, 'utf8'))) {
  const method = methods[call.function];
  if (!method) continue; // not offered by the JavaScript API (e.g. verify_client_token)
  let result;
  try {
    result = method(...call.inputs);
  } catch (error) {
    result = { thrown: String(error) };
  }
  out.push({ label: call.label, result });
}
process.stdout.write(JSON.stringify(out));
