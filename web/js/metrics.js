// The page's own measurements, read by the browser tests (window.acmePortalMetrics): validation latency per
// edit (ms, edit to diagnostics on screen) and the device list's time to first rows (ms, mount to rows).
export const metrics = { validation: [], deviceList: [] };
window.acmePortalMetrics = metrics;
