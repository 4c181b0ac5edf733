// An MDM's side for the browser tests: a NanoMDM enqueue stand-in that refuses every command (so commands
// fail and can be retried), and check-in webhook events that enroll a device (plists inside JSON, as
// NanoMDM posts them).
import { createServer } from 'node:http';
import { randomUUID } from 'node:crypto';

/** Starts the stand-in: PUT /v1/enqueue/ID answered 500 {"command_error"}. Resolves to {url, received, close()}. */
export async function startRefusingMdm() {
  const received = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => { body += d; });
    req.on('end', () => {
      received.push({ method: req.method, url: req.url, body });
      res.writeHead(500, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ command_error: 'storage refused the command (test stand-in)' }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, received,
    close: () => new Promise((resolve) => server.close(resolve)) };
}

function plist(dict) {
  const esc = (s) => String(s).replace(/&/g, '&amp;').replace(/</g, '&lt;');
  const value = (v) => (v instanceof Uint8Array ? `<data>${Buffer.from(v).toString('base64')}</data>` : `<string>${esc(v)}</string>`);
  return '<?xml version="1.0" encoding="UTF-8"?><!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" ' +
    '"http://www.apple.com/DTDs/PropertyList-1.0.dtd"><plist version="1.0"><dict>' +
    Object.entries(dict).map(([k, v]) => `<key>${esc(k)}</key>${value(v)}`).join('') + '</dict></plist>';
}

/** Enrolls `enrollmentId` (Authenticate, then TokenUpdate) through the server's /webhook (loopback, unsigned). */
export async function enrollDevice(baseUrl, { enrollmentId, udid, serial, product, osVersion }) {
  const send = async (topic, message) => {
    const event = { topic, event_id: randomUUID(), created_at: new Date().toISOString(),
      checkin_event: { udid, ids: { id: enrollmentId, type: 'Device' },
        raw_payload: Buffer.from(plist(message)).toString('base64'), url_params: null } };
    const r = await fetch(`${baseUrl}webhook`, { method: 'POST', headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(event) });
    if (r.status !== 200) throw new Error(`${topic}: ${r.status} ${await r.text()}`);
  };
  await send('mdm.Authenticate', { MessageType: 'Authenticate', UDID: udid, SerialNumber: serial, OSVersion: osVersion,
    ProductName: product, BuildVersion: '21E236', DeviceName: 'Test device', Topic: 'com.apple.mgmt.External.test' });
  await send('mdm.TokenUpdate', { MessageType: 'TokenUpdate', UDID: udid, Token: new Uint8Array([1, 2, 3]),
    PushMagic: 'magic', Topic: 'com.apple.mgmt.External.test' });
}
