/*
 * The fixed per-process cost of LD_PRELOAD libraries, precisely: spawns the research's connect_once (against a
 * listener of this driver, loopback), accept_once (this driver connects to the listener it hands over as fd 3) or
 * any program, N times per configuration, the configurations interleaved (a random order per round; ORDER=rotate:
 * rotating order, as in session 5), and reads each child's
 * CPU time (user + system) and minor page faults from wait4. Per configuration it prints the median and 10 %-trimmed
 * mean CPU, the median faults, and against the reference configuration (the second one given, normally the empty
 * library) the PAIRED difference: the two children of one round ran within a few spawns of each other, so slow
 * drifts of the machine's load cancel; its trimmed mean comes with a standard error.
 *   loadcost N connect|accept|PROG CONFIG...
 *   CONFIG = "-" (no LD_PRELOAD) | LIB (no channel: an idle probe) | LIB,RING (TETHER_CHANNEL=RING)
 *            | LIB,+ (a fresh ring made by this driver in /dev/shm, whose committed slots it frees after every
 *              child, as a reader that never acks: the probe always takes its own identity path) | NAME=CONFIG
 *            | LIB,@pipe | LIB,@dgram | LIB,@shm | LIB,@fifo (a channel of floor.c's designs, made by this driver
 *              and drained after every child; the count of 64-byte records per child is printed and checked)
 *            | LIB,@pipe+cn | LIB,@dgram+cn | LIB,@cn (the kernel's process-events connector listened to while this
 *              configuration's child runs, its EXEC and EXIT events for the child checked; the library then writes
 *              only the CALL record: floor.c built with -DFLOOR_CALL_ONLY; needs CAP_NET_ADMIN)
 * An @pipe, @dgram or @shm channel is inherited as fd CHILD_FD (TETHER_FD=CHILD_FD in the environment); @fifo is a
 * FIFO in /dev/shm the child opens by path (TETHER_CHANNEL=PATH) and this driver holds open for reading.
 * Used for bench/reports/probe.md, "Session 5" and "Session 6" (bench/probe/floor.sh).
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <math.h>
#include <netinet/in.h>
#include <spawn.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../collector/src/main/c/tether_ring.h"

#define SLOT_SIZE 512u
#define SLOT_COUNT 65536u
#define MAX_CONFIGS 16
#define CHILD_FD 100
#define FLOOR_RECORD 64 /* floor.c's struct floor_record */

enum channel_kind { CHANNEL_NONE, CHANNEL_RING, CHANNEL_PIPE, CHANNEL_DGRAM, CHANNEL_SHM, CHANNEL_FIFO };

struct config {
    char name[64];
    char *envp[4];
    char preload[4200];
    char channel[4200];
    struct tether_ring_header *ring; /* a ring this driver made and frees, or NULL */
    uint8_t *slots;
    enum channel_kind kind;
    int child_fd;    /* the fd handed to the child as CHILD_FD, or -1 */
    int reader_fd;   /* the read side this driver drains (pipe, socket, FIFO) */
    uint8_t *shm;    /* the @shm page, as this driver sees it */
    char fifo[256];
    char fd_env[32];
    int cn;            /* 1: the process-events connector is listened to while this configuration's child runs */
    long long cn_missing; /* children without both an EXEC and an EXIT event */
    long long records; /* floor records read, all children */
    long long bad;     /* children whose records were not exactly START, CALL, EXIT (or not from that child) */
    long long *cpu;
    long long *faults;
};

static int cmp(const void *a, const void *b) {
    const long long x = *(const long long *)a, y = *(const long long *)b;
    return (x > y) - (x < y);
}

static void make_ring(struct config *c, int index) {
    snprintf(c->channel, sizeof c->channel, "/dev/shm/tether-loadcost.%d.%d.ring", (int)getpid(), index);
    const int fd = open(c->channel, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    const size_t len = TETHER_RING_HEADER_SIZE + (size_t)SLOT_SIZE * SLOT_COUNT;
    if (fd < 0 || ftruncate(fd, (off_t)len) != 0) {
        perror("ring");
        exit(1);
    }
    uint8_t *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    close(fd);
    if (m == MAP_FAILED) {
        perror("mmap");
        exit(1);
    }
    struct tether_ring_header *h = (struct tether_ring_header *)m;
    struct timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    const uint64_t start = ((uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000) << 20;
    h->version = TETHER_RING_VERSION;
    h->header_size = TETHER_RING_HEADER_SIZE;
    h->slot_size = SLOT_SIZE;
    h->slot_count = SLOT_COUNT;
    h->write_cursor = start;
    h->read_cursor = start;
    for (uint64_t p = start; p < start + SLOT_COUNT; p++) {
        ((struct tether_slot_header *)(m + TETHER_RING_HEADER_SIZE + (p & (SLOT_COUNT - 1)) * SLOT_SIZE))->commit = p;
    }
    __atomic_store_n(&h->magic, TETHER_RING_MAGIC, __ATOMIC_RELEASE);
    c->ring = h;
    c->slots = m + TETHER_RING_HEADER_SIZE;
}

/* frees every committed slot, as the collector does once a record is kept (it never acks here) */
static long long free_slots(struct config *c) {
    long long n = 0;
    uint64_t p = c->ring->read_cursor;
    const uint64_t end = __atomic_load_n(&c->ring->write_cursor, __ATOMIC_ACQUIRE);
    for (; p < end; p++, n++) {
        struct tether_slot_header *s = (struct tether_slot_header *)(c->slots + (p & (SLOT_COUNT - 1)) * SLOT_SIZE);
        if (__atomic_load_n(&s->commit, __ATOMIC_ACQUIRE) != p + 1) {
            break;
        }
        __atomic_store_n(&s->commit, p + SLOT_COUNT, __ATOMIC_RELEASE);
    }
    c->ring->read_cursor = p;
    return n;
}

/* the process-events connector (one socket for all "+cn" configurations), subscribed only around their children */
static int cn_socket = -1;

static void cn_listen(int on) {
    struct __attribute__((packed)) {
        struct nlmsghdr nl;
        struct cn_msg cn;
        enum proc_cn_mcast_op op;
    } msg;
    memset(&msg, 0, sizeof msg);
    msg.nl.nlmsg_len = sizeof msg;
    msg.nl.nlmsg_type = NLMSG_DONE;
    msg.nl.nlmsg_pid = (uint32_t)getpid();
    msg.cn.id.idx = CN_IDX_PROC;
    msg.cn.id.val = CN_VAL_PROC;
    msg.cn.len = sizeof msg.op;
    msg.op = on ? PROC_CN_MCAST_LISTEN : PROC_CN_MCAST_IGNORE;
    if (send(cn_socket, &msg, sizeof msg, 0) != (ssize_t)sizeof msg) {
        perror("process-events connector");
        exit(1);
    }
}

static void cn_open(void) {
    if (cn_socket >= 0) {
        return;
    }
    cn_socket = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_CONNECTOR);
    struct sockaddr_nl sa = {.nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC, .nl_pid = 0};
    const int size = 8 << 20;
    if (cn_socket < 0 || bind(cn_socket, (struct sockaddr *)&sa, sizeof sa) != 0) {
        perror("process-events connector (needs CAP_NET_ADMIN)");
        exit(1);
    }
    setsockopt(cn_socket, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof size);
}

/* reads what the connector queued while the child ran (every process of the machine, while subscribed) */
static void cn_drain(struct config *c, pid_t child) {
    char buf[16384] __attribute__((aligned(NLMSG_ALIGNTO)));
    int exec_seen = 0, exit_seen = 0;
    ssize_t n;
    while ((n = recv(cn_socket, buf, sizeof buf, 0)) > 0) {
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)n); h = NLMSG_NEXT(h, n)) {
            const struct cn_msg *m = NLMSG_DATA(h);
            if (h->nlmsg_type != NLMSG_DONE || m->id.idx != CN_IDX_PROC) {
                continue;
            }
            const struct proc_event *e = (const struct proc_event *)m->data;
            if (e->what == PROC_EVENT_EXEC && e->event_data.exec.process_tgid == child) {
                exec_seen = 1;
            } else if (e->what == PROC_EVENT_EXIT && e->event_data.exit.process_tgid == child) {
                exit_seen = 1;
            }
        }
    }
    if (!(exec_seen && exit_seen)) {
        c->cn_missing++;
    }
}

/* the read side of a floor channel: never blocks the child (its end is nonblocking), drained after each child */
static void make_floor_channel(struct config *c, int index, const char *spec) {
    c->child_fd = -1;
    c->reader_fd = -1;
    char what[32];
    snprintf(what, sizeof what, "%s", spec);
    char *plus = strstr(what, "+cn");
    if (strcmp(what, "@cn") == 0 || plus != NULL) {
        c->cn = 1;
        cn_open();
        if (plus != NULL) {
            *plus = 0;
        } else {
            return; /* the connector alone, no channel of the library's */
        }
    }
    if (strcmp(what, "@pipe") == 0) {
        int p[2];
        if (pipe2(p, O_CLOEXEC | O_NONBLOCK) != 0) {
            perror("pipe");
            exit(1);
        }
        c->kind = CHANNEL_PIPE;
        c->reader_fd = p[0];
        c->child_fd = p[1];
    } else if (strcmp(what, "@dgram") == 0) {
        int sv[2];
        const int on = 1;
        if (socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv) != 0
            || setsockopt(sv[0], SOL_SOCKET, SO_PASSCRED, &on, sizeof on) != 0
            || setsockopt(sv[0], SOL_SOCKET, SO_TIMESTAMP, &on, sizeof on) != 0) {
            perror("socketpair");
            exit(1);
        }
        c->kind = CHANNEL_DGRAM;
        c->reader_fd = sv[0];
        c->child_fd = sv[1];
    } else if (strcmp(what, "@shm") == 0) {
        const int fd = memfd_create("tether-floor", MFD_CLOEXEC);
        if (fd < 0 || ftruncate(fd, 4096) != 0) {
            perror("memfd");
            exit(1);
        }
        c->shm = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (c->shm == MAP_FAILED) {
            perror("mmap");
            exit(1);
        }
        memset(c->shm, 0, 4096);
        c->kind = CHANNEL_SHM;
        c->child_fd = fd;
    } else if (strcmp(what, "@fifo") == 0) {
        snprintf(c->fifo, sizeof c->fifo, "/dev/shm/tether-loadcost.%d.%d.fifo", (int)getpid(), index);
        unlink(c->fifo);
        if (mkfifo(c->fifo, 0600) != 0) {
            perror("mkfifo");
            exit(1);
        }
        /* read-write: the FIFO always has a reader, so a writer's nonblocking open never fails with ENXIO */
        c->reader_fd = open(c->fifo, O_RDWR | O_NONBLOCK | O_CLOEXEC);
        if (c->reader_fd < 0) {
            perror("fifo");
            exit(1);
        }
        c->kind = CHANNEL_FIFO;
        snprintf(c->channel, sizeof c->channel, "TETHER_CHANNEL=%s", c->fifo);
    } else {
        fprintf(stderr, "unknown channel %s\n", what);
        exit(2);
    }
    if (c->child_fd >= 0) {
        snprintf(c->fd_env, sizeof c->fd_env, "TETHER_FD=%d", CHILD_FD);
    }
}

/* reads what one child left in its floor channel; checks it is START, CALL, EXIT, and (datagrams) from that child */
static void drain_floor_channel(struct config *c, pid_t child) {
    uint8_t buf[64 * FLOOR_RECORD];
    int types[8];
    int n = 0;
    if (c->kind == CHANNEL_SHM) {
        const uint32_t claimed = *(volatile uint32_t *)c->shm;
        for (uint32_t i = 0; i < claimed && i < 63; i++) {
            const uint32_t type = __atomic_load_n((uint32_t *)(c->shm + 64 + 64 * (size_t)i), __ATOMIC_ACQUIRE);
            if (n < 8) {
                types[n] = (int)type;
            }
            n++;
        }
        memset(c->shm, 0, 4096);
    } else if (c->kind == CHANNEL_DGRAM) {
        for (;;) {
            union {
                char buf[CMSG_SPACE(sizeof(struct ucred)) + CMSG_SPACE(sizeof(struct timeval))];
                struct cmsghdr align;
            } control;
            struct iovec iov = {buf, FLOOR_RECORD};
            struct msghdr msg = {.msg_iov = &iov, .msg_iovlen = 1, .msg_control = control.buf,
                                 .msg_controllen = sizeof control.buf};
            if (recvmsg(c->reader_fd, &msg, MSG_DONTWAIT) != FLOOR_RECORD) {
                break;
            }
            int from_child = 0, stamped = 0;
            for (struct cmsghdr *m = CMSG_FIRSTHDR(&msg); m != NULL; m = CMSG_NXTHDR(&msg, m)) {
                if (m->cmsg_level == SOL_SOCKET && m->cmsg_type == SCM_CREDENTIALS) {
                    struct ucred cred;
                    memcpy(&cred, CMSG_DATA(m), sizeof cred);
                    from_child = cred.pid == child;
                } else if (m->cmsg_level == SOL_SOCKET && m->cmsg_type == SCM_TIMESTAMP) {
                    stamped = 1;
                }
            }
            uint32_t type;
            memcpy(&type, buf, sizeof type);
            if (n < 8) {
                types[n] = from_child && stamped ? (int)type : -1;
            }
            n++;
        }
    } else {
        ssize_t got, total = 0;
        while ((got = read(c->reader_fd, buf + total, sizeof buf - (size_t)total)) > 0) {
            total += got;
        }
        for (ssize_t off = 0; off + FLOOR_RECORD <= total; off += FLOOR_RECORD, n++) {
            uint32_t type;
            memcpy(&type, buf + off, sizeof type);
            if (n < 8) {
                types[n] = (int)type;
            }
        }
    }
    c->records += n;
    if (c->cn ? n != 1 || types[0] != 2 : n != 3 || types[0] != 1 || types[1] != 2 || types[2] != 3) {
        c->bad++;
    }
}

static int listener(struct sockaddr_in *addr) {
    const int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    memset(addr, 0, sizeof *addr);
    addr->sin_family = AF_INET;
    addr->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof *addr;
    if (bind(l, (struct sockaddr *)addr, len) != 0 || listen(l, 64) != 0
        || getsockname(l, (struct sockaddr *)addr, &len) != 0) {
        perror("listener");
        exit(1);
    }
    return l;
}

static char *mode;
static int conn_listener = -1;
static struct sockaddr_in conn_addr;
static char port_text[16];

static void run_one(struct config *c, long long *cpu, long long *faults) {
    pid_t pid;
    int status;
    struct rusage ru;
    /* a floor channel's fd is handed over by dup2 (clearing its close-on-exec): only this child inherits it */
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    if (c->child_fd >= 0) {
        posix_spawn_file_actions_adddup2(&fa, c->child_fd, CHILD_FD);
    }
    if (c->cn) {
        cn_listen(1);
    }
    if (strcmp(mode, "connect") == 0) {
        char *const argv[] = {"connect_once", port_text, "127.0.0.1", NULL};
        if (posix_spawn(&pid, "./connect_once", c->child_fd >= 0 ? &fa : NULL, NULL, argv, c->envp) != 0) {
            perror("spawn");
            exit(1);
        }
        const int a = accept(conn_listener, NULL, NULL);
        char b;
        if (a < 0 || read(a, &b, 1) != 1) {
            perror("accept");
            exit(1);
        }
        wait4(pid, &status, 0, &ru);
        close(a);
    } else if (strcmp(mode, "accept") == 0) {
        struct sockaddr_in addr;
        const int l = listener(&addr);
        posix_spawn_file_actions_adddup2(&fa, l, 3);
        char *const argv[] = {"accept_once", NULL};
        if (posix_spawn(&pid, "./accept_once", &fa, NULL, argv, c->envp) != 0) {
            perror("spawn");
            exit(1);
        }
        const int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (connect(s, (struct sockaddr *)&addr, sizeof addr) != 0 || write(s, "x", 1) != 1) {
            perror("connect");
            exit(1);
        }
        wait4(pid, &status, 0, &ru);
        const struct linger abort_close = {1, 0};
        setsockopt(s, SOL_SOCKET, SO_LINGER, &abort_close, sizeof abort_close);
        close(s);
        close(l);
    } else {
        char *const argv[] = {mode, NULL};
        if (posix_spawn(&pid, mode, c->child_fd >= 0 ? &fa : NULL, NULL, argv, c->envp) != 0) {
            perror("spawn");
            exit(1);
        }
        wait4(pid, &status, 0, &ru);
    }
    posix_spawn_file_actions_destroy(&fa);
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        fprintf(stderr, "%s failed under %s (status %d)\n", mode, c->name, status);
        exit(1);
    }
    *cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000000LL
           + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) * 1000LL;
    *faults = ru.ru_minflt;
    if (c->ring != NULL) {
        free_slots(c);
    }
    if (c->cn) {
        cn_listen(0);
        cn_drain(c, pid);
    }
    if (c->kind >= CHANNEL_PIPE) {
        drain_floor_channel(c, pid);
    }
}

/* trimmed (10 % each side) mean and its standard error over a sorted copy */
static void trimmed(const long long *v, int n, double *mean, double *se) {
    long long *s = malloc(n * sizeof *s);
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp);
    const int lo = n / 10, hi = n - n / 10;
    double sum = 0, sq = 0;
    for (int i = lo; i < hi; i++) {
        sum += s[i];
    }
    *mean = sum / (hi - lo);
    for (int i = lo; i < hi; i++) {
        sq += (s[i] - *mean) * (s[i] - *mean);
    }
    *se = sqrt(sq / (hi - lo - 1)) / sqrt(hi - lo);
    free(s);
}

static long long median(const long long *v, int n) {
    long long *s = malloc(n * sizeof *s);
    memcpy(s, v, n * sizeof *s);
    qsort(s, n, sizeof *s, cmp);
    const long long m = s[n / 2];
    free(s);
    return m;
}

int main(int argc, char **argv) {
    if (argc < 4) {
        fprintf(stderr, "usage: loadcost N connect|accept|PROG CONFIG...\n");
        return 2;
    }
    const int n = atoi(argv[1]);
    mode = argv[2];
    const int k = argc - 3;
    if (k > MAX_CONFIGS) {
        return 2;
    }
    static struct config cfg[MAX_CONFIGS];
    for (int j = 0; j < k; j++) {
        struct config *c = &cfg[j];
        char spec[4200];
        snprintf(spec, sizeof spec, "%.4000s", argv[3 + j]);
        char *eq = strchr(spec, '=');
        char *lib = spec;
        if (eq != NULL) {
            *eq = 0;
            snprintf(c->name, sizeof c->name, "%.63s", spec);
            lib = eq + 1;
        } else {
            snprintf(c->name, sizeof c->name, "%.63s", spec);
        }
        char *comma = strchr(lib, ',');
        c->child_fd = -1;
        c->reader_fd = -1;
        if (comma != NULL) {
            *comma = 0;
            if (comma[1] == '@') {
                make_floor_channel(c, j, comma + 1);
            } else if (strcmp(comma + 1, "+") == 0) {
                make_ring(c, j); /* unlinked at the end */
                char path[4000];
                snprintf(path, sizeof path, "%s", c->channel);
                snprintf(c->channel, sizeof c->channel, "TETHER_CHANNEL=%s", path);
            } else {
                char path[4000];
                snprintf(path, sizeof path, "%s", comma + 1);
                snprintf(c->channel, sizeof c->channel, "TETHER_CHANNEL=%s", path);
            }
        }
        int e = 0;
        c->envp[e++] = "PATH=/usr/bin:/bin";
        if (strcmp(lib, "-") != 0) {
            snprintf(c->preload, sizeof c->preload, "LD_PRELOAD=%.4000s", lib);
            c->envp[e++] = c->preload;
        }
        if (c->child_fd >= 0) {
            c->envp[e++] = c->fd_env;
        } else if (comma != NULL && c->channel[0] != 0) {
            c->envp[e++] = c->channel;
        }
        c->envp[e] = NULL;
        c->cpu = calloc(n, sizeof(long long));
        c->faults = calloc(n, sizeof(long long));
    }
    if (strcmp(mode, "connect") == 0) {
        conn_listener = listener(&conn_addr);
        snprintf(port_text, sizeof port_text, "%d", ntohs(conn_addr.sin_port));
    }
    long long scratch_cpu, scratch_faults;
    int warm[MAX_CONFIGS] = {0};
    for (int w = 0; w < 10 * k; w++) { /* warm the page cache and the allocator */
        run_one(&cfg[w % k], &scratch_cpu, &scratch_faults);
        warm[w % k]++;
    }
    /* ORDER=rotate: each round shifts the order by one, as in session 5, so a configuration always follows the
     * same one (the control followed "none" in every round); default: a fresh random order every round, so no
     * configuration inherits a fixed predecessor's cache and page-cache state */
    const char *order_mode = getenv("ORDER");
    const int rotate = order_mode != NULL && strcmp(order_mode, "rotate") == 0;
    unsigned long long seed = 0x9e3779b97f4a7c15ULL;
    int perm[MAX_CONFIGS];
    for (int i = 0; i < n; i++) {
        for (int j0 = 0; j0 < k; j0++) {
            perm[j0] = rotate ? (i + j0) % k : j0;
        }
        for (int j0 = k - 1; !rotate && j0 > 0; j0--) {
            seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;
            const int r = (int)((seed >> 33) % (unsigned long long)(j0 + 1));
            const int t = perm[j0];
            perm[j0] = perm[r];
            perm[r] = t;
        }
        for (int j0 = 0; j0 < k; j0++) {
            const int j = perm[j0];
            run_one(&cfg[j], &cfg[j].cpu[i], &cfg[j].faults[i]);
        }
    }
    const int ref = k > 1 ? 1 : 0;
    long long *diff = calloc(n, sizeof(long long));
    printf("%s, %d runs per configuration; paired differences against %s\n", mode, n, cfg[ref].name);
    for (int j = 0; j < k; j++) {
        struct config *c = &cfg[j];
        double mean, se;
        trimmed(c->cpu, n, &mean, &se);
        printf("%-14s cpu median %7.1f us  trimmed mean %7.1f us  minflt median %3lld", c->name, median(c->cpu, n) / 1e3,
               mean / 1e3, median(c->faults, n));
        if (j != ref) {
            for (int i = 0; i < n; i++) {
                diff[i] = c->cpu[i] - cfg[ref].cpu[i];
            }
            trimmed(diff, n, &mean, &se);
            printf("  vs %s: median %+7.1f us  trimmed mean %+7.1f +- %4.1f us (%+.2f %%)", cfg[ref].name,
                   median(diff, n) / 1e3, mean / 1e3, se / 1e3,
                   100.0 * mean / (double)median(cfg[ref].cpu, n));
            for (int i = 0; i < n; i++) {
                diff[i] = c->faults[i] - cfg[ref].faults[i];
            }
            printf(" faults %+lld", median(diff, n));
        }
        if (c->kind >= CHANNEL_PIPE) {
            printf("  records %.2f per child, %lld children not %s", (double)c->records / (n + warm[j]), c->bad,
                   c->cn ? "CALL" : "START/CALL/EXIT");
        }
        if (c->cn) {
            printf("  %lld children without EXEC+EXIT events", c->cn_missing);
        }
        printf("\n");
    }
    /* PAIRS="NEW:OLD,...": the paired difference of two builds measured in the same rounds (before/after) */
    const char *pairs = getenv("PAIRS");
    char list[1024];
    snprintf(list, sizeof list, "%s", pairs != NULL ? pairs : "");
    for (char *save = NULL, *pair = strtok_r(list, ",", &save); pair != NULL; pair = strtok_r(NULL, ",", &save)) {
        char *colon = strchr(pair, ':');
        int a = -1, b = -1;
        for (int j = 0; colon != NULL && j < k; j++) {
            if (strncmp(cfg[j].name, pair, (size_t)(colon - pair)) == 0 && cfg[j].name[colon - pair] == 0) {
                a = j;
            }
            if (strcmp(cfg[j].name, colon + 1) == 0) {
                b = j;
            }
        }
        if (a < 0 || b < 0) {
            fprintf(stderr, "PAIRS: no configurations %s\n", pair);
            continue;
        }
        double mean, se;
        for (int i = 0; i < n; i++) {
            diff[i] = cfg[a].cpu[i] - cfg[b].cpu[i];
        }
        trimmed(diff, n, &mean, &se);
        printf("%s - %s: cpu median %+7.1f us  trimmed mean %+7.1f +- %4.1f us (%+.2f %% of %s)", cfg[a].name,
               cfg[b].name, median(diff, n) / 1e3, mean / 1e3, se / 1e3, 100.0 * mean / (double)median(cfg[ref].cpu, n),
               cfg[ref].name);
        for (int i = 0; i < n; i++) {
            diff[i] = cfg[a].faults[i] - cfg[b].faults[i];
        }
        trimmed(diff, n, &mean, &se);
        printf("  faults %+.2f\n", mean);
    }
    for (int j = 0; j < k; j++) {
        if (cfg[j].ring != NULL) {
            unlink(strchr(cfg[j].channel, '=') + 1);
        }
        if (cfg[j].kind == CHANNEL_FIFO) {
            unlink(cfg[j].fifo);
        }
    }
    double load[3];
    if (getloadavg(load, 3) == 3) {
        printf("load average at the end: %.2f %.2f %.2f\n", load[0], load[1], load[2]);
    }
    return 0;
}
