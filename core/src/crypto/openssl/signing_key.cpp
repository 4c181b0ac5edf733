// Signing keys over OpenSSL's libcrypto (native builds): PEM parsing, the key/certificate pair check and
// EVP_PKEY_sign over a SHA-256 digest, with one signing context prepared per key and reused.
#include "crypto/signing_key.hpp"

#include <climits>

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

namespace acmepolicy::detail {

struct SigningKey {
    EVP_PKEY* key = nullptr;
    EVP_PKEY_CTX* context = nullptr;  // initialised once for SHA-256 signatures, reused by every call

    SigningKey() = default;
    SigningKey(const SigningKey&) = delete;
    SigningKey& operator=(const SigningKey&) = delete;
    ~SigningKey() {
        EVP_PKEY_CTX_free(context);
        EVP_PKEY_free(key);
    }
};

void SigningKeyDeleter::operator()(SigningKey* key) const noexcept { delete key; }

namespace {

/// The oldest queued OpenSSL error as text; empties the thread's queue so that no stale error reaches
/// the next OpenSSL user on this thread (the server's TLS shares the library).
std::string take_openssl_error() {
    const unsigned long code = ERR_peek_error();
    std::string text = "unknown error";
    if (code != 0) {
        char buffer[256];
        ERR_error_string_n(code, buffer, sizeof buffer);
        text = buffer;
    }
    ERR_clear_error();
    return text;
}

/// Refuses every passphrase request: an encrypted key fails to load instead of prompting on a terminal.
int no_passphrase(char*, int, int, void*) { return -1; }

EVP_PKEY* read_private_key(std::string_view pem) {
    if (pem.size() > static_cast<std::size_t>(INT_MAX)) return nullptr;
    BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    if (bio == nullptr) return nullptr;
    EVP_PKEY* key = PEM_read_bio_PrivateKey(bio, nullptr, no_passphrase, nullptr);
    BIO_free(bio);
    return key;
}

/// 1 when `key` is the private half of the certificate's public key.
bool belongs_to(EVP_PKEY* key, std::string_view certificate_der) {
    const auto* p = reinterpret_cast<const unsigned char*>(certificate_der.data());
    X509* certificate = d2i_X509(nullptr, &p, static_cast<long>(certificate_der.size()));
    if (certificate == nullptr) return false;
    EVP_PKEY* public_key = X509_get0_pubkey(certificate);
    const bool same = public_key != nullptr && EVP_PKEY_eq(public_key, key) == 1;
    X509_free(certificate);
    return same;
}

}  // namespace

SigningKeyLoad load_signing_key(std::string_view key_pem, std::string_view certificate_der) {
    SigningKeyLoad out;
    SigningKeyPtr signing(new SigningKey);
    signing->key = read_private_key(key_pem);
    if (signing->key == nullptr) {
        out.error = "The signing key cannot be read (" + take_openssl_error() +
                    "); give an unencrypted PEM key: \"RSA PRIVATE KEY\", \"EC PRIVATE KEY\" or \"PRIVATE KEY\".";
        return out;
    }
    const int type = EVP_PKEY_get_base_id(signing->key);
    if (type != EVP_PKEY_RSA && type != EVP_PKEY_EC) {
        out.error = "The signing key must be an RSA or EC key.";
        return out;
    }
    if (!belongs_to(signing->key, certificate_der)) {
        ERR_clear_error();
        out.error = "The signing key does not belong to the signing certificate; give the matching pair.";
        return out;
    }
    signing->context = EVP_PKEY_CTX_new_from_pkey(nullptr, signing->key, nullptr);
    const bool ready = signing->context != nullptr && EVP_PKEY_sign_init(signing->context) > 0 &&
                       (type != EVP_PKEY_RSA || EVP_PKEY_CTX_set_rsa_padding(signing->context, RSA_PKCS1_PADDING) > 0) &&
                       EVP_PKEY_CTX_set_signature_md(signing->context, EVP_sha256()) > 0;
    if (!ready) {
        out.error = "The signing key cannot be used for SHA-256 signatures (" + take_openssl_error() + ").";
        return out;
    }
    out.is_rsa = type == EVP_PKEY_RSA;
    out.key = std::move(signing);
    return out;
}

bool sign_digest(SigningKey& key, const crypto::Sha256Digest& digest, std::string_view /*random_seed*/,
                 std::string& signature, std::string& error) {
    // OpenSSL draws the ECDSA nonce and the RSA blinding from its own generator (seeded by the operating
    // system); the caller's seed is checked by the caller but not needed here.
    std::size_t length = static_cast<std::size_t>(EVP_PKEY_get_size(key.key));
    signature.resize(length);
    if (EVP_PKEY_sign(key.context, reinterpret_cast<unsigned char*>(signature.data()), &length, digest.data(),
                      digest.size()) <= 0) {
        signature.clear();
        error = "Signing failed: " + take_openssl_error() + ".";
        return false;
    }
    signature.resize(length);
    return true;
}

}  // namespace acmepolicy::detail
