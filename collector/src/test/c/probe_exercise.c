/*
 * Test program for libtether-probe.so: each sub-command makes a known set of calls, so the Java tests can check
 * exactly what the probe reported. It prints what it did (fds, errnos, ports) so that runs with and without the
 * probe can be compared byte for byte.
 *
 *   probe_exercise opens DIR              the open variants, in and below DIR
 *   probe_exercise net4 | net6            a loopback TCP connect/accept between a forked client and the parent
 *   probe_exercise net4-high              the same with the sockets above fd 100 (the probe's table for high fds)
 *   probe_exercise unix PATH              a Unix stream connect/accept on PATH
 *   probe_exercise family FILE SELF       fork child opens FILE; a second child execs SELF exec-target FILE;
 *                                         a vfork child execs SELF exec-target FILE too
 *   probe_exercise exec-target FILE       opens FILE read-only, exits 0
 *   probe_exercise execl FILE SELF        becomes SELF exec-target FILE with execl (no fork): one pid, two programs
 *   probe_exercise hammer P T N FILE      P forked processes x T threads x N opens of FILE
 *   probe_exercise behave DIR             a mix of calls whose printed results and exit code (3) must not change
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

extern int __open_2(const char *path, int flags);
extern int __openat_2(int dirfd, const char *path, int flags);

static void die(const char *what) {
    perror(what);
    exit(99);
}

static void show_open(const char *label, int fd) {
    printf("%s %s\n", label, fd >= 0 ? "ok" : strerror(errno));
    if (fd >= 0) {
        close(fd);
    }
}

static int opens(const char *dir) {
    char path[4096];
    if (chdir(dir) != 0) {
        die("chdir");
    }
    mkdir("sub", 0755);
    const char *names[] = {"ro.txt", "wo.txt", "rw.txt", "append.txt", "rel.txt", "sub/at.txt", "fopen-r.txt", "fortified.txt"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        snprintf(path, sizeof path, "%s/%s", dir, names[i]);
        FILE *f = fopen(path, "w");
        if (f == NULL) {
            die("setup");
        }
        fclose(f);
    }
    /* the Java test ignores the setup opens above: it looks for the calls below by path and flags */
    snprintf(path, sizeof path, "%s/ro.txt", dir);
    show_open("O_RDONLY", open(path, O_RDONLY));
    snprintf(path, sizeof path, "%s/wo.txt", dir);
    show_open("O_WRONLY", open(path, O_WRONLY));
    snprintf(path, sizeof path, "%s/rw.txt", dir);
    show_open("O_RDWR", open(path, O_RDWR));
    snprintf(path, sizeof path, "%s/append.txt", dir);
    show_open("O_APPEND", open(path, O_RDONLY | O_APPEND));
    snprintf(path, sizeof path, "%s/created.txt", dir);
    show_open("O_CREAT|O_TRUNC", open(path, O_RDONLY | O_CREAT | O_TRUNC, 0644));
    snprintf(path, sizeof path, "%s/fopen-r.txt", dir);
    FILE *r = fopen(path, "r");
    printf("fopen-r %s\n", r ? "ok" : strerror(errno));
    if (r) {
        fclose(r);
    }
    snprintf(path, sizeof path, "%s/fopen-wplus.txt", dir);
    FILE *w = fopen(path, "w+");
    printf("fopen-w+ %s\n", w ? "ok" : strerror(errno));
    if (w) {
        fclose(w);
    }
    show_open("relative", open("./sub/../rel.txt", O_RDONLY));
    const int dirfd = open("sub", O_RDONLY | O_DIRECTORY);
    show_open("openat", openat(dirfd, "at.txt", O_RDONLY));
    show_open("openat-fortified", __openat_2(dirfd, "at.txt", O_WRONLY));
    close(dirfd);
    snprintf(path, sizeof path, "%s/fortified.txt", dir);
    show_open("fortified", __open_2(path, O_RDONLY));
    snprintf(path, sizeof path, "%s/creat.txt", dir);
    show_open("creat", creat(path, 0644));
    snprintf(path, sizeof path, "%s/missing.txt", dir);
    show_open("missing", open(path, O_RDONLY));
    return 0;
}

/* parent listens on loopback, a forked child connects; both print the 4-tuple they see */
static int net(int family) {
    const int ls = socket(family, SOCK_STREAM, 0);
    struct sockaddr_storage addr;
    memset(&addr, 0, sizeof addr);
    socklen_t len;
    if (family == AF_INET) {
        struct sockaddr_in *in = (struct sockaddr_in *)&addr;
        in->sin_family = AF_INET;
        in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        len = sizeof *in;
    } else {
        struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&addr;
        in6->sin6_family = AF_INET6;
        in6->sin6_addr = in6addr_loopback;
        len = sizeof *in6;
    }
    if (bind(ls, (struct sockaddr *)&addr, len) != 0 || listen(ls, 4) != 0) {
        die("bind/listen");
    }
    socklen_t alen = sizeof addr;
    getsockname(ls, (struct sockaddr *)&addr, &alen);
    fflush(stdout);
    const pid_t child = fork();
    if (child == 0) {
        const int s = socket(family, SOCK_STREAM, 0);
        if (connect(s, (struct sockaddr *)&addr, alen) != 0) {
            die("connect");
        }
        char c = 'x';
        if (write(s, &c, 1) != 1) {
            die("write");
        }
        close(s);
        _exit(0);
    }
    struct sockaddr_storage peer;
    socklen_t plen = sizeof peer;
    const int s = accept(ls, (struct sockaddr *)&peer, &plen);
    if (s < 0) {
        die("accept");
    }
    char c;
    if (read(s, &c, 1) != 1) {
        die("read");
    }
    int status;
    waitpid(child, &status, 0);
    printf("accepted child=%d\n", (int)child);
    close(s);
    close(ls);
    return 0;
}

static int unix_sockets(const char *path) {
    const int ls = socket(AF_UNIX, SOCK_STREAM, 0);
    struct sockaddr_un addr;
    memset(&addr, 0, sizeof addr);
    addr.sun_family = AF_UNIX;
    strncpy(addr.sun_path, path, sizeof addr.sun_path - 1);
    unlink(path);
    if (bind(ls, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(ls, 4) != 0) {
        die("bind/listen unix");
    }
    fflush(stdout);
    const pid_t child = fork();
    if (child == 0) {
        const int s = socket(AF_UNIX, SOCK_STREAM, 0);
        if (connect(s, (struct sockaddr *)&addr, sizeof addr) != 0) {
            die("connect unix");
        }
        close(s);
        _exit(0);
    }
    const int s = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
    if (s < 0) {
        die("accept4");
    }
    int status;
    waitpid(child, &status, 0);
    close(s);
    close(ls);
    unlink(path);
    return 0;
}

static int family(const char *file, const char *self) {
    fflush(stdout);
    const pid_t a = fork();
    if (a == 0) {
        show_open("child-open", open(file, O_RDWR));
        fflush(stdout);
        exit(7);
    }
    int status;
    waitpid(a, &status, 0);
    printf("forked child exit=%d\n", WEXITSTATUS(status));
    fflush(stdout);
    const pid_t b = fork();
    if (b == 0) {
        execl(self, self, "exec-target", file, (char *)NULL);
        _exit(98);
    }
    waitpid(b, &status, 0);
    printf("exec child exit=%d\n", WEXITSTATUS(status));
    fflush(stdout);
    char *const argv[] = {(char *)self, "exec-target", (char *)file, NULL};
    const pid_t c = vfork();
    if (c == 0) {
        execve(self, argv, environ);
        _exit(98);
    }
    waitpid(c, &status, 0);
    printf("vfork child exit=%d\n", WEXITSTATUS(status));
    printf("children %d %d %d\n", (int)a, (int)b, (int)c);
    return 0;
}

static int execl_self(const char *file, const char *self) {
    execl(self, self, "exec-target", file, (char *)NULL);
    return 98;
}

static int exec_target(const char *file) {
    show_open("exec-target-open", open(file, O_RDONLY));
    return 0;
}

struct hammer_args {
    const char *file;
    long n;
};

static void *hammer_thread(void *p) {
    const struct hammer_args *a = p;
    for (long i = 0; i < a->n; i++) {
        const int fd = open(a->file, O_RDONLY);
        if (fd >= 0) {
            close(fd);
        }
    }
    return NULL;
}

static int hammer(int procs, int threads, long n, const char *file) {
    fflush(stdout);
    pid_t kids[64];
    for (int p = 0; p < procs && p < 64; p++) {
        kids[p] = fork();
        if (kids[p] == 0) {
            pthread_t t[64];
            struct hammer_args a = {file, n};
            for (int i = 0; i < threads && i < 64; i++) {
                pthread_create(&t[i], NULL, hammer_thread, &a);
            }
            for (int i = 0; i < threads && i < 64; i++) {
                pthread_join(t[i], NULL);
            }
            _exit(0);
        }
    }
    int failed = 0;
    for (int p = 0; p < procs && p < 64; p++) {
        int status;
        waitpid(kids[p], &status, 0);
        failed |= !WIFEXITED(status) || WEXITSTATUS(status) != 0;
    }
    printf("hammer done failed=%d\n", failed);
    return failed;
}

static int behave(const char *dir) {
    char path[4096];
    snprintf(path, sizeof path, "%s/behave.txt", dir);
    int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
    printf("open fd=%d\n", fd);
    printf("write=%zd\n", write(fd, "hello\n", 6));
    close(fd);
    errno = 0;
    fd = open("/definitely/not/here", O_RDONLY);
    printf("missing fd=%d errno=%d\n", fd, errno);
    FILE *f = fopen(path, "r");
    char line[64] = {0};
    printf("fopen read=%s", fgets(line, sizeof line, f) ? line : "(null)\n");
    fclose(f);
    /* a connect that fails: errno must come through unchanged */
    const int s = socket(AF_INET, SOCK_STREAM, 0);
    struct sockaddr_in in = {.sin_family = AF_INET, .sin_port = htons(1), .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    errno = 0;
    const int r = connect(s, (struct sockaddr *)&in, sizeof in);
    printf("connect=%d errno=%d\n", r, errno);
    close(s);
    /* closing every fd above 2 must not break later calls */
    for (int i = 3; i < 1024; i++) {
        close(i);
    }
    fd = open(path, O_RDONLY);
    printf("after close-all fd=%d\n", fd);
    fflush(stdout);
    const pid_t child = fork();
    if (child == 0) {
        printf("child says hi\n");
        exit(5);
    }
    int status;
    waitpid(child, &status, 0);
    printf("child exit=%d\n", WEXITSTATUS(status));
    return 3;
}

/* opens FILE (TIMES times, default once), says "ready" and waits for stdin to close: a process that lives as long
 * as the test wants */
static int wait_for_stdin(const char *path, int times) {
    for (int i = 1; i < times; i++) {
        const int extra = open(path, O_RDONLY);
        if (extra >= 0) {
            close(extra);
        }
    }
    const int fd = open(path, O_RDONLY);
    printf("ready fd=%d\n", fd >= 0);
    char c;
    while (read(0, &c, 1) > 0) {
    }
    if (fd >= 0) {
        close(fd);
    }
    return 0;
}

int main(int argc, char **argv) {
    setvbuf(stdout, NULL, _IOLBF, 0);
    if (argc >= 3 && strcmp(argv[1], "opens") == 0) {
        return opens(argv[2]);
    }
    if (argc >= 2 && strcmp(argv[1], "net4") == 0) {
        return net(AF_INET);
    }
    if (argc >= 2 && strcmp(argv[1], "net4-high") == 0) {
        const int placeholder = open("/dev/null", O_RDONLY);
        for (int i = 0; i < 100; i++) {
            if (dup(placeholder) < 0) {
                die("dup");
            }
        }
        return net(AF_INET);
    }
    if (argc >= 2 && strcmp(argv[1], "net6") == 0) {
        return net(AF_INET6);
    }
    if (argc >= 3 && strcmp(argv[1], "unix") == 0) {
        return unix_sockets(argv[2]);
    }
    if (argc >= 4 && strcmp(argv[1], "family") == 0) {
        return family(argv[2], argv[3]);
    }
    if (argc >= 4 && strcmp(argv[1], "execl") == 0) {
        return execl_self(argv[2], argv[3]);
    }
    if (argc >= 3 && strcmp(argv[1], "exec-target") == 0) {
        return exec_target(argv[2]);
    }
    if (argc >= 6 && strcmp(argv[1], "hammer") == 0) {
        return hammer(atoi(argv[2]), atoi(argv[3]), atol(argv[4]), argv[5]);
    }
    if (argc >= 3 && strcmp(argv[1], "wait") == 0) {
        return wait_for_stdin(argv[2], argc >= 4 ? atoi(argv[3]) : 1);
    }
    if (argc >= 3 && strcmp(argv[1], "behave") == 0) {
        return behave(argv[2]);
    }
    fprintf(stderr, "usage: probe_exercise opens|net4|net6|unix|family|execl|exec-target|hammer|wait|behave ...\n");
    return 2;
}
