/*
 * What each step of an active probe's process start costs on this machine: one fresh process per sample times each
 * step with CLOCK_MONOTONIC read by system call (the vDSO's own first-use faults are not what is measured) and
 * prints ns per step. Run it many times and take medians:
 *   for i in $(seq 300); do ./steptime RING; done        RING = an existing ring file (the header is only read)
 * Steps, in the order the probe meets them: mapping the ring header (open+fstat+mmap), its first write (a page fault
 * in an existing page table), a one-page window mapped with MAP_POPULATE and its first write, reading
 * /proc/<pid>/stat (what a start time costs) and /proc/<pid>/exe, getcwd, and for comparison a fault that needs a
 * new page table (the first touch of a fresh 32 MiB mapping) against one that does not.
 */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static long long now_ns(void) {
    struct timespec ts;
    syscall(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

int main(int argc, char **argv) {
    if (argc < 2) {
        fprintf(stderr, "usage: steptime RING\n");
        return 2;
    }
    char buf[1024];
    char proc[64];
    long long t;

    t = now_ns();
    syscall(SYS_getppid);
    const long long syscall_ns = now_ns() - t;

    t = now_ns();
    const int fd = (int)syscall(SYS_openat, AT_FDCWD, argv[1], O_RDWR | O_CLOEXEC);
    struct stat st;
    syscall(SYS_fstat, fd, &st);
    uint8_t *h = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    const long long map_header = now_ns() - t;
    if (fd < 0 || h == MAP_FAILED || st.st_size < 4096 * 6) {
        fprintf(stderr, "steptime: cannot map %s\n", argv[1]);
        return 1;
    }

    t = now_ns();
    __atomic_fetch_add((uint64_t *)(h + 192), 0, __ATOMIC_RELAXED); /* the ring's "dropped" word: +0 */
    const long long header_fault = now_ns() - t;

    t = now_ns();
    uint8_t *w = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 4096 * 5);
    const long long window_populate = now_ns() - t;
    close(fd);
    t = now_ns();
    __atomic_fetch_add((uint64_t *)(w + 8), 0, __ATOMIC_RELAXED); /* a slot's type/flags word: +0 */
    const long long window_write = now_ns() - t;

    snprintf(proc, sizeof proc, "/proc/%d/stat", getpid());
    t = now_ns();
    const int f = (int)syscall(SYS_openat, AT_FDCWD, proc, O_RDONLY | O_CLOEXEC);
    syscall(SYS_read, f, buf, sizeof buf);
    syscall(SYS_close, f);
    const long long proc_stat = now_ns() - t;

    snprintf(proc, sizeof proc, "/proc/%d/exe", getpid());
    t = now_ns();
    syscall(SYS_readlink, proc, buf, sizeof buf);
    const long long proc_exe = now_ns() - t;

    t = now_ns();
    syscall(SYS_getcwd, buf, sizeof buf);
    const long long getcwd_ns = now_ns() - t;

    uint8_t *big = mmap(NULL, 32 << 20, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    t = now_ns();
    big[5 << 20] = 1;
    const long long fault_new_table = now_ns() - t;
    t = now_ns();
    big[(5 << 20) + 8192] = 1;
    const long long fault_same_table = now_ns() - t;

    printf("syscall=%lld map_header=%lld header_fault=%lld window_populate=%lld window_write=%lld proc_stat=%lld "
           "proc_exe=%lld getcwd=%lld fault_new_table=%lld fault_same_table=%lld\n",
           syscall_ns, map_header, header_fault, window_populate, window_write, proc_stat, proc_exe, getcwd_ns,
           fault_new_table, fault_same_table);
    return 0;
}
