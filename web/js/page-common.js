// What the fleet pages share: the "needs the server" notice, the load-failure notice, small formatters.
import { h, replaceChildren } from './dom.js';

/** Fills `root` with a notice that `what` needs the server (static mode or offline). */
export function needsServer(root, what) {
  replaceChildren(root, h('div', { class: 'empty-card' }, h('h1', { id: 'page-title' }, what),
    h('p', {}, `${what} needs the acmepolicy server and a signed-in admin: start it with `,
      h('code', {}, 'acmepolicy serve'), ' and open the portal from it.'),
    h('p', {}, 'Without it you can still create a policy, validate it as you type, preview the profile and ' +
      'download it: ', h('a', { href: '#/policy/new' }, 'New policy'), '.')));
}

/** Fills `root` with why `what` could not be loaded; asks for the token again on 401. */
export function loadFailed(root, session, what, err) {
  if (err && err.status === 401) session.requireToken('The server did not accept the admin token.');
  replaceChildren(root, h('p', { class: 'msg msg-error', role: 'alert', id: 'page-title' },
    `Could not load ${what}: ${err ? err.message : 'unknown error'}`));
}

/** A status pill: the word is always written, the colour only repeats it. */
export function statusPill(status, label = status) {
  return h('span', { class: `status status-${status}` }, label);
}
