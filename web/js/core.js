// Loads the wasm core (the same C++ rules the server runs) once, from the package served beside the portal.
// Every validation, rendering, resolution and certificate inspection in the portal goes through it.

import { useSchema } from './core-tables.js';

let corePromise = null;

/** The options every check against the clock takes: validation in the browser judges certificates at the
 *  same moment the server does on save (an expired CA fails here too). */
export function nowOptions() {
  return { now: new Date().toISOString().replace(/\.\d+Z$/, 'Z') };
}

/**
 * Resolves to the loaded package object (`validate`, `render`, `resolve`, `inspectCertificate`, ...).
 * Rejects with an Error whose message tells the admin what is missing when `pkg/` cannot be loaded.
 */
export function loadCore() {
  if (!corePromise) {
    corePromise = (async () => {
      const url = new URL('../pkg/index.js', import.meta.url);
      let mod;
      try {
        mod = await import(url.href);
      } catch (err) {
        throw new Error(`The validation engine (${url.pathname}) could not be loaded: build the wasm package ` +
          `(cmake --preset wasm && cmake --build --preset wasm) and serve it as pkg/ beside index.html. ` +
          `(${err.message})`);
      }
      if (typeof mod.loadAcmePolicy !== 'function') {
        throw new Error(`${url.pathname} does not export loadAcmePolicy(); the wasm package is out of date.`);
      }
      const core = await mod.loadAcmePolicy();
      useSchema(core.schema());  // the pickers, forms and columns read the core's own tables
      return core;
    })();
  }
  return corePromise;
}
