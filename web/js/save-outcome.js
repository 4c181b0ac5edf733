// What the editor says after a save: the server's findings to show beside the fields and the sentence under
// the Save button. Pure functions of the server's answer, so the wording is tested without a browser.
import { ApiError } from './api.js';

/** The findings a successful save came back with (warnings and notes: an error would have refused it). */
export function savedFindings(result) {
  return result && Array.isArray(result.diagnostics) ? result.diagnostics.filter((d) => d.severity !== 'error') : [];
}

/**
 * What to show when a save failed. err: what api.createPolicy / api.updatePolicy threw; doc: the document
 * that was sent. Returns {diagnostics, message, signIn}: diagnostics to show beside the fields, the sentence
 * for the save status, and whether the admin token was refused (the session must ask for it again).
 */
export function saveFailure(err, doc) {
  if (err instanceof ApiError && err.status === 422) {
    return {
      diagnostics: err.diagnostics.map((d) => ({ ...d, message: `${d.message} (server)` })),
      message: 'The server rejected the policy: see the problems listed above.',
      signIn: false,
    };
  }
  if (err instanceof ApiError && err.status === 409) {
    // The form has no id field: a new policy's id is derived from its name, so both clashes are fixed by
    // renaming.
    const derived = err.code === 'policy.id_conflict' && !doc.id;
    return {
      diagnostics: [{ severity: 'error', code: err.code, path: '/name',
        message: derived ? `${err.message} The id is derived from the name: rename the policy.` : err.message }],
      message: err.message,
      signIn: false,
    };
  }
  if (err instanceof ApiError && err.status === 401) {
    return { diagnostics: [], message: 'The server did not accept the admin token: sign in again.', signIn: true };
  }
  return { diagnostics: [], message: `Not saved: ${err.message}`, signIn: false };
}
