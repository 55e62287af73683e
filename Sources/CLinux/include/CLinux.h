// CLinux: the Linux calls that `import Glibc` does not expose to Swift
// (epoll, eventfd, timerfd, accept4, SO_TIMESTAMPING and the CMSG_* macros).
// Only H2Loop and H2Wire import this module (H2Wire: CLinux_sum_le64 and the session pool). Each function says which C call it wraps and why.
#ifndef H2STRESS_CLINUX_H
#define H2STRESS_CLINUX_H

#include <stdint.h>
#include <stddef.h>
#include <sys/types.h>
#include <sys/socket.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <sys/resource.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <linux/net_tstamp.h>
#include <linux/errqueue.h>
#include <time.h>
#include "CLinuxTLS.h"

// epoll flags as plain integers (Glibc imports them as enum cases with .rawValue).
static const uint32_t CLinux_EPOLLIN = EPOLLIN;
static const uint32_t CLinux_EPOLLOUT = EPOLLOUT;
static const uint32_t CLinux_EPOLLERR = EPOLLERR;
static const uint32_t CLinux_EPOLLHUP = EPOLLHUP;
static const uint32_t CLinux_EPOLLRDHUP = EPOLLRDHUP;
static const uint32_t CLinux_EPOLLET = EPOLLET;

/// Wrapping sum of `words` little-endian 64-bit words at `bytes` (any alignment): the bulk
/// of the body checksum. AVX2 where the CPU has it (see wordsum.c).
uint64_t CLinux_sum_le64(const void *bytes, size_t words);

/// A small-block allocator for one nghttp2 session, used through `nghttp2_mem` (see
/// sessionpool.c). Single-threaded: one pool per session, used on the session's thread only.
typedef struct CLinux_pool CLinux_pool;
CLinux_pool *CLinux_pool_new(void);
/// Frees the pool and every free block it keeps; call after `nghttp2_session_del`.
void CLinux_pool_del(CLinux_pool *pool);
void *CLinux_pool_malloc(size_t size, void *pool);
void CLinux_pool_free(void *ptr, void *pool);
void *CLinux_pool_calloc(size_t count, size_t size, void *pool);
void *CLinux_pool_realloc(void *ptr, size_t size, void *pool);

/// epoll_create1(EPOLL_CLOEXEC).
int CLinux_epoll_create(void);
/// epoll_ctl with the 64-bit user token in `data.u64`. op: 1 add, 2 mod, 3 del.
int CLinux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token);
/// epoll_wait into `count` pairs of (events, token) written to the two arrays.
int CLinux_epoll_wait(int epfd, uint32_t *events, uint64_t *tokens, int count, int timeout_ms);

/// eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC).
int CLinux_eventfd(void);
/// timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC).
int CLinux_timerfd(void);
/// timerfd_settime with an absolute CLOCK_MONOTONIC deadline in ns (0 disarms).
int CLinux_timerfd_arm_abs(int fd, uint64_t deadline_ns);

/// accept4(..., SOCK_NONBLOCK | SOCK_CLOEXEC) — needs _GNU_SOURCE, hence this shim.
int CLinux_accept(int fd);

/// Enables software RX timestamps (SO_TIMESTAMPING with RX_SOFTWARE | SOFTWARE).
/// Must be called before connect(). Returns 0 or -1 with errno.
int CLinux_enable_rx_timestamps(int fd);

/// recvmsg into `buf` with a control buffer; on success writes the kernel software RX
/// timestamp (CLOCK_REALTIME ns) to *rx_ns, or 0 when the read carried none.
/// Returns the byte count, 0 at EOF, -1 with errno.
ssize_t CLinux_recv_timestamped(int fd, void *buf, size_t len, void *control, size_t control_len, uint64_t *rx_ns);

/// Bytes of control buffer CLinux_recv_timestamped needs.
size_t CLinux_timestamp_control_size(void);

/// clock_gettime in ns.
uint64_t CLinux_monotonic_ns(void);
uint64_t CLinux_realtime_ns(void);
/// Thread CPU time (CLOCK_THREAD_CPUTIME_ID) in ns.
uint64_t CLinux_thread_cpu_ns(void);

/// getrusage(RUSAGE_SELF): user and system time in ns and peak RSS in bytes.
void CLinux_process_usage(uint64_t *user_ns, uint64_t *sys_ns, uint64_t *max_rss_bytes);

/// setsockopt helpers: TCP_NODELAY, SO_REUSEADDR, SO_LINGER {1, 0} (reset on close).
int CLinux_set_nodelay(int fd);
int CLinux_set_reuseaddr(int fd);
int CLinux_set_linger_reset(int fd);
/// Socket-level pending error (SO_ERROR), for a non-blocking connect.
int CLinux_socket_error(int fd);

/// Binds and listens on an IPv4/IPv6 literal address and port (0 = any port); returns fd or -1.
/// Writes the bound port to *bound_port.
/// With reuse_port != 0, SO_REUSEPORT is set so several loops can each own a listener on one port.
int CLinux_listen_tcp(const char *host, uint16_t port, int backlog, int reuse_port, uint16_t *bound_port);
/// Starts a non-blocking connect to an IPv4/IPv6 literal address; rx_timestamps != 0 enables
/// SO_TIMESTAMPING first. Returns the fd (connect in progress or done) or -1 with errno.
int CLinux_connect_tcp(const char *host, uint16_t port, int rx_timestamps);

/// getaddrinfo(host) → the first IPv4 address, else the first address, as numeric text
/// (getnameinfo NI_NUMERICHOST). 0 on success, else an EAI_* code for CLinux_resolve_error.
int CLinux_resolve_host(const char *host, char *numeric, size_t numeric_len);
/// gai_strerror.
const char *CLinux_resolve_error(int code);

/// getrusage(RUSAGE_THREAD): the calling thread's user and system time in ns.
void CLinux_thread_usage(uint64_t *user_ns, uint64_t *sys_ns);
/// pthread_setname_np on the calling thread (needs _GNU_SOURCE).
void CLinux_set_thread_name(const char *name);
/// Resets the process's peak RSS (writes 5 to /proc/self/clear_refs); returns 0 on success.
int CLinux_reset_peak_rss(void);
/// Current peak RSS (VmHWM from /proc/self/status) in bytes, 0 when unknown.
uint64_t CLinux_peak_rss_bytes(void);

/// pipe2(fds, O_CLOEXEC) (needs _GNU_SOURCE), then O_NONBLOCK on the read end fds[0] only: a
/// pipe a child writes into (blocking) and the parent reads without blocking. Neither end leaks
/// into a process another thread spawns meanwhile. Returns 0 or -1 with errno.
int CLinux_pipe_for_child(int fds[2]);
/// posix_spawn_file_actions_addchdir_np (glibc ≥ 2.29, needs _GNU_SOURCE) on the
/// `posix_spawn_file_actions_t` at `actions`: the child changes to `path` before it runs.
int CLinux_spawn_addchdir(void *actions, const char *path);

#endif
