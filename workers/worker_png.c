/* worker_png.c -- Tesseract 5.3 keeps every line image it recognises as a PNG: ImageData::
 * SetPixInternal writes it with Leptonica's pixWriteMem, the recogniser reads it back. zlib at
 * its default level was about a sixth of a receipt's reading CPU (perf: deflate 16 %, libpng
 * 3 %, with the second reading; docs/EVAL.md, branch `recpu`). Defined here, pixWriteMem
 * takes the place of Leptonica's in this program (the executable's symbol comes first for
 * libtesseract too): once worker_png_fast is on, PNGs are written stored (zlib level 0; the
 * pixels are the same, only bigger in memory for the moment Tesseract holds them); every
 * other format, and PNG before, go to Leptonica's own. */
#include <dlfcn.h>
#include <leptonica/allheaders.h>
#include "worker.h"

/* Best effort, process-wide: set once by ocr_init, inherited by forked children. */
static int png_fast;
static unsigned long png_writes; /* PNGs written fast, for the tests */

void worker_png_fast(int on)
{
    png_fast = on;
}

unsigned long worker_png_writes(void)
{
    return png_writes;
}

typedef l_ok (*write_mem_fn)(l_uint8 **, size_t *, PIX *, l_int32);

l_ok pixWriteMem(l_uint8 **pdata, size_t *psize, PIX *pix, l_int32 format)
{
    if (png_fast && format == IFF_PNG && pix) {
        /* the level rides on the pix (its `special` field): Tesseract's line images are its
         * own, thrown away once written */
        pixSetZlibCompression(pix, 0);
        png_writes++;
        return pixWriteMemPng(pdata, psize, pix, 0.0f);
    }
    /* looked up on each call (no shared state between threads; the path is rare here) */
    write_mem_fn real;
    *(void **)&real = dlsym(RTLD_NEXT, "pixWriteMem");
    return real ? real(pdata, psize, pix, format) : 1;
}
