// The policy editor: the seed's fields in the seed's order, validated by the wasm core on every change,
// with Device Groups / Devices / Assignment / Preview tabs and saving to the server.
import { h, replaceChildren } from './dom.js';
import { newPolicyState, stateFromDocument, documentFromState } from './policy-model.js';
import { showDiagnostics } from './diagnostics-view.js';
import { settingsForm } from './settings-form.js';
import { tabSet } from './tabs.js';
import { targetPicker } from './targets.js';
import { previewPanel } from './preview.js';
import { assignmentPanel } from './assignment.js';
import { api, ApiError } from './api.js';
import { metrics } from './metrics.js';
import { setChecker } from './set-diagnostics.js';
import { variableChecker } from './variable-check.js';
import { mergeDiagnostics } from './diagnostics-view.js';
import { POLICY_FILE_TYPES, readPolicyFile, downloadText } from './policy-files.js';
import { policyHistory } from './policy-history.js';
import { nowOptions } from './core.js';
import { saveFailure, savedFindings } from './save-outcome.js';

/** Where the editor shows a diagnostic instead of the field its path names: the core puts "Attest needs
 *  Hardware Bound" at HardwareBound (the value it suggests changing), but the admin's action was Attest. */
const SHOWN_AT = { 'attest.requires_hardware_bound': '/payload/Attest' };

/**
 * Mounts an editor into `root`. session: {online, core, coreError, inventory, onSaved(id), confirm(text),
 * openDocument(doc, note)}. policyId: an existing policy to load from the server, or null for a new one;
 * opened: {document, note} to start a new policy from (an opened file), or null.
 */
export async function mountEditor(root, session, policyId, isCurrent = () => true, opened = null) {
  let state = opened ? stateFromDocument(opened.document) : newPolicyState();
  let savedJson = null;
  let savedId = null;
  let savedVersion = null;
  let serverDiags = [];
  let loadError = '';

  if (policyId) {
    try {
      const data = await api.getPolicy(policyId);
      state = stateFromDocument((data && data.document) || data);
      if (!state.id) state.id = policyId;
      savedId = (data && data.id) || policyId;
      savedVersion = data && data.version;
    } catch (err) {
      loadError = err instanceof ApiError ? err.message : String(err);
    }
  }

  // The server's other policies, so the core's set rules (unique names and ids) run while typing.
  let otherDocuments = [];
  if (session.online) {
    try {
      otherDocuments = (await api.listPolicies()).filter((p) => p.id !== savedId && p.document)
        .map((p) => p.document);
    } catch {
      otherDocuments = [];
    }
  }

  // The admin may have navigated elsewhere while the policy loaded: then this editor is not mounted.
  if (!isCurrent()) return null;

  const core = () => session.core;
  const inventory = () => session.inventory;
  const currentDocument = () => documentFromState(state).document;
  if (savedId) savedJson = JSON.stringify(currentDocument());
  // A new policy is unchanged until it differs from the defaults (an opened file is unsaved from the start).
  const initialJson = JSON.stringify(documentFromState(newPolicyState()).document);
  const isDirty = () => JSON.stringify(currentDocument()) !== (savedJson ?? initialJson);

  // ---- header, summary, tabs ---------------------------------------------------------------------------
  const title = h('h1', { id: 'editor-title' });
  // Focus moves here after a save (the Save button is then disabled), so it can hold focus.
  const saveStatus = h('p', { class: 'save-status', id: 'save-status', role: 'status', 'aria-live': 'polite',
    tabindex: '-1' });
  const saveButton = h('button', { type: 'button', class: 'primary', id: 'save-policy', 'data-write': true,
    'aria-describedby': 'save-status', onclick: () => save() }, 'Save');
  const deleteButton = h('button', { type: 'button', class: 'ghost danger-text', id: 'delete-policy', 'data-write': true,
    hidden: !savedId, onclick: () => remove() }, 'Delete');
  const fileInput = h('input', { type: 'file', accept: POLICY_FILE_TYPES, class: 'visually-hidden',
    id: 'open-json-file', tabindex: '-1', onchange: () => openFile() });
  const actions = h('div', { class: 'editor-actions' },
    h('button', { type: 'button', class: 'ghost', id: 'open-json', title: 'A policy JSON file or a .mobileconfig profile',
      onclick: () => fileInput.click() }, 'Open JSON / profile…'),
    fileInput,
    h('button', { type: 'button', class: 'ghost', onclick: () => downloadJson() }, 'Download JSON'),
    deleteButton,
    saveButton);
  const summary = h('div', { class: 'diag-summary', id: 'diag-summary', role: 'region',
    'aria-label': 'Validation summary', tabindex: '-1' });
  // Announces only changes in the counts, not every re-render of the summary on each keystroke.
  const liveCounts = h('p', { class: 'visually-hidden', role: 'status', 'aria-live': 'polite', id: 'diag-live' });

  const { tablist, tabs, panels, activate, active, reveal } = tabSet([
    ['settings', 'Settings'], ['groups', 'Device Groups'], ['devices', 'Devices'],
    ['assignment', 'Assignment'], ['preview', 'Preview'],
  ], 'Policy sections', (key) => {
    if (key === 'preview') preview.render();
    if (key === 'assignment') assignment.render();
    if (key === 'groups') groupsPicker.render();
    if (key === 'devices') devicesPicker.render();
  });

  const settings = settingsForm(state, { changed: (structural) => changed(structural), core });
  replaceChildren(panels.settings, settings.elements);
  const groupsPicker = targetPicker('device_groups', state, inventory, (s) => changed(s));
  const devicesPicker = targetPicker('devices', state, inventory, (s) => changed(s));
  replaceChildren(panels.groups,
    h('p', { class: 'panel-intro' }, 'Select the device groups that get this policy. In groups with several ' +
      'operating systems, only the iOS and iPadOS members receive it (see Assignment).'),
    groupsPicker.element);
  replaceChildren(panels.devices,
    h('p', { class: 'panel-intro' }, 'Select individual devices that get this policy, in addition to the groups.'),
    devicesPicker.element);
  const assignment = assignmentPanel({
    getDocument: currentDocument, getCore: core, getInventory: inventory,
    getSavedId: () => savedId, isDirty, fetchAssignments: (id) => api.assignments(id),
  });
  replaceChildren(panels.assignment, assignment.element);
  const preview = previewPanel(currentDocument, core, inventory);
  replaceChildren(panels.preview, preview.element);

  const banner = [];
  if (loadError) banner.push(h('p', { class: 'msg msg-error', role: 'alert' }, `Could not load the policy: ${loadError}`));
  if (!session.core) {
    banner.push(h('p', { class: 'msg msg-error', role: 'alert' }, session.coreError ||
      'The validation engine is not loaded.'));
  }

  const crumbHere = h('span', { id: 'crumb-here', 'aria-current': 'page' });
  const variableFix = h('div', { class: 'fix-box', id: 'variable-fix', role: 'region',
    'aria-label': 'Suggested fix', hidden: true });
  replaceChildren(root,
    h('div', { class: 'editor-head' },
      h('div', { class: 'editor-title' },
        h('nav', { class: 'crumbs', 'aria-label': 'Breadcrumb' }, h('a', { href: '#/policies' }, 'Policies'), ' / ',
          crumbHere),
        title,
        h('p', { class: 'subtitle' }, 'Security ACME · iOS and iPadOS 16 or later',
          h('span', { class: 'version', id: 'saved-version' }))),
      h('div', { class: 'editor-side' }, actions, saveStatus)),
    banner,
    liveCounts,
    summary,
    variableFix,
    tablist,
    Object.values(panels));
  // Versions of a saved policy, their diff against the current one, and restore (which reloads the editor).
  const versionHistory = policyHistory({ session, isDirty: () => isDirty(), onRestored: (stored, from) => {
    session.flash = `Restored version ${from} as version ${stored.version}.`;
    window.dispatchEvent(new HashChangeEvent('hashchange'));
  } });
  root.append(versionHistory.element);
  versionHistory.refresh(savedId);

  // ---- validation loop ---------------------------------------------------------------------------------
  let lastCounts = { errors: 0, warnings: 0, infos: 0 };
  function renderLists() {
    settings.renderLists(documentFromState(state).subjectRows);
    if (active() === 'groups') groupsPicker.render();
    if (active() === 'devices') devicesPicker.render();
  }

  const setDiagnostics = setChecker(session.core, otherDocuments);
  const variableCheck = variableChecker(core, inventory);

  /** The suggested replacements of a variable that leaves targeted devices out (the core confirmed each). */
  function renderFixes(fixes) {
    variableFix.hidden = !fixes.length;
    replaceChildren(variableFix, fixes.length ? [
      h('p', { class: 'fix-title' }, 'Suggested fix: use a variable every targeted device has'),
      h('div', { class: 'fix-actions' }, fixes.map((f) => h('button', { type: 'button', class: 'small',
        dataset: { from: f.from, to: f.to }, onclick: () => applyVariableFix(f.from, f.to) },
      `Replace {{${f.from}}} with {{${f.to}}}`,
      h('span', { class: 'fix-note' }, f.left ? ` (${f.left} still left out)` : ' (all of them then receive it)')))),
    ] : []);
  }

  function applyVariableFix(from, to) {
    settings.replaceVariable(from, to);
    changed(true);
    saveMessage = `Replaced {{${from}}} with {{${to}}}.`;
    updateSaveState();
    settings.focusClientIdentifier();
  }

  function validate() {
    const doc = currentDocument();
    let diagnostics = [];
    if (session.core) {
      try {
        const result = session.core.validate(doc, nowOptions());
        diagnostics = Array.isArray(result.diagnostics) ? result.diagnostics : [];
        diagnostics = diagnostics.concat(setDiagnostics(doc));
        const found = variableCheck(doc);
        diagnostics = diagnostics.concat(found.diagnostics);
        renderFixes(found.fixes);
      } catch (err) {
        diagnostics = [{ severity: 'error', code: 'portal.engine_failed', path: '',
          message: `The validation engine failed: ${err.message}` }];
      }
    } else {
      diagnostics = [{ severity: 'error', code: 'portal.engine_missing', path: '',
        message: 'The validation engine is not loaded, so this policy cannot be checked or saved.' }];
    }
    // The server re-runs the same core on save: what it repeats is shown once.
    const shown = mergeDiagnostics([...diagnostics, ...serverDiags])
      .map((d) => (SHOWN_AT[d.code] ? { ...d, path: SHOWN_AT[d.code] } : d));
    const counts = showDiagnostics(root, summary, shown, reveal);
    if (counts.errors !== lastCounts.errors || counts.warnings !== lastCounts.warnings || !liveCounts.textContent) {
      liveCounts.textContent = counts.errors || counts.warnings
        ? `${counts.errors} error${counts.errors === 1 ? '' : 's'}, ${counts.warnings} warning${counts.warnings === 1 ? '' : 's'}.`
        : 'No errors.';
    }
    lastCounts = counts;
    settings.updateSectionCounts();
    tabs.groups.querySelector('.tab-count').textContent =
      state.targets.device_groups.length ? ` (${state.targets.device_groups.length})` : '';
    tabs.devices.querySelector('.tab-count').textContent =
      state.targets.devices.length ? ` (${state.targets.devices.length})` : '';
    updateSaveState();
  }

  function updateSaveState() {
    title.textContent = state.name.trim() || 'Untitled policy';
    crumbHere.textContent = savedId ? 'Edit policy' : 'New policy';
    document.title = `${title.textContent} · acmepolicy`;
    let reason = '';
    if (!session.online) reason = 'Saving needs the acmepolicy server; download the JSON or the profile instead.';
    else if (!session.core) reason = 'Saving needs the validation engine.';
    else if (lastCounts.errors) {
      reason = `Fix ${lastCounts.errors} error${lastCounts.errors > 1 ? 's' : ''} to save.`;
    } else if (savedId && !isDirty()) reason = 'All changes saved.';
    saveButton.disabled = Boolean(reason) || saving;
    if (!saving && !saveMessage) saveStatus.textContent = reason || (savedId ? 'Unsaved changes.' : 'Ready to save.');
    if (saveMessage) saveStatus.textContent = saveMessage;
    deleteButton.hidden = !savedId;
    const v = root.querySelector('#saved-version');
    if (v) v.textContent = savedVersion ? ` · saved version ${savedVersion}` : '';
  }

  function changed(structural) {
    const started = performance.now();
    serverDiags = [];
    saveMessage = '';
    if (structural) renderLists();
    validate();
    metrics.validation.push(performance.now() - started);
    if (metrics.validation.length > 5000) metrics.validation.splice(0, 1000);
    if (active() === 'preview') schedule(preview.render);
    if (active() === 'assignment') schedule(assignment.render);
  }

  // Preview and assignment are heavier than validation and not needed on every keystroke: coalesce them.
  const pending = new Set();
  function schedule(fn) {
    if (pending.has(fn)) return;
    pending.add(fn);
    setTimeout(() => { pending.delete(fn); fn(); }, 150);
  }

  // ---- save, delete, files -----------------------------------------------------------------------------
  let saving = false;
  let saveMessage = '';
  async function save() {
    if (saveButton.disabled) return;
    saving = true;
    saveMessage = 'Saving…';
    updateSaveState();
    const doc = currentDocument();
    try {
      const result = savedId ? await api.updatePolicy(savedId, doc) : await api.createPolicy(doc);
      const stored = (result && result.document) || doc;
      const fresh = stateFromDocument(stored);
      if (!fresh.id && result && result.id) fresh.id = result.id;
      Object.assign(state, fresh);
      savedId = (result && result.id) || fresh.id || savedId;
      savedVersion = result && result.version;
      savedJson = JSON.stringify(currentDocument());
      serverDiags = savedFindings(result);
      saveMessage = `Saved${savedVersion ? ` (version ${savedVersion})` : ''}.`;
      saving = false;
      validate();
      session.onSaved(savedId);
      versionHistory.refresh(savedId);
      // Save is disabled now (nothing to save): keep focus on the page, on the sentence that says what happened.
      saveStatus.focus();
      if (active() === 'assignment') assignment.render();
    } catch (err) {
      saving = false;
      const failure = saveFailure(err, doc);
      serverDiags = failure.diagnostics;
      saveMessage = failure.message;
      if (failure.signIn) session.requireToken(saveMessage);
      validate();
      summary.focus();
    }
  }

  async function remove() {
    if (!savedId) return;
    const ok = await session.confirm(`Delete “${state.name}”? Devices that have its profile get it removed.`);
    if (!ok) return;
    try {
      await api.deletePolicy(savedId);
      savedJson = JSON.stringify(currentDocument());
      location.hash = '#/policies';
    } catch (err) {
      saveMessage = `Not deleted: ${err.message}`;
      updateSaveState();
    }
  }

  function downloadJson() {
    const doc = currentDocument();
    downloadText(`${(doc.id || doc.name || 'policy').toLowerCase().replace(/[^a-z0-9]+/g, '-')}.json`,
      `${JSON.stringify(doc, null, 2)}\n`, 'application/json');
  }

  /** Opens a file always as a new, unsaved policy; asks first when that would drop this one's edits or
   *  leave a saved policy (which stays as it is on the server). */
  async function openFile() {
    const file = fileInput.files[0];
    fileInput.value = '';
    if (!file) return;
    const result = await readPolicyFile(file, session.core);
    if (result.error) {
      saveMessage = result.error;
      updateSaveState();
      return;
    }
    if (savedId || isDirty()) {
      const what = isDirty() ? 'Your unsaved changes to this policy are lost.'
        : `“${state.name}” stays on the server as it is.`;
      const ok = await session.confirm(`Open ${file.name} as a new, unsaved policy? ${what}`,
        { title: 'Open as a new policy?', action: 'Open as new policy' });
      if (!ok) return;
    }
    session.openDocument(result.document, result.note);
  }

  if (opened && opened.note) saveMessage = opened.note;
  if (session.flash) {
    saveMessage = session.flash;
    session.flash = null;
  }
  renderLists();
  activate('settings', false);
  validate();
  return {
    isDirty,
    refreshInventory: () => { renderLists(); if (active() === 'assignment') assignment.render(); },
  };
}
