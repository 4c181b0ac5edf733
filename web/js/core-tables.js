// The core's own tables (schema() of the wasm core, docs/schema.md) as the portal's pickers, forms and columns
// use them: variable names, device-record keys, payload keys and key sizes are read from the loaded core,
// never written here, so a new variable or key reaches every picker without a portal change.

let tables = null;

/** Installs the core's tables (core.js does this once the wasm core has loaded; tests do it themselves). */
export function useSchema(schema) {
  if (!schema || !Array.isArray(schema.variables) || !Array.isArray(schema.device_record_keys)) {
    throw new TypeError('useSchema(schema): not the core\'s schema() document');
  }
  tables = schema;
}

function schema() {
  if (!tables) throw new Error('The validation engine is not loaded: its tables (schema()) are not available.');
  return tables;
}

// Words that are written in capitals in a label.
const ACRONYMS = new Set(['id', 'udid', 'os', 'url', 'dns', 'uri', 'ca']);

/** A name of the core ("serial_number", "enrollment_id") in words ("Serial number", "Enrollment ID"). */
export function words(name) {
  const parts = String(name).split('_').filter(Boolean);
  return parts.map((p, i) => (ACRONYMS.has(p) ? p.toUpperCase() : i === 0 ? p[0].toUpperCase() + p.slice(1) : p))
    .join(' ');
}

/** The variables a policy may use, in the core's order, each with words that say who has it. */
export function variables() {
  return schema().variables.map((v) => {
    const by = v.enrollment || {};
    let note = '';
    if (v.always_available) note = ' (every device)';
    else if (by.user === false) note = ' (not on User Enrollment)';
    return { name: v.name, label: words(v.name) + note };
  });
}

/** The device record's keys ({name, type, required, values?}), in the contract's order. */
export function deviceRecordKeys() {
  return schema().device_record_keys;
}

/** The device record's key names, in the contract's order. */
export function deviceKeyNames() {
  return deviceRecordKeys().map((k) => k.name);
}

/** The spellings of an enumerated device-record key ("platform", "enrollment"), or []. */
export function deviceKeyValues(name) {
  return deviceRecordKeys().find((k) => k.name === name)?.values || [];
}

/** The com.apple.security.acme payload keys, as Apple spells them. */
export function payloadKeyNames() {
  return schema().payload_keys.map((k) => k.name);
}

/** The keys of the payload's SubjectAltName dictionary. */
export function subjectAltNameKeys() {
  return schema().payload_keys.find((k) => k.type === 'dictionary' && Array.isArray(k.keys))?.keys || [];
}

/** The key types some size is allowed for. */
export function keyTypes() {
  return [...new Set(schema().key_sizes.filter((r) => r.allowed).map((r) => r.key_type))];
}

/** Key sizes to suggest for a key type and hardware binding: the rule's sizes without the weak ones, or for a
 *  range the whole thousands from where it stops being weak. [] when nothing is allowed. */
export function suggestedKeySizes(keyType, hardwareBound) {
  const rule = schema().key_sizes.find((r) => r.key_type === keyType && r.hardware_bound === Boolean(hardwareBound));
  if (!rule || !rule.allowed) return [];
  const weak = new Set(rule.weak || []);
  if (Array.isArray(rule.sizes)) return rule.sizes.filter((n) => !weak.has(n));
  const out = [];
  const step = 1024;
  for (let n = Math.ceil(Math.max(rule.min, rule.weak_below || 0) / step) * step; n <= rule.max; n += step) {
    if (n % rule.multiple_of === 0) out.push(n);
  }
  return out;
}
