// api_version: the library, document-format and ABI versions.
#include "acmepolicy/api.hpp"
#include "api/api_support.hpp"

namespace acmepolicy {

ApiResult api_version() {
    return detail::guarded([] {
        return detail::api_json(ApiStatus::ok, nlohmann::json{{"version", ACMEPOLICY_VERSION_STRING},
                                                              {"schema_version", 1},
                                                              {"abi_version", 1}});
    });
}

}  // namespace acmepolicy
