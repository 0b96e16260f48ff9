/* Allocation-failure injection (the idea of dav1d's): a tiny export is run again and again in
 * a forked child, and in run N the Nth allocation fails. Every run must end cleanly: an error
 * code (or success, where the failure was absorbed), no crash, no hang, no output or
 * temporary left behind, and nothing leaked.
 *
 * The allocator is replaced for the whole process (this program defines malloc, calloc,
 * realloc, free, posix_memalign, memalign and aligned_alloc, forwarding to glibc's
 * __libc_* functions), so FFmpeg's and x264's allocations fail too, not only vexport's. Live
 * blocks are tracked in a table; a run whose live blocks at the end exceed those of a clean
 * run leaked (the excess is listed with the caller of each allocation).
 *
 * Two sweeps: every allocation made by vexport's own code (its caller lies in this program,
 * which links the static library), then every STRIDE-th allocation of all (FFmpeg and x264
 * allocate thousands at encoder start; STRIDE is chosen to keep about MAX_RUNS runs).
 * Threads: the export runs with 1 encoder thread; the pipeline's decode thread still
 * allocates alongside the main one, so "the Nth allocation" can differ slightly between runs.
 *
 * usage: allocfail FOLDER_WITH_tiny.mp4_AND_tiny.png TMPDIR [MAX_RUNS]
 * Not for sanitizer builds (ASan replaces the allocator itself). */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <execinfo.h>
#include <signal.h>
#include <ucontext.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "vexport/vexport.h"

extern void *__libc_malloc(size_t);
extern void *__libc_calloc(size_t, size_t);
extern void *__libc_realloc(void *, size_t);
extern void __libc_free(void *);
extern void *__libc_memalign(size_t, size_t);
extern char __executable_start, etext;

/* ---- the allocator ---- */

/* the project builds with -fvisibility=hidden: these must be seen by the shared libraries */
#define EXPORT __attribute__((visibility("default")))

#define TABLE (1 << 20)
#define FRAMES 8
typedef struct Block {
    void *p;
    size_t size;
    void *caller;
    void *bt[FRAMES]; /* the allocation's stack (bt[0] is in this allocator) */
} Block;
static __thread int in_bt; /* backtrace() may allocate on its first use */
static Block table[TABLE]; /* open addressing; p == TOMB marks a freed slot */
#define TOMB ((void *)1)
static atomic_flag lock = ATOMIC_FLAG_INIT;
static int armed;                 /* counting and tracking on */
static long fail_at, fail_own_at; /* fail this allocation (all / vexport's own), 0 = none */
static long n_all, n_own;         /* allocations so far */
static long live;                 /* tracked blocks not freed */
static int injected;

static void lk(void)
{
    while (atomic_flag_test_and_set_explicit(&lock, memory_order_acquire))
        ;
}
static void unlk(void)
{
    atomic_flag_clear_explicit(&lock, memory_order_release);
}

static size_t slot(const void *p)
{
    uintptr_t h = (uintptr_t)p;
    h ^= h >> 17;
    h *= 0x9E3779B97F4A7C15ull;
    return (size_t)(h >> 12) & (TABLE - 1);
}

static void track(void *p, size_t size, void *caller, void *const *bt)
{
    if (!p)
        return;
    for (size_t i = slot(p), k = 0; k < TABLE; k++, i = (i + 1) & (TABLE - 1))
        if (!table[i].p || table[i].p == TOMB) {
            table[i] = (Block){p, size, caller, {0}};
            memcpy(table[i].bt, bt, sizeof(table[i].bt));
            live++;
            return;
        }
}

static void untrack(void *p)
{
    if (!p)
        return;
    for (size_t i = slot(p), k = 0; k < TABLE && table[i].p; k++, i = (i + 1) & (TABLE - 1))
        if (table[i].p == p) {
            table[i].p = TOMB;
            live--;
            return;
        }
}

/* 1 if this allocation must fail; counts it. Called with the lock held. */
static int should_fail(void *caller)
{
    if (!armed)
        return 0;
    n_all++;
    int own = (char *)caller >= &__executable_start && (char *)caller < &etext;
    if (own)
        n_own++;
    if ((fail_at && n_all == fail_at) || (own && fail_own_at && n_own == fail_own_at)) {
        injected = 1;
        return 1;
    }
    return 0;
}

static void *alloc_common(void *p, size_t size, void *caller, void *const *bt)
{
    if (armed)
        track(p, size, caller, bt);
    unlk();
    return p;
}

/* the stack of an allocation, taken before the lock (backtrace may allocate) */
#define STACK()                                                                   \
    void *bt[FRAMES] = {0};                                                       \
    if (armed && !in_bt) {                                                        \
        in_bt = 1;                                                                \
        backtrace(bt, FRAMES);                                                    \
        in_bt = 0;                                                                \
    }

EXPORT void *malloc(size_t n)
{
    void *caller = __builtin_return_address(0);
    STACK();
    lk();
    if (should_fail(caller)) {
        unlk();
        errno = ENOMEM;
        return NULL;
    }
    return alloc_common(__libc_malloc(n), n, caller, bt);
}

EXPORT void *calloc(size_t a, size_t b)
{
    void *caller = __builtin_return_address(0);
    STACK();
    lk();
    if (should_fail(caller)) {
        unlk();
        errno = ENOMEM;
        return NULL;
    }
    return alloc_common(__libc_calloc(a, b), a * b, caller, bt);
}

EXPORT void *realloc(void *p, size_t n)
{
    void *caller = __builtin_return_address(0);
    STACK();
    lk();
    if (n && should_fail(caller)) {
        unlk();
        errno = ENOMEM;
        return NULL;
    }
    void *q = __libc_realloc(p, n);
    if (q || !n)
        untrack(p);
    if (!q) {
        unlk();
        return NULL;
    }
    return alloc_common(q, n, caller, bt);
}

EXPORT void free(void *p)
{
    if (!p)
        return;
    lk();
    untrack(p);
    unlk();
    __libc_free(p);
}

EXPORT void *memalign(size_t align, size_t n)
{
    void *caller = __builtin_return_address(0);
    STACK();
    lk();
    if (should_fail(caller)) {
        unlk();
        errno = ENOMEM;
        return NULL;
    }
    return alloc_common(__libc_memalign(align, n), n, caller, bt);
}

EXPORT void *aligned_alloc(size_t align, size_t n)
{
    void *caller = __builtin_return_address(0);
    STACK();
    lk();
    if (should_fail(caller)) {
        unlk();
        errno = ENOMEM;
        return NULL;
    }
    return alloc_common(__libc_memalign(align, n), n, caller, bt);
}

EXPORT int posix_memalign(void **out, size_t align, size_t n)
{
    void *caller = __builtin_return_address(0);
    STACK();
    lk();
    if (should_fail(caller)) {
        unlk();
        return ENOMEM;
    }
    void *p = __libc_memalign(align, n);
    if (!p) {
        unlk();
        return ENOMEM;
    }
    *out = alloc_common(p, n, caller, bt);
    return 0;
}

/* ---- the export ---- */

static char in_dir[2048], out_path[2048], partial[2100];

static void quiet(void *o, int l, const char *m)
{
    (void)o, (void)l, (void)m;
}

/* One export; returns its result. Everything it allocates is freed before it returns. */
static int export_once(void)
{
    VxSettings s;
    vx_default_settings(&s);
    s.threads = 1;
    s.log_cb = quiet;
    VxContext *ctx = NULL;
    int ret = vx_open(&ctx, &s);
    if (ret < 0)
        return ret;
    VxProject *p = NULL;
    ret = vx_project_parse(ctx,
        "{ \"version\": 1, \"output\": { \"width\": 96, \"height\": 64 },"
        "  \"sources\": { \"screen\": \"tiny.mp4\" },"
        "  \"background\": { \"type\": \"gradient\", \"angle\": 45, \"stops\": ["
        "    { \"at\": 0, \"color\": \"#102030\" }, { \"at\": 1, \"color\": \"#f0c040\" } ] },"
        "  \"padding\": 0.1, \"radius\": 6, \"shadow\": { \"blur\": 8, \"offset_y\": 2 } }",
        in_dir, "allocfail.json", &p);
    if (ret == 0) {
        VxExportOptions o;
        vx_default_export_options(&o);
        o.output_path = out_path;
        o.preset = "ultrafast";
        o.threads = 1;
        VxJob *job = NULL;
        ret = vx_job_create(ctx, p, &o, &job);
        if (ret == 0)
            ret = vx_job_run(job);
        vx_job_free(&job);
    }
    vx_project_free(&p);
    vx_close(&ctx);
    return ret;
}

static int encoder_lib_fallback(const void *addr)
{
    Dl_info di;
    return dladdr(addr, &di) && di.dli_fname &&
           (strstr(di.dli_fname, "libx264") || strstr(di.dli_fname, "libx265") ||
            strstr(di.dli_fname, "libjson-c"));
}

static const char *obj_of(const void *addr, const char **sym)
{
    Dl_info di;
    *sym = "?";
    if (!dladdr(addr, &di))
        return "?";
    if (di.dli_sname)
        *sym = di.dli_sname;
    return di.dli_fname ? di.dli_fname : "?";
}

/* The library that asked for a block: the first frame of its stack outside libc (bt[0] is
 * this allocator). x264, x265 and json-c keep what they allocated when one of their own
 * allocations fails (their failure paths do not free it); vexport cannot reach that. */
static int their_block(const Block *b)
{
    /* FFmpeg's ffurl_open_whitelist() keeps its own options dictionary (protocol_whitelist,
     * protocol_blacklist) when it fails after filling it: a block from av_dict_set with no
     * vexport frame above it within FRAMES is that */
    /* Likewise avformat_open_input() for the dictionary it builds itself (vexport passes it
     * no options): when an allocation fails inside av_opt_set_dict2() it keeps what it had */
    int dict = 0, ours = 0, avio = 0, fmt_open = 0;
    for (int i = 1; i < FRAMES && b->bt[i]; i++) {
        const char *sym, *obj = obj_of(b->bt[i], &sym);
        dict |= !strcmp(sym, "av_dict_set");
        avio |= !strcmp(sym, "avio_open2");
        fmt_open |= !strcmp(sym, "avformat_open_input");
        ours |= strstr(obj, "allocfail") != NULL;
    }
    if (dict && (avio || fmt_open || !ours))
        return 1;
    for (int i = 1; i < FRAMES && b->bt[i]; i++) {
        const char *sym, *obj = obj_of(b->bt[i], &sym);
        if (strstr(obj, "libc.so"))
            continue;
        return strstr(obj, "libx264") || strstr(obj, "libx265") || strstr(obj, "libjson-c") ||
               strstr(obj, "ld-linux"); /* ld.so: thread-local storage of exited threads */
    }
    return encoder_lib_fallback(b->caller);
}

static void list_live(FILE *f)
{
    int shown = 0;
    for (size_t i = 0; i < TABLE && shown < 12; i++) {
        if (!table[i].p || table[i].p == TOMB)
            continue;
        fprintf(f, "      %zu bytes%s, allocated at:", table[i].size,
                their_block(&table[i]) ? " (not vexport's)" : "");
        for (int k = 1; k < FRAMES && table[i].bt[k]; k++) {
            const char *sym, *obj = obj_of(table[i].bt[k], &sym);
            const char *base = strrchr(obj, '/');
            fprintf(f, " %s(%s)", sym, base ? base + 1 : obj);
        }
        fprintf(f, "\n");
        shown++;
    }
}

enum { R_OK_ERROR = 0, R_OK_SUCCESS = 1, R_LEAK = 3, R_LEFTOVER = 4, R_NOFAIL = 5,
       R_THEIR_CRASH = 6, R_THEIR_LEAK = 7 };

/* the libraries whose own failure paths are out of vexport's hands (crashes) */
static int third_party(const void *addr)
{
    Dl_info di;
    if (!dladdr(addr, &di) || !di.dli_fname)
        return 0;
    return strstr(di.dli_fname, "libx264") || strstr(di.dli_fname, "libx265") ||
           strstr(di.dli_fname, "libavcodec") || strstr(di.dli_fname, "libavutil") ||
           strstr(di.dli_fname, "libavformat") || strstr(di.dli_fname, "libswscale") ||
           strstr(di.dli_fname, "libswresample") || strstr(di.dli_fname, "libjson-c");
}

static int in_libc(const void *addr)
{
    Dl_info di;
    return dladdr(addr, &di) && di.dli_fname && strstr(di.dli_fname, "libc.so");
}

/* A crash whose innermost frame outside libc (and this handler) lies in FFmpeg or x264 (an
 * abort() of theirs when an allocation fails) is theirs; one in vexport's code is ours. */
static void on_crash(int sig, siginfo_t *si, void *uc_)
{
    void *bt[64];
    int n = backtrace(bt, 64);
    fprintf(stderr, "    %s; stack:\n", strsignal(sig));
    backtrace_symbols_fd(bt, n, STDERR_FILENO);
    (void)si, (void)uc_;
#if defined(__x86_64__) && defined(REG_RIP)
    /* a call through a NULL or garbage function pointer (a failure path that leaves a
     * pointer unset; MALLOC_PERTURB_ makes it a heap address): the fault is on fetching the
     * target, outside any loaded object, and the caller's return address is on top of the
     * stack */
    ucontext_t *uc = uc_;
    void *pc = (void *)uc->uc_mcontext.gregs[REG_RIP];
    Dl_info pc_info;
    if (!pc || !dladdr(pc, &pc_info)) {
        void *ret = *(void **)uc->uc_mcontext.gregs[REG_RSP];
        const char *sym, *obj = obj_of(ret, &sym);
        fprintf(stderr, "    called address %p from %s (%s)\n", pc, sym, obj);
        if (third_party(ret))
            _exit(R_THEIR_CRASH);
    }
#endif
    for (int i = 1; i < n; i++) {
        if (in_libc(bt[i]))
            continue;
        if (third_party(bt[i]))
            _exit(R_THEIR_CRASH);
        break;
    }
    signal(sig, SIG_DFL);
    raise(sig);
}

/* Child: runs the export with the given failure, reports through its exit code. */
static int child(long all, long own, long baseline)
{
    void *bt[4];
    backtrace(bt, 4); /* loads libgcc now, not in the handler */
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_sigaction = on_crash;
    sa.sa_flags = SA_SIGINFO;
    sigaction(SIGABRT, &sa, NULL);
    sigaction(SIGSEGV, &sa, NULL);
    sigaction(SIGBUS, &sa, NULL);
    sigaction(SIGFPE, &sa, NULL);
    alarm(60); /* a hang after a failed allocation shows as SIGALRM */
    fail_at = all, fail_own_at = own;
    armed = 1;
    int ret = export_once();
    armed = 0;
    struct stat st;
    if ((stat(out_path, &st) == 0 && ret < 0) || stat(partial, &st) == 0) {
        fprintf(stderr, "    export returned %d (%s); left behind:%s%s\n", ret, vx_strerror(ret),
                stat(out_path, &st) == 0 ? " the output" : "",
                stat(partial, &st) == 0 ? " the temporary" : "");
        return R_LEFTOVER;
    }
    if (baseline >= 0 && live > baseline) {
        long ours = 0;
        for (size_t i = 0; i < TABLE; i++)
            if (table[i].p && table[i].p != TOMB && !their_block(&table[i]))
                ours++;
        if (!ours)
            return R_THEIR_LEAK;
        fprintf(stderr, "    %ld blocks live after the run (%ld of them vexport's), "
                "%ld after a clean one:\n", live, ours, baseline);
        list_live(stderr);
        return R_LEAK;
    }
    if (baseline < 0) { /* the counting run */
        printf("%ld %ld %ld\n", n_all, n_own, live);
        return ret == 0 ? R_OK_SUCCESS : 2;
    }
    if (!injected)
        return R_NOFAIL;
    return ret == 0 ? R_OK_SUCCESS : R_OK_ERROR;
}

/* Runs one child; returns its code or 100 + signal. */
static int spawn(long all, long own, long baseline, char *line, size_t cap)
{
    int fd[2];
    if (pipe(fd) != 0)
        return -1;
    fflush(stdout);
    pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        dup2(fd[1], STDOUT_FILENO);
        int c = child(all, own, baseline);
        fflush(stdout);
        fflush(stderr);
        _exit(c);
    }
    close(fd[1]);
    size_t n = 0;
    ssize_t r;
    while (line && n + 1 < cap && (r = read(fd[0], line + n, cap - 1 - n)) > 0)
        n += (size_t)r;
    if (line)
        line[n] = 0;
    close(fd[0]);
    int status;
    waitpid(pid, &status, 0);
    remove(out_path);
    return WIFSIGNALED(status) ? 100 + WTERMSIG(status) : WEXITSTATUS(status);
}

int main(int argc, char **argv)
{
    if (argc < 3) {
        fprintf(stderr, "usage: allocfail MEDIA_DIR TMPDIR [MAX_RUNS]\n");
        return 2;
    }
    snprintf(in_dir, sizeof(in_dir), "%s", argv[1]);
    snprintf(out_path, sizeof(out_path), "%s/allocfail-out.mp4", argv[2]);
    snprintf(partial, sizeof(partial), "%s.partial", out_path);
    long max_runs = argc > 3 ? atol(argv[3]) : 400;
    if (argc > 3 && (argv[3][0] == 'a' || argv[3][0] == 'o')) {
        /* one run in this process, for a debugger: a753 = overall allocation 753 fails,
         * o12 = vexport's 12th */
        long n = atol(argv[3] + 1);
        remove(out_path);
        int r = child(argv[3][0] == 'a' ? n : 0, argv[3][0] == 'o' ? n : 0, 1);
        printf("result %d\n", r);
        return r;
    }

    char line[256];
    int r = spawn(0, 0, -1, line, sizeof(line));
    long total = 0, own = 0, baseline = 0;
    if (r != R_OK_SUCCESS || sscanf(line, "%ld %ld %ld", &total, &own, &baseline) != 3) {
        fprintf(stderr, "FAIL: the export without failures did not succeed (child %d)\n", r);
        return 1;
    }
    long stride = total > max_runs ? (total + max_runs - 1) / max_runs : 1;
    printf("clean export: %ld allocations, %ld of them by vexport's code, %ld blocks still "
           "live at the end (once-only state of the libraries)\n", total, own, baseline);
    printf("sweep 1: each of vexport's %ld allocations; sweep 2: every %ld-th of all %ld\n",
           own, stride, total);
    int failures = 0;
    long runs = 0, errors = 0, successes = 0, their_crash = 0, their_leak = 0;
    for (int sweep = 0; sweep < 2; sweep++) {
        long end = sweep ? total : own, step = sweep ? stride : 1;
        for (long n = 1; n <= end; n += step) {
            r = spawn(sweep ? n : 0, sweep ? 0 : n, baseline, NULL, 0);
            runs++;
            const char *what = NULL;
            switch (r) {
            case R_OK_ERROR: errors++; break;
            case R_OK_SUCCESS: successes++; break;
            case R_NOFAIL: break; /* the count ran out earlier in this run (threads) */
            case R_THEIR_CRASH: their_crash++; break;
            case R_THEIR_LEAK: their_leak++; break;
            case R_LEAK: what = "leaked memory (blocks listed above)"; break;
            case R_LEFTOVER: what = "left the output or its temporary behind"; break;
            case 100 + SIGALRM: what = "hung (60 s)"; break;
            default:
                what = r > 100 ? strsignal(r - 100) : "failed";
            }
            if (what) {
                printf("FAIL: %s allocation %ld failing: %s\n", sweep ? "overall" : "vexport's",
                       n, what);
                failures++;
            }
        }
    }
    printf("%ld runs: %ld ended with an error, %ld succeeded anyway, %d problems in vexport; "
           "outside its reach: %ld aborts inside FFmpeg/x264, %ld leaks inside x264/x265/json-c/FFmpeg\n",
           runs, errors, successes, failures, their_crash, their_leak);
    printf(failures ? "FAIL\n" : "PASS\n");
    return failures ? 1 : 0;
}
