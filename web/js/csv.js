// CSV in and out (RFC 4180: commas, double-quoted fields, "" for a quote, CRLF or LF line ends).
import { deviceKeyNames } from './core-tables.js';

/** Parses CSV text into rows of strings. A trailing empty line is ignored. */
export function parseCsv(text) {
  const rows = [];
  let row = [];
  let field = '';
  let quoted = false;
  const s = String(text).replace(/^\uFEFF/, '');
  for (let i = 0; i < s.length; i += 1) {
    const c = s[i];
    if (quoted) {
      if (c === '"' && s[i + 1] === '"') { field += '"'; i += 1; } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') { row.push(field); field = ''; } else if (c === '\n' || c === '\r') {
      if (c === '\r' && s[i + 1] === '\n') i += 1;
      row.push(field);
      rows.push(row);
      row = [];
      field = '';
    } else field += c;
  }
  if (field !== '' || row.length) {
    row.push(field);
    rows.push(row);
  }
  return rows.filter((r) => r.length > 1 || r[0] !== '');
}

/** Rows of values (strings, numbers, booleans, null) as CSV text with CRLF line ends. */
export function formatCsv(rows) {
  const cell = (v) => {
    const t = v === null || v === undefined ? '' : String(v);
    return /[",\r\n]/.test(t) || /^\s|\s$/.test(t) ? `"${t.replace(/"/g, '""')}"` : t;
  };
  return `${rows.map((r) => r.map(cell).join(',')).join('\r\n')}\r\n`;
}

/** The device record columns of an export and an import (the core's contract, in its order). */
export function deviceColumns() {
  return deviceKeyNames();
}

/**
 * Device records from CSV text whose first row names the columns (any of deviceColumns(), any order).
 * Returns {records, problems}: blank cells are left out; "supervised" becomes a boolean when it reads
 * true/false/yes/no/1/0 (else it stays text for the server to refuse). Unknown columns are reported.
 */
export function devicesFromCsv(text) {
  const rows = parseCsv(text);
  if (!rows.length) return { records: [], problems: ['The file is empty.'] };
  const head = rows[0].map((c) => c.trim());
  const problems = [];
  const columns = deviceColumns();
  const unknown = head.filter((c) => !columns.includes(c));
  if (unknown.length) problems.push(`Columns ignored (not device record fields): ${unknown.join(', ')}.`);
  if (!head.includes('id')) return { records: [], problems: [...problems, 'The first row must name the columns, with an "id" column.'] };
  const records = rows.slice(1).map((r) => {
    const rec = {};
    head.forEach((c, i) => {
      const v = (r[i] ?? '').trim();
      if (!columns.includes(c) || v === '') return;
      if (c === 'supervised') {
        const b = { true: true, yes: true, 1: true, false: false, no: false, 0: false }[v.toLowerCase()];
        rec[c] = b === undefined ? v : b;
      } else rec[c] = v;
    });
    return rec;
  });
  return { records, problems };
}
