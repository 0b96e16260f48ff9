/*
 * check_demo: checks the inputs `vexport demo --inputs DIR` synthesises and the demo's output,
 * independently of the tool (it reads the files with libavformat/libavcodec and the project
 * with json-c, and knows the formats only from tools/demo_scene.h and docs/).
 *
 *   check_demo inputs DIR
 *       DIR/cursor.jsonl: JSON Lines; every line a move {"t","x","y"} or a left click
 *           {"t","down"|"up"}; times never decrease and stay within the recording; moves
 *           inside the picture and above its bottom 20 % (arrow included); down and up
 *           alternate, at least 3 clicks, the pointer holds still while the button is down.
 *       DIR/captions.srt: the cues tools/demo_scene.h documents, as SRT.
 *       DIR/keys.jsonl: key-downs in time order within the recording: the editor's line typed
 *           and two cmd+s saves where tools/demo_scene.h puts them.
 *       DIR/screen.mp4: 1920x1080, 60 fps, 14 s (840 frames), audio; its frames carry their
 *           number (barcode); the export dialog's Pause button reacts to the last click
 *           (darker while held, amber once released).
 *       DIR/camera.mp4: H.264 640x480, 30 fps, 420 frames, no audio; frame n's barcode (s = 1)
 *           = n.
 *       DIR/mic.m4a: AAC mono 48 kHz, 14 s long; silent before 0.5 s, speaking from 1 to 3.5 s,
 *           peaks below -3 dBFS.
 *   check_demo output PROJECT.json OUT.mp4 [--expect-camera]
 *       The frame count and the audio duration follow the project's timeline; frames shown
 *       while no zoom is active show the recording frame the timeline maps them to (barcode
 *       read through the fitted geometry of docs/project-format.md); the microphone is heard
 *       in the mix (energy outside the screen's 440 Hz / 1 kHz tones while the voice speaks).
 *       With sources.captions, the caption's text line (bottom centre) holds white glyphs
 *       during the cues tools/demo_scene.h documents (mapped through the timeline) and not
 *       outside them.
 *       With auto_zoom, its segments are made from the clicks tools/demo_scene.h documents
 *       by the rule of docs/project-format.md ("Zooms from clicks"); frames sampled inside
 *       them are zoomed (the barcode is out of view).
 *       With scenes of the "camera" layout (docs/project-format.md, Scenes), every 5th frame
 *       in them (recording time, a frame's margin either side left out) has the camera's
 *       colour at the top-left corner (Cb 100..160: the webcam's grey-blue top, tools/
 *       demo_scene.c) and no screen is read there; every 5th frame outside them has the
 *       background's first stop there (Cb >= 175).
 *       --expect-camera: every 20th frame (outside "camera" scenes) has the round camera bubble's white border where
 *       the project puts it (docs/project-format.md, Camera bubble: a box w = 2 round(size M
 *       / 2) wide, M = min(W, H), its corner at (W - m - w, H - m - w), m = margin M, rounded
 *       to even; the border inside its edge).
 * Prints one line per check, then PASS or FAIL; exits 0 or 1 (2 if it could not run).
 */
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/avutil.h>

#include <json-c/json.h>

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PI 3.14159265358979323846

#include "report.h"


static void die(const char *fmt, ...)
{
    va_list ap;
    fprintf(stderr, "check_demo: ");
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fprintf(stderr, "\n");
    exit(2);
}

/* ------------------------------------------------------------------------------------------ */
/* decoding */

typedef struct Media {
    AVFormatContext *fc;
    int vi, ai; /* best video / audio stream, -1 if none */
} Media;

static void media_open(Media *m, const char *path)
{
    memset(m, 0, sizeof(*m));
    if (avformat_open_input(&m->fc, path, NULL, NULL) < 0)
        die("cannot open %s", path);
    if (avformat_find_stream_info(m->fc, NULL) < 0)
        die("cannot read %s", path);
    m->vi = av_find_best_stream(m->fc, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    m->ai = av_find_best_stream(m->fc, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0);
    if (m->vi < 0)
        m->vi = -1;
    if (m->ai < 0)
        m->ai = -1;
}

static void media_close(Media *m) { avformat_close_input(&m->fc); }

/* Decodes every frame of stream si, in order; cb gets each frame and its index. */
static int64_t decode_all(Media *m, int si, void (*cb)(void *, const AVFrame *, int64_t),
                          void *opaque)
{
    AVStream *st = m->fc->streams[si];
    const AVCodec *codec = avcodec_find_decoder(st->codecpar->codec_id);
    AVCodecContext *dc = codec ? avcodec_alloc_context3(codec) : NULL;
    if (!dc || avcodec_parameters_to_context(dc, st->codecpar) < 0)
        die("no decoder for stream %d", si);
    dc->thread_count = 2;
    if (avcodec_open2(dc, codec, NULL) < 0)
        die("cannot open the decoder for stream %d", si);
    av_seek_frame(m->fc, -1, 0, AVSEEK_FLAG_BACKWARD);
    AVPacket *pkt = av_packet_alloc();
    AVFrame *f = av_frame_alloc();
    int64_t n = 0;
    int eof = 0;
    while (!eof) {
        int r = av_read_frame(m->fc, pkt);
        if (r < 0) {
            eof = 1;
            avcodec_send_packet(dc, NULL);
        } else {
            if (pkt->stream_index == si)
                avcodec_send_packet(dc, pkt);
            av_packet_unref(pkt);
        }
        while (avcodec_receive_frame(dc, f) >= 0) {
            cb(opaque, f, n++);
            av_frame_unref(f);
        }
    }
    av_frame_free(&f);
    av_packet_free(&pkt);
    avcodec_free_context(&dc);
    return n;
}

/* The 16-bit barcode of the counter box (tools/demo_scene.h) read from luma: cell k's centre,
 * in recording pixels (x = 2s + 4s k + 2s, y = h - 4s), mapped by out = o + src * scale. */
static int barcode(const AVFrame *f, int s, int h, double ox, double oy, double scale)
{
    int v = 0;
    for (int k = 0; k < 16; k++) {
        double sx = 2 * s + 4 * s * k + 2 * s, sy = h - 4 * s;
        int x = (int)floor(ox + sx * scale), y = (int)floor(oy + sy * scale);
        int l = f->data[0][(size_t)y * f->linesize[0] + x];
        v = v << 1 | (l > 150);
    }
    return v;
}

/* ------------------------------------------------------------------------------------------ */
/* inputs */

/* The left clicks of the demo's pointer tour, as tools/demo_scene.h documents them (recording
 * seconds); check_inputs checks the track has them, check_output derives auto_zoom from them. */
static const double demo_clicks[3] = {1.7, 3.6, 12.0};
/* The cues of the demo's captions (tools/demo_scene.h), recording seconds. */
static const struct {
    double a, b;
    const char *text;
} demo_cues[3] = {
    {0.5, 3.8, "Built-in demo: a synthetic desktop, styled by vexport"},
    {6.6, 10.4, "Cut, cross-faded into twice the speed"},
    {11.0, 13.8, "Zoomed in on the click, from the cursor track"},
};

typedef struct Track {
    double t[4096], x[4096], y[4096];
    int n;
    double down[64], up[64];
    int nd, nu;
} Track;

/* Pointer position (last move at or before t). */
static void track_at(const Track *tr, double t, double *x, double *y)
{
    int i = 0;
    while (i + 1 < tr->n && tr->t[i + 1] <= t + 1e-9)
        i++;
    *x = tr->x[i];
    *y = tr->y[i];
}

static void check_track(const char *path, Track *tr)
{
    FILE *f = fopen(path, "r");
    if (!f)
        die("cannot open %s", path);
    char line[512];
    int ln = 0, bad = 0, order = 0, inside = 0, alternate = 1, pressed = 0;
    double last = -1, tmax = 0;
    memset(tr, 0, sizeof(*tr));
    while (fgets(line, sizeof(line), f)) {
        ln++;
        json_tokener *tok = json_tokener_new();
        json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
        json_object *o = json_tokener_parse_ex(tok, line, (int)strlen(line));
        int ok = o && json_object_is_type(o, json_type_object) &&
                 json_tokener_get_error(tok) == json_tokener_success;
        json_tokener_free(tok);
        json_object *t = NULL, *x = NULL, *y = NULL, *d = NULL, *u = NULL;
        if (ok) {
            int keys = json_object_object_length(o);
            ok = json_object_object_get_ex(o, "t", &t) && json_object_is_type(t, json_type_double);
            json_object_object_get_ex(o, "x", &x);
            json_object_object_get_ex(o, "y", &y);
            json_object_object_get_ex(o, "down", &d);
            json_object_object_get_ex(o, "up", &u);
            if (x && y)
                ok &= keys == 3 && json_object_is_type(x, json_type_int) &&
                      json_object_is_type(y, json_type_int);
            else if (d || u)
                ok &= keys == 2 && !strcmp(json_object_get_string(d ? d : u), "left");
            else
                ok = 0;
        }
        if (!ok) {
            if (!bad++)
                printf("     %s:%d: not a move or a left click: %s", path, ln, line);
            json_object_put(o);
            continue;
        }
        double tv = json_object_get_double(t);
        if (tv < last && !order++)
            printf("     %s:%d: time %g before %g\n", path, ln, tv, last);
        last = tv;
        tmax = fmax(tmax, tv);
        if (x) {
            double xv = json_object_get_int(x), yv = json_object_get_int(y);
            /* the arrow is 12x19 pixels at scale 2 (24x38): all of it above 80 % */
            if ((xv < 0 || xv >= 1920 || yv < 0 || yv + 38 > 0.8 * 1080) && !inside++)
                printf("     %s:%d: pointer at (%g, %g), outside the picture or in its bottom "
                       "20 %%\n", path, ln, xv, yv);
            if (pressed && tr->n)
                alternate &= xv == tr->x[tr->n - 1] && yv == tr->y[tr->n - 1];
            if (tr->n < 4096) {
                tr->t[tr->n] = tv, tr->x[tr->n] = xv, tr->y[tr->n] = yv;
                tr->n++;
            }
        } else if (d) {
            alternate &= !pressed;
            pressed = 1;
            if (tr->nd < 64)
                tr->down[tr->nd++] = tv;
        } else {
            alternate &= pressed;
            pressed = 0;
            if (tr->nu < 64)
                tr->up[tr->nu++] = tv;
        }
        json_object_put(o);
    }
    fclose(f);
    check(ln > 0 && !bad, "cursor track: %d lines, each a move or a left click (%d bad)", ln, bad);
    check(!order, "cursor track: times never decrease");
    check(tr->n > 100 && tr->t[0] == 0 && tmax <= 14.0,
          "cursor track: %d moves from t = %g s, last event at %.3f s (recording: 14 s)", tr->n,
          tr->n ? tr->t[0] : -1, tmax);
    check(!inside, "cursor track: the pointer stays in the picture, above its bottom 20 %%");
    check(alternate && !pressed && tr->nd >= 3 && tr->nd == tr->nu,
          "cursor track: %d clicks, down and up alternate, no move while held", tr->nd);
    int at = tr->nd == 3;
    for (int i = 0; i < tr->nd && i < 3; i++)
        at &= fabs(tr->down[i] - demo_clicks[i]) < 1e-6;
    check(at, "cursor track: the clicks are at %g, %g and %g s (tools/demo_scene.h)",
          demo_clicks[0], demo_clicks[1], demo_clicks[2]);
}

typedef struct CamCtx {
    int bad, first_bad;
    int w, h;
} CamCtx;

static void cam_cb(void *o, const AVFrame *f, int64_t n)
{
    CamCtx *c = o;
    c->w = f->width, c->h = f->height;
    int v = barcode(f, 1, f->height, 0, 0, 1); /* s = 1 on the webcam */
    if (v != (int)(n & 0xffff) && !c->bad++)
        c->first_bad = (int)n;
}

typedef struct PauseCtx {
    double x, y;        /* where the tip is during the click */
    int want[3];        /* frames to look at: before, held, released */
    int luma[3];
} PauseCtx;

static void pause_cb(void *o, const AVFrame *f, int64_t n)
{
    PauseCtx *p = o;
    for (int i = 0; i < 3; i++)
        if (n == p->want[i]) {
            /* the left margin of the button, 38 px left of its centre (the button is 80 px
             * wide, its labels at most 70 px) */
            int x = (int)p->x - 38, y = (int)p->y;
            p->luma[i] = f->data[0][(size_t)y * f->linesize[0] + x];
        }
}

typedef struct Pcm {
    float *s;
    int64_t n, cap;
    int rate;
} Pcm;

static void pcm_cb(void *o, const AVFrame *f, int64_t idx)
{
    (void)idx;
    Pcm *p = o;
    int ch = f->ch_layout.nb_channels;
    p->rate = f->sample_rate;
    if (p->n + f->nb_samples > p->cap) {
        p->cap = (p->n + f->nb_samples) * 2;
        p->s = realloc(p->s, sizeof(*p->s) * (size_t)p->cap);
        if (!p->s)
            die("out of memory");
    }
    for (int i = 0; i < f->nb_samples; i++) {
        double v = 0;
        for (int c = 0; c < ch; c++) {
            if (f->format == AV_SAMPLE_FMT_FLTP)
                v += ((const float *)f->extended_data[c])[i];
            else if (f->format == AV_SAMPLE_FMT_FLT)
                v += ((const float *)f->data[0])[i * ch + c];
            else
                die("unexpected sample format %d", f->format);
        }
        p->s[p->n++] = (float)(v / ch);
    }
}

static double rms_db(const Pcm *p, double t0, double t1)
{
    int64_t a = (int64_t)(t0 * p->rate), b = (int64_t)(t1 * p->rate);
    if (b > p->n)
        b = p->n;
    double e = 0;
    for (int64_t i = a; i < b; i++)
        e += (double)p->s[i] * p->s[i];
    return b > a ? 10 * log10(e / (double)(b - a) + 1e-20) : -200;
}

static void load_pcm(const char *path, Pcm *p, Media *m)
{
    memset(p, 0, sizeof(*p));
    if (m->ai < 0)
        return;
    decode_all(m, m->ai, pcm_cb, p);
    (void)path;
}

/* keys.jsonl: the editor's line typed (key-downs 1/12 s apart from 5/12 s, times never
 * decreasing, within the 14 s) and saved with cmd+s 0.5 s after each complete line
 * (tools/demo_scene.h: at 44/12 + 0.5 and (44 + 68)/12 + 0.5 s). */
static void check_keys(const char *dir)
{
    char path[4096], line[512];
    snprintf(path, sizeof(path), "%s/keys.jsonl", dir);
    FILE *f = fopen(path, "r");
    if (!f)
        die("%s: cannot open", path);
    int n = 0, saves = 0, typed = 0, bad = 0;
    double last = -1, save_t[4] = {0, 0, 0, 0};
    while (fgets(line, sizeof(line), f)) {
        json_object *o = json_tokener_parse(line), *t, *k, *d, *m;
        n++;
        if (!o || !json_object_object_get_ex(o, "t", &t) || !json_object_object_get_ex(o, "key", &k) ||
            !json_object_object_get_ex(o, "down", &d) || !json_object_get_boolean(d) ||
            json_object_get_double(t) < last || json_object_get_double(t) >= 14) {
            bad++;
        } else {
            last = json_object_get_double(t);
            if (json_object_object_get_ex(o, "modifiers", &m)) {
                int cmd_s = json_object_array_length(m) == 1 &&
                            !strcmp(json_object_get_string(json_object_array_get_idx(m, 0)), "cmd") &&
                            !strcmp(json_object_get_string(k), "s");
                if (cmd_s && saves < 4)
                    save_t[saves] = last;
                saves += cmd_s, bad += !cmd_s;
            } else {
                typed++;
            }
        }
        json_object_put(o);
    }
    fclose(f);
    check(!bad && n > 0, "keys.jsonl: %d lines, key-downs with times that never decrease, "
          "within 14 s (%d not)", n, bad);
    check(saves == 2 && fabs(save_t[0] - (44 / 12.0 + 0.5)) < 1e-4 &&
              fabs(save_t[1] - (112 / 12.0 + 0.5)) < 1e-4 && typed >= 80,
          "keys.jsonl: %d saves (cmd+s) at %.4f and %.4f s (2, at %.4f and %.4f), %d typed keys "
          "(at least 80)", saves, save_t[0], save_t[1], 44 / 12.0 + 0.5, 112 / 12.0 + 0.5, typed);
}

/* DIR/captions.srt: the documented cues, as SRT with CRLF line ends. */
static void check_captions_file(const char *dir)
{
    char path[4096], want[1024] = "", got[1024];
    snprintf(path, sizeof(path), "%s/captions.srt", dir);
    size_t o = 0;
    for (int i = 0; i < 3; i++) {
        long a = lround(demo_cues[i].a * 1000), b = lround(demo_cues[i].b * 1000);
        o += (size_t)snprintf(want + o, sizeof(want) - o,
                              "%s%d\r\n%02ld:%02ld:%02ld,%03ld --> %02ld:%02ld:%02ld,%03ld\r\n%s\r\n",
                              i ? "\r\n" : "", i + 1, a / 3600000, a / 60000 % 60, a / 1000 % 60,
                              a % 1000, b / 3600000, b / 60000 % 60, b / 1000 % 60, b % 1000,
                              demo_cues[i].text);
    }
    FILE *f = fopen(path, "rb");
    size_t n = f ? fread(got, 1, sizeof(got) - 1, f) : 0;
    got[n] = 0;
    if (f)
        fclose(f);
    check(f && !strcmp(got, want), "captions.srt: the three cues of tools/demo_scene.h (%zu bytes)",
          n);
}

static void check_inputs(const char *dir)
{
    char path[4096];
    Track tr;
    snprintf(path, sizeof(path), "%s/cursor.jsonl", dir);
    check_track(path, &tr);
    check_keys(dir);
    check_captions_file(dir);

    /* the screen recording */
    Media m;
    snprintf(path, sizeof(path), "%s/screen.mp4", dir);
    media_open(&m, path);
    if (m.vi < 0)
        die("%s has no video", path);
    AVStream *vs = m.fc->streams[m.vi];
    check(vs->codecpar->width == 1920 && vs->codecpar->height == 1080 &&
              vs->avg_frame_rate.num == 60 * vs->avg_frame_rate.den && m.ai >= 0,
          "screen.mp4: %dx%d, %d/%d fps, %s", vs->codecpar->width, vs->codecpar->height,
          vs->avg_frame_rate.num, vs->avg_frame_rate.den, m.ai >= 0 ? "audio" : "no audio");
    double dur = m.fc->duration / (double)AV_TIME_BASE;
    check(fabs(dur - 14) < 0.05, "screen.mp4: %.3f s long (14 s)", dur);
    /* the Pause button: the last click */
    if (tr.nd >= 1 && tr.nu >= 1) {
        PauseCtx pc;
        memset(&pc, 0, sizeof(pc));
        double td = tr.down[tr.nd - 1], tu = tr.up[tr.nu - 1];
        track_at(&tr, td, &pc.x, &pc.y);
        pc.want[0] = (int)floor((td - 0.1) * 60);
        pc.want[1] = (int)ceil(td * 60) + 1;
        pc.want[2] = (int)ceil(tu * 60) + 10;
        decode_all(&m, m.vi, pause_cb, &pc);
        /* #4b5563 up, #1f2937 held, #d97706 released: BT.709 limited luma 88, 50, 129 */
        check(abs(pc.luma[0] - 88) < 12 && abs(pc.luma[1] - 50) < 12 && abs(pc.luma[2] - 129) < 12,
              "screen.mp4: the button clicked at %.2f s (%g, %g) reacts: luma %d before "
              "(88), %d held (50), %d released (129)", td, pc.x, pc.y, pc.luma[0], pc.luma[1],
              pc.luma[2]);
    }
    media_close(&m);

    /* the webcam */
    snprintf(path, sizeof(path), "%s/camera.mp4", dir);
    media_open(&m, path);
    if (m.vi < 0)
        die("%s has no video", path);
    vs = m.fc->streams[m.vi];
    check(vs->codecpar->codec_id == AV_CODEC_ID_H264 && m.ai < 0 && m.fc->nb_streams == 1,
          "camera.mp4: H.264 (%s), no audio (%u streams)",
          avcodec_get_name(vs->codecpar->codec_id), m.fc->nb_streams);
    check(vs->codecpar->width == 640 && vs->codecpar->height == 480 &&
              vs->avg_frame_rate.num == 30 * vs->avg_frame_rate.den,
          "camera.mp4: %dx%d at %d/%d fps (640x480, 30)", vs->codecpar->width,
          vs->codecpar->height, vs->avg_frame_rate.num, vs->avg_frame_rate.den);
    CamCtx cc;
    memset(&cc, 0, sizeof(cc));
    int64_t n = decode_all(&m, m.vi, cam_cb, &cc);
    check(n == 420 && !cc.bad, "camera.mp4: %lld frames (420), barcode = frame number in all "
          "(%d wrong, first %d)", (long long)n, cc.bad, cc.bad ? cc.first_bad : -1);
    media_close(&m);

    /* the microphone */
    snprintf(path, sizeof(path), "%s/mic.m4a", dir);
    media_open(&m, path);
    check(m.ai >= 0 && m.vi < 0, "mic.m4a: one audio stream, no video");
    if (m.ai >= 0) {
        AVCodecParameters *ap = m.fc->streams[m.ai]->codecpar;
        check(ap->codec_id == AV_CODEC_ID_AAC && ap->ch_layout.nb_channels == 1 &&
                  ap->sample_rate == 48000,
              "mic.m4a: %s, %d channel(s), %d Hz (AAC, mono, 48000)",
              avcodec_get_name(ap->codec_id), ap->ch_layout.nb_channels, ap->sample_rate);
        Pcm p;
        load_pcm(path, &p, &m);
        double d = p.rate ? (double)p.n / p.rate : 0;
        double peak = 0;
        for (int64_t i = 0; i < p.n; i++)
            peak = fmax(peak, fabs(p.s[i]));
        double quiet = rms_db(&p, 0.05, 0.45), talk = rms_db(&p, 1.0, 3.5);
        /* the decoder gives the priming too: up to one AAC frame more */
        check(d >= 14 - 0.01 && d <= 14 + 0.05, "mic.m4a: %.3f s decoded (14 s)", d);
        check(quiet < -60 && talk > -30 && 20 * log10(peak + 1e-20) < -3,
              "mic.m4a: %.1f dBFS before 0.5 s (< -60), %.1f dBFS from 1 to 3.5 s (> -30), "
              "peak %.1f dBFS (< -3)", quiet, talk, 20 * log10(peak + 1e-20));
        free(p.s);
    }
    media_close(&m);
}

/* ------------------------------------------------------------------------------------------ */
/* output */

typedef struct Seg {
    double s0, s1, speed, o0, o1;
    double xf; /* cross-fade into it (output seconds) */
} Seg;

typedef struct OutCtx {
    Seg seg[16];
    int nseg;
    double zoom[16][2]; /* recording-time windows where a zoom is (partly) in */
    int nzoom;
    double az[4][2]; /* auto_zoom's segments, [start, end]: fully zoomed in */
    int naz;
    int az_want[64], az_got[64], az_expect[64], naz_want; /* frames sampled inside them */
    int caps;                                  /* the project has sources.captions */
    int cap_want[160], cap_in[160], cap_white[160], ncap; /* frames sampled for captions */
    double ox, oy, scale;
    int want[64], nwant, got[64], expect[64];
    double intro[4][3];      /* scenes with the "camera" layout, recording time: start, end,
                              * transition (the camera moves over [end, end + it), and
                              * after start when that is not 0) */
    int nintro;
    unsigned char *full;     /* per output frame: 1 in a "camera" scene, 2 near its edges */
    int64_t nfull;
    int full_n, full_bad, bg_n, bg_bad; /* corner samples in and out of those scenes */
    int cam;                 /* check the camera bubble */
    double bcx, bcy, br;     /* centre and radius of the middle of its border */
    int cam_frames, cam_bad; /* frames checked, frames without the border */
} OutCtx;

static void out_cb(void *o, const AVFrame *f, int64_t n)
{
    OutCtx *c = o;
    const int full = n < c->nfull ? c->full[n] : 0;
    if (c->nintro && full != 2 && n % 5 == 0) {
        /* the top-left corner's Cb: the camera's grey-blue top in a "camera" scene, else
         * the background's first stop (#4f46e5, Cb about 197) */
        const int cb = f->data[1][2 * f->linesize[1] + 2];
        if (full) {
            c->full_n++;
            if ((cb < 100 || cb > 160) && !c->full_bad++)
                printf("     output frame %lld: Cb %d at the top-left corner in the camera "
                       "layout\n", (long long)n, cb);
        } else {
            c->bg_n++;
            if (cb < 175 && !c->bg_bad++)
                printf("     output frame %lld: Cb %d at the top-left corner outside the camera "
                       "layout\n", (long long)n, cb);
        }
    }

    for (int i = 0; i < c->nwant; i++)
        if (c->want[i] == n)
            c->got[i] = barcode(f, 2, 1080, c->ox, c->oy, c->scale);
    for (int i = 0; i < c->naz_want; i++)
        if (c->az_want[i] == n)
            c->az_got[i] = barcode(f, 2, 1080, c->ox, c->oy, c->scale);
    /* the caption's text line: white glyphs (luma 235) in rows 985..1012, x 560..1359 */
    for (int i = 0; i < c->ncap; i++)
        if (c->cap_want[i] == n) {
            int w = 0;
            for (int y = 985; y < 1013; y++)
                for (int x = 560; x < 1360; x++)
                    w += f->data[0][(size_t)y * f->linesize[0] + x] >= 225;
            c->cap_white[i] = w;
        }
    if (full)
        return; /* the camera fills the output: no bubble */
    if (c->cam && n % 20 == 0) {
        /* four points of the white border: top, bottom, left, right */
        static const int dx[4] = {0, 0, -1, 1}, dy[4] = {-1, 1, 0, 0};
        int white = 0;
        for (int k = 0; k < 4; k++) {
            int x = (int)floor(c->bcx + dx[k] * c->br), y = (int)floor(c->bcy + dy[k] * c->br);
            white += f->data[0][(size_t)y * f->linesize[0] + x] > 200;
        }
        c->cam_frames++;
        if (white < 4 && !c->cam_bad++)
            printf("     output frame %lld: the bubble's border is white at %d of 4 points\n",
                   (long long)n, white);
    }
}

/* Notches (RBJ biquads, Q 8) at the screen's 440 Hz tone and 1 kHz beep, so what is left is
 * the voice. */
static void notch(Pcm *p, double f0)
{
    double w = 2 * PI * f0 / p->rate, al = sin(w) / (2 * 8), cw = cos(w);
    double b0 = 1, b1 = -2 * cw, b2 = 1, a0 = 1 + al, a1 = -2 * cw, a2 = 1 - al;
    double x1 = 0, x2 = 0, y1 = 0, y2 = 0;
    for (int64_t i = 0; i < p->n; i++) {
        double x = p->s[i], y = (b0 * x + b1 * x1 + b2 * x2 - a1 * y1 - a2 * y2) / a0;
        x2 = x1, x1 = x, y2 = y1, y1 = y;
        p->s[i] = (float)y;
    }
}

static void check_output(const char *project, const char *out, int cam)
{
    json_object *root = json_object_from_file(project), *v, *tl, *zm;
    if (!root)
        die("cannot read %s", project);
    const double src_dur = 14.0, fps = 60;
    OutCtx c;
    memset(&c, 0, sizeof(c));
    double t = 0;
    if (!json_object_object_get_ex(root, "timeline", &tl))
        die("%s: no timeline", project);
    for (size_t i = 0; i < json_object_array_length(tl) && c.nseg < 16; i++) {
        json_object *e = json_object_array_get_idx(tl, i);
        Seg *s = &c.seg[c.nseg++];
        s->s0 = json_object_object_get_ex(e, "start", &v) ? json_object_get_double(v) : 0;
        s->s1 = json_object_object_get_ex(e, "end", &v) ? json_object_get_double(v) : src_dur;
        s->speed = json_object_object_get_ex(e, "speed", &v) ? json_object_get_double(v) : 1;
        /* a cross-fade into this range overlaps the one before by its duration */
        json_object *tr, *ty, *du;
        s->xf = 0;
        if (json_object_object_get_ex(e, "transition", &tr) &&
            json_object_object_get_ex(tr, "type", &ty) &&
            !strcmp(json_object_get_string(ty), "crossfade"))
            s->xf = json_object_object_get_ex(tr, "duration", &du) ? json_object_get_double(du)
                                                                   : 0.5;
        t -= s->xf;
        s->o0 = t;
        t += (s->s1 - s->s0) / s->speed;
        s->o1 = t;
    }
    if (json_object_object_get_ex(root, "zoom", &zm))
        for (size_t i = 0; i < json_object_array_length(zm) && c.nzoom < 16; i++) {
            json_object *e = json_object_array_get_idx(zm, i);
            double tr = json_object_object_get_ex(e, "transition", &v) ? json_object_get_double(v)
                                                                       : 0.6;
            json_object_object_get_ex(e, "start", &v);
            c.zoom[c.nzoom][0] = json_object_get_double(v) - tr;
            json_object_object_get_ex(e, "end", &v);
            c.zoom[c.nzoom][1] = json_object_get_double(v) + tr;
            c.nzoom++;
        }
    json_object *scn;
    if (json_object_object_get_ex(root, "scenes", &scn))
        for (size_t i = 0; i < json_object_array_length(scn) && c.nintro < 4; i++) {
            json_object *e = json_object_array_get_idx(scn, i);
            if (!json_object_object_get_ex(e, "layout", &v) ||
                strcmp(json_object_get_string(v), "camera"))
                continue;
            json_object_object_get_ex(e, "start", &v);
            c.intro[c.nintro][0] = json_object_get_double(v);
            json_object_object_get_ex(e, "end", &v);
            c.intro[c.nintro][1] = json_object_get_double(v);
            c.intro[c.nintro][2] = json_object_object_get_ex(e, "transition", &v)
                                       ? json_object_get_double(v) : 0;
            c.nintro++;
        }
    json_object *src;
    c.caps = json_object_object_get_ex(root, "sources", &src) &&
             json_object_object_get_ex(src, "captions", &v);
    /* auto_zoom (docs/project-format.md, "Zooms from clicks"): the clicks grouped, each group
     * a segment unless it overlaps a hand-written zoom, transitions included */
    json_object *az;
    if (json_object_object_get_ex(root, "auto_zoom", &az)) {
        double merge = 1.5, before = 0.3, after = 1.2, atr = 0.6;
        if (json_object_object_get_ex(az, "merge", &v))
            merge = json_object_get_double(v);
        if (json_object_object_get_ex(az, "before", &v))
            before = json_object_get_double(v);
        if (json_object_object_get_ex(az, "after", &v))
            after = json_object_get_double(v);
        if (json_object_object_get_ex(az, "transition", &v))
            atr = json_object_get_double(v);
        const int nhand = c.nzoom;
        for (int i = 0; i < 3;) {
            int j = i + 1;
            while (j < 3 && (demo_clicks[j] - demo_clicks[j - 1] <= merge ||
                             demo_clicks[j] - before - atr < demo_clicks[j - 1] + after + atr))
                j++;
            double a = fmax(0, demo_clicks[i] - before), b = demo_clicks[j - 1] + after;
            int clash = 0;
            for (int k = 0; k < nhand; k++) /* the windows hold the hand-written transitions */
                clash |= a - atr < c.zoom[k][1] && c.zoom[k][0] < b + atr;
            if (!clash && c.naz < 4 && c.nzoom < 16) {
                c.az[c.naz][0] = a, c.az[c.naz][1] = b, c.naz++;
                c.zoom[c.nzoom][0] = a - atr, c.zoom[c.nzoom][1] = b + atr, c.nzoom++;
            }
            i = j;
        }
    }
    /* fitted geometry (docs/project-format.md) for 1920x1080 into 1920x1080 */
    json_object_object_get_ex(root, "padding", &v);
    double pad = json_object_get_double(v), m = pad * 1080;
    double s = fmin((1920 - 2 * m) / 1920, (1080 - 2 * m) / 1080);
    double rw = round(1920 * s), rh = round(1080 * s);
    c.ox = 2 * round((1920 - rw) / 4);
    c.oy = 2 * round((1080 - rh) / 4);
    c.scale = rw / 1920;
    c.cam = cam;
    if (cam) {
        json_object *co;
        if (!json_object_object_get_ex(root, "camera", &co))
            die("%s: no camera", project);
        double size = json_object_object_get_ex(co, "size", &v) ? json_object_get_double(v) : 0;
        double mg = json_object_object_get_ex(co, "margin", &v) ? json_object_get_double(v) : 0;
        double bd = json_object_object_get_ex(co, "border", &v) ? json_object_get_double(v) : 0;
        double bw = 2 * round(size * 1080 / 2);
        double x0 = 2 * round((1920 - mg * 1080 - bw) / 2), y0 = 2 * round((1080 - mg * 1080 - bw) / 2);
        c.bcx = x0 + bw / 2.0;
        c.bcy = y0 + bw / 2.0;
        c.br = bw / 2.0 - bd / 2;
        if (bd < 3)
            die("%s: the camera border is too thin to check", project);
    }
    json_object_put(root);

    int64_t frames = (int64_t)floor(t * fps + 0.5);
    Media me;
    media_open(&me, out);
    if (me.vi < 0)
        die("%s has no video", out);
    /* the frames in a "camera" scene (docs/project-format.md, Scenes: start <= t < end in
     * recording time), a frame's margin either side left unjudged */
    if (c.nintro && !(c.full = calloc((size_t)frames + 1, 1)))
        die("out of memory");
    c.nfull = c.nintro ? frames : 0;
    for (int64_t n = 0; n < c.nfull; n++) {
        double to = n / fps;
        for (int i = 0; i < c.nseg; i++)
            if (to >= c.seg[i].o0 - 1e-9 && to < c.seg[i].o1 - 1e-9) {
                double tr = c.seg[i].s0 + (to - c.seg[i].o0) * c.seg[i].speed;
                for (int k = 0; k < c.nintro; k++) {
                    const double *in = c.intro[k], moves_in = in[0] > 0 ? in[2] : 0;
                    if (tr >= in[0] - 1.0 / fps && tr < in[1] + in[2] + 1.0 / fps)
                        c.full[n] = tr >= in[0] + moves_in + 1.0 / fps &&
                                    tr < in[1] - 1.0 / fps ? 1 : 2;
                }
                break;
            }
    }
    /* sample: every 5th output frame where no zoom is in */
    for (int64_t n = 0; n < frames && c.nwant < 64; n += 5) {
        double to = n / fps, tr = -1;
        for (int i = 0; i < c.nseg; i++)
            if (to >= c.seg[i].o0 - 1e-9 && to < c.seg[i].o1 - 1e-9) {
                tr = c.seg[i].s0 + (to - c.seg[i].o0) * c.seg[i].speed;
                break;
            }
        if (n < c.nfull && c.full[n])
            continue; /* no screen in the camera layout */
        int zoomed = 0, mixed = 0; /* a cross-fade shows two recording frames at once */
        for (int i = 0; i < c.nseg; i++)
            mixed |= c.seg[i].xf > 0 && to > c.seg[i].o0 - 0.05 && to < c.seg[i].o0 + c.seg[i].xf + 0.05;
        if (mixed)
            continue;
        if (c.caps && tr >= 0 && c.ncap < 160) { /* clear of a cue's first and last frame */
            int in = 0, edge = 0;
            for (int i = 0; i < 3; i++) {
                in |= tr >= demo_cues[i].a && tr < demo_cues[i].b;
                edge |= fabs(tr - demo_cues[i].a) < 0.05 || fabs(tr - demo_cues[i].b) < 0.05;
            }
            if (!edge)
                c.cap_want[c.ncap] = (int)n, c.cap_in[c.ncap++] = in;
        }
        for (int i = 0; i < c.nzoom; i++)
            zoomed |= tr > c.zoom[i][0] - 0.05 && tr < c.zoom[i][1] + 0.05;
        for (int i = 0; i < c.naz; i++) /* inside an auto zoom: the barcode is out of view */
            if (tr > c.az[i][0] + 0.05 && tr < c.az[i][1] - 0.05 && c.naz_want < 64) {
                c.az_want[c.naz_want] = (int)n, c.az_got[c.naz_want] = -1;
                c.az_expect[c.naz_want++] = (int)floor(tr * 60 + 1e-6);
            }
        if (tr < 0 || zoomed)
            continue;
        c.want[c.nwant] = (int)n;
        c.expect[c.nwant] = (int)floor(tr * 60 + 1e-6);
        c.got[c.nwant] = -1;
        c.nwant++;
    }
    int64_t n = decode_all(&me, me.vi, out_cb, &c);
    check(n == frames, "output: %lld frames; the timeline makes %.3f s = %lld frames at 60 fps",
          (long long)n, t, (long long)frames);
    int wrong = 0;
    for (int i = 0; i < c.nwant; i++)
        if (c.got[i] != c.expect[i]) {
            if (!wrong)
                printf("     output frame %d shows recording frame %d, expected %d\n", c.want[i],
                       c.got[i], c.expect[i]);
            wrong++;
        }
    check(c.nwant >= 20 && !wrong, "output: %d unzoomed frames show the recording frame the "
          "timeline (cut, 2x, cross-fade) maps them to (%d wrong)", c.nwant, wrong);

    if (c.caps) {
        int on = 0, off = 0, bad = 0;
        for (int i = 0; i < c.ncap; i++) {
            on += c.cap_in[i], off += !c.cap_in[i];
            if (c.cap_in[i] != (c.cap_white[i] >= 2000) && !bad++)
                printf("     output frame %d: %d white pixels on the caption's line, cue %s\n",
                       c.cap_want[i], c.cap_white[i], c.cap_in[i] ? "on" : "off");
        }
        check(on >= 20 && off >= 5 && !bad, "output: captions (white text, >= 2000 pixels of the "
              "line) in the %d frames sampled during the cues and in none of %d outside (%d "
              "wrong)", on, off, bad);
    }
    if (c.naz) {
        int shown = 0;
        for (int i = 0; i < c.naz_want; i++)
            shown += c.az_got[i] == c.az_expect[i];
        check(c.naz_want >= 5 && !shown, "output: %d auto zoom segment(s) from the clicks, the "
              "first %.2f-%.2f s: %d frames sampled inside are zoomed (the unzoomed picture's "
              "barcode is readable in %d)", c.naz, c.az[0][0], c.az[0][1], c.naz_want, shown);
    }
    if (c.nintro)
        check(c.full_n >= 5 && !c.full_bad && c.bg_n >= 20 && !c.bg_bad, "output: scenes: the "
              "camera fills the output in the %d frames sampled in its \"camera\" scenes (the "
              "top-left corner is the camera's, %d wrong) and the background is back in the %d "
              "sampled outside (%d wrong)", c.full_n, c.full_bad, c.bg_n, c.bg_bad);
    free(c.full);
    if (cam)
        check(c.cam_frames > 20 && !c.cam_bad, "output: the camera bubble's border is there in "
              "%d of %d frames checked (every 20th)", c.cam_frames - c.cam_bad, c.cam_frames);
    check(me.ai >= 0, "output: has audio");
    if (me.ai >= 0) {
        Pcm p;
        load_pcm(out, &p, &me);
        double d = p.rate ? (double)p.n / p.rate : 0;
        check(fabs(d - t) < 0.05, "output: %.3f s of audio decoded (%.3f s)", d, t);
        notch(&p, 440);
        notch(&p, 1000);
        /* the voice is silent before 0.5 s and speaks from 1 to 3.5 s of the recording (the
         * first range of the timeline keeps both at 1x) */
        double quiet = rms_db(&p, 0.15, 0.45), talk = rms_db(&p, 1.0, 3.5);
        check(talk > quiet + 12, "output: the microphone is heard: %.1f dBFS outside the "
              "screen's tones while it speaks, %.1f dBFS while it is silent", talk, quiet);
        free(p.s);
    }
    media_close(&me);
}

int main(int argc, char **argv)
{
    av_log_set_level(AV_LOG_ERROR);
    if (argc == 3 && !strcmp(argv[1], "inputs"))
        check_inputs(argv[2]);
    else if ((argc == 4 || (argc == 5 && !strcmp(argv[4], "--expect-camera"))) &&
             !strcmp(argv[1], "output"))
        check_output(argv[2], argv[3], argc == 5);
    else
        die("usage: check_demo inputs DIR | check_demo output PROJECT.json OUT.mp4 "
            "[--expect-camera]");
    printf("%s\n", g_fail ? "FAIL" : "PASS");
    return g_fail;
}
