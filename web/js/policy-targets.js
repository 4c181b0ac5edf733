// Whom a stored policy targets, as the core reads the document (policyTargets, the reader validation uses):
// pages never read a document's "targets" themselves. One reading per document object.
const read = new WeakMap();

/** {device_groups, devices} of a policy document; empty lists when the core cannot say (not loaded). */
export function targetsOf(core, doc) {
  if (!doc || typeof doc !== 'object') return { device_groups: [], devices: [] };
  let targets = read.get(doc);
  if (!targets) {
    const answer = core ? core.policyTargets(doc) : null;
    targets = (answer && answer.targets) || { device_groups: [], devices: [] };
    read.set(doc, targets);
  }
  return targets;
}
