/*
 * The research's experiment: the wall time of a whole program that connects once, and of one that accepts once,
 * spawned ITER times in each configuration, the configurations alternating in rotating order so drift hits all
 * alike. The driver (never probed) plays the other side: it accepts for connect_once, and for accept_once it hands
 * over a listening socket as fd 3 and connects to it right after spawning.
 *   experiment ITER DIR PROBE_LIB EMPTY_LIB RING UNREAD_RING [SERVER_NETNS CLIENT_NETNS SERVER_IP]
 * With the three namespace arguments it runs as the research did, across two hosts: the accepting side (the driver's
 * listener for connect_once, accept_once itself) in SERVER_NETNS on SERVER_IP, the connecting side (connect_once,
 * the driver's client socket for accept_once) in CLIENT_NETNS. The driver switches its own network namespace with
 * setns before it makes a socket or spawns a program, which then lives in that namespace.
 * Configurations: baseline (no LD_PRELOAD), control (LD_PRELOAD=the empty library), probe (the probe and a ring
 * that the collector's reader drains live), probe-unread (the probe writing a ring nobody reads until the end: the
 * cost inside the program alone, without a reader competing for the CPU), probe-idle (the probe without
 * TETHER_CHANNEL: loaded but not reporting); with env OLD_PROBE=LIB also old-probe (another build of the probe, e.g.
 * the previous commit's, on the same live ring: before and after in one run).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <sched.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define MAX_CONFIGS 6
static const char *names[MAX_CONFIGS] = {"baseline", "control", "probe", "probe-unread", "probe-idle", "old-probe"};
static int nconfigs = 5;

/* CPU time of the last child (user + system; the kernel scales both from its precise runtime, so the sum is exact):
 * on a loaded machine wall time mostly measures the scheduler, CPU time what the program itself did */
static long long last_cpu_ns;

static pid_t wait_child(pid_t pid, int *status) {
    struct rusage ru;
    const pid_t r = wait4(pid, status, 0, &ru);
    last_cpu_ns = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL
                  + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
    return r;
}

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int cmp(const void *a, const void *b) {
    const long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

/* network namespaces of the two sides (-1: stay where we are, loopback) and the server's address */
static int ns_server = -1, ns_client = -1;
static struct in_addr server_ip = {.s_addr = 0};
static char server_ip_text[64] = "127.0.0.1";

static void enter(int ns) {
    if (ns >= 0 && setns(ns, CLONE_NEWNET) != 0) {
        perror("setns");
        exit(1);
    }
}

static int listener(struct sockaddr_in *addr) {
    enter(ns_server);
    const int l = socket(AF_INET, SOCK_STREAM, 0);
    const int one = 1;
    setsockopt(l, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_addr = server_ip;
    socklen_t len = sizeof *addr;
    if (bind(l, (struct sockaddr *)addr, len) != 0 || listen(l, 16) != 0
        || getsockname(l, (struct sockaddr *)addr, &len) != 0) {
        perror("listener");
        exit(1);
    }
    return l;
}

static long long run_connect_once(char *const envp[], const char *prog, int l, int port) {
    char portbuf[16];
    snprintf(portbuf, sizeof portbuf, "%d", port);
    char *const argv[] = {(char *)prog, portbuf, server_ip_text, NULL};
    pid_t pid;
    enter(ns_client);
    const long long t0 = now_ns();
    if (posix_spawn(&pid, prog, NULL, NULL, argv, envp) != 0) {
        perror("spawn");
        exit(1);
    }
    const int a = accept(l, NULL, NULL);
    char c;
    if (a < 0 || read(a, &c, 1) != 1) {
        perror("driver accept");
        exit(1);
    }
    int status;
    wait_child(pid, &status);
    const long long t1 = now_ns();
    close(a);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "connect_once failed\n");
        exit(1);
    }
    return t1 - t0;
}

static long long run_accept_once(char *const envp[], const char *prog) {
    struct sockaddr_in addr;
    const int l = listener(&addr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, l, 3);
    char *const argv[] = {(char *)prog, NULL};
    pid_t pid;
    const long long t0 = now_ns(); /* listener() left us in the server's namespace: accept_once starts there */
    if (posix_spawn(&pid, prog, &fa, NULL, argv, envp) != 0) {
        perror("spawn");
        exit(1);
    }
    enter(ns_client);
    const int c = socket(AF_INET, SOCK_STREAM, 0);
    if (connect(c, (struct sockaddr *)&addr, sizeof addr) != 0 || write(c, "x", 1) != 1) {
        perror("driver connect");
        exit(1);
    }
    int status;
    wait_child(pid, &status);
    const long long t1 = now_ns();
    posix_spawn_file_actions_destroy(&fa);
    const struct linger abort_close = {1, 0};
    setsockopt(c, SOL_SOCKET, SO_LINGER, &abort_close, sizeof abort_close);
    close(c);
    close(l);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "accept_once failed\n");
        exit(1);
    }
    return t1 - t0;
}

static void report(const char *what, const char *name, long long *v, int n, double base_median, double ctrl_median) {
    qsort(v, n, sizeof *v, cmp);
    double sum = 0;
    for (int i = n / 10; i < n - n / 10; i++) {
        sum += v[i];
    }
    const double trimmed = sum / (n - 2 * (n / 10));
    const double median = v[n / 2];
    printf("%-16s %-12s median_us=%8.1f trimmed_mean_us=%8.1f p10_us=%8.1f p90_us=%8.1f", what, name, median / 1000,
           trimmed / 1000, v[n / 10] / 1000.0, v[n * 9 / 10] / 1000.0);
    if (base_median > 0) {
        printf(" vs_baseline=%+.2f%% vs_control=%+.2f%%", 100.0 * (median / base_median - 1),
               100.0 * (median / ctrl_median - 1));
    }
    printf("\n");
}

int main(int argc, char **argv) {
    if (argc < 7) {
        fprintf(stderr, "usage: experiment ITER DIR PROBE_LIB EMPTY_LIB RING UNREAD_RING\n");
        return 2;
    }
    const int iter = atoi(argv[1]);
    server_ip.s_addr = htonl(INADDR_LOOPBACK);
    if (argc >= 10) {
        char path[4200];
        snprintf(path, sizeof path, "/run/netns/%s", argv[7]);
        ns_server = open(path, O_RDONLY | O_CLOEXEC);
        snprintf(path, sizeof path, "/run/netns/%s", argv[8]);
        ns_client = open(path, O_RDONLY | O_CLOEXEC);
        snprintf(server_ip_text, sizeof server_ip_text, "%s", argv[9]);
        if (ns_server < 0 || ns_client < 0 || inet_pton(AF_INET, server_ip_text, &server_ip) != 1) {
            perror("network namespaces");
            return 2;
        }
        printf("two network namespaces: accepting side %s (%s), connecting side %s\n", argv[7], server_ip_text,
               argv[8]);
    } else {
        printf("loopback in one network namespace\n");
    }
    char connect_prog[4096], accept_prog[4096], preload_probe[4200], preload_empty[4200], channel[4200], unread[4200],
        preload_old[4200];
    const char *old_probe = getenv("OLD_PROBE");
    if (old_probe != NULL && old_probe[0] != 0) {
        nconfigs = 6;
    }
    snprintf(preload_old, sizeof preload_old, "LD_PRELOAD=%s", old_probe != NULL ? old_probe : "");
    snprintf(connect_prog, sizeof connect_prog, "%s/connect_once", argv[2]);
    snprintf(accept_prog, sizeof accept_prog, "%s/accept_once", argv[2]);
    snprintf(preload_probe, sizeof preload_probe, "LD_PRELOAD=%s", argv[3]);
    snprintf(preload_empty, sizeof preload_empty, "LD_PRELOAD=%s", argv[4]);
    snprintf(channel, sizeof channel, "TETHER_CHANNEL=%s", argv[5]);
    snprintf(unread, sizeof unread, "TETHER_CHANNEL=%s", argv[6]);
    char *env[MAX_CONFIGS][4] = {
        {"PATH=/usr/bin:/bin", NULL},
        {"PATH=/usr/bin:/bin", preload_empty, NULL},
        {"PATH=/usr/bin:/bin", preload_probe, channel, NULL},
        {"PATH=/usr/bin:/bin", preload_probe, unread, NULL},
        {"PATH=/usr/bin:/bin", preload_probe, NULL},
        {"PATH=/usr/bin:/bin", preload_old, channel, NULL},
    };
    long long *tc[MAX_CONFIGS], *ta[MAX_CONFIGS], *cc[MAX_CONFIGS], *ca[MAX_CONFIGS];
    for (int k = 0; k < nconfigs; k++) {
        tc[k] = calloc(iter, sizeof(long long));
        ta[k] = calloc(iter, sizeof(long long));
        cc[k] = calloc(iter, sizeof(long long));
        ca[k] = calloc(iter, sizeof(long long));
    }
    struct sockaddr_in addr;
    const int l = listener(&addr);
    const int port = ntohs(addr.sin_port);
    for (int w = 0; w < 20; w++) { /* warm caches before measuring */
        run_connect_once(env[w % nconfigs], connect_prog, l, port);
        run_accept_once(env[w % nconfigs], accept_prog);
    }
    for (int i = 0; i < iter; i++) {
        for (int j = 0; j < nconfigs; j++) {
            const int k = (i + j) % nconfigs;
            tc[k][i] = run_connect_once(env[k], connect_prog, l, port);
            cc[k][i] = last_cpu_ns;
            ta[k][i] = run_accept_once(env[k], accept_prog);
            ca[k][i] = last_cpu_ns;
        }
    }
    const char *what[4] = {"connect_once", "accept_once", "connect_once/cpu", "accept_once/cpu"};
    long long **series[4] = {tc, ta, cc, ca};
    long long *copy = calloc(iter, sizeof(long long));
    for (int w = 0; w < 4; w++) {
        double median[2];
        for (int k = 0; k < 2; k++) {
            memcpy(copy, series[w][k], iter * sizeof(long long));
            qsort(copy, iter, sizeof(long long), cmp);
            median[k] = copy[iter / 2];
        }
        for (int k = 0; k < nconfigs; k++) {
            report(what[w], names[k], series[w][k], iter, k ? median[0] : 0, median[1]);
        }
    }
    return 0;
}
