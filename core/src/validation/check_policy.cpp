// check_policy and check_policy_set: read the document, run every rule, order the findings.
#include <exception>
#include <map>
#include <new>
#include <string>

#include "acmepolicy/json_reader.hpp"
#include "acmepolicy/validate.hpp"
#include "validation/codes.hpp"
#include "validation/document.hpp"
#include "validation/rules.hpp"
#include "validation/text.hpp"

namespace acmepolicy {
namespace {

using validation::Code;

Report sorted(const Report& report) {
    std::vector<Diagnostic> list = report.diagnostics();
    validation::sort_by_field(list);
    Report out;
    for (auto& d : list) out.add(d.severity, std::move(d.code), std::move(d.path), std::move(d.message));
    return out;
}

PolicyCheck check_once(validation::JsonValue document, const ValidationOptions& options, bool limits_checked,
                       Report report) {
    using namespace validation;
    PolicyCheck check;
    PolicyDraft draft = read_policy_document(document, report);
    if (draft.is_object) {
        check_text(document, !limits_checked, report);
        check_identity(draft, report);
        check_directory_url(draft, report);
        check_client_identifier(draft, report);
        check_keys(draft, report);
        check_subject(draft, report);
        check_subject_alt_name(draft, report);
        check_usage(draft, report);
        check_variables(document, report);
        check_step_ca(draft, report);
        check_ca_certificates(draft, options, report);
        check_targets(draft, report);
        check_delivery(draft, report);
        check_fallback(draft, report);
        check_renewal(document, draft, report);
    }
    check.report = sorted(report);
    if (draft.complete) check.policy = std::move(draft.policy);
    return check;
}

// Every rule over the document. Objects are first walked in the order of the text; the order of a walk
// decides only the order of findings of the same field, so with fewer than two findings of the rules, or
// no two findings of one field, the answer stands; otherwise the rules run again over members sorted by
// key, the order findings have always been reported in.
PolicyCheck check_document(validation::Document& document, const ValidationOptions& options, bool limits_checked,
                           const Report& reader_findings) {
    PolicyCheck check = check_once(document.root(), options, limits_checked, reader_findings);
    const std::size_t found = check.report.diagnostics().size() - reader_findings.diagnostics().size();
    if (found < 2 || !document.has_unsorted_objects()) return check;
    if (!validation::shares_a_field(check.report.diagnostics())) return check;
    document.set_sorted_iteration(true);
    return check_once(document.root(), options, limits_checked, reader_findings);
}

// Bad input never throws out of check_policy; only resource exhaustion could get here.
PolicyCheck internal_failure(const char* what) {
    PolicyCheck check;
    validation::emit(check.report, Code::internal_exception, "",
                     std::string("Validation failed unexpectedly: ") + what + ".");
    return check;
}

}  // namespace

PolicyCheck check_policy(std::string_view json_text, const ValidationOptions& options) {
    try {
        // A plainly valid document is read straight into the validation document; anything the fast reader
        // leaves (syntax errors, limits, duplicate keys) goes through read_json, whose findings are the contract.
        validation::Document document;
        if (document.read(json_text, JsonLimits())) return check_document(document, options, true, Report());
        JsonReadResult read = read_json(json_text);
        if (!read.value) {
            PolicyCheck check;
            check.report = std::move(read.report);
            return check;
        }
        document.assign(*read.value);
        return check_document(document, options, true, read.report);
    } catch (const std::bad_alloc&) {
        return internal_failure("out of memory");
    } catch (const std::exception& ex) {
        return internal_failure(ex.what());
    }
}

PolicyCheck check_policy(const nlohmann::json& document, const ValidationOptions& options) {
    try {
        validation::Document mirror;
        mirror.assign(document);
        return check_document(mirror, options, false, Report());
    } catch (const std::bad_alloc&) {
        return internal_failure("out of memory");
    } catch (const std::exception& ex) {
        return internal_failure(ex.what());
    }
}

Report check_policy_set(const std::vector<PolicyCheck>& policies) {
    Report report;
    std::map<std::string, std::size_t> names;  // folded name -> first index
    std::map<std::string, std::size_t> ids;
    for (std::size_t i = 0; i < policies.size(); ++i) {
        if (!policies[i].policy) continue;
        const Policy& policy = *policies[i].policy;
        const std::string base = "/" + std::to_string(i);
        if (!policy.name.empty()) {
            const auto [it, inserted] = names.emplace(validation::ascii_lower(policy.name), i);
            if (!inserted)
                validation::emit(report, Code::set_duplicate_name, base + "/name",
                                 "The name " + validation::quote_text(policy.name) + " is already used by policy " +
                                     std::to_string(it->second) +
                                     " (names are compared ignoring case); policy names must be unique, so rename one.");
        }
        const auto [it, inserted] = ids.emplace(policy.id, i);
        if (!inserted)
            validation::emit(report, Code::set_duplicate_id, base + "/id",
                             "The id " + validation::quote_text(policy.id) + " is already used by policy " +
                                 std::to_string(it->second) +
                                 "; give each policy its own id (or a different name when the id is derived from it).");
    }
    validation::check_fallback_set(policies, report);
    return report;
}

}  // namespace acmepolicy
