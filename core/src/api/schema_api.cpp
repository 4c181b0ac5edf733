// api_schema: the core's own tables as one JSON document, built at run time from the tables validation,
// device reading and resolution use, so that no host keeps a copy (docs/schema.md).
//
// The document is written with a few string appends rather than nlohmann::json values: the wasm module
// carries this file, and building a JSON tree of this size inline costs several times the code.
#include <cstdint>
#include <string>
#include <vector>

#include "acmepolicy/api.hpp"
#include "acmepolicy/device.hpp"
#include "acmepolicy/hardware.hpp"
#include "acmepolicy/payload_keys.hpp"
#include "acmepolicy/resolve.hpp"
#include "acmepolicy/variables.hpp"
#include "api/api_support.hpp"
#include "assign/assign_internal.hpp"
#include "validation/codes.hpp"

namespace acmepolicy {
namespace {

/// Compact JSON output: members and elements are separated by the writer; strings are escaped (the tables
/// hold UTF-8 text, passed through as it is).
class Writer {
public:
    std::string text;

    Writer& open(char bracket) {
        separate();
        text += bracket;
        first_ = true;
        return *this;
    }
    Writer& close(char bracket) {
        text += bracket;
        first_ = false;
        return *this;
    }
    Writer& key(const char* name) {
        separate();
        quote(name);
        text += ':';
        first_ = true;  // the value follows without a comma
        return *this;
    }
    Writer& string(const char* value) {
        separate();
        quote(value);
        return *this;
    }
    Writer& string(const std::string& value) { return string(value.c_str()); }
    Writer& number(long long value) {
        separate();
        text += std::to_string(value);
        return *this;
    }
    Writer& boolean(bool value) {
        separate();
        text += value ? "true" : "false";
        return *this;
    }
    Writer& raw(const char* json) {
        separate();
        text += json;
        return *this;
    }
    Writer& member(const char* name, const char* value) { return key(name).string(value); }
    Writer& member(const char* name, bool value) { return key(name).boolean(value); }
    Writer& member(const char* name, long long value) { return key(name).number(value); }
    Writer& numbers(const char* name, const std::int64_t* values, std::size_t count) {
        key(name).open('[');
        for (std::size_t i = 0; i < count; ++i) number(static_cast<long long>(values[i]));
        return close(']');
    }

private:
    bool first_ = true;

    void separate() {
        if (!first_) text += ',';
        first_ = false;
    }
    void quote(const char* s) {
        text += '"';
        for (; *s; ++s) {
            const unsigned char c = static_cast<unsigned char>(*s);
            if (c == '"' || c == '\\') {
                text += '\\';
                text += static_cast<char>(c);
            } else if (c < 0x20) {
                static const char* hex = "0123456789abcdef";
                text += "\\u00";
                text += hex[c >> 4];
                text += hex[c & 15];
            } else {
                text += static_cast<char>(c);
            }
        }
        text += '"';
    }
};

/// Per variable: whether a device of each enrollment type can provide it (a record holding every field,
/// so that only the enrollment type decides), and whether even a record with nothing but its id provides
/// it (device_id, client_token). Unenrolled devices receive no policy and are left out.
void variables(Writer& w) {
    DeviceRecord full, bare;
    full.id = bare.id = "d";
    full.serial_number = full.udid = full.enrollment_id = full.device_name = full.user_email = "x";
    detail::VariableMask by_type[kEnrollmentCount] = {};
    detail::VariableMask always = static_cast<detail::VariableMask>(~0u);
    for (std::size_t e = 0; e < kEnrollmentCount; ++e) {
        full.enrollment = bare.enrollment = static_cast<Enrollment>(e);
        by_type[e] = detail::available_variables(full);
        if (static_cast<Enrollment>(e) != Enrollment::none)
            always = static_cast<detail::VariableMask>(always & detail::available_variables(bare));
    }
    w.key("variables").open('[');
    const auto& names = variable_names();
    for (std::size_t v = 0; v < names.size() && v < detail::kVariableCount; ++v) {
        w.open('{').member("name", names[v].c_str()).key("enrollment").open('{');
        for (std::size_t e = 0; e < kEnrollmentCount; ++e)
            if (static_cast<Enrollment>(e) != Enrollment::none)
                w.member(to_string(static_cast<Enrollment>(e)), ((by_type[e] >> v) & 1u) != 0);
        w.close('}').member("always_available", ((always >> v) & 1u) != 0).close('}');
    }
    w.close(']');
}

void device_keys(Writer& w) {
    w.key("device_record_keys").open('[');
    for (const DeviceKeyInfo& key : device_record_keys()) {
        w.open('{').member("name", key.name).member("type", key.type).member("required", key.required);
        if (key.value_count > 0) {
            w.key("values").open('[');
            for (std::size_t i = 0; i < key.value_count; ++i) w.string(key.values[i]);
            w.close(']');
        }
        w.close('}');
    }
    w.close(']');
}

void payload(Writer& w) {
    w.key("payload_keys").open('[');
    for (const PayloadKeyInfo& key : payload_keys()) {
        w.open('{').member("name", key.name).member("type", key.type).member("required", key.required);
        w.key("platforms").open('{');
        for (std::size_t p = 0; p < kSchemaPlatformCount; ++p)
            if (key.introduced[p]) w.member(to_string(static_cast<SchemaPlatform>(p)), key.introduced[p]);
        w.close('}');
        if (key.default_value) w.key("default").raw(key.default_value);
        if (key.subkeys[0]) {
            w.key("keys").open('[');
            for (const char* const* sub = key.subkeys; sub < key.subkeys + 5 && *sub; ++sub) w.string(*sub);
            w.close(']');
        }
        w.close('}');
    }
    w.close(']');
}

void key_sizes(Writer& w) {
    w.key("key_sizes").open('[');
    for (const KeySizeRule& rule : key_size_rules()) {
        w.open('{').member("key_type", rule.key_type).member("hardware_bound", rule.hardware_bound);
        w.member("allowed", rule.allowed);
        if (rule.allowed && rule.size_count > 0) {
            w.numbers("sizes", rule.sizes, rule.size_count);
        } else if (rule.allowed) {
            w.member("min", static_cast<long long>(rule.min)).member("max", static_cast<long long>(rule.max));
            w.member("multiple_of", static_cast<long long>(rule.multiple_of));
        }
        if (rule.weak_below > 0) w.member("weak_below", static_cast<long long>(rule.weak_below));
        if (rule.weak_count > 0) w.numbers("weak", rule.weak, rule.weak_count);
        w.close('}');
    }
    w.close(']');
}

void codes(Writer& w) {
    w.key("codes").open('[');
    const validation::CodeInfo* table = validation::code_table();
    for (std::size_t i = 0; i < validation::code_count(); ++i)
        w.open('{')
            .member("code", table[i].name)
            .member("severity", to_string(table[i].severity))
            .member("meaning", table[i].meaning)
            .close('}');
    w.close(']');
}

void assignment(Writer& w) {
    w.key("assignment").open('{').key("exclusion_reasons").open('[');
    for (std::size_t i = 0; i < kExclusionReasonCount; ++i) w.string(to_string(static_cast<ExclusionReason>(i)));
    w.close(']').key("warnings").open('[');
    for (std::size_t i = 0; i < kAssignmentWarningCount; ++i) w.string(to_string(static_cast<AssignmentWarning>(i)));
    w.close(']').key("fallback_conditions").open('[');
    for (std::size_t i = 0; i < kFallbackConditionCount; ++i) w.string(to_string(static_cast<FallbackCondition>(i)));
    const std::string minimum = std::to_string(kMinimumOsVersion.major) + "." + std::to_string(kMinimumOsVersion.minor);
    w.close(']').member("minimum_os_version", minimum.c_str()).close('}');
}

void hardware(Writer& w) {
    w.key("attestation_hardware").open('{').member("source", attestation_hardware_source());
    w.key("families").open('[');
    for (const AttestationFamily& family : attestation_families()) {
        w.open('{').member("prefix", family.prefix).member("device", family.device);
        w.member("ignored_on", family.ignored_on).key("first_capable_major");
        if (family.first_capable == kNoModelAttests) w.raw("null");
        else w.number(family.first_capable);
        w.member("first_chip", family.first_chip).close('}');
    }
    w.close(']').close('}');
}

}  // namespace

ApiResult api_schema() {
    return detail::guarded([] {
        Writer w;
        w.open('{').member("schema_version", 1LL).member("version", ACMEPOLICY_VERSION_STRING);
        variables(w);
        device_keys(w);
        payload(w);
        key_sizes(w);
        codes(w);
        assignment(w);
        hardware(w);
        w.close('}');
        ApiResult result;
        result.json = std::move(w.text);
        return result;
    });
}

}  // namespace acmepolicy
