// Devices the policy silently leaves out because a variable it uses has no value for them (the default
// {{serial_number}} on User Enrollment devices): the core's resolution finds them; this module turns that
// into a warning for the editor and offers replacements the core confirms would include them.
import { coreInventory } from './inventory-model.js';
import { nowOptions } from './core.js';

/** Variables offered as replacements, in order of preference: {{client_token}} exists for every device
 *  and policy; {{enrollment_id}} is the User Enrollment identifier. Whether one works is the core's call. */
const REPLACEMENTS = ['client_token', 'enrollment_id'];
const VARIABLE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

function variablesIn(value, out = new Set()) {
  if (typeof value === 'string') for (const m of value.matchAll(VARIABLE)) out.add(m[1]);
  else if (Array.isArray(value)) value.forEach((v) => variablesIn(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => variablesIn(v, out));
  return out;
}

function replaceVariable(value, from, to) {
  if (typeof value === 'string') {
    return value.replace(VARIABLE, (whole, name) => (name === from ? `{{${to}}}` : whole));
  }
  if (Array.isArray(value)) return value.map((v) => replaceVariable(v, from, to));
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceVariable(v, from, to)]));
  }
  return value;
}

/** The JSON pointer of the first payload string that uses {{name}} (where the warning is shown). */
function pointerOf(value, name, path) {
  if (typeof value === 'string') return variablesIn(value).has(name) ? path : null;
  const entries = Array.isArray(value) ? value.map((v, i) => [i, v])
    : value && typeof value === 'object' ? Object.entries(value) : [];
  for (const [k, v] of entries) {
    const found = pointerOf(v, name, `${path}/${k}`);
    if (found) return found;
  }
  return null;
}

/** The core's exclusions of `doc` that a variable causes, or null when the core cannot resolve it. */
function variableExclusions(core, inventory, doc) {
  let result;
  try {
    result = core.resolve(inventory, [doc], nowOptions());
  } catch {
    return null;
  }
  const entry = Array.isArray(result.policies) ? result.policies[0] : null;
  if (!entry || entry.valid === false) return null;
  return (entry.excluded || []).filter((e) => e.reason === 'variable_unavailable');
}

/**
 * Returns check(doc) → {diagnostics, fixes}. diagnostics: one portal warning (code
 * "portal.variable_excludes_devices") at the field using the variable, listing the devices left out and the
 * core's reason; fixes: [{from, to, left}] replacements of {{from}} by {{to}} after which the core leaves
 * out fewer devices for a variable (`left` of them still), best first. Both empty without inventory,
 * targets or exclusions. Cached on what takes part: the payload, the targets and the inventory's size.
 */
export function variableChecker(getCore, getInventory) {
  let cache = { key: null, value: { diagnostics: [], fixes: [] } };
  return (doc) => {
    const core = getCore();
    const inv = getInventory();
    const empty = { diagnostics: [], fixes: [] };
    const targets = doc.targets || {};
    if (!core || !inv || !((targets.device_groups || []).length + (targets.devices || []).length)) return empty;
    const key = JSON.stringify([doc.payload, doc.targets, doc.server_profile, inv.devices.length, inv.groups.length]);
    if (cache.key === key) return cache.value;
    const inventory = coreInventory(inv);
    const excluded = variableExclusions(core, inventory, doc);
    let value = empty;
    if (excluded && excluded.length) {
      const byId = new Map(inv.devices.map((d) => [d.id, d]));
      const used = [...variablesIn(doc.payload)];
      const fixes = [];
      for (const from of used) {
        for (const to of REPLACEMENTS) {
          if (to === from) continue;
          const candidate = { ...doc, payload: replaceVariable(doc.payload, from, to) };
          const left = variableExclusions(core, inventory, candidate);
          if (left && left.length < excluded.length) fixes.push({ from, to, left: left.length });
        }
      }
      fixes.sort((a, b) => a.left - b.left || REPLACEMENTS.indexOf(a.to) - REPLACEMENTS.indexOf(b.to));
      const culprit = fixes.length ? fixes[0].from : used[0];
      const names = excluded.slice(0, 3).map((e) => {
        const d = byId.get(e.device);
        return `${(d && d.device_name) || e.device} (${e.message})`;
      });
      const more = excluded.length > 3 ? ` and ${excluded.length - 3} more` : '';
      const n = excluded.length;
      value = {
        diagnostics: [{ severity: 'warning', code: 'portal.variable_excludes_devices',
          path: pointerOf(doc.payload, culprit, '/payload') || '/payload/ClientIdentifier',
          message: `${n} targeted device${n === 1 ? '' : 's'} will not receive this policy: ${names.join('; ')}${more}.` +
            (fixes.length ? ` Use a variable they have: see the suggested fix.` : '') }],
        fixes,
      };
    }
    cache = { key, value };
    return value;
  };
}
