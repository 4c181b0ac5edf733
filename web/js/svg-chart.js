// A small horizontal bar chart drawn as SVG: each bar carries its label and number as text and its own fill
// pattern, so it reads without colour; a bar can link somewhere (the filtered device list).
import { svgElement as el } from './svg.js';

/** Fill patterns, one per bar in order: solid, diagonal stripes, dots, cross-hatch, outline only. */
function patterns(id) {
  const p = (name, ...shapes) => el('pattern', { id: `${id}-${name}`, width: 8, height: 8,
    patternUnits: 'userSpaceOnUse' }, el('rect', { width: 8, height: 8, class: 'pat-bg' }), ...shapes);
  return el('defs', {},
    p('stripes', el('path', { d: 'M-2,2 l4,-4 M0,8 l8,-8 M6,10 l4,-4', class: 'pat-ink', 'stroke-width': 2 })),
    p('dots', el('circle', { cx: 4, cy: 4, r: 1.8, class: 'pat-dot' })),
    p('cross', el('path', { d: 'M0,0 L8,8 M8,0 L0,8', class: 'pat-ink', 'stroke-width': 1.2 })));
}
const FILLS = ['solid', 'stripes', 'dots', 'cross', 'outline'];

/**
 * Draws `items` ([{key, label, value, href?}]) as bars. Returns an <svg role="img"> whose accessible name
 * is `title` followed by every "label: value". Bars are scaled to the largest value.
 */
export function barChart({ id, title, items }) {
  const rowH = 34;
  const labelW = 150;
  const barW = 380;
  const numberW = 70;
  const width = labelW + barW + numberW;
  const height = items.length * rowH + 8;
  const max = Math.max(1, ...items.map((i) => i.value));
  const summary = `${title}: ${items.map((i) => `${i.label} ${i.value}`).join(', ')}.`;
  const svg = el('svg', { id, class: 'bar-chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': summary, preserveAspectRatio: 'xMinYMin meet' }, el('title', {}, summary), patterns(id));
  items.forEach((item, i) => {
    const y = 4 + i * rowH;
    const w = Math.max(item.value ? 3 : 0, Math.round((item.value / max) * barW));
    const fill = FILLS[i % FILLS.length];
    const bar = el('rect', { x: labelW, y: y + 5, width: w, height: rowH - 12, rx: 3,
      class: `bar bar-${item.key} fill-${fill}`,
      fill: fill === 'solid' || fill === 'outline' ? undefined : `url(#${id}-${fill})` });
    const row = el('g', { class: 'bar-row', 'data-key': item.key, 'data-value': item.value },
      el('text', { x: labelW - 10, y: y + rowH / 2 + 1, 'text-anchor': 'end', 'dominant-baseline': 'middle',
        class: 'bar-label' }, item.label),
      el('rect', { x: labelW, y: y + 5, width: barW, height: rowH - 12, class: 'bar-track', rx: 3 }),
      bar,
      el('text', { x: labelW + w + 8, y: y + rowH / 2 + 1, 'dominant-baseline': 'middle', class: 'bar-value' },
        String(item.value)));
    svg.append(item.href ? el('a', { href: item.href, 'aria-label': `${item.label}: ${item.value}` }, row) : row);
  });
  return svg;
}
