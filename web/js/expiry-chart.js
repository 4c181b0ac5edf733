// The dashboard's certificate chart: per day of the next N days, a column of the certificates expiring
// that day and beside it a column of renewals (renewed stacked under still planned). Each series has its
// own fill pattern and a legend, every column carries its numbers in a <title>, and the totals per week
// follow as a table, so it reads without colour.
import { svgElement as el } from './svg.js';

function defs(id) {
  const p = (name, ...shapes) => el('pattern', { id: `${id}-${name}`, width: 6, height: 6,
    patternUnits: 'userSpaceOnUse' }, el('rect', { width: 6, height: 6, class: 'pat-bg' }), ...shapes);
  return el('defs', {},
    p('stripes', el('path', { d: 'M-1,1 l2,-2 M0,6 l6,-6 M5,7 l2,-2', class: 'pat-ink', 'stroke-width': 1.5 })),
    p('dots', el('circle', { cx: 3, cy: 3, r: 1.4, class: 'pat-dot' })));
}

/** Sums of the three series over `days`. */
export function totals(days) {
  return days.reduce((t, d) => ({ expiring: t.expiring + (d.expiring || 0),
    renewals_planned: t.renewals_planned + (d.renewals_planned || 0), renewed: t.renewed + (d.renewed || 0) }),
  { expiring: 0, renewals_planned: 0, renewed: 0 });
}

/**
 * Draws `days` ([{date, expiring, renewals_planned, renewed}]) as an <svg role="img"> whose accessible
 * name is `title` with the totals. Columns are scaled to the largest day.
 */
export function expiryChart({ id, title, days }) {
  const colW = 8;
  const left = 34;
  const top = 8;
  const plotH = 150;
  const width = left + days.length * colW + 8;
  const height = top + plotH + 34;
  const max = Math.max(1, ...days.map((d) => Math.max(d.expiring || 0, (d.renewals_planned || 0) + (d.renewed || 0))));
  const t = totals(days);
  const summary = `${title}: ${t.expiring} expiring, ${t.renewals_planned} renewals planned, ${t.renewed} renewed ` +
    `over ${days.length} days.`;
  const svg = el('svg', { id, class: 'expiry-chart', viewBox: `0 0 ${width} ${height}`, role: 'img',
    'aria-label': summary, preserveAspectRatio: 'xMinYMin meet' }, el('title', {}, summary), defs(id));
  const y = (v) => top + plotH - (v / max) * plotH;
  // Axis: 0 and the maximum, and a tick every 7 days labelled with the date.
  svg.append(el('line', { x1: left, x2: width - 4, y1: top + plotH, y2: top + plotH, class: 'axis' }),
    el('text', { x: left - 4, y: top + plotH, 'text-anchor': 'end', class: 'axis-label' }, '0'),
    el('text', { x: left - 4, y: top + 8, 'text-anchor': 'end', class: 'axis-label' }, String(max)));
  days.forEach((d, i) => {
    const x = left + i * colW;
    const e = d.expiring || 0;
    const planned = d.renewals_planned || 0;
    const renewed = d.renewed || 0;
    const g = el('g', { class: 'day', 'data-date': d.date, 'data-expiring': e, 'data-planned': planned, 'data-renewed': renewed },
      el('title', {}, `${d.date}: ${e} expiring, ${planned} renewals planned, ${renewed} renewed`));
    if (e) g.append(el('rect', { x, y: y(e), width: 3, height: top + plotH - y(e), class: 'col-expiring' }));
    if (renewed) g.append(el('rect', { x: x + 3.5, y: y(renewed), width: 3, height: top + plotH - y(renewed),
      class: 'col-renewed', fill: `url(#${id}-dots)` }));
    if (planned) g.append(el('rect', { x: x + 3.5, y: y(renewed + planned), width: 3, height: y(renewed) - y(renewed + planned),
      class: 'col-planned', fill: `url(#${id}-stripes)` }));
    svg.append(g);
    if (i % 14 === 0) {
      svg.append(el('line', { x1: x, x2: x, y1: top + plotH, y2: top + plotH + 4, class: 'axis' }),
        el('text', { x, y: top + plotH + 16, class: 'axis-label' }, String(d.date).slice(5)));
    }
  });
  // Legend.
  const ly = height - 6;
  const legend = [['col-expiring', null, 'expiring'], ['col-planned', 'stripes', 'renewal planned'],
    ['col-renewed', 'dots', 'renewed']];
  legend.forEach(([cls, pat, text], i) => {
    const x = left + i * 150;
    svg.append(el('rect', { x, y: ly - 9, width: 10, height: 10, class: cls, fill: pat ? `url(#${id}-${pat})` : undefined }),
      el('text', { x: x + 14, y: ly, class: 'axis-label' }, text));
  });
  return svg;
}

/** The totals per week of `days` as [{from, to, expiring, renewals_planned, renewed}]. */
export function weeks(days) {
  const out = [];
  for (let i = 0; i < days.length; i += 7) {
    const slice = days.slice(i, i + 7);
    out.push({ from: slice[0].date, to: slice[slice.length - 1].date, ...totals(slice) });
  }
  return out;
}
