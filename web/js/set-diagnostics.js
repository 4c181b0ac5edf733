// The core's set rules (unique names and ids among the server's policies) for the policy being edited,
// phrased for the editor: the other policy is named (the core only knows it by its index in the set) and an
// id clash that follows from a name clash is not reported a second time.

/**
 * Returns a checker: check(doc) → diagnostics at "/name" for `doc` among `others` (stored policy documents).
 * The core decides what clashes (validateSet); here only the wording and the field change. Cached on the
 * document's name and id, since nothing else takes part in these rules.
 */
export function setChecker(core, others) {
  if (!others.length || !core || typeof core.validateSet !== 'function') return () => [];
  const diagnosticsOf = (docs) => {
    const result = core.validateSet(docs);
    return Array.isArray(result.diagnostics) ? result.diagnostics : [];
  };
  // Clashes among the stored policies alone are not this policy's business.
  const baseline = new Set(diagnosticsOf(others).map((d) => `${d.code} ${d.path}`));
  let cache = { key: null, diagnostics: [] };
  return (doc) => {
    const key = JSON.stringify([doc.name, doc.id ?? null]);
    if (cache.key === key) return cache.diagnostics;
    // The edited policy goes first, so each finding lands on the other policy it clashes with: /<i>/name.
    const findings = diagnosticsOf([doc, ...others]).filter((d) => {
      const m = /^\/(\d+)\//.exec(d.path || '');
      return m && Number(m[1]) > 0 && !baseline.has(`${d.code} /${Number(m[1]) - 1}${d.path.slice(m[0].length - 1)}`);
    });
    const nameClashes = new Set();
    const out = [];
    for (const d of findings) {
      const index = Number(/^\/(\d+)\//.exec(d.path)[1]) - 1;
      const other = others[index] || {};
      const otherName = `“${other.name || other.id || 'another policy'}”`;
      if (/name$/.test(d.path)) {
        nameClashes.add(index);
        out.push({ severity: d.severity, code: d.code, path: '/name',
          message: `The policy ${otherName} already has this name (names are compared ignoring case): policy ` +
            'names must be unique, so choose another name.' });
      }
    }
    for (const d of findings) {
      const index = Number(/^\/(\d+)\//.exec(d.path)[1]) - 1;
      if (/name$/.test(d.path) || nameClashes.has(index)) continue;
      const other = others[index] || {};
      // The form has no id field: a new policy's id is derived from its name, so renaming is the fix.
      out.push({ severity: d.severity, code: d.code, path: doc.id ? '/id' : '/name',
        message: doc.id
          ? `The id “${doc.id}” is already used by the policy “${other.name || other.id}”.`
          : `This name gives the id “${other.id}”, already used by the policy “${other.name || other.id}”: ` +
            'choose a name that differs in more than case, spaces or punctuation.' });
    }
    cache = { key, diagnostics: out };
    return out;
  };
}
