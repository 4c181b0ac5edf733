// acmepolicy for browsers and Node >= 18: one ES module that loads the WebAssembly build of the core and
// exposes its JSON facade as plain JavaScript methods. Types: index.d.ts.
//
// Rules every method follows:
//   - documents (policies, inventories, device records, state) may be objects or JSON strings; strings are
//     handed to the core unchanged, so syntax errors and duplicate keys come back as diagnostics;
//   - bad data never throws: it comes back as diagnostics; only misuse (a wrong argument type, asking for
//     signing) throws a TypeError;
//   - every call frees what it allocated inside the module before it returns.

const STATUS_NAMES = ['ok', 'invalid_input', 'bad_arguments', 'not_found', 'internal_error'];
const STATUS_OK = 0;
// Scratch input buffers above this size are released after the call instead of being kept for reuse.
const SCRATCH_KEEP_BYTES = 64 * 1024;
// The answer of a validation without findings, byte for byte as the core writes it (binding.cpp flags it).
const CLEAN_REPORT = '{"diagnostics":[],"valid":true}';

const isNode =
  typeof process === 'object' && process !== null && typeof process.versions === 'object' &&
  process.versions !== null && typeof process.versions.node === 'string';

/**
 * Loads and instantiates the module. options.debug selects the build with assertions and SAFE_HEAP;
 * options.wasmUrl says where the .wasm lives (default: beside this file); options.wasmBinary supplies the
 * bytes directly.
 */
export async function loadAcmePolicy(options = {}) {
  if (options === null || typeof options !== 'object') {
    throw new TypeError('loadAcmePolicy(options): options must be an object when given.');
  }
  const debug = options.debug === true;
  const base = debug ? 'acmepolicy.debug' : 'acmepolicy';
  const { default: createModule } = await (debug ? import('./acmepolicy.debug.mjs') : import('./acmepolicy.mjs'));
  const defaultWasmUrl = new URL(`./${base}.wasm`, import.meta.url);

  const moduleOptions = {};
  if (options.wasmBinary !== undefined) {
    if (!(options.wasmBinary instanceof ArrayBuffer || ArrayBuffer.isView(options.wasmBinary))) {
      throw new TypeError('loadAcmePolicy(options): wasmBinary must be an ArrayBuffer or a typed array.');
    }
    moduleOptions.wasmBinary = options.wasmBinary;
  } else if (isNode) {
    // Emscripten's web loader would fetch() a file path in Node; read the bytes ourselves instead.
    moduleOptions.wasmBinary = await readWasmInNode(options.wasmUrl ?? defaultWasmUrl);
  } else {
    const wasmUrl = options.wasmUrl === undefined ? defaultWasmUrl.href : String(options.wasmUrl);
    moduleOptions.locateFile = (path) => (path.endsWith('.wasm') ? wasmUrl : new URL(path, import.meta.url).href);
  }
  const module = await createModule(moduleOptions);
  return createApi(module);
}

async function readWasmInNode(where) {
  const text = String(where);
  if (/^https?:/i.test(text)) {
    const response = await fetch(text);
    if (!response.ok) throw new Error(`acmepolicy: cannot fetch ${text}: HTTP ${response.status}`);
    return new Uint8Array(await response.arrayBuffer());
  }
  const { readFile } = await import('node:fs/promises');
  return readFile(where instanceof URL || /^file:/i.test(text) ? new URL(text) : text);
}

// ---- marshalling -------------------------------------------------------------------------------------

function createCaller(module) {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8');
  let scratch = 0;
  let scratchSize = 0;

  function reserve(size) {
    if (size <= scratchSize) return;
    if (scratch !== 0) module._free(scratch);
    scratch = module._malloc(size);
    scratchSize = scratch === 0 ? 0 : size;
    if (scratch === 0) throw new RangeError('acmepolicy: the wasm module is out of memory.');
  }

  function text(pointer, size) {
    return size === 0 ? '' : decoder.decode(module.HEAPU8.subarray(pointer, pointer + size));
  }

  // Calls export `fn` with each argument (a string, or a Uint8Array of bytes) as a (pointer, size) pair,
  // and returns {status, json, bytes, clean} with the result record already freed (clean: the json is
  // CLEAN_REPORT, known without decoding it).
  return function call(fn, ...inputs) {
    let capacity = 1;
    for (const input of inputs) capacity += typeof input === 'string' ? input.length * 3 : input.length;
    reserve(capacity);
    const args = [];
    let offset = scratch;
    for (const input of inputs) {
      let written;
      if (typeof input === 'string') {
        // UTF-16 code units become at most 3 UTF-8 bytes each.
        ({ written } = encoder.encodeInto(input, module.HEAPU8.subarray(offset, offset + input.length * 3)));
      } else {
        module.HEAPU8.set(input, offset);
        written = input.length;
      }
      args.push(offset, written);
      offset += written;
    }
    let record = 0;
    try {
      record = fn(...args);
      if (record === 0) throw new RangeError('acmepolicy: the wasm module is out of memory.');
      const words = module.HEAPU32; // read after the call: the heap may have grown
      const at = record >>> 2;
      const clean = words[at + 5] === 1;
      return {
        status: words[at] | 0,
        json: clean ? CLEAN_REPORT : text(words[at + 1], words[at + 2]),
        bytes: words[at + 4] === 0 ? null : text(words[at + 3], words[at + 4]),
        clean,
      };
    } finally {
      if (record !== 0) module._acmepolicy_wasm_result_free(record);
      if (scratchSize > SCRATCH_KEEP_BYTES) {
        module._free(scratch);
        scratch = 0;
        scratchSize = 0;
      }
    }
  };
}

// ---- argument checks ---------------------------------------------------------------------------------

// A document argument: a JSON string (passed through untouched) or a value serialised with JSON.stringify.
function documentText(value, what) {
  if (typeof value === 'string') return value;
  if (value === null || typeof value !== 'object') {
    throw new TypeError(`${what} must be an object or a JSON string, not ${describe(value)}.`);
  }
  return stringify(value, what);
}

// A list of documents: a JSON string of an array, or an array whose items are objects or JSON strings.
function documentListText(value, what) {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) {
    throw new TypeError(`${what} must be an array (of objects or JSON strings) or a JSON string, not ${describe(value)}.`);
  }
  return `[${value.map((item, index) => placedText(item, `${what}[${index}]`)).join(',')}]`;
}

// A JSON string given for a document is placed into a larger JSON text (the options, a list): it must be
// exactly one JSON value there, or a crafted string such as '{}, "signing": {...}' would add members of its
// own. Text that is not one JSON value goes to the core as a JSON string, which the core then refuses at the
// document's path ("must be an object") instead of reading it as options.
function placedText(value, what) {
  if (typeof value !== 'string') return documentText(value, what);
  try {
    JSON.parse(value);
    return value;
  } catch {
    return JSON.stringify(value);
  }
}

function stringify(value, what) {
  try {
    return JSON.stringify(value);
  } catch (error) {
    throw new TypeError(`${what} cannot be written as JSON: ${error.message}`);
  }
}

function describe(value) {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return `a ${typeof value}`;
}

function optionsObject(options, what) {
  if (options === undefined || options === null) return {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${what} must be an object when given, not ${describe(options)}.`);
  }
  return options;
}

// "now" may be an RFC 3339 string (checked by the core) or a Date (sent as whole seconds, UTC).
function nowText(now, what) {
  if (now === undefined || now === null || typeof now === 'string') return now ?? undefined;
  if (now instanceof Date) {
    if (Number.isNaN(now.getTime())) throw new TypeError(`${what}.now is an invalid Date.`);
    return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
  }
  throw new TypeError(`${what}.now must be an RFC 3339 string or a Date, not ${describe(now)}.`);
}

// The last plain {now} options written, and their text (optionsText).
let lastNow = null;
let lastNowText = '';

// Options for the core as JSON text; `document` (e.g. "device") may itself be a JSON string, spliced in
// unchanged so the core reports its syntax errors.
function optionsText(options, what, documentKey) {
  if (documentKey === undefined) {
    // The common case, {} or {now: "<RFC 3339>"}, written directly (the same text as below, without the
    // copy and JSON.stringify of an object).
    const keys = Object.keys(options);
    if (keys.length === 0) return '{}';
    if (keys.length === 1 && keys[0] === 'now' && typeof options.now === 'string') {
      // Callers pass the same time again and again (the portal: the current second): keep its text.
      if (options.now !== lastNow) {
        lastNowText = `{"now":${JSON.stringify(options.now)}}`;
        lastNow = options.now;
      }
      return lastNowText;
    }
  }
  const { [documentKey ?? '']: document, ...rest } = options;
  const now = nowText(rest.now, what);
  if (now === undefined) delete rest.now;
  else rest.now = now;
  let json = stringify(rest, what);
  if (documentKey !== undefined && document !== undefined && document !== null) {
    const documentJson = placedText(document, `${what}.${documentKey}`);
    json = `{${JSON.stringify(documentKey)}:${documentJson}${json === '{}' ? '}' : `,${json.slice(1)}`}`;
  }
  return json;
}

// ---- results -----------------------------------------------------------------------------------------

// Parses a facade answer into a plain object carrying `status` (a name) and, for error documents
// ({"error": {code, message}}), the error as one diagnostic so callers have a single place to look.
function parseResult(raw) {
  // The clean report is the answer to most validations: built directly, it is what JSON.parse would give.
  if (raw.clean) return { value: { diagnostics: [], valid: true }, status: STATUS_NAMES[raw.status] ?? 'internal_error' };
  let value;
  try {
    value = JSON.parse(raw.json);
  } catch {
    value = { error: { code: 'internal.bad_json', message: 'The core returned a document that is not JSON.' } };
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) value = { value };
  const status = STATUS_NAMES[raw.status] ?? 'internal_error';
  if (value.error && typeof value.error === 'object' && !Array.isArray(value.diagnostics)) {
    value.diagnostics = [{ severity: 'error', code: String(value.error.code ?? 'internal.unknown'), path: '',
                           message: String(value.error.message ?? '') }];
  }
  return { value, status };
}

// The parsed answer with its status name added last (the answer is a fresh object, so it is extended in
// place rather than copied).
function withStatus(raw) {
  const { value, status } = parseResult(raw);
  value.status = status;
  return value;
}

// ---- the API -----------------------------------------------------------------------------------------

function createApi(module) {
  const call = createCaller(module);
  const m = module;

  return Object.freeze({
    version() {
      return JSON.parse(call(m._acmepolicy_wasm_version).json);
    },

    // The core's tables (variables, device-record and payload keys, key sizes, codes, hardware), built by
    // the core at each call: hosts build pickers and constants from it instead of copying lists.
    schema() {
      return JSON.parse(call(m._acmepolicy_wasm_schema).json);
    },

    validate(policy, options) {
      const opts = optionsObject(options, 'validate(policy, options): options');
      const raw = call(m._acmepolicy_wasm_validate, documentText(policy, 'validate(policy): policy'),
                       optionsText(opts, 'validate options'));
      const result = withStatus(raw);
      if (typeof result.valid !== 'boolean') result.valid = false;
      return result;
    },

    validateSet(policies, options) {
      const opts = optionsObject(options, 'validateSet(policies, options): options');
      const raw = call(m._acmepolicy_wasm_validate_set,
                       documentListText(policies, 'validateSet(policies): policies'),
                       optionsText(opts, 'validateSet options'));
      const result = withStatus(raw);
      if (typeof result.valid !== 'boolean') result.valid = false;
      if (!Array.isArray(result.policies)) result.policies = [];
      return result;
    },

    render(policy, options) {
      const opts = optionsObject(options, 'render(policy, options): options');
      if (opts.signing !== undefined) {
        throw new TypeError('render(): signing is not offered by the browser package: private keys must never ' +
                            'reach a browser. Sign profiles on the server (acmepolicy render --sign-cert/--sign-key).');
      }
      const raw = call(m._acmepolicy_wasm_render, documentText(policy, 'render(policy): policy'),
                       optionsText(opts, 'render options', 'device'));
      const { value, status } = parseResult(raw);
      return {
        ok: raw.status === STATUS_OK,
        status,
        ...value,
        format: value.format ?? (typeof opts.format === 'string' ? opts.format : null),
        content_type: value.content_type ?? null,
        diagnostics: Array.isArray(value.diagnostics) ? value.diagnostics : [],
        output: raw.status === STATUS_OK ? raw.bytes ?? '' : null,
      };
    },

    resolve(inventory, policies, options) {
      const opts = optionsObject(options, 'resolve(inventory, policies, options): options');
      return withStatus(call(m._acmepolicy_wasm_resolve, documentText(inventory, 'resolve(inventory): inventory'),
                             documentListText(policies, 'resolve(inventory, policies): policies'),
                             optionsText(opts, 'resolve options')));
    },

    explain(inventory, policy, deviceId, options) {
      if (typeof deviceId !== 'string') {
        throw new TypeError(`explain(inventory, policy, deviceId): deviceId must be a string, not ${describe(deviceId)}.`);
      }
      const opts = optionsObject(options, 'explain(inventory, policy, deviceId, options): options');
      return withStatus(call(m._acmepolicy_wasm_explain, documentText(inventory, 'explain(inventory): inventory'),
                             documentText(policy, 'explain(inventory, policy): policy'), deviceId,
                             optionsText(opts, 'explain options')));
    },

    plan(inventory, policies, state, options) {
      const opts = optionsObject(options, 'plan(inventory, policies, state, options): options');
      return withStatus(call(m._acmepolicy_wasm_plan, documentText(inventory, 'plan(inventory): inventory'),
                             documentListText(policies, 'plan(inventory, policies): policies'),
                             documentText(state, 'plan(inventory, policies, state): state'),
                             optionsText(opts, 'plan options')));
    },

    // Whom a policy targets and where it falls back, as the core reads the document (never re-parsed here).
    policyTargets(policy) {
      return withStatus(call(m._acmepolicy_wasm_policy_targets, documentText(policy, 'policyTargets(policy): policy')));
    },

    inspectCertificate(pem) {
      if (typeof pem !== 'string') {
        throw new TypeError(`inspectCertificate(pem): pem must be a string, not ${describe(pem)}.`);
      }
      return withStatus(call(m._acmepolicy_wasm_inspect_certificate, pem, ''));
    },

    parsePlist(plist) {
      if (typeof plist !== 'string' && !(plist instanceof Uint8Array)) {
        throw new TypeError(`parsePlist(plist): plist must be a string or a Uint8Array, not ${describe(plist)}.`);
      }
      return withStatus(call(m._acmepolicy_wasm_parse_plist, plist));
    },

    // ---- the life of a certificate (docs/lifecycle.md) ----

    parseCertificateList(plist) {
      if (typeof plist !== 'string' && !(plist instanceof Uint8Array)) {
        throw new TypeError(`parseCertificateList(plist): plist must be a string or a Uint8Array, not ${describe(plist)}.`);
      }
      const result = withStatus(call(m._acmepolicy_wasm_parse_certificate_list, plist, ''));
      if (!Array.isArray(result.certificates)) result.certificates = [];
      return result;
    },

    certificateStatus(policy, entry, options) {
      const opts = optionsObject(options, 'certificateStatus(policy, entry, options): options');
      return withStatus(call(m._acmepolicy_wasm_certificate_status,
                             documentText(policy, 'certificateStatus(policy): policy'),
                             documentText(entry, 'certificateStatus(policy, entry): entry'),
                             optionsText(opts, 'certificateStatus options')));
    },

    planRenewals(inventory, policies, options) {
      const opts = optionsObject(options, 'planRenewals(inventory, policies, options): options');
      const result = withStatus(call(m._acmepolicy_wasm_plan_renewals,
                                     documentText(inventory, 'planRenewals(inventory): inventory'),
                                     documentListText(policies, 'planRenewals(inventory, policies): policies'),
                                     optionsText(opts, 'planRenewals options')));
      if (!Array.isArray(result.renewals)) result.renewals = [];
      return result;
    },

    memoryStats() {
      return { heap_in_use: m._acmepolicy_wasm_heap_in_use() >>> 0, memory_bytes: m.HEAPU8.length };
    },
  });
}
