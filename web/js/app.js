// The portal's entry point: loads the wasm core, finds the server (or works as static files without it),
// asks for the admin token (sign in / sign out), and routes between the pages.
import { loadCore } from './core.js';
import { api, health, getToken, setToken, ApiError } from './api.js';
import { mountPolicyList } from './policy-list.js';
import { mountEditor } from './editor.js';
import { pageFor } from './routes.js';
import { applyScope } from './read-only.js';

const $ = (id) => document.getElementById(id);

const session = {
  online: false,
  version: '',
  core: null,
  coreError: '',
  inventory: null,
  // Settles once the inventory loaded at sign-in is in (or failed): every page but the device list (which
  // pages on the server) waits for it.
  inventoryReady: Promise.resolve(),
  // Settles once the wasm core is loaded (or failed); the same pages wait for it.
  coreReady: Promise.resolve(),
  editor: null,
  confirm,
  requireToken,
  reloadInventory: () => loadInventory(),
  opened: null,
  /** Starts a new, unsaved policy from `document` (an opened file); the caller has asked about edits. */
  openDocument(document, note) {
    session.opened = { document, note };
    session.editor = null;
    if (location.hash === '#/policy/new') route();
    else location.hash = '#/policy/new';
  },
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
  $('sign-out').hidden = kind !== 'online';
  document.body.dataset.session = kind;
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
          $('main').hidden = false;
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
        $('main').hidden = false;
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
    session.inventoryAt = Date.now();
  } catch (err) {
    session.inventory = null;
    if (err instanceof ApiError && err.status === 401) throw err;
    showBanner(`The device inventory could not be loaded: ${err.message}`);
  }
}

async function connect(signedOutMessage = '') {
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
  setConnection('pending', signedOutMessage ? 'Signed out' : 'Sign-in needed');
  let me = null;
  for (;;) {
    if (!getToken()) {
      const ok = await requireToken(signedOutMessage);
      if (!ok) return;
    }
    try {
      // Who the token is; this checks it too. The inventory then loads beside the first page (older
      // servers have no /whoami: the inventory checks the token there, and their tokens are the admin's).
      me = await api.whoami().catch((err) => { if (err.status === 404) return null; throw err; });
      if (me) {
        // Opening on the device list: its first page goes first, then the whole inventory (or after 3 s).
        const first = /^#\/devices(\?|$)/.test(location.hash)
          ? new Promise((resolve) => {
            window.addEventListener('acmepolicy:first-rows', resolve, { once: true });
            setTimeout(resolve, 3000);
          }) : Promise.resolve();
        session.inventoryReady = first.then(() => loadInventory()).catch(() => {});
      } else {
        await loadInventory();
        me = { name: '', scope: 'admin' };
      }
      break;
    } catch (err) {
      setToken('');
      const ok = await requireToken('The server did not accept the saved token: paste it again.');
      if (!ok) return;
    }
  }
  session.scope = me.scope || 'admin';
  session.tokenName = me.name || '';
  applyScope(session.scope);
  const who = session.scope === 'read-only' ? `read-only token${me.name ? ` “${me.name}”` : ''}`
    : me.name && me.name !== 'admin token file' ? `admin token “${me.name}”` : 'admin token';
  setConnection('online', `Signed in (${who}) · acmepolicy ${session.version}`);
  showBanner('');
}

/** Signs out: forgets the token (asking first when an editor has unsaved edits), hides every page and
 *  asks for a token again. */
async function signOut() {
  if (session.editor && session.editor.isDirty()) {
    const ok = await confirm('Your changes to this policy are not saved. Sign out and lose them?',
      { title: 'Discard unsaved changes?', action: 'Sign out' });
    if (!ok) return;
  }
  setToken('');
  session.inventory = null;
  session.editor = null;
  applyScope('');
  for (const id of ['view-list', 'view-editor', 'view-page']) clearView($(id));
  $('main').hidden = true;
  setConnection('signed-out', 'Signed out');
  showBanner('');
  await connect('You are signed out. Paste the admin token to sign in again.');
  await route();
}

function clearView(el) {
  el.textContent = '';
  el.hidden = true;
}

let currentHash = null;
let routeTurn = 0;
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
  routeTurn += 1;
  const hash = location.hash || '#/dashboard';
  const list = $('view-list');
  const editor = $('view-editor');
  const page = $('view-page');
  const m = /^#\/policy\/(.+)$/.exec(hash);
  for (const a of document.querySelectorAll('.topnav a')) a.removeAttribute('aria-current');
  const other = pageFor(hash);
  list.hidden = true;
  editor.hidden = true;
  page.hidden = true;
  session.editor = null;
  if (m) {
    await Promise.all([session.inventoryReady, session.coreReady]);
    editor.hidden = false;
    // Never leave the previous policy's fields on screen while the next one loads.
    editor.replaceChildren(Object.assign(document.createElement('p'), { className: 'empty', textContent: 'Loading…' }));
    const id = decodeURIComponent(m[1]);
    $(id === 'new' ? 'nav-new' : 'nav-policies').setAttribute('aria-current', 'page');
    const opened = id === 'new' ? session.opened : null;
    session.opened = null;
    const mounted = await mountEditor(editor, session, id === 'new' ? null : id, () => location.hash === hash, opened);
    if (mounted) session.editor = mounted;
  } else if (other) {
    page.hidden = false;
    page.replaceChildren(Object.assign(document.createElement('p'), { className: 'empty', textContent: 'Loading…' }));
    // Only the device list needs neither the core nor the whole inventory: it opens without waiting.
    if (other.nav !== 'nav-devices' || !hash.startsWith('#/devices')) {
      await Promise.all([session.inventoryReady, session.coreReady]);
    }
    $(other.nav).setAttribute('aria-current', 'page');
    // The devices page rewrites its query in the address (no hashchange): "current" is this route's turn.
    const turn = routeTurn;
    await other.mount(page, session, () => turn === routeTurn);
  } else {
    await Promise.all([session.inventoryReady, session.coreReady]);
    list.hidden = false;
    $('nav-policies').setAttribute('aria-current', 'page');
    await mountPolicyList(list, session);
  }
  document.body.dataset.ready = 'true';
}

async function start() {
  setConnection('pending', 'Connecting…');
  const corePromise = loadCore().then((core) => { session.core = core; })
    .catch((err) => { session.coreError = err.message; });
  session.coreReady = corePromise;
  await connect();
  corePromise.then(() => {
    if (!session.coreError) return;
    const current = $('banner').hidden ? '' : $('banner').textContent;
    showBanner([session.coreError, current].filter(Boolean).join(' '));
  });
  window.addEventListener('hashchange', route);
  $('sign-out').addEventListener('click', () => signOut());
  window.addEventListener('beforeunload', (event) => {
    if (session.editor && session.editor.isDirty()) event.preventDefault();
  });
  await route();
}

start();
