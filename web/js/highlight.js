// Syntax highlighting for the preview (XML property lists and JSON), built from text nodes only.
import { h } from './dom.js';

const VALUE_CLASS = { key: 'tok-key', string: 'tok-string', integer: 'tok-number', real: 'tok-number',
  data: 'tok-data', date: 'tok-string' };

/** Returns a <code> element with the XML text split into tag / key / value spans. */
export function highlightXml(text) {
  const code = h('code', { class: 'lang-xml' });
  const re = /(<[^>]*>)|([^<]+)/g;
  let lastTag = '';
  let m;
  while ((m = re.exec(text)) !== null) {
    if (m[1]) {
      const tag = m[1];
      const cls = tag.startsWith('<?') || tag.startsWith('<!') ? 'tok-meta' : 'tok-tag';
      code.append(h('span', { class: cls }, tag));
      const name = /^<\/?\s*([A-Za-z]+)/.exec(tag);
      lastTag = name && !tag.startsWith('</') ? name[1] : '';
      if (/^<(true|false)\s*\/>$/.test(tag)) code.lastChild.className = 'tok-bool';
    } else {
      const cls = VALUE_CLASS[lastTag];
      code.append(cls && m[2].trim() ? h('span', { class: cls }, m[2]) : document.createTextNode(m[2]));
    }
  }
  return code;
}

/** Returns a <code> element with JSON text highlighted (keys, strings, numbers, literals). */
export function highlightJson(text) {
  const code = h('code', { class: 'lang-json' });
  const re = /("(?:[^"\\]|\\.)*")(\s*:)?|(-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)|\b(true|false|null)\b|([^"\d\-tfn]+|[\s\S])/g;
  let m;
  while ((m = re.exec(text)) !== null) {
    if (m[1]) {
      code.append(h('span', { class: m[2] ? 'tok-key' : 'tok-string' }, m[1]));
      if (m[2]) code.append(document.createTextNode(m[2]));
    } else if (m[3]) {
      code.append(h('span', { class: 'tok-number' }, m[3]));
    } else if (m[4]) {
      code.append(h('span', { class: 'tok-bool' }, m[4]));
    } else {
      code.append(document.createTextNode(m[5]));
    }
  }
  return code;
}
