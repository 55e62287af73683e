// CLinuxTLS: a small OpenSSL 3 wrapper for TLS over the harness's own non-blocking sockets.
// Why it exists: OpenSSL's API is macro-heavy (SSL_set_tlsext_host_name, BIO_nread0 …) and
// its types must not leak into Swift's public API. The socket I/O stays in Swift (so kernel
// RX timestamps keep working); OpenSSL only encrypts and decrypts between two in-memory
// rings (a BIO pair), read and written without copies through the *_in_* / *_out_* calls.
// OpenSSL headers are included only by tls.c; Swift sees opaque handles.
#ifndef H2STRESS_CLINUX_TLS_H
#define H2STRESS_CLINUX_TLS_H

#include <stddef.h>
#include <stdint.h>

/// An SSL_CTX (opaque).
typedef struct CLinux_tls_ctx CLinux_tls_ctx;
/// One TLS connection: SSL + BIO pair + last error text (opaque).
typedef struct CLinux_tls CLinux_tls;

/// Client context: TLS ≥ 1.2, ALPN offers `h2` only. Unless `insecure`, the peer certificate
/// is verified against the system default CA paths plus `ca_file` (may be NULL).
/// Returns NULL on failure with a message in `err`.
CLinux_tls_ctx *CLinux_tls_client_ctx(const char *ca_file, int insecure, char *err, size_t err_len);
/// Server context: certificate chain and private key from PEM files; ALPN selects `h2` and
/// answers any other offer with a fatal no_application_protocol alert.
CLinux_tls_ctx *CLinux_tls_server_ctx(const char *cert_file, const char *key_file, char *err, size_t err_len);
/// SSL_CTX_free.
void CLinux_tls_ctx_free(CLinux_tls_ctx *ctx);

/// A connection over `ctx`. Client only: `server_name` (may be NULL) is sent as SNI when it is
/// a DNS name and checked against the certificate (DNS name or IP literal).
/// `ring_bytes` sizes each direction's ciphertext ring. NULL on allocation failure.
CLinux_tls *CLinux_tls_new(CLinux_tls_ctx *ctx, int is_server, const char *server_name, size_t ring_bytes);
/// SSL_free (which frees the BIO pair).
void CLinux_tls_free(CLinux_tls *t);

/// Advances the handshake (SSL_do_handshake). 1: complete (and ALPN `h2` agreed); 0: needs
/// more ciphertext in or out; -1: failed (CLinux_tls_error says why).
int CLinux_tls_handshake(CLinux_tls *t);
/// Decrypts into `buf` (SSL_read). >0: bytes; 0: needs more ciphertext (or room to send);
/// -1: failed; -2: the peer sent close_notify.
long CLinux_tls_read(CLinux_tls *t, void *buf, size_t len);
/// Encrypts from `buf` (SSL_write, partial writes on). ≥0: bytes taken (0: the outgoing ring
/// is full: send ciphertext first, then call again with the same bytes at the front); -1: failed.
long CLinux_tls_write(CLinux_tls *t, const void *buf, size_t len);
/// Queues a close_notify alert (SSL_shutdown, not waiting for the peer's).
void CLinux_tls_close_notify(CLinux_tls *t);

/// Ciphertext waiting to be sent: contiguous bytes at *ptr (BIO_nread0). 0 when none.
size_t CLinux_tls_out_pending(CLinux_tls *t, const void **ptr);
/// Marks `n` bytes of CLinux_tls_out_pending as sent (BIO_nread).
void CLinux_tls_out_consume(CLinux_tls *t, size_t n);
/// Contiguous room for received ciphertext at *ptr (BIO_nwrite0). 0 when the ring is full.
size_t CLinux_tls_in_space(CLinux_tls *t, void **ptr);
/// Marks `n` bytes written at CLinux_tls_in_space as received (BIO_nwrite).
void CLinux_tls_in_commit(CLinux_tls *t, size_t n);

/// Text of the last failure ("certificate verify failed: …"), never NULL.
const char *CLinux_tls_error(const CLinux_tls *t);
/// The negotiated ALPN protocol copied into buf (NUL-terminated); returns its length, 0 when none.
size_t CLinux_tls_alpn(const CLinux_tls *t, char *buf, size_t len);
/// The negotiated protocol version, e.g. "TLSv1.3".
const char *CLinux_tls_version(const CLinux_tls *t);

#endif
