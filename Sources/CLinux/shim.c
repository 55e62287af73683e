// See include/CLinux.h for what each function wraps and why it exists.
#define _GNU_SOURCE
#include "CLinux.h"
#include <errno.h>
#include <string.h>
#include <unistd.h>
#include <fcntl.h>
#include <arpa/inet.h>

int CLinux_epoll_create(void) { return epoll_create1(EPOLL_CLOEXEC); }

int CLinux_epoll_ctl(int epfd, int op, int fd, uint32_t events, uint64_t token) {
    struct epoll_event ev;
    memset(&ev, 0, sizeof ev);
    ev.events = events;
    ev.data.u64 = token;
    int cop = op == 1 ? EPOLL_CTL_ADD : (op == 2 ? EPOLL_CTL_MOD : EPOLL_CTL_DEL);
    return epoll_ctl(epfd, cop, fd, &ev);
}

int CLinux_epoll_wait(int epfd, uint32_t *events, uint64_t *tokens, int count, int timeout_ms) {
    struct epoll_event evs[256];
    if (count > 256) count = 256;
    int n = epoll_wait(epfd, evs, count, timeout_ms);
    for (int i = 0; i < n; i++) {
        events[i] = evs[i].events;
        tokens[i] = evs[i].data.u64;
    }
    return n;
}

int CLinux_eventfd(void) { return eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC); }
int CLinux_timerfd(void) { return timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC); }

int CLinux_timerfd_arm_abs(int fd, uint64_t deadline_ns) {
    struct itimerspec its;
    memset(&its, 0, sizeof its);
    if (deadline_ns != 0) {
        its.it_value.tv_sec = (time_t)(deadline_ns / 1000000000ull);
        its.it_value.tv_nsec = (long)(deadline_ns % 1000000000ull);
        if (its.it_value.tv_sec == 0 && its.it_value.tv_nsec == 0) its.it_value.tv_nsec = 1;
    }
    return timerfd_settime(fd, TFD_TIMER_ABSTIME, &its, NULL);
}

int CLinux_accept(int fd) { return accept4(fd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC); }

int CLinux_enable_rx_timestamps(int fd) {
    int flags = SOF_TIMESTAMPING_RX_SOFTWARE | SOF_TIMESTAMPING_SOFTWARE;
    return setsockopt(fd, SOL_SOCKET, SO_TIMESTAMPING, &flags, sizeof flags);
}

size_t CLinux_timestamp_control_size(void) { return CMSG_SPACE(sizeof(struct scm_timestamping)) + 64; }

ssize_t CLinux_recv_timestamped(int fd, void *buf, size_t len, void *control, size_t control_len, uint64_t *rx_ns) {
    struct iovec iov = { .iov_base = buf, .iov_len = len };
    struct msghdr msg;
    memset(&msg, 0, sizeof msg);
    msg.msg_iov = &iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control;
    msg.msg_controllen = control_len;
    ssize_t n = recvmsg(fd, &msg, 0);
    *rx_ns = 0;
    if (n <= 0) return n;
    for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c != NULL; c = CMSG_NXTHDR(&msg, c)) {
        if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SO_TIMESTAMPING) {
            struct scm_timestamping ts;
            memcpy(&ts, CMSG_DATA(c), sizeof ts);
            *rx_ns = (uint64_t)ts.ts[0].tv_sec * 1000000000ull + (uint64_t)ts.ts[0].tv_nsec;
        }
    }
    return n;
}

static uint64_t clock_ns(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}
uint64_t CLinux_monotonic_ns(void) { return clock_ns(CLOCK_MONOTONIC); }
uint64_t CLinux_realtime_ns(void) { return clock_ns(CLOCK_REALTIME); }
uint64_t CLinux_thread_cpu_ns(void) { return clock_ns(CLOCK_THREAD_CPUTIME_ID); }

void CLinux_process_usage(uint64_t *user_ns, uint64_t *sys_ns, uint64_t *max_rss_bytes) {
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    *user_ns = (uint64_t)ru.ru_utime.tv_sec * 1000000000ull + (uint64_t)ru.ru_utime.tv_usec * 1000ull;
    *sys_ns = (uint64_t)ru.ru_stime.tv_sec * 1000000000ull + (uint64_t)ru.ru_stime.tv_usec * 1000ull;
    *max_rss_bytes = (uint64_t)ru.ru_maxrss * 1024ull;
}

int CLinux_set_nodelay(int fd) { int one = 1; return setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one); }
int CLinux_set_reuseaddr(int fd) { int one = 1; return setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one); }
int CLinux_set_linger_reset(int fd) {
    struct linger l = { .l_onoff = 1, .l_linger = 0 };
    return setsockopt(fd, SOL_SOCKET, SO_LINGER, &l, sizeof l);
}
int CLinux_socket_error(int fd) {
    int err = 0; socklen_t len = sizeof err;
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0) return errno;
    return err;
}

static int make_addr(const char *host, uint16_t port, struct sockaddr_storage *ss, socklen_t *len) {
    memset(ss, 0, sizeof *ss);
    struct sockaddr_in *a4 = (struct sockaddr_in *)ss;
    struct sockaddr_in6 *a6 = (struct sockaddr_in6 *)ss;
    if (inet_pton(AF_INET, host, &a4->sin_addr) == 1) {
        a4->sin_family = AF_INET; a4->sin_port = htons(port); *len = sizeof *a4; return AF_INET;
    }
    if (inet_pton(AF_INET6, host, &a6->sin6_addr) == 1) {
        a6->sin6_family = AF_INET6; a6->sin6_port = htons(port); *len = sizeof *a6; return AF_INET6;
    }
    errno = EINVAL;
    return -1;
}

int CLinux_listen_tcp(const char *host, uint16_t port, int backlog, int reuse_port, uint16_t *bound_port) {
    struct sockaddr_storage ss; socklen_t len;
    int family = make_addr(host, port, &ss, &len);
    if (family < 0) return -1;
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    CLinux_set_reuseaddr(fd);
    if (reuse_port) { int one = 1; setsockopt(fd, SOL_SOCKET, SO_REUSEPORT, &one, sizeof one); }
    if (bind(fd, (struct sockaddr *)&ss, len) != 0 || listen(fd, backlog) != 0) {
        int e = errno; close(fd); errno = e; return -1;
    }
    struct sockaddr_storage got; socklen_t glen = sizeof got;
    getsockname(fd, (struct sockaddr *)&got, &glen);
    *bound_port = ntohs(family == AF_INET ? ((struct sockaddr_in *)&got)->sin_port
                                          : ((struct sockaddr_in6 *)&got)->sin6_port);
    return fd;
}

#include <netdb.h>
int CLinux_resolve_host(const char *host, char *numeric, size_t numeric_len) {
    struct addrinfo hints;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_UNSPEC;
    hints.ai_socktype = SOCK_STREAM;
    struct addrinfo *found = NULL;
    int rc = getaddrinfo(host, NULL, &hints, &found);
    if (rc != 0) return rc;
    struct addrinfo *pick = found;
    for (struct addrinfo *a = found; a != NULL; a = a->ai_next) {
        if (a->ai_family == AF_INET) { pick = a; break; }
    }
    rc = getnameinfo(pick->ai_addr, pick->ai_addrlen, numeric, (socklen_t)numeric_len, NULL, 0, NI_NUMERICHOST);
    freeaddrinfo(found);
    return rc;
}

const char *CLinux_resolve_error(int code) { return gai_strerror(code); }

int CLinux_connect_tcp(const char *host, uint16_t port, int rx_timestamps) {
    struct sockaddr_storage ss; socklen_t len;
    int family = make_addr(host, port, &ss, &len);
    if (family < 0) return -1;
    int fd = socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0) return -1;
    CLinux_set_nodelay(fd);
    if (rx_timestamps) CLinux_enable_rx_timestamps(fd);
    if (connect(fd, (struct sockaddr *)&ss, len) != 0 && errno != EINPROGRESS) {
        int e = errno; close(fd); errno = e; return -1;
    }
    return fd;
}

#include <pthread.h>
#include <stdio.h>
void CLinux_set_thread_name(const char *name) { pthread_setname_np(pthread_self(), name); }

int CLinux_reset_peak_rss(void) {
    int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = write(fd, "5", 1);
    close(fd);
    return n == 1 ? 0 : -1;
}

uint64_t CLinux_peak_rss_bytes(void) {
    FILE *f = fopen("/proc/self/status", "re");
    if (!f) return 0;
    char line[256];
    uint64_t kb = 0;
    while (fgets(line, sizeof line, f)) {
        if (strncmp(line, "VmHWM:", 6) == 0) { sscanf(line + 6, "%lu", &kb); break; }
    }
    fclose(f);
    return kb * 1024ull;
}

void CLinux_thread_usage(uint64_t *user_ns, uint64_t *sys_ns) {
    struct rusage ru;
    getrusage(RUSAGE_THREAD, &ru);
    *user_ns = (uint64_t)ru.ru_utime.tv_sec * 1000000000ull + (uint64_t)ru.ru_utime.tv_usec * 1000ull;
    *sys_ns = (uint64_t)ru.ru_stime.tv_sec * 1000000000ull + (uint64_t)ru.ru_stime.tv_usec * 1000ull;
}

#include <spawn.h>

int CLinux_pipe_for_child(int fds[2]) {
    if (pipe2(fds, O_CLOEXEC) != 0) return -1;
    int flags = fcntl(fds[0], F_GETFL);
    if (flags < 0 || fcntl(fds[0], F_SETFL, flags | O_NONBLOCK) != 0) {
        int saved = errno;
        close(fds[0]);
        close(fds[1]);
        errno = saved;
        return -1;
    }
    return 0;
}

int CLinux_spawn_addchdir(void *actions, const char *path) {
    return posix_spawn_file_actions_addchdir_np((posix_spawn_file_actions_t *)actions, path);
}
