#ifndef CLIBSSL_SHIM_H
#define CLIBSSL_SHIM_H
/* OpenSSL's libssl and the X.509 parts of libcrypto. Several libssl settings are function-like macros over
   SSL_CTX_ctrl, which Swift cannot import: each gets a one-line inline forward here, nothing more. */
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <openssl/rand.h>

static inline int cssl_ctx_set_protocol_range(SSL_CTX *ctx) {
    return SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) == 1
        && SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION) == 1;
}

/* No compression (CRIME), no renegotiation of either side, the server's cipher order, and a peer that closes without
   close_notify reads as an ordinary end of stream (HTTP frames its own messages). */
static inline void cssl_ctx_set_hardening_options(SSL_CTX *ctx) {
    SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE
        | SSL_OP_IGNORE_UNEXPECTED_EOF);
}

/* Partial writes from a buffer that may move between retries (the connection's output array), and read/write
   buffers released while a connection is idle. */
static inline void cssl_ctx_set_modes(SSL_CTX *ctx) {
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER | SSL_MODE_RELEASE_BUFFERS);
}

/* Resumption is by session tickets only (stateless): no server-side session cache to grow with the clients. */
static inline long cssl_ctx_disable_session_cache(SSL_CTX *ctx) {
    return SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
}

static inline int cssl_ctx_set_ticket_key_callback(
    SSL_CTX *ctx, int (*callback)(SSL *, unsigned char *, unsigned char *, EVP_CIPHER_CTX *, EVP_MAC_CTX *, int)) {
    return SSL_CTX_set_tlsext_ticket_key_evp_cb(ctx, callback) == 1;
}

/* Keys a session ticket for one direction: AES-256-CBC with `iv` and HMAC-SHA256 over the ticket, the scheme
   RFC 5077 recommends and OpenSSL's own ticket keys use. */
static inline int cssl_ticket_init(
    EVP_CIPHER_CTX *cipher, EVP_MAC_CTX *mac, const unsigned char *aes_key, const unsigned char *hmac_key,
    const unsigned char *iv, int encrypt) {
    OSSL_PARAM params[2];
    params[0] = OSSL_PARAM_construct_utf8_string("digest", (char *)"SHA256", 0);
    params[1] = OSSL_PARAM_construct_end();
    if (EVP_MAC_CTX_set_params(mac, params) != 1) return 0;
    if (EVP_MAC_init(mac, hmac_key, 32, NULL) != 1) return 0;
    if (encrypt) return EVP_EncryptInit_ex(cipher, EVP_aes_256_cbc(), NULL, aes_key, iv) == 1;
    return EVP_DecryptInit_ex(cipher, EVP_aes_256_cbc(), NULL, aes_key, iv) == 1;
}

static inline int cssl_ctx_set_app_data(SSL_CTX *ctx, void *data) { return SSL_CTX_set_app_data(ctx, data); }
static inline void *cssl_ctx_get_app_data(const SSL_CTX *ctx) { return SSL_CTX_get_app_data(ctx); }

static inline long cssl_ctx_add_extra_chain_cert(SSL_CTX *ctx, X509 *certificate) {
    return SSL_CTX_add_extra_chain_cert(ctx, certificate);
}

static inline int cssl_ctx_set_group_list(SSL_CTX *ctx, const char *list) {
    return (int)SSL_CTX_set1_groups_list(ctx, list);
}

#endif
