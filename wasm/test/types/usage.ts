// Compiled with `tsc --noEmit` against the hand-written index.d.ts: the calls the portal and Node users
// write must type-check, and misuse must not (each @ts-expect-error fails the check if it stops erroring).
import {
  loadAcmePolicy,
  type AcmePolicy,
  type CertificateInfo,
  type Diagnostic,
  type Policy,
  type RenderResult,
  type RenewalState,
  type Status,
  type ValidateResult,
} from '../../index.js';

const policy: Policy = {
  schema_version: 1,
  name: 'Corporate ACME',
  payload: { DirectoryURL: 'https://acme.example.com/directory', KeyType: 'ECSECPrimeRandom', KeySize: 384 },
  targets: { device_groups: ['g-sales'] },
};

export async function usage(): Promise<void> {
  const acme: AcmePolicy = await loadAcmePolicy();
  await loadAcmePolicy({ debug: true, wasmUrl: new URL('https://example.com/pkg/acmepolicy.debug.wasm') });
  await loadAcmePolicy({ wasmBinary: new Uint8Array(8) });

  const { version, schema_version, abi_version } = acme.version();
  const versionText: string = `${version} ${schema_version + abi_version}`;

  const tables = acme.schema();
  const curves: number[] = tables.key_sizes.filter((r) => r.key_type === 'ECSECPrimeRandom')[0]?.sizes ?? [];
  const userless: string[] = tables.variables.filter((v) => !v.enrollment.user).map((v) => v.name);
  const firstMajor: number | null = tables.attestation_hardware.families[0].first_capable_major;
  // @ts-expect-error a code's severity is error, warning or info
  const badSeverity: 'fatal' = tables.codes[0].severity;
  void [curves, userless, firstMajor, badSeverity];

  const checked: ValidateResult = acme.validate(policy, { now: '2026-11-28T12:00:00Z' });
  const fromText = acme.validate(JSON.stringify(policy), { now: new Date() });
  const first: Diagnostic | undefined = checked.diagnostics[0];
  const where: string | undefined = first?.path;
  const ok: boolean = checked.valid && fromText.valid;
  const status: Status = checked.status;

  const set = acme.validateSet([policy, JSON.stringify(policy)]);
  const names: string[] = set.policies.map((p) => p.name);

  const rendered: RenderResult = acme.render(policy, {
    format: 'mobileconfig',
    device: { id: 'd-0042', serial_number: 'F2LXK1ABCD', platform: 'iOS' },
    identifier_prefix: 'com.example',
  });
  const text: string | null = rendered.output;
  const uuid: string | undefined = rendered.payload_uuid;
  acme.render(policy, { format: 'ddm', device: '{"id": "d-1"}', ddm_base_url: 'https://mdm.example.com' });

  const inventory = { devices: [{ id: 'd-0042', platform: 'iOS' }], groups: [] };
  acme.resolve(inventory, [policy]);
  const why = acme.explain(JSON.stringify(inventory), policy, 'd-0042');
  const included: boolean | undefined = why.included;
  const primary: Policy = { ...policy, fallback: { policy: 'corp-basic', when: ['attestation_unsupported'] } };
  const chain = acme.explain(inventory, [primary, { ...policy, id: 'corp-basic' }], 'd-0042');
  const instead: string | undefined = chain.included_via_fallback?.policy;
  const moved: number | undefined = acme.resolve(inventory, [primary]).policies?.[0]?.included_via_fallback.length;
  const plan = acme.plan(inventory, '[]', { devices: {} });
  const actions = plan.actions?.length;

  const devices: string[] | undefined = acme.policyTargets(policy).targets?.devices;
  const fallbackOf: string | undefined = acme.policyTargets('{}').fallback?.policy;
  const cert: CertificateInfo = acme.inspectCertificate('-----BEGIN CERTIFICATE-----\n...');
  const isCa: boolean | undefined = cert.is_ca;
  const plist = acme.parsePlist(new Uint8Array(0));
  const value: unknown = plist.value;
  const heap: number = acme.memoryStats().heap_in_use;

  const listed = acme.parseCertificateList(new Uint8Array(0)).certificates.map((c) => c.not_after);
  const entry = { device: { id: 'd-0042', serial_number: 'C02XK1ABJG5H' }, certificates: [{ Data: 'MIIB', IsIdentity: true }] };
  const state: RenewalState | undefined = acme.certificateStatus(policy, entry, { now: new Date(), spread_hours: 0 }).state;
  const next: string | undefined = acme.planRenewals({ devices: [entry] }, [policy], { now: '2026-11-28T12:00:00Z' })
    .renewals[0]?.renew_at;
  // @ts-expect-error now is required: the core has no clock
  acme.planRenewals({ devices: [] }, [policy], {});

  // @ts-expect-error signing stays on the server
  acme.render(policy, { format: 'mobileconfig', signing: { key_pem: 'k', certificate_pem: 'c' } });
  // @ts-expect-error unknown format
  acme.render(policy, { format: 'pdf' });
  // @ts-expect-error a policy is an object or a string
  acme.validate(42);
  // @ts-expect-error a fallback names its policy by id
  const noTarget: Policy = { ...policy, fallback: { when: ['os_too_old'] } };
  // @ts-expect-error the device id is a string
  acme.explain(inventory, policy, 42);
  // @ts-expect-error now is a string or a Date
  acme.validate(policy, { now: 1700000000 });
  // @ts-expect-error results are read-only facts, not a string
  const wrong: string = acme.validate(policy);

  void [versionText, where, ok, status, names, text, uuid, included, actions, isCa, value, heap, wrong, listed, state, next];
}
