// The editor's form state and its translation to and from a policy document (schema_version 1).
// Pure data shaping only: whether a value is acceptable is decided by the wasm core, never here; the payload's
// keys come from the core's tables (core-tables.js).
import { payloadKeyNames, subjectAltNameKeys } from './core-tables.js';

/** Common extended key usages offered by the EKU picker. */
export const COMMON_EKUS = [
  { oid: '1.3.6.1.5.5.7.3.2', label: 'Client authentication' },
  { oid: '1.3.6.1.5.5.7.3.4', label: 'Email protection' },
  { oid: '1.3.6.1.5.5.7.3.1', label: 'Server authentication' },
  { oid: '1.3.6.1.5.5.7.3.3', label: 'Code signing' },
  { oid: '1.3.6.1.4.1.311.20.2.2', label: 'Smart card logon' },
  { oid: '1.3.6.1.5.5.7.3.17', label: 'IPsec IKE' },
  { oid: '1.3.6.1.5.5.7.3.8', label: 'Time stamping' },
];

/** Subject attribute shortcuts, offered as suggestions (dotted OIDs may be typed too). */
export const SUBJECT_SHORTCUTS = [
  { type: 'C', label: 'Country' },
  { type: 'ST', label: 'State or province' },
  { type: 'L', label: 'Locality' },
  { type: 'O', label: 'Organization' },
  { type: 'OU', label: 'Organizational unit' },
  { type: 'CN', label: 'Common name' },
];

const TOP_KEYS = ['schema_version', 'id', 'name', 'notes', 'server_profile', 'payload', 'ca_certificates',
  'targets'];

/** The state of a new policy: the seed's defaults (name "Security ACME"), a per-device identifier. */
export function newPolicyState() {
  return {
    id: null,
    name: 'Security ACME',
    notes: '',
    server_profile: 'generic',
    DirectoryURL: '',
    ClientIdentifier: '{{serial_number}}',
    KeyType: 'ECSECPrimeRandom',
    KeySize: '384',
    HardwareBound: true,
    Attest: false,
    subject: [{ type: 'CN', value: '{{serial_number}}', joinPrevious: false }],
    san: Object.fromEntries(subjectAltNameKeys().map((key) => [key, ''])),
    usage: { signature: true, encryption: false, otherBits: 0 },
    eku: ['1.3.6.1.5.5.7.3.2'],
    KeyIsExtractable: false,
    AllowAllAppsAccess: false,
    ca: [],
    targets: { device_groups: [], devices: [] },
    extraTop: {},
    extraPayload: {},
  };
}

/** Reads a policy document (as stored by the server or opened from a file) into form state. Keys the form
 *  has no field for are carried along unchanged, so the core still sees (and reports) them. */
export function stateFromDocument(doc) {
  const s = newPolicyState();
  const d = doc && typeof doc === 'object' ? doc : {};
  const p = d.payload && typeof d.payload === 'object' ? d.payload : {};
  s.id = typeof d.id === 'string' ? d.id : null;
  s.name = d.name ?? '';
  s.notes = d.notes ?? '';
  s.server_profile = d.server_profile ?? 'generic';
  s.DirectoryURL = p.DirectoryURL ?? '';
  s.ClientIdentifier = p.ClientIdentifier ?? '';
  s.KeyType = p.KeyType ?? '';
  s.KeySize = p.KeySize === undefined ? '' : String(p.KeySize);
  s.HardwareBound = p.HardwareBound === true;
  s.Attest = p.Attest === true;
  s.subject = [];
  if (Array.isArray(p.Subject)) {
    for (const rdn of p.Subject) {
      (Array.isArray(rdn) ? rdn : []).forEach((pair, j) => {
        const [type, value] = Array.isArray(pair) ? pair : ['', ''];
        s.subject.push({ type: String(type ?? ''), value: String(value ?? ''), joinPrevious: j > 0 });
      });
    }
  }
  s.san = { rfc822Name: '', dNSName: '', uniformResourceIdentifier: '', ntPrincipalName: '' };
  if (p.SubjectAltName && typeof p.SubjectAltName === 'object') {
    for (const key of subjectAltNameKeys()) s.san[key] = p.SubjectAltName[key] ?? '';
  }
  const flags = Number.isInteger(p.UsageFlags) ? p.UsageFlags : 0;
  s.usage = { signature: (flags & 1) !== 0, encryption: (flags & 4) !== 0, otherBits: flags & ~5,
    zero: p.UsageFlags === 0 };
  s.eku = Array.isArray(p.ExtendedKeyUsage) ? p.ExtendedKeyUsage.map(String) : [];
  s.KeyIsExtractable = p.KeyIsExtractable === true;
  s.AllowAllAppsAccess = p.AllowAllAppsAccess === true;
  s.ca = Array.isArray(d.ca_certificates) ? d.ca_certificates.map(String) : [];
  const t = d.targets && typeof d.targets === 'object' ? d.targets : {};
  s.targets = {
    device_groups: Array.isArray(t.device_groups) ? [...t.device_groups] : [],
    devices: Array.isArray(t.devices) ? [...t.devices] : [],
  };
  s.extraTop = Object.fromEntries(Object.entries(d).filter(([k]) => !TOP_KEYS.includes(k)));
  s.extraPayload = Object.fromEntries(Object.entries(p).filter(([k]) => !payloadKeyNames().includes(k)));
  return s;
}

/** A typed-in number stays a JSON number when it is one, else the text goes to the core as written, so
 *  its diagnostic (not ours) explains what is wrong. */
function numberOrText(text) {
  const t = String(text).trim();
  if (t === '') return undefined;
  return /^-?\d+$/.test(t) ? Number(t) : t;
}

/**
 * Builds the policy document from form state. Also returns `subjectRows`: for each Subject row, its
 * [rdnIndex, attributeIndex] in the document, so diagnostics at /payload/Subject/i/j map back to rows.
 */
export function documentFromState(s) {
  const payload = {};
  // A blank required text field is left out, so the core reports it as missing ("required"), not as a
  // malformed value.
  if (s.DirectoryURL !== '') payload.DirectoryURL = s.DirectoryURL;
  if (s.ClientIdentifier !== '') payload.ClientIdentifier = s.ClientIdentifier;
  if (s.KeyType !== '') payload.KeyType = s.KeyType;
  const keySize = numberOrText(s.KeySize);
  if (keySize !== undefined) payload.KeySize = keySize;
  payload.HardwareBound = Boolean(s.HardwareBound);
  if (s.Attest) payload.Attest = true;

  const subject = [];
  const subjectRows = [];
  for (const row of s.subject) {
    if (row.joinPrevious && subject.length) {
      subject[subject.length - 1].push([row.type, row.value]);
    } else {
      subject.push([[row.type, row.value]]);
    }
    subjectRows.push([subject.length - 1, subject[subject.length - 1].length - 1]);
  }
  payload.Subject = subject;

  const san = {};
  for (const key of subjectAltNameKeys()) if (s.san[key] !== '') san[key] = s.san[key];
  if (Object.keys(san).length) payload.SubjectAltName = san;

  const flags = (s.usage.signature ? 1 : 0) | (s.usage.encryption ? 4 : 0) | (s.usage.otherBits || 0);
  if (flags !== 0 || s.usage.zero) payload.UsageFlags = flags;
  if (s.eku.length) payload.ExtendedKeyUsage = [...s.eku];
  if (s.KeyIsExtractable) payload.KeyIsExtractable = true;
  if (s.AllowAllAppsAccess) payload.AllowAllAppsAccess = true;
  Object.assign(payload, s.extraPayload);

  const doc = { schema_version: 1 };
  if (s.id) doc.id = s.id;
  doc.name = s.name;
  if (s.notes !== '') doc.notes = s.notes;
  doc.server_profile = s.server_profile;
  doc.payload = payload;
  if (s.ca.length) doc.ca_certificates = [...s.ca];
  doc.targets = { device_groups: [...s.targets.device_groups], devices: [...s.targets.devices] };
  Object.assign(doc, s.extraTop);
  return { document: doc, subjectRows };
}

/**
 * Turns the document's own Subject form, JSON text such as `[ [ ["C","US"] ], [ ["CN","foo"] ] ]` (an array
 * of RDNs, each an array of [type, value] pairs), into Subject rows. Returns null when the text is not JSON
 * of that shape; the values themselves are judged by the core once they are rows.
 */
export function parseJsonSubject(text) {
  let value;
  try {
    value = JSON.parse(String(text).trim());
  } catch {
    return null;
  }
  if (!Array.isArray(value) || !value.length) return null;
  const rows = [];
  for (const rdn of value) {
    if (!Array.isArray(rdn) || !rdn.length) return null;
    for (const [j, pair] of rdn.entries()) {
      if (!Array.isArray(pair) || pair.length !== 2) return null;
      rows.push({ type: String(pair[0] ?? ''), value: String(pair[1] ?? ''), joinPrevious: j > 0 });
    }
  }
  return rows;
}

/** Subject rows from pasted text in either form (OpenSSL slashes or the document's JSON); null if neither. */
export function parseSubjectText(text) {
  return parseSlashSubject(text) || parseJsonSubject(text);
}

/**
 * Turns an OpenSSL-style subject ("/C=US/O=Example Inc./CN=foo", "+" joins attributes of one RDN,
 * "\/" escapes a slash) into Subject rows. Returns null when the text is not in that form.
 */
export function parseSlashSubject(text) {
  const t = String(text).trim();
  if (!t.startsWith('/') || !t.includes('=')) return null;
  const rows = [];
  let field = '';
  let joinNext = false;
  const flush = () => {
    if (field === '') return true;
    const eq = field.indexOf('=');
    if (eq <= 0) return false;
    rows.push({ type: field.slice(0, eq).trim(), value: field.slice(eq + 1), joinPrevious: joinNext });
    field = '';
    return true;
  };
  for (let i = 1; i < t.length; i += 1) {
    const c = t[i];
    if (c === '\\' && i + 1 < t.length) {
      field += t[i + 1];
      i += 1;
    } else if (c === '/' || c === '+') {
      if (!flush()) return null;
      joinNext = c === '+';
    } else {
      field += c;
    }
  }
  if (!flush()) return null;
  return rows.length ? rows : null;
}
