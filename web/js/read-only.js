// Read-only sessions: a token of scope "read-only" (GET /whoami) sees every page and changes nothing. Every
// control that writes carries `data-write`; while the session is read-only each one is disabled (and stays
// so when a page redraws or re-enables it) and says why. The server refuses such writes anyway (403).
const WHY = 'Read-only token: this session can look but not change anything.';
let observer = null;

function lock(el) {
  if ('disabled' in el && !el.disabled) el.disabled = true;
  if (el.getAttribute('aria-disabled') !== 'true') el.setAttribute('aria-disabled', 'true');
  if (el.title !== WHY) el.title = WHY;
}

function lockAll(root) {
  if (root.matches && root.matches('[data-write]')) lock(root);
  if (root.querySelectorAll) for (const el of root.querySelectorAll('[data-write]')) lock(el);
}

/** Applies the session's scope to the page: "read-only" disables every `[data-write]` control from now on. */
export function applyScope(scope) {
  document.body.dataset.scope = scope || '';
  if (observer) {
    observer.disconnect();
    observer = null;
  }
  if (scope !== 'read-only') return;
  lockAll(document.body);
  observer = new MutationObserver((records) => {
    for (const r of records) {
      if (r.type === 'attributes') {
        if (r.target.matches('[data-write]')) lock(r.target);
      } else {
        for (const n of r.addedNodes) if (n.nodeType === 1) lockAll(n);
      }
    }
  });
  observer.observe(document.body, { subtree: true, childList: true, attributes: true,
    attributeFilter: ['disabled', 'data-write'] });
}

/** Whether the session may write (not read-only). */
export function canWrite() {
  return document.body.dataset.scope !== 'read-only';
}
