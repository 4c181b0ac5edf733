// CSV import and export of device records: import creates each record (or replaces it when the id exists)
// over REST, a few requests at a time, and reports what the server refused, row by row.
import { api } from './api.js';
import { devicesFromCsv, formatCsv, deviceColumns } from './csv.js';
import { downloadText } from './policy-files.js';

/**
 * Imports the CSV `text`. onProgress(done, total) is called as records are stored. Resolves to
 * {created, updated, failed: [{row, id, message}], problems}.
 */
export async function importDevicesCsv(text, onProgress = () => {}) {
  const { records, problems } = devicesFromCsv(text);
  const result = { created: 0, updated: 0, failed: [], problems };
  let next = 0;
  let done = 0;
  async function worker() {
    while (next < records.length) {
      const index = next;
      next += 1;
      const rec = records[index];
      try {
        try {
          await api.createDevice(rec);
          result.created += 1;
        } catch (err) {
          if (err.code !== 'device.id_conflict') throw err;
          await api.updateDevice(rec.id, rec);
          result.updated += 1;
        }
      } catch (err) {
        const why = err.diagnostics.length ? err.diagnostics.map((d) => `${d.path || ''} ${d.message}`.trim()).join('; ')
          : err.message;
        result.failed.push({ row: index + 2, id: rec.id || '', message: why });
      }
      done += 1;
      onProgress(done, records.length);
    }
  }
  await Promise.all(Array.from({ length: Math.min(4, records.length) }, worker));
  result.failed.sort((a, b) => a.row - b.row);
  return result;
}

/** Downloads `devices` as CSV, one column per device record field. */
export function exportDevicesCsv(devices, name = 'devices.csv') {
  const columns = deviceColumns();
  const rows = [columns, ...devices.map((d) => columns.map((k) => d[k]))];
  downloadText(name, formatCsv(rows), 'text/csv');
}
