// Building SVG in the page: one element helper the charts share.
const NS = 'http://www.w3.org/2000/svg';

/** An SVG element with the given attributes (null/undefined ones left out) and children (nodes or text). */
export function svgElement(tag, attrs = {}, ...children) {
  const node = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) if (v !== undefined && v !== null) node.setAttribute(k, String(v));
  for (const c of children) node.append(c instanceof Node ? c : document.createTextNode(String(c)));
  return node;
}
