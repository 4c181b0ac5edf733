// The device page's command history: every MDM command the outbox sent or will send to the device (type,
// CommandUUID, attempts, the MDM's answer, the device's answer with its ErrorChain, times), newest first,
// with Retry where the server allows one (a dead or MDM-refused command, or a refused install).
import { h } from './dom.js';
import { api } from './api.js';
import { statusPill } from './page-common.js';

/** The device's ErrorChain (or the MDM's refusal) in one line. */
export function errorChainText(answer) {
  if (!answer) return '';
  const chain = Array.isArray(answer.error_chain) ? answer.error_chain.map((c) => [c.ErrorDomain, c.ErrorCode,
    c.LocalizedDescription || c.USEnglishDescription].filter((x) => x !== undefined && x !== '').join(' ')) : [];
  return [answer.status, answer.mdm, ...chain].filter(Boolean).join(' · ');
}

function mdmText(m) {
  if (!m) return '—';
  return [m.http_status ? `HTTP ${m.http_status}` : 'no answer', m.detail || m.body].filter(Boolean).join(': ');
}

const RETRYABLE = new Set(['dead', 'failed', 'error']);

/**
 * The history section of device `id`. `onRetried(message)` runs after a retry was queued (the page
 * redraws). Resolves to the <section>; a failed load says so in it.
 */
export async function commandHistory(id, onRetried) {
  const section = h('section', { class: 'card', 'aria-labelledby': 'commands-title', id: 'device-commands' },
    h('h2', { id: 'commands-title' }, 'Command history'));
  let commands;
  try {
    commands = (await api.commands({ device: id, limit: '100' })).commands || [];
  } catch (err) {
    section.append(h('p', { class: 'msg msg-error' }, `The command history could not be loaded: ${err.message}`));
    return section;
  }
  if (!commands.length) {
    section.append(h('p', { class: 'empty' }, 'No command was sent to this device yet.'));
    return section;
  }
  const note = h('p', { class: 'save-status', role: 'status', 'aria-live': 'polite', id: 'commands-status' });
  section.append(note, h('div', { class: 'table-wrap' }, h('table', { class: 'data', id: 'commands-table' },
    h('thead', {}, h('tr', {}, ['Command', 'CommandUUID', 'Policy', 'Status', 'Attempts', 'MDM answer',
      'Device answer', 'Created', 'Updated', ''].map((t) => h('th', { scope: 'col' },
      t || h('span', { class: 'visually-hidden' }, 'Actions'))))),
    h('tbody', {}, commands.map((c) => h('tr', { dataset: { command: c.command_uuid } },
      h('th', { scope: 'row' }, c.request_type),
      h('td', {}, h('code', {}, c.command_uuid)),
      h('td', {}, c.policy ? h('a', { href: `#/policy/${encodeURIComponent(c.policy)}` }, c.policy) : '—'),
      h('td', {}, statusPill(c.status === 'acknowledged' ? 'installed' : RETRYABLE.has(c.status) ? 'failed' : 'pending',
        c.status)),
      h('td', { class: 'num' }, String(c.attempts ?? 0)),
      h('td', { class: 'mdm-answer' }, mdmText(c.last_mdm_answer)),
      h('td', { class: 'device-answer' }, errorChainText(c.last_device_answer) || '—'),
      h('td', {}, c.created_at || ''), h('td', {}, c.updated_at || ''),
      h('td', { class: 'actions' }, RETRYABLE.has(c.status) ? h('button', { type: 'button', class: 'small',
        'data-write': true, dataset: { retry: c.command_uuid }, 'aria-label': `Retry ${c.request_type} ${c.command_uuid}`,
        onclick: async () => {
          try {
            const r = await api.retryCommand(c.command_uuid);
            await onRetried(`Retry queued${r && r.command_uuid ? ` as ${r.command_uuid}` : ''}.`);
          } catch (err) {
            note.textContent = `Not retried: ${err.message}`;
          }
        } }, 'Retry') : null)))))));
  return section;
}
