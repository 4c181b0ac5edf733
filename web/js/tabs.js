// The editor's tabs (WAI-ARIA tabs: arrow keys, Home and End move between them; one panel shows).
import { h } from './dom.js';

/**
 * Builds tabs for `defs` ([[key, label]]), named `label`. onShow(key) runs when a tab is shown. Returns
 * {tablist, tabs, panels, activate(key, focus), active(), reveal(el)}: reveal shows the panel holding `el`
 * (and opens its <details>) so it can be focused.
 */
export function tabSet(defs, label, onShow) {
  const tabs = {};
  const panels = {};
  const tablist = h('div', { class: 'tabs', role: 'tablist', 'aria-label': label });
  for (const [key, text] of defs) {
    const tabId = `tab-${key}`;
    const panelId = `panel-${key}`;
    tabs[key] = h('button', { type: 'button', role: 'tab', id: tabId, 'aria-controls': panelId,
      'aria-selected': 'false', tabindex: '-1', onclick: () => activate(key, true) }, text,
    h('span', { class: 'tab-count', id: `${tabId}-count` }));
    panels[key] = h('div', { role: 'tabpanel', id: panelId, 'aria-labelledby': tabId, class: 'panel', hidden: true,
      tabindex: '0' });
    tablist.append(tabs[key]);
  }
  tablist.addEventListener('keydown', (event) => {
    const keys = defs.map(([k]) => k);
    const at = keys.findIndex((k) => tabs[k] === document.activeElement);
    if (at < 0) return;
    let to = null;
    if (event.key === 'ArrowRight') to = (at + 1) % keys.length;
    if (event.key === 'ArrowLeft') to = (at - 1 + keys.length) % keys.length;
    if (event.key === 'Home') to = 0;
    if (event.key === 'End') to = keys.length - 1;
    if (to !== null) {
      event.preventDefault();
      activate(keys[to], true);
    }
  });
  let activeTab = defs[0][0];
  function activate(key, focus) {
    activeTab = key;
    for (const [k] of defs) {
      const on = k === key;
      tabs[k].setAttribute('aria-selected', String(on));
      tabs[k].tabIndex = on ? 0 : -1;
      panels[k].hidden = !on;
    }
    if (focus) tabs[key].focus();
    onShow(key);
  }
  function reveal(el) {
    const panel = el.closest('[role="tabpanel"]');
    if (panel) {
      const key = Object.keys(panels).find((k) => panels[k] === panel);
      if (key && key !== activeTab) activate(key, false);
    }
    const details = el.closest('details');
    if (details) details.open = true;
  }
  return { tablist, tabs, panels, activate, active: () => activeTab, reveal };
}
