/*
 * The floor of a probe's channel: LD_PRELOAD libraries that do only the irreducible minimum of handing a process's
 * three records (START at the constructor, CALL, EXIT at the destructor; 64 bytes each) to a reader, one channel
 * design per build, for loadcost.c to measure against the empty library (bench/reports/probe.md, "Session 6").
 * The CALL record is written from the destructor, just before EXIT: intercepting connect/accept (dlsym on first use)
 * is not a channel cost, and session 5 measured the probe loaded without a channel at the empty library's cost.
 * No libc call besides syscall() (and getauxval/clock_gettime where the design is about them), no getenv: the
 * channel is found in the constructor's envp, so no libc page is touched that the program does not touch anyway.
 *   gcc -O2 -shared -fPIC -DFLOOR=FLOOR_PIPE_EACH -o libfloor-pipe-each.so floor.c
 * Designs (FLOOR=):
 *   FLOOR_BASE       what every fd-based design below also does, without a channel: getpid once, a clock system call
 *                    per record (the vDSO's first read faults 3 pages; the probe reads it by system call too)
 *   FLOOR_PIPE_EACH  (a) an inherited fd (TETHER_FD=N, O_NONBLOCK pipe), one write() per record
 *   FLOOR_PIPE_ONCE  (a) the same, the three records buffered and written once at exit (lost on SIGKILL: a floor only)
 *   FLOOR_DGRAM      (a) an inherited AF_UNIX datagram socket, one send() per record; the reader sets SO_PASSCRED and
 *                    SO_TIMESTAMP, so the kernel attaches pid/uid/gid and the send time: no getpid, no clock
 *   FLOOR_SHM        (b) an inherited shared-memory fd: one mmap of one page (cursor + 63 slots), records stored by
 *                    an atomic claim and a release store, no system call per record
 *   FLOOR_OPEN_EACH  (c) a path per process (TETHER_CHANNEL=FIFO): open + write + close per record, as session 4's FIFO
 *   FLOOR_ID_PROC    (d) identity alone, as the probe reads it when not acked: getpid, /proc/<pid>/stat (open, read,
 *                    close), readlink /proc/<pid>/exe; no channel
 *   FLOOR_ID_AUX     (d) identity without system calls: getauxval (AT_EXECFN, AT_UID/EUID/GID) and argv from the
 *                    constructor; no channel
 *   FLOOR_ID_VDSO    FLOOR_ID_AUX + one clock_gettime through the vDSO (a start time without a system call)
 *   FLOOR_DGRAM_AUX  FLOOR_DGRAM + FLOOR_ID_AUX
 * With -DFLOOR_CALL_ONLY a design writes only the CALL record (at exit): for a collector that takes exec and exit
 * from the kernel's process-events connector instead (loadcost.c's "+cn" channels).
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#define FLOOR_BASE 1
#define FLOOR_PIPE_EACH 2
#define FLOOR_PIPE_ONCE 3
#define FLOOR_DGRAM 4
#define FLOOR_SHM 5
#define FLOOR_OPEN_EACH 6
#define FLOOR_ID_PROC 7
#define FLOOR_ID_AUX 8
#define FLOOR_DGRAM_AUX 9
#define FLOOR_ID_VDSO 10

#ifndef FLOOR
#error "build with -DFLOOR=FLOOR_..."
#endif

#define FLOOR_PAGE 4096
#define FLOOR_SLOTS 63 /* slots after the 64-byte cursor line of the shared page */

/* 64 bytes: what the reader of loadcost.c counts and checks (type 1..3, in order) */
struct floor_record {
    uint32_t type;
    int32_t pid;
    int64_t micros;
    char payload[48];
};

/* FLOOR_SHM's page: a 32-bit claim cursor in the first 64 bytes, then 63 slots; a slot is committed once its type
 * is nonzero (the reader zeroes the page after each process) */
static int g_fd = -1;                 /* TETHER_FD */
static const char *g_path;            /* TETHER_CHANNEL (FIFO) */
static int32_t g_pid;
static char g_argv0[48];
__attribute__((unused)) static struct floor_record g_buffer[3]; /* FLOOR_PIPE_ONCE */
__attribute__((unused)) static uint8_t *g_page;              /* FLOOR_SHM */
static volatile uint64_t g_sink;      /* keeps the identity work from being optimised away */

static int has_prefix(const char *s, const char *prefix) {
    while (*prefix != 0) {
        if (*s++ != *prefix++) {
            return 0;
        }
    }
    return 1;
}

static int parse_int(const char *s) {
    int v = 0;
    while (*s >= '0' && *s <= '9') {
        v = v * 10 + (*s++ - '0');
    }
    return v;
}

static void copy_text(char *out, const char *in, int room) {
    int i = 0;
    for (; in != NULL && in[i] != 0 && i < room - 1; i++) {
        out[i] = in[i];
    }
    out[i] = 0;
}

__attribute__((unused)) static int64_t clock_micros_syscall(void) {
    struct timespec ts;
    syscall(SYS_clock_gettime, CLOCK_REALTIME, &ts);
    return (int64_t)ts.tv_sec * 1000000 + ts.tv_nsec / 1000;
}

static void fill(struct floor_record *r, uint32_t type) {
    r->type = type;
    r->pid = g_pid;
#if FLOOR == FLOOR_DGRAM || FLOOR == FLOOR_DGRAM_AUX
    r->micros = 0; /* the kernel's SO_TIMESTAMP on the reader's side */
#else
    r->micros = clock_micros_syscall();
#endif
    copy_text(r->payload, g_argv0, sizeof r->payload);
}

__attribute__((unused)) static void emit(uint32_t type) {
    struct floor_record r;
#ifdef FLOOR_CALL_ONLY
    if (type != 2) {
        return;
    }
#endif
#if FLOOR == FLOOR_PIPE_ONCE
    fill(&g_buffer[type - 1], type);
    if (type == 3) {
        syscall(SYS_write, g_fd, g_buffer, sizeof g_buffer);
    }
    (void)r;
#elif FLOOR == FLOOR_SHM
    const uint32_t index = __atomic_fetch_add((uint32_t *)g_page, 1, __ATOMIC_RELAXED);
    if (index >= FLOOR_SLOTS) {
        return; /* full: a real channel would count the drop */
    }
    struct floor_record *slot = (struct floor_record *)(g_page + 64 + 64 * (size_t)index);
    fill(&r, type);
    r.type = 0;
    *slot = r;
    __atomic_store_n(&slot->type, type, __ATOMIC_RELEASE); /* the commit: the reader waits for a nonzero type */
#else
    fill(&r, type);
#if FLOOR == FLOOR_PIPE_EACH
    syscall(SYS_write, g_fd, &r, sizeof r);
#elif FLOOR == FLOOR_DGRAM || FLOOR == FLOOR_DGRAM_AUX
    syscall(SYS_sendto, g_fd, &r, sizeof r, MSG_DONTWAIT, NULL, 0);
#elif FLOOR == FLOOR_OPEN_EACH
    const int fd = (int)syscall(SYS_openat, AT_FDCWD, g_path, O_WRONLY | O_NONBLOCK | O_CLOEXEC, 0);
    if (fd >= 0) {
        syscall(SYS_write, fd, &r, sizeof r);
        syscall(SYS_close, fd);
    }
#endif
#endif
}

#if FLOOR == FLOOR_ID_PROC
/* "/proc/<pid>/<leaf>" without stdio, as the probe builds it */
static void proc_path(char *out, int32_t pid, const char *leaf) {
    const char *p = "/proc/";
    while (*p != 0) {
        *out++ = *p++;
    }
    char digits[12];
    int n = 0;
    do {
        digits[n++] = (char)('0' + pid % 10);
        pid /= 10;
    } while (pid > 0);
    while (n > 0) {
        *out++ = digits[--n];
    }
    *out++ = '/';
    while ((*out++ = *leaf++) != 0) {
    }
}

static void read_identity(void) {
    char path[40];
    char buf[512];
    const int32_t pid = (int32_t)syscall(SYS_getpid);
    proc_path(path, pid, "stat");
    const int fd = (int)syscall(SYS_openat, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0);
    long n = -1;
    if (fd >= 0) {
        n = syscall(SYS_read, fd, buf, sizeof buf - 1);
        syscall(SYS_close, fd);
    }
    uint64_t ticks = 0;
    if (n > 0) { /* field 22, counted after the last ')' */
        buf[n] = 0;
        const char *close_paren = buf;
        for (const char *p = buf; *p != 0; p++) {
            if (*p == ')') {
                close_paren = p;
            }
        }
        int field = 2;
        for (const char *p = close_paren + 1; *p != 0 && field < 22; p++) {
            if (*p == ' ' && ++field == 22) {
                ticks = (uint64_t)parse_int(p + 1);
            }
        }
    }
    char exe[256]; /* the probe reads it into its ring slot: no fresh stack page */
    proc_path(path, pid, "exe");
    const long exe_len = syscall(SYS_readlink, path, exe, sizeof exe);
    g_sink = ticks + (uint64_t)exe_len;
}
#endif

#if FLOOR == FLOOR_ID_AUX || FLOOR == FLOOR_DGRAM_AUX || FLOOR == FLOOR_ID_VDSO
static char g_execfn[128];

static void aux_identity(int argc, char **argv) {
    uint64_t started = 0;
#if FLOOR == FLOOR_ID_VDSO
    struct timespec ts;
    clock_gettime(CLOCK_BOOTTIME, &ts); /* the vDSO: no system call, but its first read touches its pages */
    started = (uint64_t)ts.tv_nsec;
#endif
    copy_text(g_execfn, (const char *)getauxval(AT_EXECFN), sizeof g_execfn);
    const uint64_t ids = getauxval(AT_UID) + getauxval(AT_EUID) + getauxval(AT_GID);
    g_sink = started + ids + (uint64_t)argc + (uint64_t)(argv != NULL ? argv[0][0] : 0);
}
#endif

__attribute__((constructor)) static void floor_start(int argc, char **argv, char **envp) {
    for (char **e = envp; e != NULL && *e != NULL; e++) {
        if (has_prefix(*e, "TETHER_FD=")) {
            g_fd = parse_int(*e + 10);
        } else if (has_prefix(*e, "TETHER_CHANNEL=")) {
            g_path = *e + 15;
        }
    }
    copy_text(g_argv0, argc > 0 ? argv[0] : NULL, sizeof g_argv0);
#if FLOOR == FLOOR_ID_AUX || FLOOR == FLOOR_DGRAM_AUX || FLOOR == FLOOR_ID_VDSO
    aux_identity(argc, argv);
#endif
#if FLOOR == FLOOR_ID_PROC || FLOOR == FLOOR_ID_AUX || FLOOR == FLOOR_ID_VDSO
    return; /* identity alone: no channel */
#else
#if FLOOR == FLOOR_OPEN_EACH
    if (g_path == NULL) {
        return;
    }
#elif FLOOR != FLOOR_BASE
    if (g_fd < 0) {
        return;
    }
#endif
#if FLOOR != FLOOR_DGRAM && FLOOR != FLOOR_DGRAM_AUX
    g_pid = (int32_t)syscall(SYS_getpid);
#endif
#if FLOOR == FLOOR_SHM
    void *m = (void *)syscall(SYS_mmap, NULL, FLOOR_PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, g_fd, 0);
    if (m == MAP_FAILED) {
        g_fd = -1;
        return;
    }
    g_page = m;
#endif
#if FLOOR == FLOOR_BASE
    g_fd = 0; /* marks "active" for the destructor */
    (void)clock_micros_syscall();
#else
    emit(1);
#endif
#endif
}

__attribute__((destructor)) static void floor_exit(void) {
#if FLOOR == FLOOR_ID_PROC
    read_identity();
#elif FLOOR == FLOOR_BASE
    if (g_fd >= 0) {
        (void)clock_micros_syscall();
        (void)clock_micros_syscall();
    }
#elif FLOOR != FLOOR_ID_AUX && FLOOR != FLOOR_ID_VDSO
    if ((FLOOR == FLOOR_OPEN_EACH && g_path != NULL) || (FLOOR != FLOOR_OPEN_EACH && g_fd >= 0)) {
        emit(2);
        emit(3);
    }
#endif
}
