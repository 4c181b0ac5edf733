// The REST client of `acmepolicy serve` (/api/v1): bearer token from sessionStorage, one error shape.

const TOKEN_KEY = 'acmepolicy.token';

/** An API failure: `status` is the HTTP status (0 when the server is unreachable), `code` the server's
 *  stable error code (e.g. "auth.required", "policy.invalid"), `diagnostics` the core's, when given. */
export class ApiError extends Error {
  constructor(status, code, message, diagnostics) {
    super(message);
    this.status = status;
    this.code = code;
    this.diagnostics = Array.isArray(diagnostics) ? diagnostics : [];
  }
}

export function getToken() {
  return sessionStorage.getItem(TOKEN_KEY) || '';
}

export function setToken(token) {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

async function request(method, path, body) {
  const headers = { Accept: 'application/json' };
  const token = getToken();
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  let response;
  try {
    response = await fetch(`api/v1${path}`, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
    });
  } catch (err) {
    throw new ApiError(0, 'network.unreachable',
      'The acmepolicy server cannot be reached. Check that `acmepolicy serve` is running and reload.');
  }
  if (response.status === 204) return null;
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    throw new ApiError(response.status, error.code || `http.${response.status}`,
      error.message || `The server answered ${response.status} ${response.statusText}.`, error.diagnostics);
  }
  return data;
}

/** GET /api/v1/health (no auth): {status, version}; throws ApiError when the server is not there. */
export async function health() {
  const data = await request('GET', '/health');
  if (!data || data.status !== 'ok') throw new ApiError(0, 'health.bad', 'The server is not healthy.');
  return data;
}

/** Unwraps list answers that come either as {"<key>": [...]} or as a bare array. */
function listOf(data, key) {
  if (Array.isArray(data)) return data;
  if (data && Array.isArray(data[key])) return data[key];
  return [];
}

const enc = encodeURIComponent;

export const api = {
  listPolicies: async () => listOf(await request('GET', '/policies'), 'policies'),
  getPolicy: (id) => request('GET', `/policies/${enc(id)}`),
  createPolicy: (document) => request('POST', '/policies', document),
  updatePolicy: (id, document) => request('PUT', `/policies/${enc(id)}`, document),
  deletePolicy: (id) => request('DELETE', `/policies/${enc(id)}`),
  assignments: (id) => request('GET', `/policies/${enc(id)}/assignments`),
  listDevices: async () => listOf(await request('GET', '/devices'), 'devices'),
  getDevice: (id) => request('GET', `/devices/${enc(id)}`),
  createDevice: (record) => request('POST', '/devices', record),
  updateDevice: (id, record) => request('PUT', `/devices/${enc(id)}`, record),
  deleteDevice: (id) => request('DELETE', `/devices/${enc(id)}`),
  deviceStatus: (id) => request('GET', `/devices/${enc(id)}/status`),
  listGroups: async () => listOf(await request('GET', '/groups'), 'groups'),
  getGroup: (id) => request('GET', `/groups/${enc(id)}`),
  createGroup: (group) => request('POST', '/groups', group),
  putGroup: (id, group) => request('PUT', `/groups/${enc(id)}`, group),
  deleteGroup: (id) => request('DELETE', `/groups/${enc(id)}`),
  setMembers: (id, devices) => request('PUT', `/groups/${enc(id)}/members`, { devices }),
  whoami: () => request('GET', '/whoami'),
  /** One page of the device list, searched, filtered and sorted on the server (see docs/rest-api.md). */
  devicesPage: (query) => request('GET', `/devices?${new URLSearchParams(query)}`),
  commands: (query) => request('GET', `/commands?${new URLSearchParams(query)}`),
  reconcile: (id) => request('POST', `/devices/${enc(id)}/reconcile`),
  retryCommand: (uuid) => request('POST', `/commands/${enc(uuid)}/retry`),
  repush: (device, policy) => request('POST', `/devices/${enc(device)}/policies/${enc(policy)}/repush`),
  deviceCertificates: (id) => request('GET', `/devices/${enc(id)}/certificates`),
  renewals: (days) => request('GET', `/renewals?days=${days}`),
  policyVersions: (id) => request('GET', `/policies/${enc(id)}/versions`),
  restoreVersion: (id, n) => request('POST', `/policies/${enc(id)}/versions/${n}/restore`),
  audit: (query) => request('GET', `/audit?${new URLSearchParams(query)}`),
};
