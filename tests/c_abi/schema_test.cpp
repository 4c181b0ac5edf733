// acmepolicy_schema through the shared library answers exactly what the core's api_schema() builds from its
// tables, and that document holds every validation code of the core's code table.
#include <acmepolicy.h>

#include <gtest/gtest.h>

#include <string>

#include <nlohmann/json.hpp>

#include "acmepolicy/api.hpp"
#include "validation/codes.hpp"

namespace {

TEST(CAbiSchema, IsTheCoresDocumentByteForByte) {
    acmepolicy_buffer out{nullptr, 0};
    ASSERT_EQ(acmepolicy_schema(&out), ACMEPOLICY_OK);
    const std::string text(out.data, out.len);
    acmepolicy_free(&out);
    EXPECT_EQ(out.data, nullptr);
    EXPECT_EQ(text, acmepolicy::api_schema().json);

    const auto doc = nlohmann::json::parse(text);
    ASSERT_EQ(doc["codes"].size(), acmepolicy::validation::code_count());
    for (std::size_t i = 0; i < acmepolicy::validation::code_count(); ++i)
        EXPECT_EQ(doc["codes"][i]["code"], acmepolicy::validation::code_table()[i].name);
}

}  // namespace
