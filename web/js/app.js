// The portal's entry point: loads the wasm core, finds the server (or works as static files without it),
// asks for the admin token, and routes between the policy list and the editor.
import { loadCore } from './core.js';
import { api, health, getToken, setToken, ApiError } from './api.js';
import { mountPolicyList } from './policy-list.js';
import { mountEditor } from './editor.js';

const $ = (id) => document.getElementById(id);

const session = {
  online: false,
  version: '',
  core: null,
  coreError: '',
  inventory: null,
  editor: null,
  confirm,
  requireToken,
  onSaved(id) {
    const target = `#/policy/${encodeURIComponent(id)}`;
    // replaceState fires no hashchange: the editor stays mounted and keeps its state.
    if (location.hash !== target) history.replaceState(null, '', target);
    currentHash = target;
  },
};

function setConnection(kind, text) {
  const el = $('connection');
  el.dataset.state = kind;
  $('connection-text').textContent = text;
}

function showBanner(text) {
  const el = $('banner');
  el.textContent = text;
  el.hidden = !text;
}

/** A modal confirmation; resolves true when the admin confirms. Defaults fit deleting a policy. */
function confirm(text, { title = 'Delete policy?', action = 'Delete' } = {}) {
  const dialog = $('confirm-dialog');
  $('confirm-title').textContent = title;
  $('confirm-ok').textContent = action;
  $('confirm-text').textContent = text;
  return new Promise((resolve) => {
    dialog.addEventListener('close', () => resolve(dialog.returnValue === 'confirm'), { once: true });
    dialog.returnValue = '';
    dialog.showModal();
  });
}

let tokenWaiter = null;
/** Shows the token form; resolves once a token the server accepts is entered (or offline is chosen). */
function requireToken(message) {
  $('token-panel').hidden = false;
  $('token-error').textContent = message || '';
  $('token-input').focus();
  if (!tokenWaiter) {
    tokenWaiter = new Promise((resolve) => {
      $('token-form').onsubmit = async (event) => {
        event.preventDefault();
        setToken($('token-input').value.trim());
        try {
          await api.listGroups();
          $('token-panel').hidden = true;
          $('token-input').value = '';
          tokenWaiter = null;
          resolve(true);
        } catch (err) {
          setToken('');
          $('token-error').textContent = err.status === 401
            ? 'The server rejected this token. Copy it again from acmepolicy.token (no spaces or line breaks).'
            : err.message;
        }
      };
      $('token-skip').onclick = () => {
        $('token-panel').hidden = true;
        tokenWaiter = null;
        session.online = false;
        setConnection('offline', 'Offline: validate, preview, download');
        showBanner('Working offline: validation, preview and download work here; saving and assignments need ' +
          'the server.');
        resolve(false);
      };
    });
  }
  return tokenWaiter;
}

async function loadInventory() {
  try {
    const [devices, groups] = await Promise.all([api.listDevices(), api.listGroups()]);
    session.inventory = { devices, groups };
  } catch (err) {
    session.inventory = null;
    if (err instanceof ApiError && err.status === 401) throw err;
    showBanner(`The device inventory could not be loaded: ${err.message}`);
  }
}

async function connect() {
  try {
    const h = await health();
    session.version = h.version || '';
  } catch {
    session.online = false;
    setConnection('offline', 'No server: static mode');
    showBanner('No acmepolicy server answered, so this is static mode: validation, preview and download work; ' +
      'saving and assignments need the server (acmepolicy serve).');
    return;
  }
  session.online = true;
  setConnection('pending', 'Sign-in needed');
  for (;;) {
    if (!getToken()) {
      const ok = await requireToken('');
      if (!ok) return;
    }
    try {
      await loadInventory();
      break;
    } catch (err) {
      setToken('');
      const ok = await requireToken('The server did not accept the saved token: paste it again.');
      if (!ok) return;
    }
  }
  setConnection('online', `Connected · acmepolicy ${session.version}`);
  showBanner('');
}

let currentHash = null;
async function route() {
  // Leaving an editor with unsaved edits asks first; staying puts the address back.
  if (session.editor && session.editor.isDirty() && location.hash !== currentHash) {
    const leave = await confirm('Your changes to this policy are not saved. Leave the editor and lose them?',
      { title: 'Discard unsaved changes?', action: 'Discard changes' });
    if (!leave) {
      history.replaceState(null, '', currentHash);
      return;
    }
  }
  currentHash = location.hash;
  const hash = location.hash || '#/policies';
  const list = $('view-list');
  const editor = $('view-editor');
  const m = /^#\/policy\/(.+)$/.exec(hash);
  for (const a of document.querySelectorAll('.topnav a')) a.removeAttribute('aria-current');
  if (m) {
    list.hidden = true;
    editor.hidden = false;
    // Never leave the previous policy's fields on screen while the next one loads.
    editor.replaceChildren(Object.assign(document.createElement('p'), { className: 'empty', textContent: 'Loading…' }));
    session.editor = null;
    const id = decodeURIComponent(m[1]);
    $(id === 'new' ? 'nav-new' : 'nav-policies').setAttribute('aria-current', 'page');
    const mounted = await mountEditor(editor, session, id === 'new' ? null : id, () => location.hash === hash);
    if (mounted) session.editor = mounted;
  } else {
    editor.hidden = true;
    list.hidden = false;
    session.editor = null;
    $('nav-policies').setAttribute('aria-current', 'page');
    await mountPolicyList(list, session);
  }
  document.body.dataset.ready = 'true';
}

async function start() {
  setConnection('pending', 'Connecting…');
  const corePromise = loadCore().then((core) => { session.core = core; })
    .catch((err) => { session.coreError = err.message; });
  await Promise.all([corePromise, connect()]);
  if (session.coreError) {
    const current = $('banner').hidden ? '' : $('banner').textContent;
    showBanner([session.coreError, current].filter(Boolean).join(' '));
  }
  window.addEventListener('hashchange', route);
  window.addEventListener('beforeunload', (event) => {
    if (session.editor && session.editor.isDirty()) event.preventDefault();
  });
  await route();
}

start();
