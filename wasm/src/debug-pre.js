// Prepended to the debug module only. The module is built for the web (see index.js), and with
// -sASSERTIONS=1 Emscripten refuses to start where there is no `window`; in Node index.js supplies the
// .wasm bytes itself, so nothing else of the web environment is used: let the check see the global object.
var window = globalThis.window || globalThis;
