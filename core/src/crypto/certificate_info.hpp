// The CertificateInfo of a certificate mbedTLS has parsed (internal): shared by PEM certificate reading
// (certificate.cpp) and the devices' CertificateList answers (lifecycle/device_certificate.cpp).
#pragma once

#include <string_view>

#include <mbedtls/x509_crt.h>

#include "acmepolicy/certificate.hpp"

namespace acmepolicy::detail {

/// Subject, issuer, validity, CA flag, key type and size, serial (as openssl prints it), SHA-256
/// fingerprint and DER of `crt`, whose DER encoding is `der`.
CertificateInfo certificate_info_of(const mbedtls_x509_crt& crt, std::string_view der);

}  // namespace acmepolicy::detail
