// Types of the acmepolicy WebAssembly package (index.js). Every result is a plain object with the same
// shape as the core's JSON (the CLI's `--format json` output), plus `status` where a call can fail.
// One file on purpose: it is the package's single declaration entry (package.json "types"), checked key by
// key against docs/schemas by contract.drift.

/** Where and how to load the module. */
export interface LoadOptions {
  /** Load the debug build (assertions, SAFE_HEAP): slower and larger, for chasing memory bugs. */
  debug?: boolean;
  /**
   * Where the .wasm file lives. Default: `acmepolicy.wasm` (or `acmepolicy.debug.wasm`) beside index.js.
   * In Node: a file path, a `file:` URL, or an http(s) URL.
   */
  wasmUrl?: string | URL;
  /** The .wasm bytes themselves; when given, nothing is fetched or read. */
  wasmBinary?: ArrayBuffer | ArrayBufferView;
}

/** Loads and instantiates the module; works in browsers and in Node >= 18. */
export function loadAcmePolicy(options?: LoadOptions): Promise<AcmePolicy>;

/** The facade's outcome of a call: `ok` unless the input or the call itself was wrong. */
export type Status = 'ok' | 'invalid_input' | 'bad_arguments' | 'not_found' | 'internal_error';

export type Severity = 'error' | 'warning' | 'info';

/** One finding about an input document (see docs/diagnostics.md for the codes). */
export interface Diagnostic {
  severity: Severity;
  /** Stable, dotted, lower-case, e.g. "keysize.rsa_range". */
  code: string;
  /** RFC 6901 JSON pointer to the offending value ("" for the whole document or the call). */
  path: string;
  /** What is wrong and how to fix it. */
  message: string;
}

/** The facade's error document for a call that could not run (bad options, internal failure). */
export interface CallError {
  code: string;
  message: string;
}

/** Present on every result that went through the facade. */
export interface Outcome {
  status: Status;
  /** Set when the call itself failed (bad options, internal failure); then also the one diagnostic. */
  error?: CallError;
}

/** An ACME policy document (schema_version 1), see README.md. Unknown keys are reported, not dropped. */
export interface Policy {
  schema_version?: number;
  id?: string;
  name: string;
  notes?: string;
  server_profile?: 'generic' | 'step-ca' | string;
  /** How devices receive it: a configuration profile, the declarative credential, or `auto` (docs/declarative.md). */
  delivery?: 'profile' | 'declarative' | 'auto';
  payload: Record<string, unknown>;
  ca_certificates?: string[];
  targets?: { device_groups?: string[]; devices?: string[] };
  /** The policy devices receive instead when a listed condition holds (docs/assignment.md). */
  fallback?: { policy: string; when: Array<FallbackCondition | string> };
  /** When devices get their profile again (docs/lifecycle.md); default 30 days or half the validity. */
  renewal?: { before_days?: number; fraction?: number };
  [key: string]: unknown;
}

/** What a policy's fallback.when can name. */
export type FallbackCondition =
  | 'attestation_unsupported'
  | 'user_enrollment'
  | 'variable_unavailable'
  | 'os_too_old'
  | 'server_profile_incompatible';

/** A targeted device given to another policy by this policy's fallback chain. */
export interface FallbackMove {
  device: string;
  /** The policy that receives the device. */
  policy: string;
  reason: FallbackCondition | string;
  message: string;
}

/** A device record; only `id` is required. */
export interface DeviceRecord {
  id: string;
  serial_number?: string | null;
  udid?: string | null;
  enrollment_id?: string | null;
  platform?: 'iOS' | 'iPadOS' | 'macOS' | 'tvOS' | 'watchOS' | 'visionOS' | string;
  os_version?: string | null;
  product_name?: string | null;
  enrollment?: 'ade' | 'device' | 'user' | 'none' | string;
  supervised?: boolean;
  device_name?: string | null;
  user_email?: string | null;
  [key: string]: unknown;
}

/** Devices and groups. */
export interface Inventory {
  devices: DeviceRecord[];
  groups?: Array<{ id: string; name?: string; devices: string[]; [key: string]: unknown }>;
  [key: string]: unknown;
}

/** A document given either as an object or as JSON text (handed to the core unchanged). */
export type Document<T> = T | string;
/** A list of documents: an array of objects or JSON strings, or the JSON text of the whole array. */
export type DocumentList<T> = Array<T | string> | string;

/** The current time for time-dependent rules (certificate validity): RFC 3339 text or a Date. */
export interface TimeOptions {
  now?: string | Date;
}

export interface ValidateResult extends Outcome {
  valid: boolean;
  diagnostics: Diagnostic[];
}

export interface ValidateSetResult extends Outcome {
  valid: boolean;
  policies: Array<{ id: string; name: string; valid: boolean; diagnostics: Diagnostic[] }>;
  /** Set-level findings (e.g. duplicate names). */
  diagnostics: Diagnostic[];
}

export type RenderFormat = 'mobileconfig' | 'ddm' | 'install-command' | 'remove-command';

export interface RenderOptions extends TimeOptions {
  format?: RenderFormat;
  /** The device to render for; absent with `preview: true` keeps the variables visible. */
  device?: Document<DeviceRecord>;
  preview?: boolean;
  identifier_prefix?: string;
  organization?: string;
  description?: string;
  client_token_secret?: string;
  ddm_base_url?: string;
  command_uuid?: string;
  random_hex?: string;
  /**
   * Not offered: signing stays on the server so private keys never reach a browser. Giving it throws a
   * TypeError.
   */
  signing?: never;
  [key: string]: unknown;
}

export interface RenderResult extends Outcome {
  /** True when something was rendered (`output` is then a string). */
  ok: boolean;
  format: RenderFormat | string | null;
  content_type: string | null;
  payload_identifier?: string;
  /** "" for ddm and remove-command, which carry no PayloadUUID. */
  payload_uuid?: string;
  /** True when the profile is CMS-signed (never in the browser package, which does not sign). */
  signed?: boolean;
  /** ddm only: where the device fetches the credential. */
  credential_url?: string;
  diagnostics: Diagnostic[];
  /** The rendered text: mobileconfig XML, the DDM JSON bundle, or a command plist; null when nothing rendered. */
  output: string | null;
  [key: string]: unknown;
}

/** One policy's entry of a resolution; `via` may hold `fallback:<policy id>` routes. */
export interface PolicyResolution {
  id: string;
  name: string;
  valid: boolean;
  diagnostics: Diagnostic[];
  included: Array<{ device: string; via: string[]; warnings: Array<Record<string, unknown>> }>;
  excluded: Array<{ device: string; reason: string; message: string }>;
  included_via_fallback: FallbackMove[];
  counts: Record<string, number>;
  [key: string]: unknown;
}

/** Which devices receive which policies and why the others don't (see docs/assignment.md). */
export interface ResolveResult extends Outcome {
  policies?: PolicyResolution[];
  diagnostics?: Diagnostic[];
  [key: string]: unknown;
}

/** One policy/device pair in a sentence. */
export interface ExplainResult extends Outcome {
  policy?: string;
  device?: string;
  included?: boolean;
  reason?: string;
  /** Set when the device receives the policy's fallback instead. */
  included_via_fallback?: { policy: string; reason: FallbackCondition | string };
  message?: string;
  /** Warnings on the pair (e.g. attestation_unsupported); no path, they concern the device. */
  warnings?: Array<{ severity: Severity; code: string; message: string }>;
  diagnostics?: Diagnostic[];
  [key: string]: unknown;
}

/** The reconciliation plan. */
export interface PlanResult extends Outcome {
  actions?: Array<Record<string, unknown>>;
  diagnostics?: Diagnostic[];
  [key: string]: unknown;
}

/** A certificate's description, or diagnostics when the PEM is not one readable certificate. */
export interface CertificateInfo extends Outcome {
  subject?: string;
  issuer?: string;
  not_before?: string;
  not_after?: string;
  is_ca?: boolean;
  key_type?: string;
  key_bits?: number;
  serial?: string;
  sha256_fingerprint?: string;
  diagnostics?: Diagnostic[];
}

/** An XML property list read into JSON (dates as RFC 3339 strings, data as base64), or diagnostics. */
export interface PlistResult extends Outcome {
  value?: unknown;
  diagnostics?: Diagnostic[];
}

/** One certificate of a CertificateList answer (docs/lifecycle.md). */
export interface DeviceCertificateInfo {
  common_name: string;
  subject: string;
  issuer: string;
  serial: string;
  not_before: string;
  not_after: string;
  key_type: string;
  key_bits: number;
  sha256_fingerprint: string;
  is_identity: boolean;
}

/** parseCertificateList(): the certificates of the answer, and diagnostics for entries left out. */
export interface CertificateListResult extends Outcome {
  certificates: DeviceCertificateInfo[];
  diagnostics: Diagnostic[];
}

/** A certificate as the device reports it in CertificateList (Data is the DER in base64). */
export interface CertificateListEntry {
  CommonName?: string;
  Data: string;
  IsIdentity?: boolean;
}

/** One device of a certificate inventory. */
export interface CertificateInventoryEntry {
  device: DeviceRecord;
  certificates?: CertificateListEntry[];
  /** The policies that apply to this device (default: every policy given). */
  policies?: string[];
  /** Policy id to the RFC 3339 time its profile was last sent again. */
  last_renewal?: Record<string, string>;
}

export interface CertificateInventory {
  devices: CertificateInventoryEntry[];
}

export interface RenewalOptions {
  /** Required: the current time (the core has no clock). */
  now: string | Date;
  /** PEM certificates of the ACME server's chain (intermediates) accepted as issuers. */
  issuer_chain_pem?: string;
  /** Never renew a device more often than this (default 6). */
  min_interval_hours?: number;
  /** Spread scheduled renewals over this many hours, by a hash of the device id (default 12). */
  spread_hours?: number;
  client_token_secret?: string;
}

/** policyTargets(): a policy's targets and fallback; absent members when the document is not an object. */
export interface PolicyTargets extends Outcome {
  id?: string;
  targets?: { device_groups: string[]; devices: string[] };
  fallback?: { policy: string; when: string[] } | null;
  diagnostics: Diagnostic[];
}

export type RenewalState = 'ok' | 'due' | 'expired' | 'throttled' | 'missing';

/** certificateStatus(): the matched certificate of one device and its renewal decision. */
export interface CertificateStatus extends Outcome {
  policy?: string;
  device?: string;
  state?: RenewalState;
  due?: boolean;
  renew_at?: string | null;
  window_seconds?: number | null;
  jitter_seconds?: number | null;
  rule?: { before_seconds: number; before_days?: number; fraction: number };
  certificate?: DeviceCertificateInfo | null;
  matched?: number;
  foreign?: number;
  last_renewal?: string | null;
  reason?: string;
  diagnostics?: Diagnostic[];
}

export interface PlannedRenewal {
  device: string;
  policy: string;
  state: Exclude<RenewalState, 'missing'>;
  renew_at: string;
  not_after: string;
  serial: string;
  sha256_fingerprint: string;
}

/** planRenewals(): who renews when, soonest first, and how many renewals fall on each day. */
export interface RenewalPlan extends Outcome {
  now?: string;
  renewals: PlannedRenewal[];
  missing?: { device: string; policy: string }[];
  per_day?: { date: string; count: number }[];
  summary?: { pairs: number; ok: number; due: number; expired: number; throttled: number; missing: number };
  diagnostics?: Diagnostic[];
}

export interface VersionInfo {
  version: string;
  schema_version: number;
  abi_version: number;
}

/** schema(): the core's own tables (docs/schema.md). Build pickers and constants from it; never copy it. */
export interface Schema {
  schema_version: number;
  version: string;
  /** Template variables; `enrollment` tells whether a device of that enrollment type can provide it. */
  variables: { name: string; enrollment: Record<'ade' | 'device' | 'user', boolean>; always_available: boolean }[];
  device_record_keys: { name: string; type: 'string' | 'boolean'; required: boolean; values?: string[] }[];
  /** Payload keys; `platforms` maps a platform (iOS covers iPadOS) to the first OS version reading the key. */
  payload_keys: {
    name: string;
    type: 'string' | 'integer' | 'boolean' | 'array' | 'dictionary';
    required: boolean;
    platforms: Partial<Record<'iOS' | 'macOS' | 'tvOS' | 'visionOS' | 'watchOS', string>>;
    default?: boolean | number | string;
    keys?: string[];
  }[];
  /** Per KeyType and HardwareBound: a list of sizes (curves) or a range (RSA); `allowed` false: none. */
  key_sizes: {
    key_type: 'RSA' | 'ECSECPrimeRandom';
    hardware_bound: boolean;
    allowed: boolean;
    sizes?: number[];
    min?: number;
    max?: number;
    multiple_of?: number;
    weak_below?: number;
    weak?: number[];
  }[];
  codes: { code: string; severity: Severity; meaning: string }[];
  assignment: {
    exclusion_reasons: string[];
    warnings: string[];
    fallback_conditions: string[];
    minimum_os_version: string;
  };
  attestation_hardware: {
    source: string;
    families: { prefix: string; device: string; ignored_on: string; first_capable_major: number | null;
                first_chip: string }[];
  };
}

/** Allocation figures of the module, for leak checks. */
export interface MemoryStats {
  /** Bytes currently allocated by malloc inside the module. */
  heap_in_use: number;
  /** Size of the module's linear memory (it only grows). */
  memory_bytes: number;
}

/**
 * The loaded module. Bad data never throws (it comes back as diagnostics); a wrong argument type throws a
 * TypeError. Nothing is leaked per call.
 */
export interface AcmePolicy {
  version(): VersionInfo;
  /** The core's tables: variables, keys, key sizes, codes, assignment names, attestation hardware. */
  schema(): Schema;
  validate(policy: Document<Policy>, options?: TimeOptions): ValidateResult;
  validateSet(policies: DocumentList<Policy>, options?: TimeOptions): ValidateSetResult;
  render(policy: Document<Policy>, options?: RenderOptions): RenderResult;
  resolve(inventory: Document<Inventory>, policies: DocumentList<Policy>, options?: TimeOptions): ResolveResult;
  /** `policy` may be a list: the first is explained, the others complete its set (fallbacks). */
  explain(inventory: Document<Inventory>, policy: Document<Policy> | DocumentList<Policy>, deviceId: string,
          options?: TimeOptions): ExplainResult;
  plan(inventory: Document<Inventory>, policies: DocumentList<Policy>, state: Document<Record<string, unknown>>,
       options?: TimeOptions & Record<string, unknown>): PlanResult;
  /** Whom a policy targets and where it falls back, as the core reads the document (docs/assignment.md). */
  policyTargets(policy: Document<Policy>): PolicyTargets;
  inspectCertificate(pem: string): CertificateInfo;
  parsePlist(plist: string | Uint8Array): PlistResult;
  /** Reads a CertificateList command answer (the device's XML plist). */
  parseCertificateList(plist: string | Uint8Array): CertificateListResult;
  /** The certificate a policy produced on one device and when to renew it. */
  certificateStatus(policy: Document<Policy>, entry: Document<CertificateInventoryEntry>,
                    options: RenewalOptions): CertificateStatus;
  /** The renewals of a fleet, soonest first, with a count per day. */
  planRenewals(inventory: Document<CertificateInventory>, policies: DocumentList<Policy>,
               options: RenewalOptions): RenewalPlan;
  memoryStats(): MemoryStats;
}
