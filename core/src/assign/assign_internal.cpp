// Variable availability and compiled templates for resolution.
#include "assign/assign_internal.hpp"

#include <algorithm>

#include "acmepolicy/variables.hpp"

namespace acmepolicy::detail {
namespace {

std::optional<std::uint8_t> variable_id(std::string_view name) noexcept {
    const auto& names = variable_names();
    for (std::size_t i = 0; i < names.size() && i < kVariableCount; ++i)
        if (names[i] == name) return static_cast<std::uint8_t>(i);
    return std::nullopt;
}

void add_used(std::string_view text, VariableMask& mask) {
    if (!has_template_syntax(text)) return;
    const TemplateParse parse = parse_template(text);
    for (const auto& name : parse.variables())
        if (auto id = variable_id(name)) mask = static_cast<VariableMask>(mask | (1u << *id));
}

}  // namespace

const std::string* variable_value(const DeviceRecord& device, std::uint8_t variable) noexcept {
    auto get = [](const std::optional<std::string>& field) { return field ? &*field : nullptr; };
    switch (variable) {
        case 0: return get(device.serial_number);
        case 1: return get(device.udid);
        case 2: return get(device.enrollment_id);
        case 3: return &device.id;
        case 4: return get(device.device_name);
        case 5: return get(device.user_email);
        default: return nullptr;
    }
}

VariableMask available_variables(const DeviceRecord& device) noexcept {
    VariableMask mask = static_cast<VariableMask>(1u << kVariableClientToken);
    for (std::uint8_t v = 0; v < kVariableClientToken; ++v)
        if (variable_value(device, v)) mask = static_cast<VariableMask>(mask | (1u << v));
    if (device.enrollment == Enrollment::user)
        mask = static_cast<VariableMask>(mask & ~((1u << kVariableSerialNumber) | (1u << kVariableUdid)));
    return mask;
}

VariableMask used_variables(const Policy& policy) {
    VariableMask mask = 0;
    const AcmePayload& p = policy.payload;
    add_used(p.directory_url, mask);
    add_used(p.client_identifier, mask);
    for (const auto& rdn : p.subject)
        for (const auto& attribute : rdn) add_used(attribute.value, mask);
    if (p.subject_alt_name) {
        for (const auto* field : {&p.subject_alt_name->rfc822_name, &p.subject_alt_name->dns_name,
                                  &p.subject_alt_name->uniform_resource_identifier,
                                  &p.subject_alt_name->nt_principal_name})
            if (*field) add_used(**field, mask);
    }
    return mask;
}

CompiledTemplate compile_template(std::string_view text) {
    CompiledTemplate compiled;
    const TemplateParse parse = parse_template(text);
    if (parse.error) return compiled;
    for (const auto& part : parse.parts) {
        CompiledTemplate::Piece piece;
        if (part.is_variable) {
            auto id = variable_id(part.text);
            if (!id || *id == kVariableClientToken) return compiled;
            piece.is_variable = true;
            piece.variable = *id;
        } else {
            piece.text = part.text;
            piece.text_hash = text_hash(piece.text);
        }
        compiled.pieces.push_back(std::move(piece));
    }
    compiled.usable = true;
    return compiled;
}

bool expand(const CompiledTemplate& compiled, const DeviceRecord& device, std::string& out) {
    out.clear();
    for (const auto& piece : compiled.pieces) {
        if (!piece.is_variable) {
            out += piece.text;
            continue;
        }
        const std::string* value = variable_value(device, piece.variable);
        if (!value) return false;
        out += *value;
    }
    return true;
}

std::uint64_t text_hash(std::string_view text) noexcept {
    std::uint64_t h = 14695981039346656037ull;
    for (unsigned char c : text) h = (h ^ c) * 1099511628211ull;
    return h;
}

bool ValueHashes::get(std::size_t device, std::uint8_t variable, std::uint64_t& hash) {
    if (columns_.size() <= variable) columns_.resize(variable + 1u);
    std::vector<std::uint64_t>& column = columns_[variable];
    if (column.empty()) {
        // The whole column at once, in device order (sequential reads of the records; see resolve()).
        column.resize(devices_.size());
        for (std::size_t d = 0; d < devices_.size(); ++d) {
            const std::string* value = variable_value(devices_[d], variable);
            column[d] = value ? std::max<std::uint64_t>(text_hash(*value), 2) : 1;
        }
    }
    hash = column[device];
    return hash != 1;
}

bool expansion_hash(const CompiledTemplate& compiled, std::size_t device, ValueHashes& values, std::uint64_t& hash) {
    // Piece hashes folded in order; a confirmed comparison of the expansions follows any hit, so this
    // only has to make different identifiers unlikely to meet.
    std::uint64_t h = 0x9E3779B97F4A7C15ull;
    for (const auto& piece : compiled.pieces) {
        std::uint64_t part = piece.text_hash;
        if (piece.is_variable && !values.get(device, piece.variable, part)) return false;
        h = (h ^ part) * 0xFF51AFD7ED558CCDull;
        h ^= h >> 33;
    }
    hash = h;
    return true;
}

}  // namespace acmepolicy::detail
