/*
 * Time inside one openat, one connect and one accept, N times each, interleaved; prints the median and the 10th/90th
 * percentile in nanoseconds. Run with and without LD_PRELOAD by run.sh: the difference is what the probe adds.
 *   percall N FILE
 * connect/accept use loopback TCP in this process: connect to a listener, then accept the queued connection (so
 * accept never waits; it asks for the peer address, as servers do); the client closes with SO_LINGER 0, leaving no TIME_WAIT sockets behind.
 * "accept" is on a listener bound to 127.0.0.1, "accept-wildcard" on one bound to 0.0.0.0 (the probe must then ask
 * the kernel for each accepted socket's local address).
 * "getsockname" times one getsockname on the connected socket: the probe does not wrap it, so it is the same-run floor
 * of the one system call the probe adds to connect (the local address exists nowhere else at that moment).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    const long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static void report(const char *name, long long *v, int n) {
    qsort(v, n, sizeof *v, cmp);
    printf("%s median_ns=%lld p10_ns=%lld p90_ns=%lld\n", name, v[n / 2], v[n / 10], v[n * 9 / 10]);
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: percall N FILE\n");
        return 2;
    }
    const int n = atoi(argv[1]);
    const char *file = argv[2];
    long long *t_open = calloc(n, sizeof *t_open), *t_connect = calloc(n, sizeof *t_connect),
              *t_accept = calloc(n, sizeof *t_accept), *t_accept_any = calloc(n, sizeof *t_accept_any),
              *t_getsockname = calloc(n, sizeof *t_getsockname);
    const int l_any = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in any = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_ANY)};
    socklen_t any_len = sizeof any;
    if (bind(l_any, (struct sockaddr *)&any, sizeof any) != 0 || listen(l_any, 128) != 0
        || getsockname(l_any, (struct sockaddr *)&any, &any_len) != 0) {
        perror("listen any");
        return 1;
    }
    any.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    const int l = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in addr = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t alen = sizeof addr;
    if (bind(l, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(l, 128) != 0
        || getsockname(l, (struct sockaddr *)&addr, &alen) != 0) {
        perror("listen");
        return 1;
    }
    const struct linger abort_close = {1, 0};
    for (int i = 0; i < n; i++) {
        long long t0 = now_ns();
        const int fd = openat(AT_FDCWD, file, O_RDONLY);
        long long t1 = now_ns();
        if (fd < 0) {
            perror("openat");
            return 1;
        }
        close(fd);
        t_open[i] = t1 - t0;

        const int c = socket(AF_INET, SOCK_STREAM, 0);
        t0 = now_ns();
        const int r = connect(c, (struct sockaddr *)&addr, sizeof addr);
        t1 = now_ns();
        if (r != 0) {
            perror("connect");
            return 1;
        }
        t_connect[i] = t1 - t0;
        struct sockaddr_in local;
        socklen_t llen = sizeof local;
        t0 = now_ns();
        getsockname(c, (struct sockaddr *)&local, &llen);
        t1 = now_ns();
        t_getsockname[i] = t1 - t0;
        struct sockaddr_in peer;
        socklen_t plen = sizeof peer;
        t0 = now_ns();
        const int a = accept(l, (struct sockaddr *)&peer, &plen);
        t1 = now_ns();
        if (a < 0) {
            perror("accept");
            return 1;
        }
        t_accept[i] = t1 - t0;
        setsockopt(c, SOL_SOCKET, SO_LINGER, &abort_close, sizeof abort_close);
        close(c);
        close(a);

        const int c2 = socket(AF_INET, SOCK_STREAM, 0);
        if (connect(c2, (struct sockaddr *)&any, sizeof any) != 0) {
            perror("connect any");
            return 1;
        }
        plen = sizeof peer;
        t0 = now_ns();
        const int a2 = accept(l_any, (struct sockaddr *)&peer, &plen);
        t1 = now_ns();
        if (a2 < 0) {
            perror("accept any");
            return 1;
        }
        t_accept_any[i] = t1 - t0;
        setsockopt(c2, SOL_SOCKET, SO_LINGER, &abort_close, sizeof abort_close);
        close(c2);
        close(a2);
    }
    report("openat", t_open, n);
    report("connect", t_connect, n);
    report("accept", t_accept, n);
    report("accept-wildcard", t_accept_any, n);
    report("getsockname", t_getsockname, n);
    return 0;
}
