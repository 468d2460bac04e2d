/*
 * Tether probe channel: the layout of the per-host shared-memory ring file.
 *
 * This header and io.tether.collector.probe.internals.RingLayout describe the same bytes; change both together and
 * bump TETHER_RING_VERSION. All integers are little-endian (x86-64 / aarch64 native order).
 *
 * The collector creates the file (path in env TETHER_CHANNEL, e.g. /run/tether/<hostId>.ring), initialises the
 * header and every slot's commit word, and reads it; probed processes only map an existing file and write to it.
 * The collector never shrinks or rewrites a file in place (a mapped file shrinking would SIGBUS the programs):
 * it builds a new file and renames it over the old one.
 *
 *   file  = header (TETHER_RING_HEADER_SIZE bytes) + slot_count slots of slot_size bytes each
 *
 *   header:
 *     0   u64 magic            "TETHRING" (TETHER_RING_MAGIC)
 *     8   u32 version          TETHER_RING_VERSION
 *     12  u32 header_size      offset of slot 0
 *     16  u32 slot_size        power of two, >= 256
 *     20  u32 slot_count       power of two, >= 2
 *     24  i64 created_micros   informational
 *     32  char host_id[64]     informational, NUL padded
 *     128 u64 write_cursor     next position to reserve (writers CAS it), own cache line
 *     192 u64 dropped          records a probe could not write (ring full / contention), own cache line
 *     256 u64 read_cursor      first position whose record the collector has not kept yet (see "Kept"), own
 *                              cache line (writers never read it)
 *     2048 acks[128]           identities the collector resolved itself (see "Deferred identity"), 16 bytes each:
 *                              u64 tag = pid << 32 | (u32)(EXEC position + 1), then u64 start_ticks
 *
 *   slot (position p lives in slot p & (slot_count-1)):
 *     0   u64 commit           == p      : free for the writer of position p
 *                              == p + 1  : the record of position p is complete
 *                              the reader sets it to p + slot_count once the record is kept (free for the
 *                              next lap)
 *     8   u16 type             TETHER_REC_*
 *     10  u16 flags            TETHER_FLAG_*
 *     12  u32 length           bytes of body that follow the 48-byte slot header
 *     16  i32 pid              thread-group id
 *     20  i32 ppid
 *     24  i32 uid              real uid
 *     28  i32 tid              thread id of the caller (diagnostics)
 *     32  u64 start_ticks      process start, clock ticks since boot (/proc/<pid>/stat field 22); the collector
 *                              converts it with btime and CLK_TCK, in one place. 0 with TETHER_FLAG_IDENTITY_DEFERRED
 *     40  i64 time_micros      CLOCK_REALTIME when the call returned
 *     48  body
 *
 * Reservation (lock-free, never waits): load write_cursor p, the slot is free iff commit == p; a commit below p
 * means the ring is full (the reader has not freed that slot yet): count a drop and give up. Otherwise CAS
 * write_cursor p -> p+1 and, on success, write the body and CAS commit p -> p+1 (release). The commit CAS fails only
 * when the reader declared the slot abandoned (a writer stalled for longer than the reader's abandon timeout).
 *
 * Positions start at (creation time in ms << 20), aligned to slot_count, not at 0, so a position names one record of
 * the host across collector restarts and across ring files; events carry it as probeSequence.
 *
 * Kept. The collector frees a slot only once the record's event is kept (written to its spool, or dropped for good),
 * not when it reads it, and possibly out of order; read_cursor trails at the first slot not yet freed. A collector
 * killed hard loses nothing it read: the next one starts at read_cursor, skips freed slots (commit >= p + slot_count)
 * and reads the others again (the copies carry the same probeSequence). Writers see no difference: a slot not yet
 * freed is a full ring.
 *
 * Deferred identity. Reading /proc/self/stat (start time) and /proc/self/exe costs a process start more than all the
 * rest of the probe together (two /proc lookups), so a probe does not read them at start: its EXEC record carries
 * TETHER_FLAG_IDENTITY_DEFERRED, no start_ticks and no exe, and so do its later records. The collector, reading the
 * EXEC record while the process lives, takes both from /proc/<pid> (after checking that this pid is still that
 * process: same ppid, started no later than the record, and still that record's program: /proc/<pid>/cmdline, read
 * after the exe, equals the record's argv, since an exec keeps pid, ppid and start time), and acks: acks[pid & 127] = {pid << 32 | (u32)(pos + 1),
 * start_ticks}. Before its EXIT record (and before it execs or forks) a probe looks at its ack; without one (the
 * collector was late, absent, or another pid took the entry) it reads /proc/self itself and writes a
 * TETHER_REC_IDENTITY record (start_ticks in the slot header, exe in the body) ahead of the EXIT record, so the
 * collector can attribute every record even when the process is gone. Fork children read their identity at once.
 */
#ifndef TETHER_RING_H
#define TETHER_RING_H

#include <stdint.h>

#define TETHER_RING_MAGIC 0x474E495248544554ULL /* "TETHRING" read as little-endian u64 */
#define TETHER_RING_VERSION 2u
#define TETHER_RING_HEADER_SIZE 4096u
#define TETHER_SLOT_HEADER_SIZE 48u

#define TETHER_REC_EXEC 1
#define TETHER_REC_FORK 2
#define TETHER_REC_EXIT 3
#define TETHER_REC_OPEN 4
#define TETHER_REC_CONNECT 5
#define TETHER_REC_ACCEPT 6
#define TETHER_REC_IDENTITY 7 /* start_ticks and exe of a process whose earlier records deferred them */

#define TETHER_FLAG_TRUNCATED 0x1      /* a path or argv did not fit the slot and was cut */
#define TETHER_FLAG_EXIT_CODE_UNKNOWN 0x2 /* exit seen by the destructor (return from main): no code */
#define TETHER_FLAG_IDENTITY_DEFERRED 0x4 /* start_ticks (and an EXEC's exe) left to the collector */
#define TETHER_FLAG_RESOLVED 0x8 /* collector only, on a deferred EXEC it resolved and has not kept yet: start_ticks
                                  * set, u32 exe_len + exe written after the body, for a successor that reads the
                                  * record again after a hard kill when the process is gone */

#define TETHER_ACKS 128u
#define TETHER_ACKS_OFFSET 2048u

/* protocol codes, same order as the Avro enum io.tether.schemas.event.Protocol */
#define TETHER_PROTO_TCP 0
#define TETHER_PROTO_UDP 1
#define TETHER_PROTO_UNIX_STREAM 2
#define TETHER_PROTO_UNIX_DGRAM 3
#define TETHER_PROTO_OTHER 4

/* exit kinds */
#define TETHER_EXIT_CALL 0       /* exit() */
#define TETHER_EXIT_IMMEDIATE 1  /* _exit() / _Exit() */
#define TETHER_EXIT_DESTRUCTOR 2 /* library destructor, code unknown */

struct tether_ring_header {
    uint64_t magic;
    uint32_t version;
    uint32_t header_size;
    uint32_t slot_size;
    uint32_t slot_count;
    int64_t created_micros;
    char host_id[64];
    uint8_t pad0[128 - 96];
    uint64_t write_cursor;
    uint8_t pad1[56];
    uint64_t dropped;
    uint8_t pad2[56];
    uint64_t read_cursor;
    uint8_t pad3[TETHER_ACKS_OFFSET - 264];
    struct tether_ack {
        uint64_t tag;         /* pid << 32 | (uint32_t)(EXEC position + 1); the collector writes 0, the ticks, then
                               * the tag (release each): a reader that sees its tag before and after reading the
                               * ticks read the ticks of its own ack */
        uint64_t start_ticks;
    } acks[TETHER_ACKS];
};

struct tether_slot_header {
    uint64_t commit;
    uint16_t type;
    uint16_t flags;
    uint32_t length;
    int32_t pid;
    int32_t ppid;
    int32_t uid;
    int32_t tid;
    uint64_t start_ticks;
    int64_t time_micros;
};

/* EXEC body: fixed part then exe bytes, cwd bytes, argv strings each NUL-terminated */
struct tether_exec_body {
    uint32_t argc;       /* argc of the process */
    uint32_t argv_count; /* how many argv strings follow (fewer than argc when truncated) */
    uint32_t exe_len;
    uint32_t cwd_len;
    uint32_t argv_len;   /* bytes of the argv area, NULs included */
};

/* FORK body (written by the child) */
struct tether_fork_body {
    int32_t parent_pid;
    int32_t pad;
    uint64_t parent_start_ticks;
};

/* IDENTITY body: then exe bytes (the slot header holds start_ticks) */
struct tether_identity_body {
    uint32_t exe_len;
    uint32_t pad;
};

/* EXIT body */
struct tether_exit_body {
    int32_t code;
    int32_t kind;
};

/* OPEN body: fixed part then path bytes (absolute unless resolution failed) */
struct tether_open_body {
    int32_t flags;  /* open(2) flags as passed; fopen modes mapped to the equivalent flags */
    int32_t result; /* the fd, or -errno */
    uint32_t path_len;
    uint32_t pad;
};

/* one socket end; the unix path bytes (if any) follow the socket body */
struct tether_addr {
    uint16_t family; /* AF_INET, AF_INET6, AF_UNIX, 0 = unknown */
    uint16_t port;   /* host order */
    uint16_t path_len;
    uint16_t pad;
    uint8_t ip[16];  /* 4 bytes for AF_INET, 16 for AF_INET6 */
};

/* CONNECT / ACCEPT body: fixed part then local path bytes then remote path bytes */
struct tether_socket_body {
    int32_t error;    /* errno of connect (0 ok); 0 for accept */
    uint16_t protocol;
    uint16_t pad;
    struct tether_addr local;
    struct tether_addr remote;
};

_Static_assert(sizeof(struct tether_slot_header) == TETHER_SLOT_HEADER_SIZE, "slot header is 48 bytes");
_Static_assert(__builtin_offsetof(struct tether_ring_header, write_cursor) == 128, "write_cursor at 128");
_Static_assert(__builtin_offsetof(struct tether_ring_header, dropped) == 192, "dropped at 192");
_Static_assert(__builtin_offsetof(struct tether_ring_header, read_cursor) == 256, "read_cursor at 256");
_Static_assert(__builtin_offsetof(struct tether_ring_header, acks) == TETHER_ACKS_OFFSET, "acks at 2048");
_Static_assert(sizeof(struct tether_ring_header) <= TETHER_RING_HEADER_SIZE, "header fits its page");
_Static_assert(sizeof(struct tether_identity_body) == 8, "identity body");
_Static_assert(sizeof(struct tether_exec_body) == 20, "exec body");
_Static_assert(sizeof(struct tether_fork_body) == 16, "fork body");
_Static_assert(sizeof(struct tether_exit_body) == 8, "exit body");
_Static_assert(sizeof(struct tether_open_body) == 16, "open body");
_Static_assert(sizeof(struct tether_addr) == 24, "addr");
_Static_assert(sizeof(struct tether_socket_body) == 56, "socket body");

#endif
