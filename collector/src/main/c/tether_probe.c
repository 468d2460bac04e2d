/*
 * libtether-probe.so: an LD_PRELOAD library that reports execve, fork, exit, open, connect and accept of the
 * process it is loaded into to the host's Tether collector, through the shared-memory ring of tether_ring.h.
 *
 * Ground rules, because this code runs inside other people's programs:
 *  - never block and never fail the wrapped call: without a ring (no TETHER_CHANNEL, no file, bad header) every
 *    wrapper is a plain forward; a full ring counts a drop and moves on;
 *  - errno after a wrapper is what the real call left;
 *  - our own file accesses use raw syscalls, so they are neither reported nor recursive; the ring fd is closed
 *    right after mmap, so programs that close "all" fds, or count on fd numbers, see no difference;
 *  - a vfork child shares our memory with its suspended parent: it must not touch our globals, so the exec and
 *    exit wrappers detect a pid that differs from the cached one and then describe the child without caching.
 * What it cannot see: static binaries, raw syscalls (Go), io_uring, calls glibc makes internally (not via PLT).
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <elf.h>
#include <link.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "tether_ring.h"

#define EXPORT __attribute__((visibility("default")))
#define LIKELY(x) __builtin_expect(!!(x), 1)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#define TLS __thread __attribute__((tls_model("initial-exec")))
#define RESERVE_ATTEMPTS 64
#define PATH_BUF 4096
/* Small state the constructor writes goes to .data, on the page the loader has already written (GOT, .bss head):
 * in .bss it would land behind the socket tables on a page of its own, one more page fault per process start.
 * Page faults are what a process start pays for most (see README: "What a process start costs"). */
#define HOT __attribute__((section(".data")))

/* ---- identity of this process instance (re-read in a fork child) ---- */
struct identity {
    int32_t pid;
    int32_t ppid;
    int32_t uid;
    uint64_t start_ticks;
};

static struct tether_ring_header *g_ring HOT;
static uint32_t g_slot_size HOT;
static uint64_t g_slot_mask HOT;
static struct identity g_self HOT;
static int g_exit_reported HOT;
/* 1 while g_self has no start time: the collector is to resolve it (tether_ring.h, "Deferred identity") */
static int g_deferred HOT;
/* the ack the collector writes for our EXEC record: pid << 32 | (u32)(position + 1); 0 = no EXEC record written */
static uint64_t g_exec_tag HOT;

/* the caller's thread id, cached per thread (reset in a fork child, never written from a vfork child) */
static TLS int32_t t_tid;

/* What the probe knows of an fd this process made: its socket type (socket/socketpair/accept), so connect need not
 * ask the kernel, and for a listener bound to one address that address, so accept need not either. type 0 =
 * unknown, then we ask. Entries are cleared on close/dup2/dup3, whose target may be reused for anything. */
#define SOCK_TABLE 4096
#define SOCK_KNOWN 0x80
#define LISTENER_CACHED 0x40   /* listener holds the listener's specific local address */
#define LISTENER_WILDCARD 0x20 /* the listener is bound to a wildcard: ask for each accepted socket */
struct sock_entry {
    uint8_t type; /* SOCK_KNOWN | LISTENER_* | the socket type */
    uint8_t pad[3];
    struct sockaddr_in6 listener;
};
/* The entries of the first SOCK_LOW fds sit at the head of .bss, on the page the loader writes anyway (.got.plt and
 * the zeroed tail of .data), so a small program's sockets cost no page fault, and .bss ends on that page, so the
 * loader maps no zero pages for it. A static table of all 4096 fds (116 KiB) cost every process start an mmap and
 * the first socket a page fault (bench/reports/probe.md, "Session 5"); the rest is mapped when a process first
 * needs an entry there. */
#define SOCK_LOW 64
static struct sock_entry g_sock_low[SOCK_LOW];
static struct sock_entry *g_sock_high; /* fds SOCK_LOW .. SOCK_TABLE-1; NULL until needed */

/* set while this thread resolves real symbols: a wrapper re-entered from dlsym forwards by syscall */
static TLS int t_resolving;

/* ---- the real functions ---- */
typedef int (*open_fn)(const char *, int, ...);
typedef int (*openat_fn)(int, const char *, int, ...);
typedef int (*open2_fn)(const char *, int);
typedef int (*openat2_fn)(int, const char *, int);
typedef int (*creat_fn)(const char *, mode_t);
typedef FILE *(*fopen_fn)(const char *, const char *);
typedef int (*connect_fn)(int, const struct sockaddr *, socklen_t);
typedef int (*accept_fn)(int, struct sockaddr *, socklen_t *);
typedef int (*accept4_fn)(int, struct sockaddr *, socklen_t *, int);
typedef int (*execve_fn)(const char *, char *const[], char *const[]);
typedef int (*execv_fn)(const char *, char *const[]);
typedef void (*exit_fn)(int) __attribute__((noreturn));

static open_fn real_open, real_open64;
static openat_fn real_openat, real_openat64;
static open2_fn real___open_2, real___open64_2;
static openat2_fn real___openat_2, real___openat64_2;
static creat_fn real_creat, real_creat64;
static fopen_fn real_fopen, real_fopen64;
static connect_fn real_connect;
static accept_fn real_accept;
static accept4_fn real_accept4;
static execve_fn real_execve, real_execvpe_;
static execv_fn real_execv, real_execvp;
static exit_fn real_exit, real__exit, real__Exit;

static void *resolve(const char *name) {
    t_resolving = 1;
    void *f = dlsym(RTLD_NEXT, name);
    t_resolving = 0;
    return f;
}

/* resolved on first use, not in the constructor: ~1 us per dlsym would tax every process start for calls most
 * programs never make. Two threads racing here store the same pointer. */
#define REAL(name)                                                                                                     \
    ({                                                                                                                 \
        if (UNLIKELY(real_##name == NULL)) {                                                                           \
            real_##name = resolve(#name);                                                                              \
        }                                                                                                              \
        real_##name;                                                                                                   \
    })


/* ---- small helpers built on raw syscalls ---- */
static int raw_open(const char *path, int flags) {
    return (int)syscall(SYS_openat, AT_FDCWD, path, flags | O_CLOEXEC, 0);
}

/* Records read the clock with a system call until a process has written YOUNG_RECORDS of them, and through the
 * vDSO (tens of ns) from then on: the first vDSO read of a process faults in libc's clock_gettime page and the two
 * vvar pages, three page faults that cost a short-lived process far more than a few system calls (~1 us each). */
#define YOUNG_RECORDS 8
static uint32_t g_records HOT;
static int64_t now_micros(int lifecycle) {
    struct timespec ts;
    if (lifecycle) {
        syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts);
    } else {
        clock_gettime(CLOCK_REALTIME, &ts);
    }
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static uint64_t parse_u64(const char **p) {
    uint64_t v = 0;
    while (**p >= '0' && **p <= '9') {
        v = v * 10 + (uint64_t)(**p - '0');
        (*p)++;
    }
    return v;
}

/* pid (field 1), ppid (4) and start ticks (22) from a /proc/<pid>/stat in one read. The comm field may hold spaces
 * and ')' so fields are counted after the last ')'. Costly at process start (a /proc lookup): only fork children,
 * vfork children and a probe whose identity the collector did not resolve come here. */
static void read_identity_at(const char *stat_path, struct identity *id) {
    id->uid = -1; /* not in stat: the callers that need it ask getuid */
    id->pid = 0;
    id->ppid = 0;
    id->start_ticks = 0;
    char buf[1024];
    const int fd = raw_open(stat_path, O_RDONLY);
    ssize_t n = -1;
    if (fd >= 0) {
        n = syscall(SYS_read, fd, buf, sizeof buf - 1);
        syscall(SYS_close, fd);
    }
    const char *p = NULL;
    if (n > 0) {
        buf[n] = 0;
        const char *q = buf;
        id->pid = (int32_t)parse_u64(&q);
        p = strrchr(buf, ')');
    }
    if (p == NULL || id->pid <= 0) {
        id->pid = (int32_t)syscall(SYS_getpid);
        id->ppid = (int32_t)syscall(SYS_getppid);
        return;
    }
    p += 2; /* field 3 (state) */
    int field = 3;
    while (*p) {
        if (*p++ == ' ') {
            field++;
            if (field == 4) {
                id->ppid = (int32_t)parse_u64(&p);
            } else if (field == 22) {
                id->start_ticks = parse_u64(&p);
                break;
            }
        }
    }
}

static void format_int(char *out, int v);

/* "/proc/<pid>/<leaf>": cheaper than /proc/self/<leaf>, whose "self" link costs one more lookup (~13 us on the VM) */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) static void proc_path(char *out, int32_t pid,
                                                                                     const char *leaf) {
    memcpy(out, "/proc/", 6);
    format_int(out + 6, pid);
    while (*out != 0) {
        out++;
    }
    *out++ = '/';
    while ((*out++ = *leaf++) != 0) {
    }
}

/* the identity of the calling process, read afresh (a fork or vfork child) */
static void read_identity(struct identity *id) {
    char path[40];
    proc_path(path, (int32_t)syscall(SYS_getpid), "stat");
    read_identity_at(path, id);
    id->uid = (int32_t)syscall(SYS_getuid);
}

/* what a process start can afford: three plain system calls, no /proc (the collector resolves the start time) */
static void deferred_identity(struct identity *id) {
    id->uid = (int32_t)syscall(SYS_getuid);
    id->pid = (int32_t)syscall(SYS_getpid);
    id->ppid = (int32_t)syscall(SYS_getppid);
    id->start_ticks = 0;
}

/* ---- the ring ---- */
static int valid_header(const struct tether_ring_header *h, uint64_t file_size) {
    return h->magic == TETHER_RING_MAGIC && h->version == TETHER_RING_VERSION && h->header_size >= sizeof *h
           && (h->header_size % 64) == 0 && h->slot_size >= 256 && (h->slot_size & (h->slot_size - 1)) == 0
           && h->slot_count >= 2 && (h->slot_count & (h->slot_count - 1)) == 0
           && file_size >= (uint64_t)h->header_size + (uint64_t)h->slot_size * h->slot_count;
}

/* How the slots are mapped. A many-MiB mapping needs page tables of its own: on the benchmark VM the first touch of
 * one costs ~75 us (a fault that builds page tables), where the first touch of a one-page mapping placed next to the
 * libraries is an ordinary ~20 us fault (bench/reports/probe.md). Most probed processes write a handful of records and exit, so
 * a process starts with small windows onto the pages of the slots it reserves, and maps the whole slot area only
 * once it has needed more than WINDOWS of them (a busy process, for which one big mapping is cheaper per record).
 * A window, once mapped, stays mapped: another thread may be writing through it, so it is never moved or reused. */
#define WINDOWS 4
struct window {
    uint64_t first; /* file offset of the window's first byte */
    uint8_t *base;  /* NULL until published */
};
static struct window g_windows[WINDOWS] HOT;
static uint32_t g_windows_used HOT;
static uint8_t *g_slots HOT;      /* the whole slot area, once mapped */
static const char *g_channel HOT; /* the ring's path (TETHER_CHANNEL), to map windows later */
static long g_page HOT = 4096;

/* the ring's fd while the constructor runs: its EXEC record's window is mapped without opening the file again */
static int g_ctor_fd HOT = -1;

static int open_ring(void) {
    return g_ctor_fd >= 0 ? g_ctor_fd : raw_open(g_channel, O_RDWR | O_NOFOLLOW);
}

static void close_ring(int fd) {
    if (fd != g_ctor_fd) {
        syscall(SYS_close, fd);
    }
}

/* Maps the header page only. The fd stays open for the constructor's EXEC record and is closed before the program
 * runs (no fd is ever held); later windows reopen the file by path. The header stays valid if the collector
 * replaces the file: it only ever renames a new file over the old one. */
static void map_ring(const char *path) {
    g_channel = path;
    const int fd = open_ring();
    if (fd < 0) {
        return;
    }
    struct stat st;
    if (syscall(SYS_fstat, fd, &st) != 0 || !S_ISREG(st.st_mode) || (uint64_t)st.st_size < TETHER_RING_HEADER_SIZE) {
        syscall(SYS_close, fd);
        return;
    }
    struct tether_ring_header *h = mmap(NULL, TETHER_RING_HEADER_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (h == MAP_FAILED) {
        syscall(SYS_close, fd);
        return;
    }
    if (!valid_header(h, (uint64_t)st.st_size)) {
        munmap(h, TETHER_RING_HEADER_SIZE);
        syscall(SYS_close, fd);
        return;
    }
    if (h->header_size % (uint64_t)g_page != 0) {
        /* a header that does not end on a page boundary: one mapping of the whole ring, no windows */
        const size_t len = (size_t)h->header_size + (size_t)h->slot_size * h->slot_count;
        munmap(h, TETHER_RING_HEADER_SIZE);
        h = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
        if (h == MAP_FAILED) {
            syscall(SYS_close, fd);
            return;
        }
        g_slots = (uint8_t *)h + h->header_size;
    }
    g_ctor_fd = fd;
    g_slot_size = h->slot_size;
    g_slot_mask = h->slot_count - 1;
    g_ring = h;
}

/* the whole slot area, mapped once (two racing threads: one mapping wins, the other is unmapped) */
static uint8_t *map_all_slots(void) {
    const int fd = open_ring();
    if (fd < 0) {
        return NULL;
    }
    const size_t len = (size_t)g_slot_size * (g_slot_mask + 1);
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)g_ring->header_size);
    close_ring(fd);
    if (m == MAP_FAILED) {
        return NULL;
    }
    uint8_t *expected = NULL;
    if (!__atomic_compare_exchange_n(&g_slots, &expected, (uint8_t *)m, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        munmap(m, len);
        return expected;
    }
    return (uint8_t *)m;
}

/* The slot of a position, mapping a window onto it (or the whole area) if no mapping covers it yet; NULL if the
 * file cannot be mapped (it was removed: the record is counted as dropped). */
static struct tether_slot_header *slot_at(uint64_t pos) {
    const uint64_t index = pos & g_slot_mask;
    uint8_t *all = __atomic_load_n(&g_slots, __ATOMIC_ACQUIRE);
    if (LIKELY(all != NULL)) {
        return (struct tether_slot_header *)(all + index * g_slot_size);
    }
    const uint64_t off = g_ring->header_size + index * g_slot_size;
    const uint64_t win_len = g_slot_size > (uint64_t)g_page ? g_slot_size : (uint64_t)g_page;
    const uint64_t first = off - (off - g_ring->header_size) % win_len;
    const uint32_t used = __atomic_load_n(&g_windows_used, __ATOMIC_ACQUIRE);
    for (uint32_t i = 0; i < used && i < WINDOWS; i++) {
        uint8_t *base = __atomic_load_n(&g_windows[i].base, __ATOMIC_ACQUIRE);
        if (base != NULL && g_windows[i].first == first) {
            return (struct tether_slot_header *)(base + (off - first));
        }
    }
    const uint32_t mine = __atomic_fetch_add(&g_windows_used, 1, __ATOMIC_ACQ_REL);
    if (mine >= WINDOWS) {
        all = map_all_slots();
        return all == NULL ? NULL : (struct tether_slot_header *)(all + index * g_slot_size);
    }
    const int fd = open_ring();
    if (fd < 0) {
        return NULL;
    }
    /* not MAP_POPULATE: on the benchmark VM the first write traps again anyway (dirty tracking), populate + write
     * measured 30 us against 24 us for one plain fault */
    void *m = mmap(NULL, win_len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)first);
    close_ring(fd);
    if (m == MAP_FAILED) {
        return NULL;
    }
    g_windows[mine].first = first;
    __atomic_store_n(&g_windows[mine].base, (uint8_t *)m, __ATOMIC_RELEASE);
    return (struct tether_slot_header *)((uint8_t *)m + (off - first));
}

/* reserves the slot of one position; NULL (and a counted drop) when the ring is full */
static struct tether_slot_header *ring_reserve(uint64_t *pos_out) {
    for (int attempt = 0; attempt < RESERVE_ATTEMPTS; attempt++) {
        uint64_t pos = __atomic_load_n(&g_ring->write_cursor, __ATOMIC_RELAXED);
        struct tether_slot_header *slot = slot_at(pos);
        if (UNLIKELY(slot == NULL)) {
            break;
        }
        const uint64_t commit = __atomic_load_n(&slot->commit, __ATOMIC_ACQUIRE);
        const int64_t lag = (int64_t)(commit - pos);
        if (lag == 0) {
            if (__atomic_compare_exchange_n(&g_ring->write_cursor, &pos, pos + 1, 0, __ATOMIC_ACQ_REL,
                                            __ATOMIC_RELAXED)) {
                *pos_out = pos;
                return slot;
            }
        } else if (lag < 0) {
            break; /* that slot still holds an unread record of the previous lap: full */
        }
        /* lag > 0: another writer took this position, the cursor moved on; try again */
    }
    __atomic_fetch_add(&g_ring->dropped, 1, __ATOMIC_RELAXED);
    return NULL;
}

static void ring_commit(struct tether_slot_header *slot, uint64_t pos) {
    uint64_t expected = pos;
    if (!__atomic_compare_exchange_n(&slot->commit, &expected, pos + 1, 0, __ATOMIC_RELEASE, __ATOMIC_RELAXED)) {
        __atomic_fetch_add(&g_ring->dropped, 1, __ATOMIC_RELAXED);
    }
}

static inline uint32_t body_capacity(void) {
    return g_slot_size - TETHER_SLOT_HEADER_SIZE;
}

static void settle_identity(void);

static struct tether_slot_header *begin(uint16_t type, const struct identity *id, uint64_t *pos) {
    const int lifecycle = type == TETHER_REC_EXEC || type == TETHER_REC_FORK || type == TETHER_REC_EXIT
                          || type == TETHER_REC_IDENTITY;
    const int deferred = id == &g_self && __atomic_load_n(&g_deferred, __ATOMIC_ACQUIRE);
    if (UNLIKELY(deferred) && !lifecycle && __atomic_load_n(&g_records, __ATOMIC_RELAXED) >= YOUNG_RECORDS) {
        /* a process that keeps writing is no short-lived one: settle its identity now, so the collector never holds
         * more than a few of its records waiting (e.g. while no collector runs) */
        settle_identity();
    }
    struct tether_slot_header *s = ring_reserve(pos);
    if (s == NULL) {
        return NULL;
    }
    s->type = type;
    s->flags = id == &g_self && __atomic_load_n(&g_deferred, __ATOMIC_ACQUIRE) ? TETHER_FLAG_IDENTITY_DEFERRED : 0;
    s->length = 0;
    s->pid = id->pid;
    s->ppid = id->ppid;
    s->uid = id->uid;
    if (id != &g_self) {
        s->tid = (int32_t)syscall(SYS_gettid); /* a vfork child: its TLS is the parent's */
    } else {
        if (UNLIKELY(t_tid == 0)) {
            t_tid = (int32_t)syscall(SYS_gettid);
        }
        s->tid = t_tid;
    }
    s->start_ticks = id->start_ticks;
    /* counted only while young: a busy process's calls pay a plain load, not a locked increment */
    const int young = __atomic_load_n(&g_records, __ATOMIC_RELAXED) < YOUNG_RECORDS
                      && __atomic_fetch_add(&g_records, 1, __ATOMIC_RELAXED) < YOUNG_RECORDS;
    s->time_micros = now_micros(lifecycle || young);
    return s;
}

static inline uint8_t *body_of(struct tether_slot_header *s) {
    return (uint8_t *)s + TETHER_SLOT_HEADER_SIZE;
}

/* memcpy for record bodies, 8 bytes at a time: libc's memcpy lives on a code page a small program may never touch,
 * one page fault more per process start (tens of us on the benchmark VM) for a few dozen bytes. The attribute stops
 * gcc from turning the loop back into a memcpy call. */
__attribute__((optimize("no-tree-loop-distribute-patterns"))) static void copy_bytes(void *dst, const void *src,
                                                                                     size_t len) {
    uint8_t *d = dst;
    const uint8_t *p = src;
    for (; len >= 8; len -= 8, d += 8, p += 8) {
        uint64_t w;
        __builtin_memcpy(&w, p, 8);
        __builtin_memcpy(d, &w, 8);
    }
    for (; len > 0; len--) {
        *d++ = *p++;
    }
}

/* copies up to room bytes of src, flags truncation; returns bytes copied */
static uint32_t put_bytes(struct tether_slot_header *s, uint8_t *dst, const char *src, size_t len, uint32_t room) {
    if (len > room) {
        len = room;
        s->flags |= TETHER_FLAG_TRUNCATED;
    }
    copy_bytes(dst, src, len);
    return (uint32_t)len;
}

/* ---- records ---- */
/* the cwd when it is longer than what is left of the slot: getcwd fails on a short buffer, so read it whole into a
 * buffer of its own and keep the prefix that fits. Out of line, so the common path keeps a small stack frame: a deep
 * frame at process start touches fresh stack pages, each a page fault. */
__attribute__((noinline)) static uint32_t long_cwd(struct tether_slot_header *s, uint8_t *out, uint32_t room) {
    char cwd[PATH_BUF];
    const long n = syscall(SYS_getcwd, cwd, sizeof cwd);
    return n > 0 ? put_bytes(s, out, cwd, strnlen(cwd, sizeof cwd), room) : 0;
}

/* exe and cwd are read straight into the reserved slot (no 4 KiB stack buffers: see long_cwd) */
static void emit_exec(const struct identity *id, int argc, char **argv) {
    uint64_t pos;
    struct tether_slot_header *s = begin(TETHER_REC_EXEC, id, &pos);
    if (s == NULL) {
        return;
    }
    struct tether_exec_body *b = (struct tether_exec_body *)body_of(s);
    uint8_t *out = (uint8_t *)(b + 1);
    uint32_t room = body_capacity() - (uint32_t)sizeof *b;
    b->argc = argc > 0 ? (uint32_t)argc : 0;
    const int deferred = (s->flags & TETHER_FLAG_IDENTITY_DEFERRED) != 0;
    if (deferred) {
        g_exec_tag = (uint64_t)(uint32_t)id->pid << 32 | (uint32_t)(pos + 1);
    }
    /* a deferred identity leaves the exe to the collector too (/proc/<pid>/exe, or our IDENTITY record) */
    long exe_len = deferred ? 0 : syscall(SYS_readlink, "/proc/self/exe", out, room);
    if (exe_len < 0) {
        exe_len = 0;
    } else if ((uint32_t)exe_len == room) {
        s->flags |= TETHER_FLAG_TRUNCATED; /* readlink fills the buffer when the target is longer */
    }
    b->exe_len = (uint32_t)exe_len;
    out += b->exe_len;
    room -= b->exe_len;
    const long cwd = syscall(SYS_getcwd, out, room);
    if (cwd > 0) {
        b->cwd_len = (uint32_t)strnlen((const char *)out, room);
    } else if (cwd == -1 && errno == ERANGE) {
        b->cwd_len = long_cwd(s, out, room);
    } else {
        b->cwd_len = 0;
    }
    out += b->cwd_len;
    room -= b->cwd_len;
    b->argv_count = 0;
    b->argv_len = 0;
    for (int i = 0; i < argc && argv != NULL && argv[i] != NULL; i++) {
        const size_t len = strlen(argv[i]) + 1;
        if (len > room) {
            s->flags |= TETHER_FLAG_TRUNCATED;
            break;
        }
        copy_bytes(out, argv[i], len);
        out += len;
        room -= (uint32_t)len;
        b->argv_len += (uint32_t)len;
        b->argv_count++;
    }
    s->length = (uint32_t)(out - body_of(s));
    ring_commit(s, pos);
}

static void emit_fork(const struct identity *child, int32_t parent_pid, uint64_t parent_start_ticks) {
    uint64_t pos;
    struct tether_slot_header *s = begin(TETHER_REC_FORK, child, &pos);
    if (s == NULL) {
        return;
    }
    struct tether_fork_body *b = (struct tether_fork_body *)body_of(s);
    b->parent_pid = parent_pid;
    b->pad = 0;
    b->parent_start_ticks = parent_start_ticks;
    s->length = sizeof *b;
    ring_commit(s, pos);
}

static void emit_exit(const struct identity *id, int code, int kind) {
    uint64_t pos;
    struct tether_slot_header *s = begin(TETHER_REC_EXIT, id, &pos);
    if (s == NULL) {
        return;
    }
    struct tether_exit_body *b = (struct tether_exit_body *)body_of(s);
    b->code = code;
    b->kind = kind;
    if (kind == TETHER_EXIT_DESTRUCTOR) {
        s->flags |= TETHER_FLAG_EXIT_CODE_UNKNOWN;
    }
    s->length = sizeof *b;
    ring_commit(s, pos);
}

/* start_ticks (slot header) and exe of this process, for the collector to attribute our deferred records */
static void emit_identity(void) {
    uint64_t pos;
    struct tether_slot_header *s = begin(TETHER_REC_IDENTITY, &g_self, &pos);
    if (s == NULL) {
        return;
    }
    struct tether_identity_body *b = (struct tether_identity_body *)body_of(s);
    uint8_t *out = (uint8_t *)(b + 1);
    const uint32_t room = body_capacity() - (uint32_t)sizeof *b;
    char path[40];
    proc_path(path, g_self.pid, "exe");
    long exe_len = syscall(SYS_readlink, path, out, room);
    if (exe_len < 0) {
        exe_len = 0;
    } else if ((uint32_t)exe_len == room) {
        s->flags |= TETHER_FLAG_TRUNCATED;
    }
    b->exe_len = (uint32_t)exe_len;
    b->pad = 0;
    s->length = (uint32_t)sizeof *b + b->exe_len;
    ring_commit(s, pos);
}

/* reads our own start time now and tells the collector (IDENTITY record); later records carry it themselves */
static void resolve_self(void) {
    struct identity fresh;
    char path[40];
    proc_path(path, g_self.pid, "stat"); /* pid and uid are known: no getpid, no getuid */
    read_identity_at(path, &fresh);
    g_self.start_ticks = fresh.start_ticks;
    if (fresh.ppid > 0) {
        g_self.ppid = fresh.ppid;
    }
    __atomic_store_n(&g_deferred, 0, __ATOMIC_RELEASE);
    emit_identity();
}

/* Before the last records of this image (exit, exec), and once a process has written a few records: unless the
 * collector acked our EXEC record, i.e. resolved our identity while we lived, write it ourselves, or nobody could
 * attribute our records once we are gone. With an ack, take the start time from it: later records carry it. */
static void settle_identity(void) {
    if (!__atomic_load_n(&g_deferred, __ATOMIC_ACQUIRE)) {
        return;
    }
    const struct tether_ack *ack = &g_ring->acks[(uint32_t)g_self.pid & (TETHER_ACKS - 1)];
    if (g_exec_tag != 0 && __atomic_load_n(&ack->tag, __ATOMIC_ACQUIRE) == g_exec_tag) {
        const uint64_t ticks = __atomic_load_n(&ack->start_ticks, __ATOMIC_ACQUIRE); /* before the re-check */
        if (__atomic_load_n(&ack->tag, __ATOMIC_ACQUIRE) == g_exec_tag) {
            g_self.start_ticks = ticks;
            __atomic_store_n(&g_deferred, 0, __ATOMIC_RELEASE);
            return;
        }
        /* the entry was taken by another pid while we read it: the ticks may be its; read our own */
    }
    resolve_self();
}

/* decimal of a non-negative int, NUL-terminated (no stdio inside the wrappers) */
static void format_int(char *out, int v) {
    char tmp[12];
    int n = 0;
    unsigned u = v < 0 ? 0u : (unsigned)v;
    do {
        tmp[n++] = (char)('0' + u % 10);
        u /= 10;
    } while (u != 0);
    while (n > 0) {
        *out++ = tmp[--n];
    }
    *out = 0;
}

/* joins base + "/" + rel into out; returns the length or -1 */
static long join_path(char *out, size_t cap, const char *base, size_t base_len, const char *rel) {
    const size_t rel_len = strlen(rel);
    if (base_len + 1 + rel_len + 1 > cap) {
        return -1;
    }
    memcpy(out, base, base_len);
    size_t n = base_len;
    if (n == 0 || out[n - 1] != '/') {
        out[n++] = '/';
    }
    memcpy(out + n, rel, rel_len + 1);
    return (long)(n + rel_len);
}

/* relative paths only: resolve against the cwd or the directory fd (extra syscalls paid only here) */
static long absolute_path(int dirfd, const char *path, char *out, size_t cap) {
    char base[PATH_BUF];
    long base_len;
    if (dirfd == AT_FDCWD) {
        base_len = syscall(SYS_getcwd, base, sizeof base);
        base_len = base_len > 0 ? (long)strnlen(base, sizeof base) : -1;
    } else {
        char link[40] = "/proc/self/fd/";
        format_int(link + 14, dirfd);
        base_len = syscall(SYS_readlink, link, base, sizeof base);
    }
    if (base_len <= 0 || base[0] != '/') {
        return -1;
    }
    return join_path(out, cap, base, (size_t)base_len, path);
}

static void emit_open(int dirfd, const char *path, int flags, int result) {
    if (path == NULL) {
        return;
    }
    char resolved[PATH_BUF];
    const char *p = path;
    size_t len;
    if (path[0] != '/') {
        const long n = absolute_path(dirfd, path, resolved, sizeof resolved);
        if (n > 0) {
            p = resolved;
            len = (size_t)n;
        } else {
            len = strlen(path);
        }
    } else {
        len = strlen(path);
    }
    uint64_t pos;
    struct tether_slot_header *s = begin(TETHER_REC_OPEN, &g_self, &pos);
    if (s == NULL) {
        return;
    }
    struct tether_open_body *b = (struct tether_open_body *)body_of(s);
    b->flags = flags;
    b->result = result;
    b->pad = 0;
    b->path_len = put_bytes(s, (uint8_t *)(b + 1), p, len, body_capacity() - (uint32_t)sizeof *b);
    s->length = (uint32_t)sizeof *b + b->path_len;
    ring_commit(s, pos);
}

/* fills a tether_addr from a sockaddr; unix path bytes go to *path (abstract names get a leading '@') */
static void encode_addr(const struct sockaddr *sa, socklen_t len, struct tether_addr *a, const char **path,
                        size_t *path_len) {
    memset(a, 0, sizeof *a);
    *path = NULL;
    *path_len = 0;
    if (sa == NULL || len < sizeof(sa_family_t)) {
        return;
    }
    a->family = sa->sa_family;
    if (sa->sa_family == AF_INET && len >= sizeof(struct sockaddr_in)) {
        const struct sockaddr_in *in = (const struct sockaddr_in *)sa;
        a->port = ntohs(in->sin_port);
        memcpy(a->ip, &in->sin_addr, 4);
    } else if (sa->sa_family == AF_INET6 && len >= sizeof(struct sockaddr_in6)) {
        const struct sockaddr_in6 *in6 = (const struct sockaddr_in6 *)sa;
        a->port = ntohs(in6->sin6_port);
        memcpy(a->ip, &in6->sin6_addr, 16);
    } else if (sa->sa_family == AF_UNIX) {
        const struct sockaddr_un *un = (const struct sockaddr_un *)sa;
        const size_t off = offsetof(struct sockaddr_un, sun_path);
        if (len > off) {
            size_t n = len - off;
            if (n > sizeof un->sun_path) {
                n = sizeof un->sun_path;
            }
            if (un->sun_path[0] != 0) {
                n = strnlen(un->sun_path, n);
            }
            *path = un->sun_path;
            *path_len = n; /* abstract: starts with NUL, the reader writes it as '@' */
        }
    }
}

/* the entries of the fds above SOCK_LOW, mapped once (two racing threads: one mapping wins, the other is unmapped) */
static struct sock_entry *map_sock_high(void) {
    const int saved = errno;
    const size_t len = sizeof(struct sock_entry) * (SOCK_TABLE - SOCK_LOW);
    void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    errno = saved;
    if (m == MAP_FAILED) {
        return NULL;
    }
    struct sock_entry *expected = NULL;
    if (!__atomic_compare_exchange_n(&g_sock_high, &expected, (struct sock_entry *)m, 0, __ATOMIC_ACQ_REL,
                                     __ATOMIC_ACQUIRE)) {
        munmap(m, len);
        errno = saved;
        return expected;
    }
    return (struct sock_entry *)m;
}

/* the entry of fd, or NULL: fd out of range, or above SOCK_LOW in a process that has not needed those yet (create
 * maps them, unless no ring is mapped: then nobody ever reads the table) */
static struct sock_entry *sock_entry(int fd, int create) {
    if (LIKELY(fd >= 0 && fd < SOCK_LOW)) {
        return &g_sock_low[fd];
    }
    if (fd < SOCK_LOW || fd >= SOCK_TABLE) {
        return NULL;
    }
    struct sock_entry *high = __atomic_load_n(&g_sock_high, __ATOMIC_ACQUIRE);
    if (high == NULL) {
        if (!create || g_ring == NULL) {
            return NULL;
        }
        high = map_sock_high();
        if (high == NULL) {
            return NULL;
        }
    }
    return &high[fd - SOCK_LOW];
}

static void remember_socket(int fd, int type) {
    struct sock_entry *e = sock_entry(fd, 1);
    if (e != NULL) {
        e->type = (uint8_t)(SOCK_KNOWN | (type & 0xf));
    }
}

static void forget_fd(int fd) {
    struct sock_entry *e = sock_entry(fd, 0);
    if (e != NULL) {
        e->type = 0;
    }
}

static uint16_t protocol_of(int fd, int family) {
    int type = 0;
    const struct sock_entry *e = sock_entry(fd, 0);
    if (e != NULL && (e->type & SOCK_KNOWN)) {
        type = e->type & 0xf;
    } else {
        socklen_t len = sizeof type;
        if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0) {
            return family == AF_UNIX ? TETHER_PROTO_UNIX_STREAM : TETHER_PROTO_OTHER;
        }
        remember_socket(fd, type);
    }
    if (family == AF_UNIX) {
        return type == SOCK_DGRAM ? TETHER_PROTO_UNIX_DGRAM : TETHER_PROTO_UNIX_STREAM;
    }
    return type == SOCK_STREAM ? TETHER_PROTO_TCP : type == SOCK_DGRAM ? TETHER_PROTO_UDP : TETHER_PROTO_OTHER;
}

static int interesting_family(int family) {
    return family == AF_INET || family == AF_INET6 || family == AF_UNIX;
}

static void emit_socket(uint16_t type, uint16_t protocol, int error, const struct sockaddr *local, socklen_t local_len,
                        const struct sockaddr *remote, socklen_t remote_len) {
    uint64_t pos;
    struct tether_slot_header *s = begin(type, &g_self, &pos);
    if (s == NULL) {
        return;
    }
    struct tether_socket_body *b = (struct tether_socket_body *)body_of(s);
    const char *lp, *rp;
    size_t ll, rl;
    encode_addr(local, local_len, &b->local, &lp, &ll);
    encode_addr(remote, remote_len, &b->remote, &rp, &rl);
    b->error = error;
    b->protocol = protocol;
    b->pad = 0;
    uint8_t *out = (uint8_t *)(b + 1);
    uint32_t room = body_capacity() - (uint32_t)sizeof *b;
    b->local.path_len = (uint16_t)put_bytes(s, out, lp, ll, room);
    out += b->local.path_len;
    room -= b->local.path_len;
    b->remote.path_len = (uint16_t)put_bytes(s, out, rp, rl, room);
    out += b->remote.path_len;
    s->length = (uint32_t)(out - body_of(s));
    ring_commit(s, pos);
}

/* ---- fork, vfork and children we did not see being made ---- */
static void on_fork_child(void) {
    const int32_t parent_pid = g_self.pid;
    const uint64_t parent_start = g_self.start_ticks;
    read_identity(&g_self); /* the parent resolved its own start time before forking (before_fork) */
    g_deferred = 0;
    g_exec_tag = 0;
    t_tid = g_self.pid; /* the forking thread is the child's main thread */
    g_exit_reported = 0;
    emit_fork(&g_self, parent_pid, parent_start);
}

/* a vfork/clone child runs on the parent's memory with the parent's cached identity: describe it afresh, cache nothing */
static int foreign_child(struct identity *child) {
    const int32_t pid = (int32_t)syscall(SYS_getpid);
    if (LIKELY(pid == g_self.pid)) {
        return 0;
    }
    read_identity(child);
    return 1;
}

/* The parent's start time for a vfork child's FORK record. A parent with a deferred identity does not know it, but
 * it is alive (suspended until the child execs or exits): read it from its /proc entry. Never cached (vfork). */
static uint64_t parent_start_ticks(void) {
    if (!g_deferred) {
        return g_self.start_ticks;
    }
    char path[40];
    proc_path(path, g_self.pid, "stat");
    struct identity parent;
    read_identity_at(path, &parent);
    return parent.pid == g_self.pid ? parent.start_ticks : 0;
}

static void note_exec_attempt(void) {
    if (g_ring == NULL) {
        return;
    }
    struct identity child;
    if (foreign_child(&child)) {
        /* the new image's constructor reports the exec; the fork is only visible from here */
        emit_fork(&child, g_self.pid, parent_start_ticks());
        return;
    }
    settle_identity(); /* this image's records end here, an IDENTITY record may be due */
}

static void note_exit(int code, int kind) {
    if (g_ring == NULL) {
        return;
    }
    struct identity child;
    if (foreign_child(&child)) {
        emit_exit(&child, code, kind);
        return;
    }
    if (!__atomic_exchange_n(&g_exit_reported, 1, __ATOMIC_RELAXED)) {
        settle_identity();
        emit_exit(&g_self, code, kind);
    }
}

/* The page size from the aux vector that follows the environment on the initial stack, where the loader left it
 * (sysconf would fault in two pages of libc). Only when envp is that initial array, right behind argv. */
static void learn_page_size(int argc, char **argv, char **envp) {
    if (argv == NULL || envp != argv + argc + 1) {
        return;
    }
    char **e = envp;
    while (*e != NULL) {
        e++;
    }
    for (const ElfW(auxv_t) *a = (const ElfW(auxv_t) *)(e + 1); a->a_type != AT_NULL; a++) {
        if (a->a_type == AT_PAGESZ) {
            g_page = (long)a->a_un.a_val;
            return;
        }
    }
}

__attribute__((constructor)) static void tether_init(int argc, char **argv, char **envp) {
    const int saved = errno;
    const char *channel = getenv("TETHER_CHANNEL");
    if (channel != NULL && channel[0] != 0) {
        learn_page_size(argc, argv, envp);
        map_ring(channel);
    }
    if (g_ring != NULL) {
        deferred_identity(&g_self);
        g_deferred = 1;
        t_tid = g_self.pid; /* constructors run in the main thread */
        emit_exec(&g_self, argc, argv);
        syscall(SYS_close, g_ctor_fd);
        g_ctor_fd = -1;
    }
    errno = saved;
}

/* A fork child's FORK record names its parent instance: a parent whose start time is still deferred settles it
 * first (from the collector's ack, or from /proc as forking programs always did; the research's one-shot programs
 * do not fork). */
static void before_fork(void) {
    if (g_ring != NULL) {
        const int saved = errno;
        settle_identity();
        errno = saved;
    }
}

/* A fork child is recognised in the wrappers of the calls that fork and return in the child (fork, daemon, forkpty),
 * not with pthread_atfork: registering a fork handler touches two of libc's pages (its code and its handler list),
 * two page faults on every process start for the few programs that ever fork. The same calls run atfork handlers;
 * posix_spawn, system and popen run none and never did (their children report their exec). */
static pid_t after_fork(pid_t pid) {
    if (pid == 0 && g_ring != NULL) {
        const int saved = errno;
        on_fork_child();
        errno = saved;
    }
    return pid;
}

typedef pid_t (*fork_fn)(void);
typedef int (*daemon_fn)(int, int);
typedef pid_t (*forkpty_fn)(int *, char *, const void *, const void *);
static fork_fn real_fork;
static daemon_fn real_daemon;
static forkpty_fn real_forkpty;

EXPORT pid_t fork(void) {
    before_fork();
    return after_fork(REAL(fork)());
}

EXPORT int daemon(int nochdir, int noclose) {
    before_fork();
    const int r = REAL(daemon)(nochdir, noclose);
    if (r == 0) {
        after_fork(0); /* daemon returns in the (grand)child only */
    }
    return r;
}

EXPORT pid_t forkpty(int *amaster, char *name, const void *termp, const void *winp) {
    before_fork();
    return after_fork(REAL(forkpty)(amaster, name, termp, winp));
}

__attribute__((destructor)) static void tether_fini(void) {
    const int saved = errno;
    note_exit(0, TETHER_EXIT_DESTRUCTOR);
    errno = saved;
}

/* ---- the wrappers ---- */
static inline int wants_mode(int flags) {
    return (flags & O_CREAT) != 0 || (flags & O_TMPFILE) == O_TMPFILE;
}

static inline void after_open(int dirfd, const char *path, int flags, int fd) {
    if (g_ring != NULL) {
        const int saved = errno;
        emit_open(dirfd, path, flags, fd >= 0 ? fd : -saved);
        errno = saved;
    }
}

#define VA_MODE(flags, last)                                                                                           \
    mode_t mode = 0;                                                                                                   \
    if (wants_mode(flags)) {                                                                                           \
        va_list ap;                                                                                                    \
        va_start(ap, last);                                                                                            \
        mode = (mode_t)va_arg(ap, int);                                                                                \
        va_end(ap);                                                                                                    \
    }

EXPORT int open(const char *path, int flags, ...) {
    VA_MODE(flags, flags)
    if (UNLIKELY(t_resolving)) {
        return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
    }
    const int fd = REAL(open)(path, flags, mode);
    after_open(AT_FDCWD, path, flags, fd);
    return fd;
}

EXPORT int open64(const char *path, int flags, ...) {
    VA_MODE(flags, flags)
    if (UNLIKELY(t_resolving)) {
        return (int)syscall(SYS_openat, AT_FDCWD, path, flags, mode);
    }
    const int fd = REAL(open64)(path, flags, mode);
    after_open(AT_FDCWD, path, flags, fd);
    return fd;
}

EXPORT int openat(int dirfd, const char *path, int flags, ...) {
    VA_MODE(flags, flags)
    if (UNLIKELY(t_resolving)) {
        return (int)syscall(SYS_openat, dirfd, path, flags, mode);
    }
    const int fd = REAL(openat)(dirfd, path, flags, mode);
    after_open(dirfd, path, flags, fd);
    return fd;
}

EXPORT int openat64(int dirfd, const char *path, int flags, ...) {
    VA_MODE(flags, flags)
    if (UNLIKELY(t_resolving)) {
        return (int)syscall(SYS_openat, dirfd, path, flags, mode);
    }
    const int fd = REAL(openat64)(dirfd, path, flags, mode);
    after_open(dirfd, path, flags, fd);
    return fd;
}

EXPORT int __open_2(const char *path, int flags) {
    const int fd = REAL(__open_2)(path, flags);
    after_open(AT_FDCWD, path, flags, fd);
    return fd;
}

EXPORT int __open64_2(const char *path, int flags) {
    const int fd = REAL(__open64_2)(path, flags);
    after_open(AT_FDCWD, path, flags, fd);
    return fd;
}

EXPORT int __openat_2(int dirfd, const char *path, int flags) {
    const int fd = REAL(__openat_2)(dirfd, path, flags);
    after_open(dirfd, path, flags, fd);
    return fd;
}

EXPORT int __openat64_2(int dirfd, const char *path, int flags) {
    const int fd = REAL(__openat64_2)(dirfd, path, flags);
    after_open(dirfd, path, flags, fd);
    return fd;
}

EXPORT int creat(const char *path, mode_t mode) {
    const int fd = REAL(creat)(path, mode);
    after_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, fd);
    return fd;
}

EXPORT int creat64(const char *path, mode_t mode) {
    const int fd = REAL(creat64)(path, mode);
    after_open(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, fd);
    return fd;
}

/* the open(2) flags glibc's fopen uses for a mode string */
static int fopen_flags(const char *mode) {
    if (mode == NULL) {
        return O_RDONLY;
    }
    int flags;
    switch (mode[0]) {
    case 'w':
        flags = O_WRONLY | O_CREAT | O_TRUNC;
        break;
    case 'a':
        flags = O_WRONLY | O_CREAT | O_APPEND;
        break;
    default:
        flags = O_RDONLY;
        break;
    }
    for (const char *m = mode + 1; *m && *m != ','; m++) {
        if (*m == '+') {
            flags = (flags & ~O_ACCMODE) | O_RDWR;
        } else if (*m == 'x') {
            flags |= O_EXCL;
        } else if (*m == 'e') {
            flags |= O_CLOEXEC;
        }
    }
    return flags;
}

static FILE *after_fopen(const char *path, const char *mode, FILE *f) {
    if (g_ring != NULL) {
        const int saved = errno;
        emit_open(AT_FDCWD, path, fopen_flags(mode), f != NULL ? fileno(f) : -saved);
        errno = saved;
    }
    return f;
}

EXPORT FILE *fopen(const char *path, const char *mode) {
    return after_fopen(path, mode, REAL(fopen)(path, mode));
}

EXPORT FILE *fopen64(const char *path, const char *mode) {
    return after_fopen(path, mode, REAL(fopen64)(path, mode));
}

typedef int (*socket_fn)(int, int, int);
typedef int (*socketpair_fn)(int, int, int, int[2]);
typedef int (*close_fn)(int);
typedef int (*dup2_fn)(int, int);
typedef int (*dup3_fn)(int, int, int);
static socket_fn real_socket;
static socketpair_fn real_socketpair;
static close_fn real_close;
static dup2_fn real_dup2;
static dup3_fn real_dup3;

EXPORT int socket(int domain, int type, int protocol) {
    const int fd = REAL(socket)(domain, type, protocol);
    if (fd >= 0) {
        remember_socket(fd, type);
    }
    return fd;
}

EXPORT int socketpair(int domain, int type, int protocol, int sv[2]) {
    const int r = REAL(socketpair)(domain, type, protocol, sv);
    if (r == 0) {
        remember_socket(sv[0], type);
        remember_socket(sv[1], type);
    }
    return r;
}

EXPORT int close(int fd) {
    forget_fd(fd);
    return REAL(close)(fd);
}

EXPORT int dup2(int oldfd, int newfd) {
    forget_fd(newfd);
    return REAL(dup2)(oldfd, newfd);
}

EXPORT int dup3(int oldfd, int newfd, int flags) {
    forget_fd(newfd);
    return REAL(dup3)(oldfd, newfd, flags);
}

EXPORT int connect(int fd, const struct sockaddr *addr, socklen_t len) {
    const int r = REAL(connect)(fd, addr, len);
    if (g_ring == NULL) {
        return r;
    }
    const int saved = errno;
    if (addr != NULL && len >= sizeof(sa_family_t) && interesting_family(addr->sa_family)
        && !(r != 0 && saved == EFAULT)) {
        struct sockaddr_storage local;
        socklen_t local_len = sizeof local;
        if (getsockname(fd, (struct sockaddr *)&local, &local_len) != 0) {
            local_len = 0;
        }
        emit_socket(TETHER_REC_CONNECT, protocol_of(fd, addr->sa_family), r == 0 ? 0 : saved,
                    local_len ? (struct sockaddr *)&local : NULL, local_len, addr, len);
    }
    errno = saved;
    return r;
}

/* A listener bound to one address (not a wildcard) gives every accepted socket exactly that local address: learn it
 * once per listener (one getsockname) and spare accept a syscall from then on. */
static int specific_address(const struct sockaddr_storage *a) {
    static const uint8_t zero[16];
    if (a->ss_family == AF_INET) {
        return ((const struct sockaddr_in *)a)->sin_addr.s_addr != 0;
    }
    if (a->ss_family == AF_INET6) {
        return memcmp(&((const struct sockaddr_in6 *)a)->sin6_addr, zero, 16) != 0;
    }
    return 0;
}

static socklen_t accepted_local(struct sock_entry *listener_entry, int listener, int fd,
                                struct sockaddr_storage *local) {
    const uint8_t entry = listener_entry != NULL ? listener_entry->type : 0;
    if (entry & LISTENER_CACHED) {
        memcpy(local, &listener_entry->listener, sizeof listener_entry->listener);
        return local->ss_family == AF_INET ? sizeof(struct sockaddr_in) : sizeof(struct sockaddr_in6);
    }
    socklen_t len = sizeof *local;
    if (getsockname(fd, (struct sockaddr *)local, &len) != 0) {
        return 0;
    }
    if (listener_entry != NULL && !(entry & LISTENER_WILDCARD)
        && (local->ss_family == AF_INET || local->ss_family == AF_INET6)) {
        struct sockaddr_storage bound;
        socklen_t bound_len = sizeof bound;
        if (getsockname(listener, (struct sockaddr *)&bound, &bound_len) == 0 && specific_address(&bound)
            && bound_len <= sizeof listener_entry->listener) {
            memcpy(&listener_entry->listener, &bound, bound_len);
            listener_entry->type = entry | LISTENER_CACHED;
        } else {
            listener_entry->type = entry | LISTENER_WILDCARD;
        }
    }
    return len;
}

static void after_accept(int listener, int fd, const struct sockaddr *addr, const socklen_t *addr_len) {
    const int saved = errno;
    struct sock_entry *listener_entry = sock_entry(listener, 1);
    struct sock_entry *accepted = sock_entry(fd, 1);
    if (listener_entry != NULL && accepted != NULL) {
        accepted->type = listener_entry->type & (SOCK_KNOWN | 0xf); /* an accepted socket has its listener's type */
    }
    struct sockaddr_storage local;
    const socklen_t local_len = accepted_local(listener_entry, listener, fd, &local);
    const int family = local_len ? local.ss_family : 0;
    if (interesting_family(family)) {
        struct sockaddr_storage peer;
        const struct sockaddr *remote = addr;
        socklen_t remote_len = addr_len != NULL ? *addr_len : 0;
        /* the caller's buffer holds the peer unless it passed none or a too small one */
        if (addr == NULL || addr_len == NULL || remote_len > sizeof peer || remote_len < sizeof(sa_family_t)) {
            remote_len = sizeof peer;
            remote = getpeername(fd, (struct sockaddr *)&peer, &remote_len) == 0 ? (struct sockaddr *)&peer : NULL;
        }
        const uint16_t protocol = family == AF_UNIX ? protocol_of(fd, family) : TETHER_PROTO_TCP;
        emit_socket(TETHER_REC_ACCEPT, protocol, 0, (struct sockaddr *)&local, local_len, remote,
                    remote ? remote_len : 0);
    }
    errno = saved;
}

EXPORT int accept(int fd, struct sockaddr *addr, socklen_t *len) {
    const socklen_t given = len != NULL ? *len : 0;
    const int r = REAL(accept)(fd, addr, len);
    if (g_ring != NULL && r >= 0) {
        after_accept(fd, r, addr != NULL && len != NULL && *len <= given ? addr : NULL, len);
    }
    return r;
}

EXPORT int accept4(int fd, struct sockaddr *addr, socklen_t *len, int flags) {
    const socklen_t given = len != NULL ? *len : 0;
    const int r = REAL(accept4)(fd, addr, len, flags);
    if (g_ring != NULL && r >= 0) {
        after_accept(fd, r, addr != NULL && len != NULL && *len <= given ? addr : NULL, len);
    }
    return r;
}

EXPORT int execve(const char *path, char *const argv[], char *const envp[]) {
    note_exec_attempt();
    return REAL(execve)(path, argv, envp);
}

EXPORT int execv(const char *path, char *const argv[]) {
    note_exec_attempt();
    return REAL(execv)(path, argv);
}

EXPORT int execvp(const char *file, char *const argv[]) {
    note_exec_attempt();
    return REAL(execvp)(file, argv);
}

EXPORT int execvpe(const char *file, char *const argv[], char *const envp[]) {
    note_exec_attempt();
    if (real_execvpe_ == NULL) {
        real_execvpe_ = (execve_fn)resolve("execvpe");
    }
    return real_execvpe_(file, argv, envp);
}

/* execl, execle and execlp call glibc's internal __execve / __execvpe, which no wrapper sees: without these an
 * image that execs through them would skip note_exec_attempt (no IDENTITY record before the exec, no FORK record
 * of a vfork child). Each counts its list, builds the vector on the stack (as glibc does) and goes on like
 * execve / execvp. */
#define ARG_VECTOR(first, ap, argv)                                                                                    \
    size_t n_ = 1;                                                                                                     \
    {                                                                                                                  \
        va_list count_;                                                                                                \
        va_copy(count_, ap);                                                                                           \
        while (va_arg(count_, const char *) != NULL) {                                                                 \
            n_++;                                                                                                      \
        }                                                                                                              \
        va_end(count_);                                                                                                \
    }                                                                                                                  \
    char *argv[n_ + 1];                                                                                                \
    argv[0] = (char *)(first);                                                                                         \
    for (size_t i_ = 1; i_ <= n_; i_++) {                                                                              \
        argv[i_] = va_arg(ap, char *);                                                                                 \
    }

extern char **environ;

EXPORT int execl(const char *path, const char *arg, ...) {
    va_list ap;
    va_start(ap, arg);
    ARG_VECTOR(arg, ap, argv)
    va_end(ap);
    note_exec_attempt();
    return REAL(execve)(path, argv, environ);
}

EXPORT int execle(const char *path, const char *arg, ...) {
    va_list ap;
    va_start(ap, arg);
    ARG_VECTOR(arg, ap, argv)
    char *const *envp = va_arg(ap, char *const *);
    va_end(ap);
    note_exec_attempt();
    return REAL(execve)(path, argv, envp);
}

EXPORT int execlp(const char *file, const char *arg, ...) {
    va_list ap;
    va_start(ap, arg);
    ARG_VECTOR(arg, ap, argv)
    va_end(ap);
    note_exec_attempt();
    return REAL(execvp)(file, argv);
}

EXPORT void exit(int code) {
    const int saved = errno;
    note_exit(code, TETHER_EXIT_CALL);
    errno = saved;
    REAL(exit)(code);
}

EXPORT void _exit(int code) {
    note_exit(code, TETHER_EXIT_IMMEDIATE);
    if (real__exit == NULL) {
        real__exit = resolve("_exit");
    }
    real__exit(code);
}

EXPORT void _Exit(int code) {
    note_exit(code, TETHER_EXIT_IMMEDIATE);
    if (real__Exit == NULL) {
        real__Exit = resolve("_Exit");
    }
    real__Exit(code);
}
