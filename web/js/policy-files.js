// Policy files in and out of the editor: open a policy JSON file or a configuration profile (.mobileconfig,
// read back with the core's plist reader), and download text as a file.
import { h } from './dom.js';
import { looksLikePlist, policyFromProfile } from './profile-import.js';

/** What the editor's file picker accepts. */
export const POLICY_FILE_TYPES = '.json,application/json,.mobileconfig,application/x-apple-aspen-config';

/**
 * Reads `file` (a File) into a policy document. Resolves to {document, note} or {error} (a sentence for the
 * admin). `core` is the loaded wasm package, or null (then profiles cannot be read).
 */
export async function readPolicyFile(file, core) {
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (looksLikePlist(bytes) || /\.mobileconfig$/i.test(file.name)) {
    if (!core) return { error: `${file.name} is a configuration profile; reading it needs the validation engine.` };
    const { document, error } = policyFromProfile(core, bytes);
    if (error) return { error: `${file.name}: ${error}` };
    return { document, note: `Imported the ACME payload of ${file.name} as a new policy.` };
  }
  try {
    return { document: JSON.parse(new TextDecoder().decode(bytes)), note: `Opened ${file.name} as a new policy.` };
  } catch (err) {
    return { error: `${file.name} is neither policy JSON nor a configuration profile: ${err.message}` };
  }
}

/** Offers `text` as a download named `name`. */
export function downloadText(name, text, type) {
  const a = h('a', { href: URL.createObjectURL(new Blob([text], { type })), download: name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 10000);
}
