/* The export pipeline: a decode thread feeds decoded frames, by reference, through a bounded
 * queue to the compose -> encode -> mux loop. The composed frame comes from the compositor's
 * pool and is the encoder's input as it is (no copy). */
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "audio.h"
#include "chunk.h"
#include "compose.h"
#include "encode.h"
#include "format.h"
#include "gif.h"
#include "internal.h"
#include "media_picture.h"
#include "matte.h"
#include "passthrough.h"
#include "pipeline.h"
#include "remux.h"
#include "scene.h"
#include "soft.h"
#include "source.h"

#define QUEUE_CAP 2 /* decoded frames ahead of compose: more bought no speed, only memory */

typedef struct Item {
    AVFrame *f;
    double t;
} Item;

typedef struct Decoder {
    VxSource *src;
    VxQueue *q; /* decoded frames (Item), QUEUE_CAP of them */
    const VxCancel *cancel;
    const VxTimeline *tl;
    double start;           /* recording time of the first frame needed */
    int seg0;               /* and its range of the timeline */
    double start_gap;       /* seek to start when it is further than this */
    double busy, wait_full; /* --stats, written by the decode thread, read after the join */
    int64_t frames;
} Decoder;

/* A cut longer than this is skipped by seeking rather than decoded through. */
#define SEEK_GAP_S 3.0


static void free_item(void *p)
{
    av_frame_free(&((Item *)p)->f);
}

static void *decode_thread(void *arg)
{
    Decoder *d = arg;
    const VxTimeline *tl = d->tl;
    int err = 0, seg = d->seg0;
    double last_t = -1e300;
    if (d->start > d->start_gap)
        vx_source_seek(d->src, d->start);
    for (;;) {
        if (vx_cancel_is_set(d->cancel)) {
            err = VX_ECANCELED;
            break;
        }
        Item it = {0};
        double t0 = vx_now_s();
        int ret = vx_source_read(d->src, &it.f, &it.t);
        d->busy += vx_now_s() - t0;
        if (ret == AVERROR_EOF)
            break;
        if (ret < 0) {
            err = ret;
            break;
        }
        if (it.t <= last_t) { /* a seek lands on an earlier keyframe: already delivered */
            av_frame_free(&it.f);
            continue;
        }
        last_t = it.t;
        while (seg + 1 < tl->n_segs && it.t >= tl->segs[seg].src_end) {
            seg++;
            if (tl->segs[seg].src_start - it.t > SEEK_GAP_S)
                vx_source_seek(d->src, tl->segs[seg].src_start);
        }
        if (seg == tl->n_segs - 1 && it.t > tl->segs[seg].src_end + 1) {
            av_frame_free(&it.f); /* past the last kept range: done */
            break;
        }
        d->frames++;
        if ((ret = vx_queue_push(d->q, &it, &d->wait_full)) < 0) {
            av_frame_free(&it.f); /* cancelled, or the loop gave up */
            err = ret == VX_ECANCELED ? ret : 0;
            break;
        }
    }
    vx_queue_finish(d->q, err);
    return NULL;
}

/* Reports `frames` of pr->total written since t0 to the progress callback; done marks the
 * final call after a successful export. */
static void report(const VxExportOptions *o, VxProgress *pr, int64_t frames, double t0, int done)
{
    if (!o->progress_cb)
        return;
    pr->frame = frames;
    pr->elapsed_s = vx_now_s() - t0;
    pr->fps = pr->elapsed_s > 0 ? frames / pr->elapsed_s : 0;
    pr->eta_s = done ? 0 : pr->fps > 0 ? (pr->total - frames) / pr->fps : -1;
    pr->done = done;
    o->progress_cb(o->progress_opaque, pr);
}

typedef struct Sink {
    VxMuxer *mux;
    AVRational tb;
    int idx;
    double *mux_s; /* --stats: time in the muxer, taken out of the caller's stage */
    const VxCancel *cancel; /* a cancelled job stops taking packets: the encoder's flush and the
                           audio's tail are abandoned, not awaited */
} Sink;

static int write_packet(void *opaque, AVPacket *pkt)
{
    Sink *s = opaque;
    if (vx_cancel_is_set(s->cancel))
        return VX_ECANCELED;
    double t0 = vx_now_s();
    int ret = vx_muxer_write(s->mux, s->idx, pkt, s->tb);
    *s->mux_s += vx_now_s() - t0;
    return ret;
}

/* The thread budget (VxSettings.threads): n CPUs shared by decoding, composing and encoding.
 * Decoding a screen recording is the lightest stage: one thread (the decode thread itself)
 * up to 15 CPUs, then one more per 8, at most 4. Composing runs on the job's thread, which
 * otherwise only waits for the encoder's frame threads; from 8 CPUs on it also draws slices
 * of rows on more threads, n/4 in all (at most 4), which work only while a frame is drawn.
 * The encoder gets 1.5 frame threads per core (x264's own default), less the other stages'
 * extra threads: its frame threads wait on each other's rows, and the extra half keeps the
 * cores busy meanwhile (on 2 cores, 1080p60: 3 encoder threads export 7-10% faster than 2). */
static void split_threads(int n, int *dec, int *comp, int *enc)
{
    *dec = n / 8 < 1 ? 1 : n / 8 > 4 ? 4 : n / 8;
    *comp = n < 8 ? 1 : n / 4 > 4 ? 4 : n / 4;
    *enc = n < 2 ? 1 : 3 * n / 2 - (*dec - 1) - (*comp - 1);
}

static int online_cpus(void)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n < 1 ? 1 : n > 256 ? 256 : (int)n;
}

/* Long exports: packets and audio frames come and go on several threads, and glibc keeps the
 * pages they leave free inside its heaps, so the resident size of a 30-minute export crept up
 * by 6-10 % (docs/reliability.md, soak). Handing whole free pages back every 5 s of output
 * leaves only the muxer's index to grow. Only free memory is touched; a call takes 0.1-0.2 ms.
 * It acts on the whole process's heap, so only when VxSettings.trim_heap asks (the tool does). */
static void give_back_free_pages(void)
{
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

static void finish_stats(VxStats *st, double t0)
{
    struct rusage ru;
    st->wall_s = vx_now_s() - t0;
    if (getrusage(RUSAGE_SELF, &ru) == 0)
        st->peak_rss_kib = ru.ru_maxrss;
}

/* The software encoder for the codec (hardware ones are tried first for H.264 and HEVC). */
static const char *default_encoder(int codec)
{
    switch (codec) {
    case VX_CODEC_HEVC: return "libx265";
    case VX_CODEC_VP9: return "libvpx-vp9";
    case VX_CODEC_PRORES: return "prores_ks";
    case VX_CODEC_GIF: return "gif";
    case VX_CODEC_AV1:
        /* libaom first: SVT-AV1 1.4 hangs when closed without a flush (a failed or
         * cancelled export); --encoder libsvtav1 names it */
        return avcodec_find_encoder_by_name("libaom-av1") ? "libaom-av1" : "libsvtav1";
    default: return "libx264";
    }
}

typedef struct RemuxReport {
    const VxExportOptions *o;
    VxProgress pr;
    double t0;
} RemuxReport;

static void remux_progress(void *opaque, int64_t frames, int64_t total, double duration,
                           int done)
{
    RemuxReport *r = opaque;
    r->pr.total = total;
    r->pr.duration_s = duration;
    report(r->o, &r->pr, frames, r->t0, done);
}

/* The compose side of the queue: the source frame shown now and the one after it. */
typedef struct Feed {
    VxContext *ctx;
    const VxProject *p;
    const VxSourceInfo *si;
    VxQueue *q;
    Item cur, next;
    int have_next, src_done;
    double *waited;
} Feed;

/* Composes the output for recording time trec (the last source frame shown then) through view
 * at output time t into *opic. */
static int compose_at(Feed *fd, VxCompose *comp, double trec, const VxZoomView *view, double t,
                      VxPicture *opic)
{
    const double eps = 1e-4;
    int ret;
    for (;;) {
        if (!fd->have_next && !fd->src_done) {
            ret = vx_queue_pop(fd->q, &fd->next, fd->waited);
            if (ret < 0)
                return ret;
            fd->have_next = ret == 1;
            fd->src_done = ret == 0;
        }
        if (fd->have_next && (!fd->cur.f || fd->next.t <= trec + eps)) {
            av_frame_free(&fd->cur.f);
            fd->cur = fd->next;
            fd->next.f = NULL;
            fd->have_next = 0;
            continue;
        }
        break;
    }
    if (!fd->cur.f)
        return vx_fail(fd->ctx, VX_ERR(EINVAL), "%s: no video frame could be decoded",
                       fd->p->screen);
    const double dur = fd->si->duration;
    if (fd->src_done && !fd->have_next && fd->cur.t < dur - fmax(0.5, 0.1 * dur) &&
        trec > fd->cur.t + 0.5)
        return vx_fail(fd->ctx, VX_ERR(EINVAL), "%s: the file is truncated or damaged: its "
                       "video ends at %.2f s of the %.2f s it declares", fd->p->screen,
                       fd->cur.t, dur);
    VxPicture spic;
    if ((ret = vx_picture_from_frame(&spic, fd->cur.f)) < 0)
        return ret;
    ret = vx_compose_next(comp, &spic, view, trec, t, opic);
    vx_picture_unref(&spic);
    return ret;
}

/* The same output composed by each of nc compositors (one; two for a transparent export:
 * over black and over white) into opic[0..nc): the source frame is chosen once, by the
 * first. */
static int compose_all(Feed *fd, VxCompose *const *comps, int nc, double trec,
                       const VxZoomView *view, double t, VxPicture *opic)
{
    for (int k = 0; k < nc; k++) {
        int ret = compose_at(fd, comps[k], trec, view, t, &opic[k]);
        if (ret < 0) {
            while (k--)
                vx_picture_unref(&opic[k]);
            return ret;
        }
    }
    return 0;
}

/* A cross-fade's outgoing side: its outputs for frames [first, first + n), composed before
 * the incoming side's (its source frames come first); nc pictures a frame. */
typedef struct Outgoing {
    int seg; /* the range faded into; 0: none held */
    int64_t first;
    int n, cap, nc;
    VxPicture *pics;
} Outgoing;

static void outgoing_clear(Outgoing *og)
{
    for (int i = 0; i < og->n * og->nc; i++)
        vx_picture_unref(&og->pics[i]);
    og->n = 0;
    og->seg = 0;
}

/* Output frame n, of output time t, when it lies in the cross-fade into range seg with weight
 * w: the range before's output (composed for the whole fade, up to frame n1, the first time)
 * mixed with seg's. */
static int compose_crossfade(Feed *fd, VxCompose *const *comps, const VxScene *scene,
                             Outgoing *og, int64_t n, int64_t n1, int seg, double w,
                             VxPicture *opic)
{
    const int nc = og->nc;
    const VxTimeline *tl = vx_scene_timeline(scene);
    double trec;
    VxZoomView view;
    int ret;
    if (og->seg != seg || n < og->first || n >= og->first + og->n) {
        outgoing_clear(og);
        og->first = n;
        int s2;
        double w2;
        for (int64_t m = n; m < n1; m++) {
            const double tm = vx_timeline_time(tl, m);
            if (!vx_timeline_crossfade(tl, tm, &s2, &w2) || s2 != seg)
                break;
            if (og->n == og->cap) {
                const int cap = og->cap ? 2 * og->cap : 64;
                VxPicture *np = realloc(og->pics, (size_t)cap * nc * sizeof(*np));
                if (!np)
                    return VX_ERR(ENOMEM);
                og->pics = np, og->cap = cap;
            }
            vx_scene_at_range(scene, seg - 1, tm, &trec, &view);
            if ((ret = compose_all(fd, comps, nc, trec, &view, tm, &og->pics[og->n * nc])) < 0)
                return ret;
            og->n++;
        }
        og->seg = seg;
    }
    const double t = vx_timeline_time(tl, n);
    VxPicture in[2];
    vx_scene_at_range(scene, seg, t, &trec, &view);
    if ((ret = compose_all(fd, comps, nc, trec, &view, t, in)) < 0)
        return ret;
    VxPicture *outp = &og->pics[(n - og->first) * nc];
    int mixed = 0;
    for (int k = 0; k < nc; k++) {
        /* mixing is linear: the mix of the black composites is the black composite of the
         * mix, and so for white */
        if (ret >= 0 && (ret = vx_compose_mix(comps[k], &outp[k], &in[k], w, &opic[k])) >= 0)
            mixed++;
        vx_picture_unref(&in[k]);
        vx_picture_unref(&outp[k]);
    }
    for (int k = 0; ret < 0 && k < mixed; k++)
        vx_picture_unref(&opic[k]);
    return ret;
}

/* A transparent export's frame: the alpha and colour of the composites over black and over
 * white (src/matte.c), in 10-bit 4:4:4 with alpha, ProRes 4444's input. */
static int matte_frame(const VxMatte *m, const VxPicture *black, const VxPicture *white,
                       AVFrame **out)
{
    AVFrame *f = av_frame_alloc();
    if (!f)
        return VX_ERR(ENOMEM);
    f->format = AV_PIX_FMT_YUVA444P10LE;
    f->width = black->w;
    f->height = black->h;
    if (av_frame_get_buffer(f, 0) < 0) {
        av_frame_free(&f);
        return VX_ERR(ENOMEM);
    }
    uint16_t *const dst[4] = {(uint16_t *)f->data[0], (uint16_t *)f->data[1],
                              (uint16_t *)f->data[2], (uint16_t *)f->data[3]};
    const ptrdiff_t stride[4] = {f->linesize[0] / 2, f->linesize[1] / 2, f->linesize[2] / 2,
                                 f->linesize[3] / 2};
    vx_matte_rows(m, black, white, dst, stride, 0, black->h);
    /* the colour tags, as the opaque export's (prores_ks writes the frame's in its headers) */
    vx_frame_set_color(f, black->matrix);
    *out = f;
    return 0;
}

/* The GIF writer on a thread of its own: the composed frames (Item, by reference: the
 * compositor's pooled buffers) reach it through a small queue, so that composing frame n+1
 * overlaps writing frame n (on 2 cores the writer and the compositor were one thread's
 * sequence while the decoder's thread often waited). The writer is sequential in itself. */
typedef struct GifWriter {
    VxGif *gif;
    VxQueue *q;
    double fps;
    int err;     /* the writer's first error, read after the join */
    double busy; /* --stats: seconds in the writer */
} GifWriter;

static int gif_add(GifWriter *gw, const Item *it)
{
    const AVFrame *f = it->f;
    const double ts = vx_now_s();
    const int ret = f->format != AV_PIX_FMT_NV12
                        ? VX_ERR(EINVAL)
                        : vx_gif_add_nv12(gw->gif, f->data[0], f->linesize[0], f->data[1],
                                          f->linesize[1], it->t);
    gw->busy += vx_now_s() - ts;
    return ret;
}

static void *gif_thread(void *arg)
{
    GifWriter *gw = arg;
    for (;;) {
        Item it;
        int ret = vx_queue_pop(gw->q, &it, NULL);
        if (ret <= 0) {
            gw->err = ret;
            break;
        }
        ret = gif_add(gw, &it);
        av_frame_free(&it.f);
        if (ret < 0) {
            gw->err = ret;
            vx_queue_abort(gw->q); /* the compositor's next push is refused */
            break;
        }
    }
    return NULL;
}

/* A GIF export's frame rate and width (the height follows the canvas's shape). */
typedef struct GifOut {
    double fps;
    int width;
    int loop;
    int64_t bytes; /* out: the file's size */
} GifOut;

static int pipeline_run(VxContext *ctx, const VxProject *p_in, const VxExportOptions *o,
                        const VxCancel *cancel, VxStats *st, GifOut *go)
{
    VxGif *gif = NULL;
    char gif_tmp[4096] = "";
    int gif_direct = 0;
    VxProject gp;
    VxSource *src = NULL;
    VxMuxer *mux = NULL;
    VxEncoder *enc = NULL;
    VxCompose *comp = NULL, *comp_white = NULL; /* comp_white: a transparent export's */
    VxProject white;
    VxMatte matte;
    VxScene *scene = NULL;
    VxAudio *aud = NULL;
    VxCutPlan *plan = NULL;
    VxSoft *soft = NULL; /* captions.soft, captions.sidecar */
    int soft_idx = -1;
    Decoder dec;
    VxThread thr = {0}, gthr = {0};
    GifWriter gw = {0};
    int ret;
    Feed fd = {0};
    Outgoing og = {.nc = 1};
    memset(&dec, 0, sizeof(dec));
    const double t0 = vx_now_s();
    memset(st, 0, sizeof(*st));
    /* the container and codec, refused up front when they cannot go together; p is the
     * project with them resolved (a shallow copy: it shares p_in's allocations) */
    VxOutputFormat of;
    char why_fmt[512];
    if ((ret = vx_output_resolve(p_in, o->output_path, &of, why_fmt, sizeof(why_fmt))) < 0)
        return vx_fail(ctx, ret, "%s", why_fmt);
    if (of.alpha && o->chunk_count > 0)
        return vx_fail(ctx, VX_ERR(EINVAL), "background \"transparent\": a transparent "
                       "export is not made in chunks (--chunk); render it whole");
    VxProject resolved = *p_in;
    resolved.format = of.format;
    resolved.codec = of.codec;
    if (!of.audio)
        resolved.audio_mode = VX_AUDIO_NONE;
    const VxProject *p = &resolved;

    if ((ret = vx_source_open(ctx, p->screen, &src)) < 0)
        goto end;
    const VxSourceInfo *si = vx_source_info(src);
    VxLayout l;
    if ((ret = vx_layout_compute(ctx, p, si->width, si->height, &l)) < 0)
        goto end;
    if (go) { /* GIF: the frame rate and size reduced, the canvas's shape kept */
        gp = *p;
        gp.fps = go->fps;
        if (go->width > 0 && go->width < l.W) {
            gp.width = (go->width + 1) & ~1;
            gp.height = ((int)lround((double)l.H * gp.width / l.W) + 1) & ~1;
            if (gp.height < 16)
                gp.height = 16;
        }
        p = &gp;
        if ((ret = vx_layout_compute(ctx, p, si->width, si->height, &l)) < 0)
            goto end;
        go->width = l.W;
        /* A GIF is RGB in the end, so its composite can stay in the recording's own matrix
         * (the GIF writer converts with it): otherwise a 1080p recording of a GIF under 720
         * lines had every decoded frame, shown or not, converted to 4:4:4 BT.601 at full size
         * on the decode thread (9 of the demo's 12 s) */
        if (si->matrix == VX_MATRIX_BT709 || si->matrix == VX_MATRIX_BT601)
            l.matrix = si->matrix;
    }
    if ((ret = vx_scene_open(ctx, p, si, &scene)) < 0)
        goto end;
    const VxTimeline *tl = vx_scene_timeline(scene);
    vx_source_set_output_color(src, l.matrix, VX_RANGE_LIMITED);
    /* the frames' chroma layout depends on the colour conversion */
    l.sub_x = si->sub_x, l.sub_y = si->sub_y, l.cx = si->chroma_x, l.cy = si->chroma_y;
    vx_log(ctx, VX_LOG_VERBOSE, "output %dx%d, screen %dx%d at (%d,%d), %" PRId64 " frames at %d/%d fps",
           l.W, l.H, l.rw, l.rh, l.x, l.y, tl->frames, tl->fps.num, tl->fps.den);
    if (go) {
        gif_direct = vx_path_special(o->output_path); /* /dev/null: written in place */
        snprintf(gif_tmp, sizeof(gif_tmp), gif_direct ? "%s" : "%s.part", o->output_path);
        VxGifParams gpar = {.width = l.W, .height = l.H, .loop = go->loop,
                            .bt709 = l.matrix == VX_MATRIX_BT709};
        if ((ret = vx_gif_open(&gif, gif_tmp, &gpar)) < 0) {
            ret = vx_fail(ctx, ret, "%s: cannot write the GIF", gif_tmp);
            goto end;
        }
    } else if ((ret = vx_muxer_open(ctx, o->output_path, of.muxer, &mux)) < 0) {
        goto end;
    }
    int64_t n0 = 0, n1 = tl->frames; /* the output frames this export renders */
    const int chunk = o->chunk_count > 0;
    if (go && chunk) {
        ret = vx_fail(ctx, VX_ERR(EINVAL), "%s: a GIF is not made in chunks (--chunk)",
                      o->output_path);
        goto end;
    }
    if (chunk && (ret = vx_chunk_begin(ctx, p, o, tl, mux, &n0, &n1)) < 0)
        goto end;
    if ((ret = vx_soft_open(ctx, p, tl, o->output_path, &soft)) < 0)
        goto end;
    if (soft && (chunk || (go && soft->track))) {
        ret = vx_fail(ctx, VX_ERR(EINVAL), "%s: captions.%s: %s", o->output_path,
                      soft->track ? "soft" : "sidecar",
                      chunk ? "soft captions are not made in chunks (--chunk); export whole"
                            : "a GIF takes no subtitle track (captions.sidecar writes them "
                              "beside it)");
        goto end;
    }
    const char *why = "a chunk is encoded (--chunk)";
    if (go)
        why = "GIF output";
    if (of.alpha)
        why = "a transparent background (ProRes 4444 with alpha)";
    const int mode = chunk || go || of.alpha ? -1 /* composite */
                           : vx_passthrough_mode(p, o, si, avformat_query_codec(
                                 vx_muxer_format(mux), si->codec_id, FF_COMPLIANCE_NORMAL) == 1,
                                                 &why);
    char why_cuts[192];
    if (mode == VX_PASS_REMUX_CUTS) {
        if ((ret = vx_cuts_plan(ctx, p->screen, tl, si, p->audio_mode != VX_AUDIO_NONE, &plan,
                                why_cuts, sizeof(why_cuts))) < 0)
            goto end;
        why = plan ? NULL : why_cuts;
    }
    if (!why) {
        if (!plan) /* vx_cuts_plan said what it copies */
            vx_log(ctx, VX_LOG_VERBOSE, "passthrough: copying the recording as it is (nothing "
                   "changes it)");
        st->mode = plan ? "remux-cuts" : "remux";
        const double tr = vx_now_s();
        RemuxReport rr = {o, {.mode = st->mode}, vx_now_s()};
        ret = vx_remux_run(ctx, p->screen, p->audio_mode != VX_AUDIO_NONE, si, mux, plan,
                           cancel, remux_progress, &rr);
        st->mux_s = vx_now_s() - tr;
        goto end;
    }
    vx_log(ctx, VX_LOG_VERBOSE, "composite path: %s", why);
    st->mode = "composite";
    st->threads = o->threads > 0 ? o->threads : ctx->s.threads > 0 ? ctx->s.threads
                                                                    : online_cpus();
    split_threads(st->threads, &st->decode_threads, &st->compose_threads, &st->encode_threads);
    if ((ret = vx_source_setup_decoder(src, o->hwaccel, st->decode_threads, st->hwaccel,
                                       sizeof(st->hwaccel))) < 0)
        goto end;
    if (*st->hwaccel)
        st->decode_threads = 1; /* the device decodes; one thread feeds it */
    /* decoding starts now, overlapping the encoder's start-up and the static layer */
    dec.src = src;
    dec.cancel = cancel;
    dec.tl = tl;
    dec.start = vx_timeline_src_time(tl, vx_timeline_time(tl, n0), &dec.seg0);
    dec.start_gap = chunk ? 0 : SEEK_GAP_S; /* a chunk decodes from the keyframe before it */
    if ((ret = vx_queue_create(QUEUE_CAP, sizeof(Item), free_item, cancel, &dec.q)) < 0)
        goto end;
    if (vx_thread_start(&thr, decode_thread, &dec) < 0) {
        ret = vx_fail(ctx, VX_ERR(EAGAIN), "cannot start the decode thread");
        goto end;
    }
    if (go) {
        snprintf(st->encoder, sizeof(st->encoder), "gif");
        st->encode_threads = 1;
        if ((ret = vx_compose_create(ctx, p, scene, &l, VX_LAYOUT_NV12, &comp)) < 0 ||
            (ret = vx_compose_set_threads(comp, st->compose_threads)) < 0)
            goto end;
        gw.gif = gif;
        if (st->threads > 1) {
            if ((ret = vx_queue_create(QUEUE_CAP, sizeof(Item), free_item, cancel, &gw.q)) < 0)
                goto end;
            if (vx_thread_start(&gthr, gif_thread, &gw) < 0) {
                ret = vx_fail(ctx, VX_ERR(EAGAIN), "cannot start the GIF writer's thread");
                goto end;
            }
        }
        goto frames;
    }
    const int auto_enc = !o->encoder || !strcmp(o->encoder, "auto");
    VxEncodeParams ep = {
        .encoder = auto_enc ? default_encoder(p->codec) : o->encoder,
        .try_hw = auto_enc && (p->codec == VX_CODEC_H264 || p->codec == VX_CODEC_HEVC),
        .preset = o->preset, /* NULL: veryfast for libx264/libx265 */
        /* VP9 and AV1 count on 0..63: output.quality + 10 is about as good (docs) */
        .crf = o->crf >= 0 ? o->crf
               : p->codec == VX_CODEC_VP9 || p->codec == VX_CODEC_AV1 ? fmin(63, p->quality + 10)
                                                                      : p->quality,
        /* output.quality as a preset (unless --crf): bpp x width x height x fps */
        .bitrate = o->bitrate > 0 ? o->bitrate
                   : p->bpp > 0 && o->crf < 0
                       ? (int64_t)llrint(p->bpp * l.W * l.H * tl->fps.num / tl->fps.den)
                   : 0,
        .opts = o->encoder_opts,
        .n_opts = o->n_encoder_opts,
        .threads = st->encode_threads,
        .width = l.W,
        .height = l.H,
        .fps = {tl->fps.num, tl->fps.den},
        .matrix = l.matrix,
        .global_header = !!(vx_muxer_format(mux)->flags & AVFMT_GLOBALHEADER),
        .closed_gop = chunk,
        .alpha = of.alpha,
    };
    if ((ret = vx_encoder_open(ctx, &ep, &enc)) < 0)
        goto end;
    snprintf(st->encoder, sizeof(st->encoder), "%s", vx_encoder_name(enc));
    if ((ret = vx_compose_create(ctx, p, scene, &l,
                                 vx_encoder_pix_fmt(enc) == AV_PIX_FMT_NV12 || of.alpha
                                     ? VX_LAYOUT_NV12
                                     : VX_LAYOUT_PLANAR,
                                 &comp)) < 0 ||
        (ret = vx_compose_set_threads(comp, st->compose_threads)) < 0)
        goto end;
    if (of.alpha) {
        /* the transparent export: the same stack composed a second time, over white (the
         * project's background is black: src/project.c); the alpha is their difference */
        white = *p;
        white.bg_color = (VxRGB){1, 1, 1};
        if ((ret = vx_compose_create(ctx, &white, scene, &l, VX_LAYOUT_NV12, &comp_white)) < 0 ||
            (ret = vx_compose_set_threads(comp_white, st->compose_threads)) < 0)
            goto end;
        vx_matte_init(&matte);
        og.nc = 2;
        vx_log(ctx, VX_LOG_VERBOSE, "transparent: each frame composed over black and over "
               "white, the alpha from their difference");
    }
    st->compose_threads = vx_compose_threads(comp); /* an unscaled screen is one copy */
    vx_log(ctx, VX_LOG_VERBOSE, "threads: budget %d: decode %d%s, encode %d (%s), compose "
           "%d (the job's thread%s, while it waits for the encoder)", st->threads,
           st->decode_threads, *st->hwaccel ? " (hardware)" : "", st->encode_threads,
           st->encoder, st->compose_threads, st->compose_threads > 1 ? " and slices of rows "
           "on more" : "");
    if ((ret = vx_muxer_add_video(mux, vx_encoder_avctx(enc))) < 0)
        goto end;
    if (!chunk && (ret = vx_audio_open(ctx, p, si, tl, vx_muxer_format(mux), &aud)) < 0)
        goto end;
    if (aud &&
        (ret = vx_muxer_add_stream(mux, vx_audio_codecpar(aud), vx_audio_time_base(aud))) < 0)
        goto end;
    if (soft && soft->track && (ret = soft_idx = vx_muxer_add_captions(mux, soft)) < 0)
        goto end;
    if ((ret = vx_muxer_start(mux)) < 0)
        goto end;
    /* the whole track now: the muxer interleaves it with the video as that comes */
    if (soft_idx >= 0 && (ret = vx_muxer_write_captions(mux, soft_idx, soft)) < 0)
        goto end;
frames:;


    Sink vsink = {mux, enc ? vx_encoder_avctx(enc)->time_base : (AVRational){1, 1}, 0,
                  &st->mux_s, cancel};
    Sink asink = {mux, aud ? vx_audio_time_base(aud) : (AVRational){1, 1}, 1, &st->mux_s,
                  cancel};
    st->setup_s = vx_now_s() - t0;
    fd = (Feed){ctx, p, si, dec.q, {0}, {0}, 0, 0, &st->compose_wait_empty_s};
    VxProgress pr = {0};
    pr.total = n1 - n0;
    pr.mode = "composite";
    pr.duration_s = pr.total * ((double)tl->fps.den / tl->fps.num);
    const int64_t trim_every = (int64_t)fmax(1, 5 * vx_q2d(tl->fps)); /* frames in 5 s */
    for (int64_t n = n0; n < n1; n++) {
        if (vx_cancel_is_set(cancel)) {
            ret = VX_ECANCELED;
            goto end;
        }
        const double t = vx_timeline_time(tl, n);
        AVFrame *out = NULL;
        VxPicture opic;
        double ts = vx_now_s();
        int xseg;
        double xw;
        VxCompose *const comps[2] = {comp, comp_white};
        VxPicture ow; /* over white, a transparent export's */
        if (tl->xfades && vx_timeline_crossfade(tl, t, &xseg, &xw)) {
            if (comp_white) {
                VxPicture two[2];
                if ((ret = compose_crossfade(&fd, comps, scene, &og, n, n1, xseg, xw, two)) >= 0)
                    opic = two[0], ow = two[1];
            } else {
                ret = compose_crossfade(&fd, comps, scene, &og, n, n1, xseg, xw, &opic);
            }
        } else {
            double trec;
            VxZoomView view;
            vx_scene_at(scene, t, &trec, &view);
            ret = compose_at(&fd, comp, trec, &view, t, &opic);
            if (ret >= 0 && comp_white &&
                (ret = compose_at(&fd, comp_white, trec, &view, t, &ow)) < 0)
                vx_picture_unref(&opic);
        }
        if (ret < 0)
            goto end;
        if (comp_white) {
            ret = matte_frame(&matte, &opic, &ow, &out);
            vx_picture_unref(&ow);
        } else {
            ret = vx_picture_to_frame(&opic, &out); /* the pooled buffer itself: no copy */
        }
        vx_picture_unref(&opic);
        if (ret < 0)
            goto end;
        st->compose_s += vx_now_s() - ts;
        out->pts = n - n0;
        ts = vx_now_s();
        const double mux0 = st->mux_s;
        if (gif) {
            Item it = {out, (double)(n - n0) / vx_q2d(tl->fps)};
            if (gthr.started) { /* the writer's thread takes the frame */
                ret = vx_queue_push(gw.q, &it, NULL);
                if (ret == 0)
                    out = NULL;
                else if (ret != VX_ECANCELED)
                    ret = gw.err < 0 ? gw.err : ret; /* the writer gave up: its error */
            } else {
                ret = gif_add(&gw, &it);
            }
        } else {
            ret = vx_encoder_send(enc, out, write_packet, &vsink);
            st->encode_s += vx_now_s() - ts - (st->mux_s - mux0);
        }
        st->frames_composed++;
        av_frame_free(&out);
        if (ret < 0)
            goto end;
        ts = vx_now_s();
        const double mux1 = st->mux_s;
        if (aud && (ret = vx_audio_pull(aud, t + 0.5, write_packet, &asink)) < 0)
            goto end;
        st->audio_s += vx_now_s() - ts - (st->mux_s - mux1);
        report(o, &pr, n + 1 - n0, t0, 0);
        if (ctx->s.trim_heap && n % trim_every == trim_every - 1)
            give_back_free_pages(); /* process-wide: only when the embedder asked for it */
    }
    if (vx_cancel_is_set(cancel)) {
        ret = VX_ECANCELED; /* the encoder is closed, not drained */
        goto end;
    }
    double ts = vx_now_s(), mux0 = st->mux_s;
    if (gif) {
        if (gthr.started) {
            vx_queue_finish(gw.q, 0);
            vx_thread_join(&gthr);
            if ((ret = gw.err) < 0)
                goto end;
        }
        VxGifStats gs;
        vx_gif_stats(gif, &gs);
        vx_log(ctx, VX_LOG_VERBOSE, "gif: %d frames of %" PRId64 " composed, %d palettes, "
               "%.1f%% of the pixels coded", gs.frames + 1, n1 - n0, gs.palettes,
               100.0 * (double)gs.coded_pixels / ((double)(n1 - n0) * l.W * l.H));
        st->encode_s = gw.busy;
        ts = vx_now_s();
        ret = vx_gif_close(gif, (double)(n1 - n0) / vx_q2d(tl->fps), &go->bytes);
        gif = NULL;
        if (ret < 0 ||
            (ret = !gif_direct && rename(gif_tmp, o->output_path) ? VX_ERR(errno) : 0) < 0) {
            ret = vx_fail(ctx, ret, "%s: cannot write the GIF", o->output_path);
            goto end;
        }
        *gif_tmp = 0;
        if ((ret = vx_soft_commit(ctx, soft)) < 0)
            goto end;
        st->encode_s += vx_now_s() - ts;
        report(o, &pr, pr.total, t0, 1);
        goto end;
    }
    if ((ret = vx_encoder_send(enc, NULL, write_packet, &vsink)) < 0)
        goto end;
    st->encode_s += vx_now_s() - ts - (st->mux_s - mux0);
    ts = vx_now_s(), mux0 = st->mux_s;
    if (aud && (ret = vx_audio_pull(aud, tl->duration + 10, write_packet, &asink)) < 0)
        goto end;
    st->audio_s += vx_now_s() - ts - (st->mux_s - mux0);
    if (vx_cancel_is_set(cancel)) {
        ret = VX_ECANCELED;
        goto end;
    }
    ts = vx_now_s();
    if ((ret = vx_muxer_finish(mux)) < 0 || (ret = vx_soft_commit(ctx, soft)) < 0)
        goto end;
    st->mux_s += vx_now_s() - ts;
    int64_t cf, cr;
    double rows, copied;
    vx_compose_stats(comp, &cf, &cr, &rows, &copied);
    vx_log(ctx, VX_LOG_VERBOSE, "compose: %" PRId64 " frames, %" PRId64 " repeated whole, "
           "%.0f%% of the screen's rows rescaled in the others, %.0f%% copied from the "
           "previous output", cf, cr, 100 * rows, 100 * copied);
    report(o, &pr, pr.total, t0, 1);
    ret = 0;
end:
    if (gthr.started) { /* an error or a cancel: the writer stops before its GIF is freed */
        vx_queue_abort(gw.q);
        vx_thread_join(&gthr);
    }
    vx_queue_free(&gw.q);
    if (thr.started) {
        vx_queue_abort(dec.q); /* frees what is queued; the thread's next push is refused */
        vx_thread_join(&thr);
        st->decode_s = dec.busy;
        st->decode_wait_full_s = dec.wait_full;
        st->frames_decoded = dec.frames;
    }
    if (enc)
        st->frames_copied = vx_encoder_frames_copied(enc);
    vx_queue_free(&dec.q);
    av_frame_free(&fd.cur.f);
    av_frame_free(&fd.next.f);
    outgoing_clear(&og);
    free(og.pics);
    if (ret == VX_ECANCELED)
        vx_fail(ctx, ret, "export cancelled");
    vx_audio_close(&aud);
    if (gif) {
        vx_gif_abort(gif);
        if (!gif_direct)
            unlink(gif_tmp);
    }
    vx_cuts_free(&plan);
    vx_soft_close(&soft);
    vx_compose_free(&comp);
    vx_compose_free(&comp_white);
    vx_encoder_close(&enc);
    vx_muxer_close(&mux);
    vx_source_close(&src);
    vx_scene_close(&scene);
    finish_stats(st, t0);
    return ret;
}

/* "key=value" in the encoder options, NULL when absent. */
static const char *enc_opt(const VxExportOptions *o, const char *key)
{
    const size_t n = strlen(key);
    for (int i = 0; i < o->n_encoder_opts; i++)
        if (!strncmp(o->encoder_opts[i], key, n) && o->encoder_opts[i][n] == '=')
            return o->encoder_opts[i] + n + 1;
    return NULL;
}

/* A GIF: 15 fps and 960 wide unless the project says otherwise; with max_size=BYTES among the
 * encoder options, exported again at a lower frame rate (15, 10, 7.5, 5), then a smaller width
 * (x0.75 each time), until the file fits. */
int vx_pipeline_run(VxContext *ctx, const VxProject *p, const VxExportOptions *o,
                    const VxCancel *cancel, VxStats *st)
{
    VxOutputFormat of;
    char why[512];
    int r0 = vx_output_resolve(p, o->output_path, &of, why, sizeof(why));
    if (r0 < 0)
        return vx_fail(ctx, r0, "%s", why);
    if (of.codec != VX_CODEC_GIF)
        return pipeline_run(ctx, p, o, cancel, st, NULL);
    GifOut go = {.fps = p->fps > 0 ? p->fps : 15, .width = p->width > 0 ? p->width : 960};
    const char *v;
    double max = 0;
    if ((v = enc_opt(o, "loop")))
        go.loop = atoi(v);
    if ((v = enc_opt(o, "max_size"))) {
        char *end;
        max = strtod(v, &end);
        if (*end == 'k' || *end == 'K')
            max *= 1e3, end++;
        else if (*end == 'M' || *end == 'm')
            max *= 1e6, end++;
        if (end == v || *end || !(max > 0))
            return vx_fail(ctx, VX_ERR(EINVAL), "max_size=%s: expected bytes (e.g. 5M)", v);
    }
    for (int tries = 0;; tries++) {
        int ret = pipeline_run(ctx, p, o, cancel, st, &go);
        if (ret < 0 || max <= 0 || go.bytes <= max)
            return ret;
        if (go.width > 0 && go.width < 64) {
            return vx_fail(ctx, VX_ERR(EFBIG), "%s: %" PRId64 " bytes at %.3g fps and %d wide, "
                           "over max_size %.0f", o->output_path, go.bytes, go.fps, go.width, max);
        }
        const double prev = go.fps;
        go.fps = go.fps > 10.01 ? 10 : go.fps > 7.51 ? 7.5 : go.fps > 5.01 ? 5 : go.fps;
        if (go.fps == prev)
            go.width = ((int)(go.width * 0.75)) & ~1;
        vx_log(ctx, VX_LOG_INFO, "%s: %" PRId64 " bytes, over %.0f: again at %.3g fps, %d wide",
               o->output_path, go.bytes, max, go.fps, go.width);
    }
}
