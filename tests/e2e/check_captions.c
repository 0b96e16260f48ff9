/* check_captions: checks burnt-in captions in a real export against this checker's own
 * rasterisation of the same cues. Independent of the library: it links FFmpeg's libraries (to
 * decode), libass (to shape and rasterise, as docs/project-format.md says the captions are)
 * and libc; it reads the SRT file itself and writes its own ASS script from the document's
 * "Captions, exactly" rules (PlayRes = output size, Fontsize = size x H, box = BorderStyle 3
 * with the padding as its outline, margins, alignment; a cue's own {\anN} as its pages' first
 * override; the markup as the document's "Markup" says, translated here by string
 * replacement).
 *
 *   check_captions OUT.mp4 REF.mp4 SUBS.srt FPS SIZE [MAX_LINES]
 *
 * OUT and REF are lossless 4:2:0 exports of one project with an untouched timeline (output
 * time = recording time), OUT with "sources": {"captions": SUBS} and "captions": {"size":
 * SIZE, "max_lines": MAX_LINES (default 2)} (every other style key at its default), REF
 * without captions. A cue is shown in pages, as the document says: the most words (at least
 * one) that libass lays out in at most MAX_LINES lines (counted here as the boxes libass draws,
 * one per line and style run, those sharing most of their rows taken as one line), then the
 * next page from the next word; page k from a + (b - a) C_k / C, C_k
 * the characters (code points but spaces and line breaks) of the pages before it, C the cue's.
 * For each frame at t = n / FPS:
 *  - no cue at t: OUT's frame equals REF's exactly;
 *  - a cue at t: the checker renders its page at t with libass at the output's size and composites its
 *    images in order over REF's frame (each image's colour as limited-range Y'CbCr of the
 *    stream's matrix, its coverage x opacity as alpha; chroma with the mean alpha of each 2x2
 *    block): OUT must match that over the caption's box (the images' bounding box, widened to
 *    even) at >= 35 dB PSNR in luma and in chroma, and equal REF exactly outside the box.
 * Exit 0 pass, 1 fail, 2 could not run. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#define CHECKER "check_captions"
#include "decode.h"
#include "ass_ref.h"

#define MAX_CUES 64

#define MAX_PAGES 32

typedef struct Cue {
    double a, b;
    char text[1024];
    int an;                       /* the cue's own {\anN}, 0: none */
    int np;                       /* pages, 0: not worked out yet */
    char page[MAX_PAGES][1024];
    double t[MAX_PAGES + 1];
} Cue;

/* libass's images of the one event `text` (valid until the next call) */
static ASS_Image *show(ASS_Renderer *r, ASS_Track *tr, const char *text)
{
    char line[1200];
    ass_flush_events(tr);
    const int n = snprintf(line, sizeof(line), "Dialogue: 0,0:00:00.00,0:00:10.00,S,,0,0,0,,%s\n", text);
    ass_process_data(tr, line, n);
    return ass_render_frame(r, tr, 1000, NULL);
}

/* lines = the boxes (BorderStyle 3) libass draws, one per line and style run: boxes that
 * share more than half of the shorter one's rows are one line */
static int box_lines(ASS_Renderer *r, ASS_Track *tr, const char *text)
{
    int top[64], bottom[64], n = 0;
    for (ASS_Image *m = show(r, tr, text); m; m = m->next) {
        if (m->type != IMAGE_TYPE_OUTLINE || !m->w || !m->h)
            continue;
        int same = -1;
        for (int k = 0; k < n && same < 0; k++) {
            const int lo = m->dst_y > top[k] ? m->dst_y : top[k];
            const int hi = m->dst_y + m->h < bottom[k] ? m->dst_y + m->h : bottom[k];
            const int shorter = m->h < bottom[k] - top[k] ? m->h : bottom[k] - top[k];
            if (2 * (hi - lo) > shorter)
                same = k;
        }
        if (same < 0 && n < 64)
            top[n] = m->dst_y, bottom[n++] = m->dst_y + m->h;
    }
    return n;
}

/* the ASS text's characters in [a, b): code points but spaces, \N and {override blocks} */
static int count_chars(const char *s, int a, int b)
{
    int k = 0;
    for (int i = a; i < b; i++) {
        if (s[i] == '\\' && s[i + 1] == 'N') {
            i++;
            continue;
        }
        if (s[i] == '{') {
            while (i < b && s[i] != '}')
                i++;
            continue;
        }
        k += ((unsigned char)s[i] & 0xc0) != 0x80 && s[i] != ' ';
    }
    return k;
}

/* The document's markup rules for burnt-in captions, as ASS: <b> <i> <u> <s> and their
 * closing tags become \b \i \u \s overrides, <v ...>, <c...>, <lang ...>, <ruby>, <rt>,
 * <font ...> (and their closings), WebVTT timestamps and {\...} blocks are dropped, and the
 * character references become their characters. Braces left in the text are drawn as
 * parentheses. */
static void markup(const char *in, char *out, size_t cap)
{
    static const char *const rep[][2] = {
        {"<i>", "{\\i1}"}, {"</i>", "{\\i0}"}, {"<b>", "{\\b1}"}, {"</b>", "{\\b0}"},
        {"<u>", "{\\u1}"}, {"</u>", "{\\u0}"}, {"<s>", "{\\s1}"}, {"</s>", "{\\s0}"},
        {"&amp;", "&"},  {"&lt;", "<"},     {"&gt;", ">"},  {"&quot;", "\""}, {"&apos;", "'"},
        {"&nbsp;", "\xc2\xa0"}, {"&lrm;", "\xe2\x80\x8e"}, {"&rlm;", "\xe2\x80\x8f"}};
    static const char *const drop[] = {"<v ", "</v>", "<c.", "<c>", "</c>", "<lang ", "</lang>",
                                       "<ruby>", "</ruby>", "<rt>", "</rt>", "<font ",
                                       "</font>", "{\\", "<0", "<1", "<2", "<3", "<4", "<5"};
    size_t o = 0;
    for (const char *p = in; *p && o + 8 < cap;) {
        int done = 0;
        for (size_t k = 0; k < sizeof(rep) / sizeof(rep[0]) && !done; k++)
            if (!strncasecmp(p, rep[k][0], strlen(rep[k][0]))) {
                o += (size_t)snprintf(out + o, cap - o, "%s", rep[k][1]);
                p += strlen(rep[k][0]);
                done = 1;
            }
        for (size_t k = 0; k < sizeof(drop) / sizeof(drop[0]) && !done; k++)
            if (!strncasecmp(p, drop[k], strlen(drop[k]))) {
                const char *e = strchr(p, drop[k][0] == '{' ? '}' : '>');
                if (e)
                    p = e + 1, done = 1;
            }
        if (!done) {
            out[o++] = *p == '{' ? '(' : *p == '}' ? ')' : *p;
            p++;
        }
    }
    out[o] = 0;
}

/* The overrides in force at s[at] (those of s before it), as one block. */
static const char *style_at(const char *s, int at)
{
    static char b[32];
    int on[4] = {0, 0, 0, 0};
    for (int i = 0; i + 4 < at; i++)
        for (int k = 0; k < 4; k++)
            if (!strncmp(s + i, "{\\", 2) && s[i + 2] == "bius"[k] && s[i + 4] == '}')
                on[k] = s[i + 3] == '1';
    snprintf(b, sizeof(b), "{\\b%d\\i%d\\u%d\\s%d}", on[0], on[1], on[2], on[3]);
    return b;
}

/* the cue's pages, from the document's rule */
static void paginate(ASS_Renderer *r, ASS_Track *tr, Cue *c, int max_lines)
{
    const char *s = c->text;
    int ws[512], we[512], nw = 0;
    const int len = (int)strlen(s);
    for (int i = 0; i < len && nw < 512;) {
        while (i < len && (s[i] == ' ' || (s[i] == '\\' && s[i + 1] == 'N')))
            i += s[i] == ' ' ? 1 : 2;
        if (i >= len)
            break;
        ws[nw] = i;
        while (i < len && s[i] != ' ' && !(s[i] == '\\' && s[i + 1] == 'N'))
            i++;
        we[nw++] = i;
    }
    const int total = count_chars(s, 0, len);
    char place[16] = ""; /* the document: a cue's own {\anN} places it (2 is the style's) */
    if (c->an && c->an != 2)
        snprintf(place, sizeof(place), "{\\an%d}", c->an);
    int start = 0, before = 0;
    c->t[0] = c->a;
    while (start < nw && c->np < MAX_PAGES) {
        int end = start + 1;
        char buf[1024];
        while (end < nw) {
            snprintf(buf, sizeof(buf), "%s%s%.*s", place, style_at(s, ws[start]),
                     we[end] - ws[start], s + ws[start]);
            if (box_lines(r, tr, buf) > max_lines)
                break;
            end++;
        }
        snprintf(c->page[c->np], sizeof(c->page[0]), "%s%s%.*s", place, style_at(s, ws[start]),
                 we[end - 1] - ws[start], s + ws[start]);
        before += count_chars(s, ws[start], we[end - 1]);
        c->np++;
        c->t[c->np] = end == nw ? c->b : c->a + (c->b - c->a) * before / total;
        start = end;
    }
}

static double srt_time(const char *s)
{
    int h, m, sec, ms;
    if (sscanf(s, "%d:%d:%d,%d", &h, &m, &sec, &ms) != 4)
        return -1;
    return h * 3600.0 + m * 60 + sec + ms / 1000.0;
}

/* The cues of an SRT file (number, timing line, text lines, blank line); -1 on error. */
static int read_srt(const char *path, Cue *cues)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return -1;
    char line[1024];
    int n = 0, state = 0; /* 0: number, 1: timing, 2: text */
    while (fgets(line, sizeof(line), f)) {
        line[strcspn(line, "\r\n")] = 0;
        if (state == 0 && line[0]) {
            state = 1;
        } else if (state == 1) {
            char a[64], b[64];
            if (n == MAX_CUES || sscanf(line, "%63s --> %63s", a, b) != 2) {
                fclose(f);
                return -1;
            }
            cues[n].a = srt_time(a), cues[n].b = srt_time(b), cues[n].text[0] = 0, cues[n].an = 0;
            state = 2;
        } else if (state == 2) {
            if (!line[0]) {
                n++, state = 0;
                continue;
            }
            char *tx = cues[n].text, ass[1024];
            const size_t used = strlen(tx);
            const char *an = strstr(line, "\\an");
            if (!cues[n].an && an && an > line && strchr(line, '{') && strchr(line, '{') < an &&
                an[3] >= '1' && an[3] <= '9')
                cues[n].an = an[3] - '0';
            markup(line, ass, sizeof(ass));
            snprintf(tx + used, sizeof(cues[n].text) - used, "%s%s", used ? "\\N" : "", ass);
        }
    }
    if (state == 2)
        n++;
    fclose(f);
    return n;
}

int main(int argc, char **argv)
{
    if (argc != 6 && argc != 7) {
        fprintf(stderr, "usage: check_captions OUT.mp4 REF.mp4 SUBS.srt FPS SIZE [MAX_LINES]\n");
        return 2;
    }
    const double fps = atof(argv[4]), size = atof(argv[5]);
    const int max_lines = argc == 7 ? atoi(argv[6]) : 2;
    static Cue cues[MAX_CUES];
    const int nc = read_srt(argv[3], cues);
    if (nc <= 0) {
        fprintf(stderr, "check_captions: %s: cannot read the cues\n", argv[3]);
        return 2;
    }
    Input out, ref;
    if (open_input(&out, argv[1], AVMEDIA_TYPE_VIDEO) < 0 || open_input(&ref, argv[2], AVMEDIA_TYPE_VIDEO) < 0)
        return 2;
    const int W = out.dec->width, H = out.dec->height;
    const enum AVColorSpace cs = out.fmt->streams[out.stream]->codecpar->color_space;
    double kr, kb;
    ass_ref_coefs(&out, &kr, &kb);
    /* the script, from the document's rules and defaults */
    const double fs = size * H;
    char *script = malloc(65536);
    char style[256];
    snprintf(style, sizeof(style), "sans-serif,%.2f,&H00FFFFFF,&H00FFFFFF,&H66000000,&H66000000,"
             "0,0,0,0,100,100,0,0,3,%.2f,0,2,%ld,%ld,%ld,1", fs, 0.1 * fs, lrint(W * 0.05),
             lrint(W * 0.05), lrint(0.05 * H));
    ass_ref_head(script, 65536, W, H, style);
    ASS_Library *lib;
    ASS_Renderer *r = ass_ref_renderer(&lib, W, H);
    ASS_Track *tr = r ? ass_read_memory(lib, script, strlen(script), NULL) : NULL;
    if (!tr) {
        fprintf(stderr, "check_captions: libass could not be set up\n");
        return 2;
    }
    printf("check_captions: %dx%d, %s matrix, %d cues, text %.1f px\n", W, H,
           cs == AVCOL_SPC_BT709 ? "BT.709" : "BT.601", nc, fs);
    double *A = malloc(sizeof(double) * W * H), *E[3];
    for (int p = 0; p < 3; p++)
        E[p] = malloc(sizeof(double) * W * H);
    AVFrame *fo = av_frame_alloc(), *fr = av_frame_alloc();
    int bad = 0, shown = 0, pages_seen = 0, last_page = -1;
    double worst = 99;
    for (long n = 0;; n++) {
        const int go = next_frame(&out, fo), gr = next_frame(&ref, fr);
        if (go < 0 || gr < 0 || go != gr) {
            printf("FAIL frame %ld: %s\n", n, go != gr ? "the frame counts differ" : "cannot decode");
            return 1;
        }
        if (!go)
            break;
        if (fo->format != AV_PIX_FMT_YUV420P || fr->format != AV_PIX_FMT_YUV420P) {
            printf("FAIL frame %ld: not 4:2:0\n", n);
            return 1;
        }
        const double t = n / fps;
        int cue = -1;
        for (int i = 0; i < nc && cue < 0; i++)
            if (t >= cues[i].a && t < cues[i].b)
                cue = i;
        int x0 = W, y0 = H, x1 = 0, y1 = 0;
        ASS_Image *img = NULL;
        if (cue >= 0) {
            Cue *c = &cues[cue];
            if (!c->np)
                paginate(r, tr, c, max_lines);
            int k = 0;
            while (k + 1 < c->np && t >= c->t[k + 1])
                k++;
            if (cue * MAX_PAGES + k != last_page)
                pages_seen++, last_page = cue * MAX_PAGES + k;
            img = show(r, tr, c->page[k]);
            ass_ref_bounds(img, W, H, &x0, &y0, &x1, &y1);
            if (x0 >= x1) {
                printf("FAIL frame %ld: the checker's libass drew nothing for cue %d\n", n, cue + 1);
                bad++;
                continue;
            }
        }
        /* outside the box (everywhere without a cue): REF exactly */
        long diff = 0;
        for (int p = 0; p < 3; p++) {
            const int s = p ? 1 : 0, pw = W >> s, ph = H >> s;
            for (int y = 0; y < ph; y++)
                for (int x = 0; x < pw; x++) {
                    const int in = cue >= 0 && x >= x0 >> s && x < x1 >> s && y >= y0 >> s && y < y1 >> s;
                    if (!in && fo->data[p][y * fo->linesize[p] + x] != fr->data[p][y * fr->linesize[p] + x])
                        diff++;
                }
        }
        if (diff) {
            printf("FAIL frame %ld (t %.2f): %ld samples differ from the export without captions %s\n",
                   n, t, diff, cue >= 0 ? "outside the caption's box" : "while no cue is shown");
            bad++;
        }
        if (cue < 0)
            continue;
        shown++;
        /* the expected picture: REF with the images composited in order (luma grid) */
        AssRef ov = {A, {E[0], E[1], E[2]}, W, x0, y0, x1, y1};
        double ps[3];
        ass_ref_clear(&ov);
        ass_ref_over(&ov, img, 0, 0, kr, kb);
        ass_ref_psnr(&ov, fo, fr, ps);
        for (int p = 0; p < 3; p++) {
            const double psnr = ps[p];
            worst = psnr < worst ? psnr : worst;
            if (psnr < 35) {
                printf("FAIL frame %ld (t %.2f, cue %d): plane %d %.1f dB against the checker's "
                       "rasterisation over [%d,%d)x[%d,%d) (at least 35)\n", n, t, cue + 1, p,
                       psnr, x0, x1, y0, y1);
                bad++;
            }
        }
    }
    printf("%s   %d frames with a cue (%d pages of at most %d lines) compared with libass's "
           "rasterisation, worst %.1f dB\n", shown && !bad ? "ok" : "FAIL", shown, pages_seen,
           max_lines, worst);
    if (!shown)
        bad++;
    close_input(&out);
    close_input(&ref);
    av_frame_free(&fo);
    av_frame_free(&fr);
    free(A), free(E[0]), free(E[1]), free(E[2]), free(script);
    ass_free_track(tr);
    ass_renderer_done(r);
    ass_library_done(lib);
    printf("%s\n", bad ? "FAIL" : "PASS");
    return bad ? 1 : 0;
}
