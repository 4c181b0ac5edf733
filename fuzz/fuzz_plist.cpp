// libFuzzer target for the strict XML plist reader: any bytes must give a value or diagnostics, never a
// crash, hang or sanitizer report; what it accepts must survive write_xml → read_xml unchanged.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "acmepolicy/plist.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view bytes(reinterpret_cast<const char*>(data), size);
    const acmepolicy::plist::ReadResult first = acmepolicy::plist::read_xml(bytes);
    if (first.value.has_value() != first.report.valid()) std::abort();  // value iff no error
    if (first.value) {
        const std::string written = acmepolicy::plist::write_xml(*first.value);
        const acmepolicy::plist::ReadResult second = acmepolicy::plist::read_xml(written);
        // The writer only replaces text XML cannot carry, which the reader never returns: exact round trip.
        if (!second.value || acmepolicy::plist::write_xml(*second.value) != written) std::abort();
        (void)acmepolicy::plist::to_json(*first.value).dump(-1, ' ', false,
                                                              nlohmann::json::error_handler_t::replace);
    }
    (void)acmepolicy::api_parse_plist(bytes);
    return 0;
}
