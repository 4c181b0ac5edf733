// The page's own measurements, read by the browser tests (window.acmePortalMetrics): validation latency per
// edit (ms, edit to diagnostics on screen); the device list's time to first rows (ms, mount to rows, per
// visit) and, for the first visit, the time from the page's navigation start to those rows.
export const metrics = { validation: [], deviceList: [], deviceListSinceLoad: null };
window.acmePortalMetrics = metrics;
