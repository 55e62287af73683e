// See include/CLinuxTLS.h for what each function wraps and why this file exists.
#include "CLinuxTLS.h"
#include <openssl/ssl.h>
#include <openssl/err.h>
#include <openssl/x509v3.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>

struct CLinux_tls {
    SSL *ssl;
    BIO *network;      // our end of the BIO pair; SSL owns the other end
    int is_server;
    char error[320];
};

static const unsigned char alpn_h2[] = { 2, 'h', '2' };

// The OpenSSL error queue as text: its oldest entry (the root cause of a failed file load) or
// its newest (the handshake's verdict), or `fallback` when the queue is empty.
static void queue_error_at(char *out, size_t len, const char *what, const char *fallback, int oldest) {
    unsigned long code = oldest ? ERR_peek_error() : ERR_peek_last_error();
    if (code != 0) {
        char text[256];
        ERR_error_string_n(code, text, sizeof text);
        const char *reason = ERR_reason_error_string(code);
        snprintf(out, len, "%s: %s", what, reason ? reason : text);
    } else {
        snprintf(out, len, "%s: %s", what, fallback);
    }
    ERR_clear_error();
}

static void queue_error(char *out, size_t len, const char *what, const char *fallback) {
    queue_error_at(out, len, what, fallback, 0);
}

static int common_setup(SSL_CTX *ctx) {
    if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1) return 0;
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    SSL_CTX_set_read_ahead(ctx, 1);
    return 1;
}

CLinux_tls_ctx *CLinux_tls_client_ctx(const char *ca_file, int insecure, char *err, size_t err_len) {
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) { queue_error(err, err_len, "SSL_CTX_new", "out of memory"); return NULL; }
    if (!common_setup(ctx) || SSL_CTX_set_alpn_protos(ctx, alpn_h2, sizeof alpn_h2) != 0) {
        queue_error(err, err_len, "TLS client setup", "unknown error");
        SSL_CTX_free(ctx);
        return NULL;
    }
    if (insecure) {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, NULL);
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, NULL);
        SSL_CTX_set_default_verify_paths(ctx);   // a missing system store is not an error
        ERR_clear_error();
        if (ca_file && SSL_CTX_load_verify_locations(ctx, ca_file, NULL) != 1) {
            char what[300];
            snprintf(what, sizeof what, "CA file `%s`", ca_file);
            queue_error_at(err, err_len, what, "cannot be loaded", 1);
            SSL_CTX_free(ctx);
            return NULL;
        }
    }
    return (CLinux_tls_ctx *)ctx;
}

// ALPN on the server: `h2` or a fatal no_application_protocol alert.
static int select_h2(SSL *ssl, const unsigned char **out, unsigned char *outlen,
                     const unsigned char *in, unsigned int inlen, void *arg) {
    (void)ssl; (void)arg;
    for (unsigned int i = 0; i < inlen; ) {
        unsigned int n = in[i];
        if (i + 1 + n > inlen) break;
        if (n == 2 && in[i + 1] == 'h' && in[i + 2] == '2') {
            *out = in + i + 1;
            *outlen = 2;
            return SSL_TLSEXT_ERR_OK;
        }
        i += 1 + n;
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

CLinux_tls_ctx *CLinux_tls_server_ctx(const char *cert_file, const char *key_file, char *err, size_t err_len) {
    ERR_clear_error();
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) { queue_error(err, err_len, "SSL_CTX_new", "out of memory"); return NULL; }
    char what[300];
    if (!common_setup(ctx)) {
        queue_error(err, err_len, "TLS server setup", "unknown error");
    } else if (SSL_CTX_use_certificate_chain_file(ctx, cert_file) != 1) {
        snprintf(what, sizeof what, "certificate file `%s`", cert_file);
        queue_error_at(err, err_len, what, "cannot be loaded", 1);
    } else if (SSL_CTX_use_PrivateKey_file(ctx, key_file, SSL_FILETYPE_PEM) != 1) {
        snprintf(what, sizeof what, "private key file `%s`", key_file);
        queue_error_at(err, err_len, what, "cannot be loaded", 1);
    } else if (SSL_CTX_check_private_key(ctx) != 1) {
        snprintf(what, sizeof what, "private key `%s` and certificate `%s`", key_file, cert_file);
        queue_error(err, err_len, what, "do not match");
    } else {
        SSL_CTX_set_alpn_select_cb(ctx, select_h2, NULL);
        SSL_CTX_set_num_tickets(ctx, 0);   // no resumption: saves a record per handshake
        return (CLinux_tls_ctx *)ctx;
    }
    SSL_CTX_free(ctx);
    return NULL;
}

void CLinux_tls_ctx_free(CLinux_tls_ctx *ctx) { SSL_CTX_free((SSL_CTX *)ctx); }

CLinux_tls *CLinux_tls_new(CLinux_tls_ctx *ctx, int is_server, const char *server_name, size_t ring_bytes) {
    CLinux_tls *t = calloc(1, sizeof *t);
    if (!t) return NULL;
    t->is_server = is_server;
    t->ssl = SSL_new((SSL_CTX *)ctx);
    BIO *internal = NULL;
    if (!t->ssl || BIO_new_bio_pair(&internal, ring_bytes, &t->network, ring_bytes) != 1) {
        if (t->ssl) SSL_free(t->ssl);
        free(t);
        ERR_clear_error();
        return NULL;
    }
    SSL_set_bio(t->ssl, internal, internal);
    if (is_server) {
        SSL_set_accept_state(t->ssl);
    } else {
        SSL_set_connect_state(t->ssl);
        if (server_name && *server_name) {
            unsigned char addr[16];
            int is_ip = inet_pton(AF_INET, server_name, addr) == 1 || inet_pton(AF_INET6, server_name, addr) == 1;
            if (is_ip) {
                // RFC 6066: no SNI for IP literals; the certificate must carry the address.
                X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(t->ssl), server_name);
            } else {
                SSL_set_tlsext_host_name(t->ssl, server_name);
                SSL_set1_host(t->ssl, server_name);
            }
        }
    }
    ERR_clear_error();
    return t;
}

void CLinux_tls_free(CLinux_tls *t) {
    if (!t) return;
    SSL_free(t->ssl);
    BIO_free(t->network);
    free(t);
}

static void record_failure(CLinux_tls *t, const char *what) {
    long verify = SSL_get_verify_result(t->ssl);
    if (!t->is_server && verify != X509_V_OK) {
        snprintf(t->error, sizeof t->error, "certificate verification failed: %s",
                 X509_verify_cert_error_string(verify));
        ERR_clear_error();
    } else {
        queue_error(t->error, sizeof t->error, what, "connection error");
    }
}

int CLinux_tls_handshake(CLinux_tls *t) {
    ERR_clear_error();
    int r = SSL_do_handshake(t->ssl);
    if (r == 1) {
        const unsigned char *p = NULL;
        unsigned int n = 0;
        SSL_get0_alpn_selected(t->ssl, &p, &n);
        if (n != 2 || memcmp(p, "h2", 2) != 0) {
            snprintf(t->error, sizeof t->error, t->is_server
                     ? "client did not offer ALPN protocol h2"
                     : "server did not select ALPN protocol h2 (it selected %s)",
                     n == 0 ? "none" : "another protocol");
            return -1;
        }
        return 1;
    }
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return 0;
    record_failure(t, "TLS handshake failed");
    return -1;
}

long CLinux_tls_read(CLinux_tls *t, void *buf, size_t len) {
    ERR_clear_error();
    int r = SSL_read(t->ssl, buf, len > 0x40000000 ? 0x40000000 : (int)len);
    if (r > 0) return r;
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return 0;
    if (e == SSL_ERROR_ZERO_RETURN) return -2;
    record_failure(t, "TLS read failed");
    return -1;
}

long CLinux_tls_write(CLinux_tls *t, const void *buf, size_t len) {
    if (len == 0) return 0;
    ERR_clear_error();
    int r = SSL_write(t->ssl, buf, len > 0x40000000 ? 0x40000000 : (int)len);
    if (r > 0) return r;
    int e = SSL_get_error(t->ssl, r);
    if (e == SSL_ERROR_WANT_READ || e == SSL_ERROR_WANT_WRITE) return 0;
    record_failure(t, "TLS write failed");
    return -1;
}

void CLinux_tls_close_notify(CLinux_tls *t) {
    ERR_clear_error();
    (void)SSL_shutdown(t->ssl);
    ERR_clear_error();
}

size_t CLinux_tls_out_pending(CLinux_tls *t, const void **ptr) {
    char *p = NULL;
    int n = BIO_nread0(t->network, &p);
    if (n <= 0) { *ptr = NULL; return 0; }
    *ptr = p;
    return (size_t)n;
}

void CLinux_tls_out_consume(CLinux_tls *t, size_t n) {
    char *p = NULL;
    (void)BIO_nread(t->network, &p, (int)n);
}

size_t CLinux_tls_in_space(CLinux_tls *t, void **ptr) {
    char *p = NULL;
    int n = BIO_nwrite0(t->network, &p);
    if (n <= 0) { *ptr = NULL; return 0; }
    *ptr = p;
    return (size_t)n;
}

void CLinux_tls_in_commit(CLinux_tls *t, size_t n) {
    char *p = NULL;
    (void)BIO_nwrite(t->network, &p, (int)n);
}

const char *CLinux_tls_error(const CLinux_tls *t) { return t->error[0] ? t->error : "TLS error"; }

size_t CLinux_tls_alpn(const CLinux_tls *t, char *buf, size_t len) {
    const unsigned char *p = NULL;
    unsigned int n = 0;
    SSL_get0_alpn_selected(t->ssl, &p, &n);
    if (len == 0) return 0;
    if (n >= len) n = (unsigned int)(len - 1);
    if (n) memcpy(buf, p, n);
    buf[n] = 0;
    return n;
}

const char *CLinux_tls_version(const CLinux_tls *t) { return SSL_get_version(t->ssl); }
