// Reads a configuration profile (.mobileconfig) back into a policy document: the core's plist reader
// (parsePlist, the same one the server uses) parses it; this module only picks the ACME payload's keys and
// the CA certificates out of the parsed value. Whether the result is a valid policy is the core's call.

const ACME_TYPE = 'com.apple.security.acme';
const CA_TYPES = ['com.apple.security.root', 'com.apple.security.pkcs1', 'com.apple.security.pem'];

/** Whether a file looks like a property list rather than JSON (by its first non-blank characters). */
export function looksLikePlist(bytes) {
  const head = new TextDecoder('latin1').decode(bytes.subarray(0, 512)).trimStart();
  return head.startsWith('<?xml') || head.startsWith('<plist') || head.startsWith('<!DOCTYPE') ||
    (bytes[0] === 0x30 && head.includes('<?xml'));
}

/** A signed profile (CMS, DER) carries its XML unchanged inside: return that part, else the bytes as given. */
function plistBytes(bytes) {
  if (bytes[0] !== 0x30) return bytes;
  const text = new TextDecoder('latin1').decode(bytes);
  const start = text.indexOf('<?xml');
  const end = text.indexOf('</plist>', start);
  return start >= 0 && end > start ? bytes.subarray(start, end + '</plist>'.length) : bytes;
}

/** A certificate payload's data (base64 of DER, or of PEM text for .pem payloads) as PEM. */
function pemOf(base64) {
  const body = String(base64).replace(/\s+/g, '');
  let text = '';
  try {
    text = atob(body);
  } catch {
    text = '';
  }
  if (text.startsWith('-----BEGIN')) return text;
  return `-----BEGIN CERTIFICATE-----\n${(body.match(/.{1,64}/g) || []).join('\n')}\n-----END CERTIFICATE-----\n`;
}

/**
 * Returns {document} (a policy document: name from PayloadDisplayName, payload = the ACME payload's keys
 * without the Payload* bookkeeping, ca_certificates from root/PEM payloads) or {error} (a sentence) when
 * the file is not a profile with an ACME payload. `core` is the loaded wasm package.
 */
export function policyFromProfile(core, bytes) {
  const parsed = core.parsePlist(plistBytes(bytes));
  if (parsed.status !== 'ok' || parsed.value === undefined) {
    const why = (parsed.diagnostics || []).map((d) => d.message).join(' ') || 'it is not a property list';
    return { error: `This file could not be read as a configuration profile: ${why}` };
  }
  const top = parsed.value;
  const content = top && Array.isArray(top.PayloadContent) ? top.PayloadContent : [];
  const acme = content.find((p) => p && p.PayloadType === ACME_TYPE)
    || (top && top.PayloadType === ACME_TYPE ? top : null);
  if (!acme) {
    return { error: `This profile has no ACME payload (PayloadType ${ACME_TYPE}), so there is no policy to import.` };
  }
  const payload = Object.fromEntries(Object.entries(acme).filter(([k]) => !k.startsWith('Payload')));
  const document = { schema_version: 1, name: String(top.PayloadDisplayName || acme.PayloadDisplayName || 'Imported ACME') };
  if (typeof top.PayloadDescription === 'string' && top.PayloadDescription) document.notes = top.PayloadDescription;
  document.payload = payload;
  const cas = content.filter((p) => p && CA_TYPES.includes(p.PayloadType) && typeof p.PayloadContent === 'string')
    .map((p) => pemOf(p.PayloadContent));
  if (cas.length) document.ca_certificates = cas;
  return { document };
}
