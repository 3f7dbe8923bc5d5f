/* worker_sandbox.c -- each document is decoded and read in a child process of the worker, with a
 * wall-clock deadline per page and per job (SIGKILL when passed), an address-space cap
 * (RLIMIT_AS) and a CPU cap (RLIMIT_CPU). The child streams read pages back over a pipe; the
 * worker keeps them, renews the job's claim meanwhile, and on shutdown kills the child and
 * hands the job back. A hostile file therefore costs one bounded slice, never the worker. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "einvoice.h"
#include "log.h"
#include "stats.h"
#include "worker.h"

#define GRACE_MS   1000 /* past a deadline, the child's own Tesseract deadline had its chance */
#define TICK_MS    100  /* the RSS check's interval under ASan; the wait for an ended child */
#define READ_CHUNK 65536

/* ---- frames (pure) ---- */

int sandbox_frame_next(const unsigned char *buf, size_t len, struct sandbox_frame *f, size_t *used)
{
    uint32_t n;
    if (len < 1)
        return 0;
    switch (buf[0]) {
    case SANDBOX_NPAGES:
    case SANDBOX_START:
    case SANDBOX_PAGE:
    case SANDBOX_FAIL:
    case SANDBOX_END:
    case SANDBOX_XML:
        break;
    default:
        return -1;
    }
    if (len < SANDBOX_FRAME_HDR)
        return 0;
    memcpy(&n, buf + 1, 4);
    if (n > SANDBOX_FRAME_MAX)
        return -1;
    if (len - SANDBOX_FRAME_HDR < n)
        return 0;
    f->type = buf[0];
    f->body = buf + SANDBOX_FRAME_HDR;
    f->len = n;
    *used = SANDBOX_FRAME_HDR + (size_t)n;
    return 1;
}

/* ---- the child ---- */

struct child {
    int fd;                   /* write end of the pipe */
    struct worker_failure *f; /* why the reading failed, when it is the file's fault */
};

/* Writes one frame whole (header, then up to two body parts); exits the child when the worker
 * is gone, since nobody would read what it produces. */
static void send_frame(struct child *c, int type, const void *a, size_t alen, const void *b,
                       size_t blen)
{
    unsigned char hdr[SANDBOX_FRAME_HDR];
    uint32_t n = (uint32_t)(alen + blen);
    hdr[0] = (unsigned char)type;
    memcpy(hdr + 1, &n, 4);
    struct iovec iov[3] = {{hdr, sizeof hdr}, {(void *)a, alen}, {(void *)b, blen}};
    int k = 0;
    while (k < 3) {
        ssize_t w = writev(c->fd, iov + k, 3 - k);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            _exit(2);
        size_t left = (size_t)w;
        while (k < 3 && left >= iov[k].iov_len)
            left -= iov[k++].iov_len;
        if (k < 3) {
            iov[k].iov_base = (char *)iov[k].iov_base + left;
            iov[k].iov_len -= left;
        }
    }
}

static void send_u32(struct child *c, int type, size_t v)
{
    uint32_t x = (uint32_t)v;
    send_frame(c, type, &x, 4, NULL, 0);
}

static int child_begin(void *ctx, size_t npages)
{
    send_u32(ctx, SANDBOX_NPAGES, npages);
    return 0;
}

static int child_start(void *ctx, size_t index)
{
    send_u32(ctx, SANDBOX_START, index);
    return 0;
}

static int child_page(void *ctx, size_t index, struct dp_page *pg, double ocr_s)
{
    unsigned char head[12], *packed = NULL;
    size_t len = 0;
    uint32_t i = (uint32_t)index;
    struct child *c = ctx;
    dp_err rc = page_pack(pg, &packed, &len);
    page_cleanup(pg);
    if (rc || len + sizeof head > SANDBOX_FRAME_MAX) {
        free(packed);
        c->f->error_code = "too_large";
        snprintf(c->f->error_message, sizeof c->f->error_message,
                 "page %zu: what was read from it is over the %u MB a page's result may take",
                 index + 1, SANDBOX_FRAME_MAX >> 20);
        return 1;
    }
    memcpy(head, &i, 4);
    memcpy(head + 4, &ocr_s, 8);
    send_frame(c, SANDBOX_PAGE, head, sizeof head, packed, len);
    free(packed);
    return 0;
}

static int child_xml(void *ctx, const char *xml, size_t len, const char *source)
{
    uint8_t src = strcmp(source, "xml") == 0 ? 0 : 1;
    if (len + 1 > SANDBOX_FRAME_MAX)
        return 1;
    send_frame(ctx, SANDBOX_XML, &src, 1, xml, len);
    return 0;
}

/* Test-only fault injection (debug_faults=1 and metadata {"debug_fault": ...}): "alloc" takes
 * memory 16 MB at a time, touching it, until the child's cap stops it (under ASan, where
 * RLIMIT_AS cannot apply, the cap is emulated here the way RLIMIT_AS would fail malloc);
 * "decoder_crash" dies of SIGSEGV as a decoder bug would (past any sanitizer's handler). */
static dp_err child_fault(const char *fault, uint64_t cap)
{
    if (fault && strcmp(fault, "decoder_crash") == 0) {
        signal(SIGSEGV, SIG_DFL);
        raise(SIGSEGV);
    }
    if (!fault || strcmp(fault, "alloc") != 0)
        return DP_OK;
    for (int i = 0; i < 4096; i++) {
        if (SANDBOX_ASAN && subproc_mem_in_use(getpid()) + (32u << 20) > cap)
            return DP_ENOMEM;
        char *p = malloc(16u << 20);
        if (!p)
            return DP_ENOMEM;
        memset(p, 1 + i % 255, 16u << 20); /* deliberately never freed: the child exits */
    }
    return DP_OK;
}

/* The child's whole life: limits, then the reading, then a last frame. Never returns. */
static void child_main(struct worker *w, int fd, pid_t parent, const unsigned char *buf, size_t len,
                       const char *lang, int psm, const char *fault)
{
    struct worker_failure f = {0};
    struct child c = {fd, &f};
    prctl(PR_SET_PDEATHSIG, SIGKILL);
    if (getppid() != parent)
        _exit(3);
    /* The worker decides when to stop us: shutdown signals sent to the whole process group
     * are its business, and a closed pipe must end us with an error, not a signal. */
    signal(SIGTERM, SIG_IGN);
    signal(SIGINT, SIG_IGN);
    signal(SIGPIPE, SIG_IGN);
    w->redis = NULL;                    /* the worker's connection: never speak on it from here */
    setMsgSeverity(L_SEVERITY_WARNING); /* Leptonica's per-image info lines are not log lines */
    uint64_t cap = (uint64_t)w->cfg.decode_memory_limit_mb << 20;
    struct subproc_limits lim = {.memory_bytes = cap, .cpu_s = w->cfg.job_timeout_ms / 1000 + 2};
    subproc_limit_self(&lim);

    struct page_sink sink = {&c, child_begin, child_start, child_page, child_xml};
    dp_err rc = child_fault(fault, cap);
    if (rc == DP_ENOMEM) {
        f.error_code = "too_large";
        snprintf(f.error_message, sizeof f.error_message, "reading ran out of memory");
    } else {
        rc = worker_decode_pages(w, buf, len, lang, psm, &sink, &f);
    }
    if (rc && f.error_code) {
        int32_t e = (int32_t)rc;
        char body[4 + 64 + sizeof f.error_message];
        size_t cl = strlen(f.error_code) + 1, ml = strlen(f.error_message) + 1;
        if (cl > 64)
            cl = 64;
        memcpy(body, &e, 4);
        memcpy(body + 4, f.error_code, cl);
        body[4 + cl - 1] = '\0';
        memcpy(body + 4 + cl, f.error_message, ml);
        send_frame(&c, SANDBOX_FAIL, body, 4 + cl + ml, NULL, 0);
    }
    int32_t e = (int32_t)rc;
    send_frame(&c, SANDBOX_END, &e, 4, NULL, 0);
    _exit(0);
}

/* ---- the worker's side ---- */

enum kill_reason { KILL_NONE = 0, KILL_TIMEOUT, KILL_MEMORY, KILL_STOP, KILL_LOST, KILL_PROTO };

struct run {
    struct worker *w;
    const struct queue_job *job;
    struct dp_doc_text *doc;
    struct worker_failure *f;
    pid_t pid;
    int fd;
    unsigned char *buf; /* unparsed bytes from the pipe */
    size_t len, cap;
    size_t npages; /* announced by the child */
    long page;     /* page being decoded (0-based), -1 before the first */
    int64_t job_start, deadline, next_renew;
    int ended; /* SANDBOX_END seen */
    dp_err child_rc;
    enum kill_reason killed;
};

/* Error codes the child may report, as the static strings struct worker_failure wants. */
static const char *known_code(const char *code)
{
    static const char *const codes[] = {"too_large",   "unsupported_type",     "decode_failed",
                                        "timeout",     "language_unavailable", "ocr_failed",
                                        "file_missing"};
    for (size_t i = 0; i < sizeof codes / sizeof codes[0]; i++)
        if (strcmp(code, codes[i]) == 0)
            return codes[i];
    return "decode_failed";
}

static void failure(struct worker_failure *f, const char *code, const char *msg)
{
    f->error_code = code;
    snprintf(f->error_message, sizeof f->error_message, "%s", msg);
}

static void set_deadline(struct run *r, int64_t now)
{
    int64_t page_end = now + r->w->cfg.page_timeout_ms + GRACE_MS;
    int64_t job_end = r->job_start + r->w->cfg.job_timeout_ms + GRACE_MS;
    r->deadline = page_end < job_end ? page_end : job_end;
}

static void kill_child(struct run *r, enum kill_reason why)
{
    if (r->killed)
        return;
    r->killed = why;
    kill(r->pid, SIGKILL);
}

/* Renews the claim (and shows progress); a lost claim ends the reading. */
static void renew(struct run *r, int64_t now)
{
    r->next_renew = now + r->w->cfg.visibility_timeout_ms / 4;
    if (queue_progress(r->w->redis, r->w->consumer, r->job, (int)r->doc->npages, (int)r->npages) ==
        DP_ENOTFOUND)
        kill_child(r, KILL_LOST);
}

static uint32_t body_u32(const struct sandbox_frame *fr)
{
    uint32_t v = 0;
    if (fr->len >= 4)
        memcpy(&v, fr->body, 4);
    return v;
}

/* Takes one frame from the child. Nonzero: the child broke the protocol. */
static int on_frame(struct run *r, const struct sandbox_frame *fr, int64_t now)
{
    switch (fr->type) {
    case SANDBOX_NPAGES:
        if (r->doc->pages || fr->len != 4 || body_u32(fr) > (uint32_t)r->w->cfg.max_pages)
            return -1;
        r->npages = body_u32(fr);
        if (!(r->doc->pages = calloc(r->npages ? r->npages : 1, sizeof *r->doc->pages)))
            return -1;
        return 0;
    case SANDBOX_START:
        if (fr->len != 4 || body_u32(fr) != r->doc->npages || !r->doc->pages)
            return -1;
        r->page = (long)body_u32(fr);
        set_deadline(r, now);
        return 0;
    case SANDBOX_PAGE: {
        double ocr_s;
        if (fr->len < 12 || body_u32(fr) != r->doc->npages || r->doc->npages >= r->npages)
            return -1;
        memcpy(&ocr_s, fr->body + 4, 8);
        if (page_unpack(fr->body + 12, fr->len - 12, &r->doc->pages[r->doc->npages]))
            return -1;
        /* Best effort: tables and key-value pairs; out of memory leaves the page without */
        (void)worker_layout_text(&r->doc->pages[r->doc->npages], r->w->kvm);
        r->doc->npages++;
        /* Best effort: the /metrics page-time histogram; a Redis failure shows up in the
         * progress call below. */
        if (ocr_s >= 0)
            stats_page_record(r->w->redis, ocr_s);
        renew(r, now);
        return 0;
    }
    case SANDBOX_FAIL: {
        const char *code = (const char *)fr->body + 4;
        const char *end = (const char *)fr->body + fr->len;
        const char *z = fr->len > 4 ? memchr(code, '\0', (size_t)(end - code)) : NULL;
        if (!z || !memchr(z + 1, '\0', (size_t)(end - z - 1)))
            return -1;
        failure(r->f, known_code(code), z + 1);
        return 0;
    }
    case SANDBOX_XML:
        /* once, after the pages, within the e-invoice cap */
        if (r->doc->xml || fr->len < 1 || fr->len - 1 > EINVOICE_MAX_BYTES || fr->body[0] > 1)
            return -1;
        if (!(r->doc->xml = malloc(fr->len > 1 ? fr->len - 1 : 1)))
            return -1;
        memcpy(r->doc->xml, fr->body + 1, fr->len - 1);
        r->doc->xml_len = fr->len - 1;
        r->doc->xml_source = fr->body[0] ? "embedded_xml" : "xml";
        return 0;
    case SANDBOX_END: {
        int32_t e = 0;
        if (fr->len != 4)
            return -1;
        memcpy(&e, fr->body, 4);
        r->child_rc = e >= 0 && e < DP_ERR_COUNT ? (dp_err)e : DP_EIO;
        r->ended = 1;
        return 0;
    }
    }
    return -1;
}

/* Reads what the pipe has and handles every whole frame. 1 at end of file, 0 otherwise. */
static int drain(struct run *r, int64_t now)
{
    for (;;) {
        if (r->cap - r->len < READ_CHUNK) {
            size_t want = r->cap ? r->cap * 2 : 2 * READ_CHUNK;
            if (want > SANDBOX_FRAME_MAX + SANDBOX_FRAME_HDR + READ_CHUNK)
                want = SANDBOX_FRAME_MAX + SANDBOX_FRAME_HDR + READ_CHUNK;
            unsigned char *nb = want > r->cap ? realloc(r->buf, want) : NULL;
            if (!nb) {
                kill_child(r, KILL_PROTO);
                return 1;
            }
            r->buf = nb;
            r->cap = want;
        }
        ssize_t n = read(r->fd, r->buf + r->len, r->cap - r->len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return errno == EAGAIN ? 0 : 1;
        if (n == 0)
            return 1;
        r->len += (size_t)n;
        size_t off = 0, used = 0;
        struct sandbox_frame fr;
        int got;
        while ((got = sandbox_frame_next(r->buf + off, r->len - off, &fr, &used)) == 1) {
            if (on_frame(r, &fr, now)) {
                kill_child(r, KILL_PROTO);
                return 1;
            }
            off += used;
        }
        if (got < 0) {
            kill_child(r, KILL_PROTO);
            return 1;
        }
        memmove(r->buf, r->buf + off, r->len - off);
        r->len -= off;
    }
}

/* Watches the child until its pipe closes or it is killed. The worker sleeps until the child
 * writes, the page's deadline or the claim's renewal comes, or a stop signal arrives: SIGTERM
 * and SIGINT are blocked while the stop flag is looked at and let in only inside ppoll, so a
 * stop that comes between the two still wakes it. (A fixed 100 ms tick cost 10 wake-ups and
 * /proc reads per second of OCR; under load, with the workers at SCHED_IDLE, each one waited
 * for a core.) Under ASan, where RLIMIT_AS cannot cap the child, it looks at its RSS every tick. */
static void supervise(struct run *r)
{
    uint64_t cap = (uint64_t)r->w->cfg.decode_memory_limit_mb << 20;
    sigset_t stops, open;
    sigemptyset(&stops);
    sigaddset(&stops, SIGTERM);
    sigaddset(&stops, SIGINT);
    sigprocmask(SIG_BLOCK, &stops, &open);
    if (SANDBOX_ASAN)
        cap *= SANDBOX_ASAN_RSS_FACTOR;
    for (;;) {
        int64_t now = util_mono_ms();
        if (*r->w->stop)
            kill_child(r, KILL_STOP);
        else if (now >= r->deadline && !r->ended) /* ended: its exit is a moment away */
            kill_child(r, KILL_TIMEOUT);
        else if (subproc_mem_in_use(r->pid) > cap)
            kill_child(r, KILL_MEMORY); /* only reachable where RLIMIT_AS could not apply */
        else if (now >= r->next_renew)
            renew(r, now);
        if (r->killed)
            break;
        int64_t wake = r->deadline < r->next_renew ? r->deadline : r->next_renew;
        if (r->ended || (SANDBOX_ASAN && wake > now + TICK_MS))
            wake = now + TICK_MS;
        int64_t wait = wake > now ? wake - now : 0;
        struct timespec ts = {(time_t)(wait / 1000), (long)(wait % 1000) * 1000000L};
        struct pollfd p = {r->fd, POLLIN, 0};
        int n = ppoll(&p, 1, &ts, &open);
        if (n > 0 && drain(r, util_mono_ms()))
            break;
    }
    sigprocmask(SIG_SETMASK, &open, NULL);
}

static const char *page_words(const struct run *r, char *buf, size_t bufsz)
{
    if (r->page < 0)
        snprintf(buf, bufsz, "opening the document");
    else
        snprintf(buf, bufsz, "page %ld", r->page + 1);
    return buf;
}

/* Turns how the child ended into the reading's outcome. */
static dp_err judge(struct run *r, int status, int *abandoned)
{
    char where[48], msg[256];
    page_words(r, where, sizeof where);
    int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
    long long mb = r->w->cfg.decode_memory_limit_mb;
    switch (r->killed) {
    case KILL_STOP:
    case KILL_LOST:
        *abandoned = 1;
        return DP_OK;
    case KILL_TIMEOUT:
        snprintf(msg, sizeof msg,
                 "%s was not read within its time budget (page %lld ms, job %lld ms)", where,
                 r->w->cfg.page_timeout_ms, r->w->cfg.job_timeout_ms);
        failure(r->f, "timeout", msg);
        return DP_ETIMEOUT;
    case KILL_MEMORY:
        snprintf(msg, sizeof msg, "%s needed more than the %lld MB decoding may use", where, mb);
        failure(r->f, "too_large", msg);
        return DP_ETOOBIG;
    case KILL_PROTO:
        failure(r->f, "decode_failed", "the decoder sent an unreadable result");
        return DP_EDECODE;
    case KILL_NONE:
        break;
    }
    if (r->ended) {
        if (r->child_rc == DP_OK && r->doc->npages != r->npages) {
            failure(r->f, "decode_failed", "the decoder stopped before the last page");
            return DP_EDECODE;
        }
        return r->child_rc;
    }
    if (sig == SIGXCPU) {
        snprintf(msg, sizeof msg, "%s used up the job's CPU time", where);
        failure(r->f, "timeout", msg);
        return DP_ETIMEOUT;
    }
    /* Best effort: under RLIMIT_AS an allocation that fails inside poppler/glib or Tesseract
     * (C++) aborts, and a SIGKILL we did not send is the kernel's OOM killer; any other
     * signal is a decoder crash on this file. Either way the file, not the worker, failed. */
    if (sig == SIGABRT || sig == SIGKILL) {
        snprintf(msg, sizeof msg, "%s needed more than the %lld MB decoding may use (signal %d)",
                 where, mb, sig);
        failure(r->f, "too_large", msg);
        return DP_ETOOBIG;
    }
    if (sig) {
        snprintf(msg, sizeof msg, "the decoder crashed on %s (signal %d)", where, sig);
        failure(r->f, "decode_failed", msg);
        return DP_EDECODE;
    }
    return DP_EIO; /* exited without a word (e.g. could not write): not the file's fault */
}

void worker_preload_osd(struct worker *w)
{
    int deg = 0;
    float conf = 0;
    PIX *blank = w->osd_tried ? NULL : pixCreate(64, 64, 8);
    w->osd_tried = 1;
    if (!blank)
        return;
    pixSetAll(blank);
    (void)ocr_orientation(&w->ocr, blank, 300, &deg, &conf);
    pixDestroy(&blank);
}

dp_err worker_read_pages(struct worker *w, const struct queue_job *job, const unsigned char *buf,
                         size_t len, const char *lang, int psm, struct dp_doc_text *doc,
                         struct worker_failure *f, int *abandoned)
{
    struct run r = {.w = w, .job = job, .doc = doc, .f = f, .fd = -1, .page = -1};
    int fds[2], status = 0;
    char err[256];
    w->decode_peak_rss_kb = 0;
    w->decode_cpu_s = w->decode_sys_s = 0;
    w->decode_minflt = 0;
    w->decode_ms = 0;
    /* Switch languages here, so that this and every later child inherits the loaded engine
     * (best effort: a missing pack is reported by the child, when a page needs OCR); lang=auto
     * starts with the tenant's hint. */
    char first[32];
    (void)ocr_use_lang(
        &w->ocr,
        strcmp(lang, "auto") == 0 ? worker_hint_pack(w->lang_hint, first, sizeof first) : lang, err,
        sizeof err);
    worker_preload_osd(w); /* done at start (worker_supervise.c); here if that failed */
    uint64_t cap = (uint64_t)w->cfg.decode_memory_limit_mb << 20,
             base = subproc_mem_in_use(getpid());
    /* A quarter is left for what a header cannot tell: allocator slack, OCR's working set. */
    w->decode_budget = cap > base ? (cap - base) / 4 * 3 : 1;
    if (pipe2(fds, O_CLOEXEC))
        return DP_EIO;
    r.job_start = util_mono_ms();
    pid_t parent = getpid();
    r.pid = fork();
    if (r.pid == 0) {
        close(fds[0]);
        child_main(w, fds[1], parent, buf, len, lang, psm, w->debug_fault);
    }
    close(fds[1]);
    if (r.pid < 0) {
        close(fds[0]);
        return DP_EIO;
    }
    r.fd = fds[0];
    fcntl(r.fd, F_SETFL, fcntl(r.fd, F_GETFL) | O_NONBLOCK);
    set_deadline(&r, r.job_start);
    r.next_renew = r.job_start + w->cfg.visibility_timeout_ms / 4;
    supervise(&r);
    close(r.fd);
    free(r.buf);
    struct rusage ru;
    memset(&ru, 0, sizeof ru);
    while (wait4(r.pid, &status, 0, &ru) < 0 && errno == EINTR)
        ;
    w->decode_peak_rss_kb = ru.ru_maxrss;
    w->decode_cpu_s = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
                      (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
    w->decode_sys_s = (double)ru.ru_stime.tv_sec + (double)ru.ru_stime.tv_usec / 1e6;
    w->decode_minflt = ru.ru_minflt;
    w->decode_ms = (long long)(util_mono_ms() - r.job_start);
    dp_err rc = judge(&r, status, abandoned);
    if (r.killed && r.killed != KILL_STOP) {
        char rss[24];
        snprintf(rss, sizeof rss, "%ld", w->decode_peak_rss_kb);
        log_kv(LOG_WARN, "decode child killed", "doc", job->doc, "reason",
               r.killed == KILL_TIMEOUT  ? "deadline"
               : r.killed == KILL_MEMORY ? "memory"
               : r.killed == KILL_LOST   ? "claim lost"
                                         : "protocol",
               "peak_rss_kb", rss, NULL);
    }
    return rc;
}
