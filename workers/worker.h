/* worker.h -- docproc-worker: one process's state, the OCR engine wrapper, the job loop and the
 * supervisor that keeps N of them running. */
#ifndef DP_WORKER_H
#define DP_WORKER_H
#include <hiredis.h>
#include <leptonica/allheaders.h>
#include <signal.h>
#include <stdint.h>
#include <tesseract/capi.h>
#include "config.h"
#include "form.h"
#include "page.h"
#include "pageprep.h"
#include "classify.h"
#include "clsstore.h"
#include "barcode.h"
#include "extract.h"
#include "queue.h"
#include "subproc.h"
#include "xstore.h"

/* A Tesseract engine, initialised once per process, and a spare one: a job that asks for other
 * languages swaps them, and only languages neither has loaded cost a load (0.2-0.5 s of CPU),
 * into the spare. lang=auto's documents in one language thus switch between English and that
 * language for free, in the worker and in every decode child it forks. */
struct ocr {
    TessBaseAPI *api;
    TessBaseAPI *osd;     /* orientation detection, loaded on first need */
    char lang[128];       /* languages currently loaded */
    TessBaseAPI *spare;   /* the other engine (NULL until a second language set was needed) */
    char spare_lang[128]; /* its languages ("" = none) */
    char tessdata[256];   /* data directory ("" = default) */
    /* What the last OSD call (ocr_orientation) said of the script, and how many calls there
     * were: the language step reuses a page's answer instead of asking again. */
    char script[16];    /* "Latin", "Cyrillic"... ("" = OSD failed) */
    float script_conf;  /* OSD's script confidence */
    unsigned osd_calls; /* ocr_orientation calls so far */
};

/* The whole state of one worker process. */
struct worker {
    struct dp_config cfg;
    int slot;            /* index under the supervisor, 0-based */
    char consumer[128];  /* consumer name in the group: host-parentpid-slot */
    redisContext *redis; /* NULL while disconnected */
    struct ocr ocr;
    struct clsstore_cache *classes;   /* tenant models by version, and the built-in fallback */
    struct extractor *extractor;      /* compiled field patterns */
    struct xstore_cache *fields;      /* tenants' trained extractors by version */
    struct barcode_scanner *barcodes; /* zbar, for barcodes and payment QR codes on pages */
    struct form_model *kv_own;        /* the kv_model_file model, owned; NULL = none */
    const struct form_model *kvm;     /* the key-value pairing model; NULL = the hand rules */
    volatile sig_atomic_t *stop;      /* set by SIGTERM/SIGINT */
    long long jobs_done;              /* counters for the exit log line */
    long long jobs_failed;
    /* decode sandbox (worker_sandbox.c) */
    uint64_t decode_budget;  /* bytes an image page may cost to decode in the child: 3/4 of its
                                limit minus what the worker already maps; more is refused */
    long decode_peak_rss_kb; /* peak RSS of the last decode child (getrusage), 0 = none */
    double decode_cpu_s;     /* user+system CPU of the last decode child (getrusage), seconds */
    double decode_sys_s;     /* of it, system CPU (page faults, pipe, exit), seconds */
    long decode_minflt;      /* minor page faults of the last decode child (getrusage) */
    long long decode_ms;     /* wall time of the last decode child, fork to reaped */
    char debug_fault[16];    /* test-only fault for the current job's child ("" = none) */
    char lang_hint[8];       /* lang=auto: the language the tenant's documents were last found
                                in ("deu"; "" = none): the current job's first pack (worker_hint.c) */
    int osd_tried;           /* the orientation engine was loaded (or tried) in the worker */
};

/* ---- OCR (worker_ocr.c) ---- */
/* Turns on (1) or off the fast PNG writing of Tesseract's line images in this process and its
 * forked children (worker_png.c): ocr_init turns it on. */
void worker_png_fast(int on);
/* PNGs written the fast way so far in this process (tests). */
unsigned long worker_png_writes(void);
/* Makes the engine (and turns worker_png_fast on). */
dp_err ocr_init(struct ocr *o, const char *tessdata, const char *lang);
/* Switches languages if needed, swapping with the spare engine when it has them loaded (DP_EINVAL
 * names a missing language pack in err). */
dp_err ocr_use_lang(struct ocr *o, const char *lang, char *err, size_t errsz);
/* Loads lang into the spare engine unless an engine has it already; the current one stays.
 * DP_EINVAL (pack missing), DP_EOCR, DP_ENOMEM. */
dp_err ocr_preload(struct ocr *o, const char *lang);
/* Reads pix (any depth) with page segmentation mode psm (Tesseract's numbers: 3 auto, 6 one
 * block...) into page: words with boxes and confidences, and the text written from them; hOCR
 * NULL (hocr_from_page, once the words are final). deadline_ms bounds Tesseract through its
 * monitor: DP_ETIMEOUT when passed. */
dp_err ocr_page(struct ocr *o, PIX *pix, int dpi, int psm, int page_no, long long deadline_ms,
                struct dp_page *page);
/* Reads pix as one text line (PSM 7) into an owned array *words of *nwords (boxes in pix's
 * pixels, line and block 0). */
dp_err ocr_line(struct ocr *o, PIX *pix, int dpi, long long deadline_ms, struct dp_word **words,
                size_t *nwords);
/* ocr_line, and *known receives how many characters of the words read Tesseract found in its
 * dictionary or read as numbers (a line read the wrong way up reads as neither). */
dp_err ocr_line_known(struct ocr *o, PIX *pix, int dpi, long long deadline_ms,
                      struct dp_word **words, size_t *nwords, size_t *known);
/* Reads the rectangle x0,y0 - x1,y1 of pix (inside it) enlarged by f as one text line, like
 * ocr_line; boxes in the enlarged crop's pixels. DP_ENOMEM. */
dp_err ocr_line_region(struct ocr *o, PIX *pix, int dpi, int x0, int y0, int x1, int y1, float f,
                       long long deadline_ms, struct dp_word **words, size_t *nwords);
/* Detects how far pix is turned clockwise (0/90/180/270) and how sure Tesseract's OSD is;
 * o->script and o->script_conf get the script it saw. DP_EOCR when OSD is unavailable or finds
 * no text to judge. */
dp_err ocr_orientation(struct ocr *o, PIX *pix, int dpi, int *degrees, float *conf);
void ocr_cleanup(struct ocr *o);

/* Why a job failed: a machine-readable code for the API and a sentence for people. */
struct worker_failure {
    const char *error_code; /* static string; NULL = no failure */
    char error_message[256];
};

/* ---- pages (worker_pages.c) ---- */
/* Where worker_decode_pages delivers its work, page by page. A callback returning nonzero
 * stops the reading (worker_decode_pages then returns DP_EIO). */
struct page_sink {
    void *ctx;
    int (*begin)(void *ctx, size_t npages); /* once, when the page count is known */
    int (*start)(void *ctx, size_t index);  /* page index (0-based) is being decoded now */
    /* Page index is read; *pg is handed over (the sink frees it). ocr_s: seconds of OCR, or
     * < 0 for a page taken from a PDF text layer. */
    int (*page)(void *ctx, size_t index, struct dp_page *pg, double ocr_s);
    /* After the last page: the e-invoice XML the file is or carries (decode_embedded_xml;
     * source "xml" or "embedded_xml"), borrowed. NULL: not wanted. */
    int (*xml)(void *ctx, const char *xml, size_t len, const char *source);
};

/* Decodes buf and reads every page (OCR or PDF text layer) in this process, psm > 0 forcing
 * Tesseract's page segmentation mode (0: each page chooses, common/pageprep.h), each page within
 * page_timeout_ms (decoding included) and the whole within job_timeout_ms, handing the pages
 * to sink. On failure returns an error with f filled (f->error_code NULL: not the file's
 * fault). Runs in the decode child; uses no Redis. */
dp_err worker_decode_pages(struct worker *w, const unsigned char *buf, size_t len, const char *lang,
                           int psm, const struct page_sink *sink, struct worker_failure *f);

/* ---- the image read (worker_prep.c) ---- */
/* Ruling lines already found on the page as decoded (borrowed; NULL = not looked for). */
struct worker_rules {
    const struct table_rule *v;
    size_t n;
};

/* Whether Tesseract's page segmentation mode psm analyses the layout (not one block). */
int worker_layout_psm(int psm);

/* Takes out of *pix (the image about to be read, scaled by f from the page as decoded, dpi;
 * replaced by a cleaned copy, still the caller's) what Tesseract misreads: the rules of ruled
 * grids (one block: long rules only), on forms scanned small the other rules without the
 * letters on them (common/unline.h), and empty check boxes. char_h: character height in
 * *pix's pixels (0 unknown); layout: worker_layout_psm; pre: the rules of the decoded image,
 * when found already (used when f is 1). DP_ENOMEM only (a step that fails otherwise is
 * skipped). */
dp_err worker_prep_clean(PIX **pix, int dpi, double f, double char_h, int layout,
                         const struct worker_rules *pre);

/* ---- page structure (worker_layout.c) ---- */
/* PDF text-layer pages are also rendered at this resolution for their ruling lines and check
 * boxes (the text comes from the layer; lines of 0.5 pt still show at it). */
#define WORKER_TEXT_RASTER_DPI 100
/* Resolution the pictures of a text page (images, drawings) are rendered at for barcodes:
 * a 2 cm EPC QR code has 3.5-pixel modules at 200 DPI. */
#define WORKER_CODE_RASTER_DPI 200
/* In the decode child, on the image a page was read from (pix, scale pixels per page pixel,
 * upright as read): keeps the ruling lines found before OCR (rules[nrules], in pix pixels,
 * taken over: rescaled in place and owned by the page from then on) and finds the selection
 * marks.  DP_ENOMEM. */
struct table_rule;
dp_err worker_layout_image(struct dp_page *page, PIX *pix, float scale, struct table_rule *rules,
                           size_t nrules);
/* In the worker, on a read page: its tables (words and ruling lines) and key-value pairs (words
 * and selection marks).  DP_ENOMEM. */
dp_err worker_layout_text(struct dp_page *page, const struct form_model *kvm);

/* ---- decode sandbox (worker_sandbox.c) ---- */
/* Loads the orientation engine once in the worker (a blank image: the detection fails, the
 * engine stays), so that children do not each load it when a poor read makes them ask OSD.
 * Called when the worker starts, so that its first job does not pay the load (~70 ms of CPU);
 * only the first call does anything. */
void worker_preload_osd(struct worker *w);
/* Reads every page of buf into doc in a child process (worker_decode_pages) that is killed
 * when a page or the job overruns its time budget (plus a grace) and whose address space is
 * capped at decode_memory_limit_mb: a hostile file costs one bounded slice and the worker goes
 * on. Renews the job's claim while the child works and on every page. On failure returns an
 * error with f filled ("timeout", "too_large", "decode_failed"...). Sets *abandoned when the
 * job must be left to another worker: claim lost, or shutdown (*w->stop; the child is killed
 * at once). w->decode_peak_rss_kb gets the child's peak RSS. */
dp_err worker_read_pages(struct worker *w, const struct queue_job *job, const unsigned char *buf,
                         size_t len, const char *lang, int psm, struct dp_doc_text *doc,
                         struct worker_failure *f, int *abandoned);

/* ASan and TSan reserve terabytes of shadow memory: RLIMIT_AS cannot apply under them; the
 * worker then watches the child's RSS, inflated by this factor (subproc.h). */
#define SANDBOX_ASAN            SUBPROC_ASAN
#define SANDBOX_ASAN_RSS_FACTOR SUBPROC_ASAN_RSS_FACTOR

/* ---- re-reading weak lines (worker_reread.c) ---- */

/* One line of a first read, re-read or not: words[first .. first+n) of the page. */
struct worker_span {
    size_t first, n;     /* words[first .. first+n) */
    int x0, y0, x1, y1;  /* box around the words */
    float conf, minconf; /* mean and lowest word confidence */
    struct dp_word *alt; /* the re-read that replaces it (owned), or NULL */
    size_t nalt;
    int reread;  /* was read again */
    int key;     /* holds what extraction needs most: a date, a total */
    int missing; /* a row of ink the first read found no words in (n = 0) */
    int line;    /* line index in the result */
};
/* Splits page's words into lines (words in reading order, line indices ascending): an array
 * (caller frees) of *nspans spans with room for extra more; NULL without memory. */
struct worker_span *worker_spans_of(const struct dp_page *p, size_t extra, size_t *nspans);
/* Frees n words and their texts. */
void worker_words_free(struct dp_word *w, size_t n);
/* Reads the weak lines of page (low mean or lowest word confidence) and the rows of ink in
 * rows[0..nrows) (pix's pixels) that no word covers, weakest first within budget_ms, again
 * from pix, the image page was read from, one enlarged line at a time; keeps each re-read that
 * common/linemerge.h prefers (a missing row only when it reads as text). Fills page->reread,
 * nreplaced, conf and, when a line changed, the text. Where time runs out the first read
 * stands. band[0..nband) (NULL: every line) marks the lines the second reading read
 * (worker_alt_read): a line it left out counts as read once. */
dp_err worker_reread_lines(struct ocr *o, PIX *pix, int dpi, long long budget_ms,
                           const struct pageprep_box *rows, size_t nrows, const unsigned char *band,
                           size_t nband, struct dp_page *page);
/* Reads again, turned a quarter each way, the groups of words of page that look like a line
 * printed running up or down the page (common/vtext.h: a document number along the margin,
 * read as a tall word of garbage), from pix (dpi), the image page was read from, within
 * budget_ms; a turned reading that common/linemerge.h scores higher (and at least as text)
 * replaces the group's words, on its first word's line. Fills nreplaced, conf and, when a
 * group changed, the text; lines are numbered again. DP_ENOMEM. */
dp_err worker_reread_vertical(struct ocr *o, PIX *pix, int dpi, long long budget_ms,
                              struct dp_page *page);

/* ---- turned pages (worker_turn.c) ---- */
/* Decides from page, first read from pix (dpi; characters char_h pixels high, 0 unknown),
 * whether it is turned (common/turn.h): a strip of it read turned each way turn_candidates
 * names, and OSD when suspect (its text did not measure as rows). When one says turned, reads
 * the page again turned (segmentation measured again after a quarter turn) and keeps that
 * reading, with page->rotation set, unless it scores (confidence x words) under 0.9 of the
 * first. Upright pages with a fair reading of rows pay nothing. DP_ENOMEM, DP_ETIMEOUT. */
dp_err worker_turn_check(struct ocr *o, PIX *pix, int dpi, double char_h, int page_no,
                         long long budget, int suspect, struct dp_page *page);

/* ---- the second reading (worker_alt.c) ---- */
/* When common/altread.h wants it for page (upright, read with page->psm from src, the page as
 * decoded, scaled by first_f), reads src scaled by f again with the other segmentation mode
 * within budget_ms and keeps in page->alt the lines where that reading differs (altread_align;
 * in the first reading's pixels) and sets page->read_twice. A page read as one block (a
 * receipt) is read again only in its band (altread_band: the rest is whitened): *band gets
 * the band (owned, caller frees; one entry per line of the first reading, 1 = read again) when
 * lines were left out, else NULL. Out of time, or Tesseract failing, leaves the first reading
 * alone. DP_ENOMEM. */
dp_err worker_alt_read(struct ocr *o, PIX *src, int src_dpi, float f, float first_f,
                       long long budget_ms, struct dp_page *page, unsigned char **band,
                       size_t *nband);

/* The line look: on a receipt read twice (one block), the lines altread_look_lines names (the
 * top lines, the date lines; page's words in the pixels of src scaled by first_f) are read
 * once more each alone as one line from src (the page as decoded, src_dpi), enlarged to a
 * 40 px line, contrast evened and strokes thickened, within budget_ms, and kept as one more
 * alternate of their line where they read otherwise (altread_add_look). Out of time leaves
 * the readings as they are. DP_ENOMEM. */
dp_err worker_alt_look(struct ocr *o, PIX *src, int src_dpi, float first_f, long long budget_ms,
                       struct dp_page *page);

/* ---- lang=auto's per-tenant hint (worker_hint.c) ---- */
/* The pack a lang=auto document is read with first for hint ("eng", or "<hint>+eng": English
 * for the numbers and names every page has), into buf. Returns buf. */
const char *worker_hint_pack(const char *hint, char *buf, size_t bufsz);
/* Before a lang=auto job: w->lang_hint gets the tenant's hint, "" when there is none, it is no
 * language langdetect names or its pack is not installed (or Redis failed: best effort). */
void worker_hint_load(struct worker *w, const char *tenant);
/* After a lang=auto job: the language doc's first page with words enough to tell was found in
 * becomes the tenant's hint, and its pack is kept loaded (ocr_preload). Best effort. */
void worker_hint_learn(struct worker *w, const char *tenant, const struct dp_doc_text *doc);

/* ---- lang=auto's first page (worker_lang.c) ---- */
/* Reads the lines of page that read weakly (mean word confidence under 85, or a word under 75)
 * again with the languages o has loaded, one line at a time from pix (the page as decoded: page
 * pixels * scale = pix pixels, upright) enlarged by f, within budget_ms; keeps each re-read that
 * common/linemerge.h prefers and rebuilds the text. *nread and *nreplaced count the lines read
 * and replaced. Where time runs out the first read stands. DP_ENOMEM, DP_EINVAL. */
dp_err worker_lang_reread(struct ocr *o, PIX *pix, int dpi, float scale, float f,
                          long long budget_ms, struct dp_page *page, size_t *nread,
                          size_t *nreplaced);

/* Frames on the child -> worker pipe: u8 type, u32 body length (host order), body. */
#define SANDBOX_FRAME_HDR 5
#define SANDBOX_FRAME_MAX (64u << 20) /* largest body (one page's words, text and hOCR) */
enum sandbox_frame_type {
    SANDBOX_NPAGES = 'N', /* u32 page count */
    SANDBOX_START = 'S',  /* u32 page index now being decoded */
    SANDBOX_PAGE = 'P',   /* u32 index, f64 OCR seconds (< 0: text layer), page_pack bytes */
    SANDBOX_FAIL = 'F',   /* i32 dp_err, error code NUL, message NUL */
    SANDBOX_END = 'E',    /* i32 dp_err of the whole reading */
    SANDBOX_XML = 'M',    /* u8 source (0 the upload, 1 embedded in a PDF), the XML bytes */
};
struct sandbox_frame {
    int type;
    const unsigned char *body; /* borrowed from the parsed buffer */
    size_t len;
};
/* Finds the frame at the start of buf[len]: 1 with *f set and *used its size, 0 when more
 * bytes are needed, -1 for an unknown type or a body over SANDBOX_FRAME_MAX. Pure. */
int sandbox_frame_next(const unsigned char *buf, size_t len, struct sandbox_frame *f, size_t *used);

/* ---- analysis (worker_analyze.c) ---- */
/* Loads what analysis needs once per process (model cache with the built-in classifier,
 * extractor). */
dp_err worker_analyze_init(struct worker *w);
void worker_analyze_cleanup(struct worker *w);
/* Adds "class" (when pipeline has classify: the tenant's current model, else the built-in
 * one) and "fields" (when it has extract) to result. DP_EREDIS when the tenant's model could
 * not be looked up: the job should be retried. */
dp_err worker_analyze(struct worker *w, const char *tenant, const char *pipeline,
                      const struct dp_doc_text *doc, const char *text, cJSON *result);

/* ---- invoices (worker_invoice.c) ---- */
/* Adds "line_items" and "checks" to result (and the e-invoice XML's and payment QR codes'
 * fields, with source "xml"/"embedded_xml"/"qr", in place of the fields of the same name);
 * mark_review (worker_analyze.c) turns a failed check into needs_review. text is the
 * document's visible text (pages joined). */
void worker_invoice(const struct dp_doc_text *doc, const char *text, cJSON *result);

/* ---- job loop (worker_loop.c) ---- */
/* Runs until *w->stop: reconnects to Redis with backoff, drains its own pending jobs, then
 * reclaims and reads new ones. Returns the process exit status. */
int worker_run(struct worker *w);
/* Processes one claimed job to its end (done, failed, or handed back on shutdown). */
dp_err worker_process(struct worker *w, const struct queue_job *job);

/* ---- supervisor (worker_supervise.c) ---- */
/* Forks n children, each running worker_run; restarts any that die, with backoff, and counts
 * each restart in Redis (stats_child_restarts_add, best effort: docproc_process_restarts_total
 * {program="worker-child"}; config/run.sh counts restarts of the whole "worker"); forwards
 * SIGTERM/SIGINT and waits for them. Returns the exit status. */
int worker_supervise(const struct dp_config *cfg, int n);

#endif
