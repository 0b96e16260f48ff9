/* Cuts by stream copy: when every kept range of the timeline plays at 1x and starts on a
 * keyframe, the recording's packets of those ranges are copied as they are, their timestamps
 * shifted so that the ranges follow each other without a gap (docs/project-format.md, Time).
 *
 * vx_cuts_plan reads the recording's packets once (timestamps and flags only, no decoding)
 * and decides, per stream, which runs of packets (in the order av_read_frame gives them) are
 * kept and by how much each run's timestamps move (vx_cuts_plan_packets: from the timestamps
 * alone); the copy itself (vx_remux_run) reads the file again and asks vx_cuts_map about
 * each packet. */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "averror.h"
#include "media.h"
#include "remux.h"

typedef struct Run {
    int64_t first, last; /* packet numbers (read order within the stream), inclusive */
    int64_t shift;       /* added to pts and dts, in the stream's time base */
} Run;

typedef struct Lane {
    int stream;   /* input stream index, -1 = not copied */
    Run *runs;
    int n_runs;
    int64_t next; /* copy pass: number of the next packet */
    int cur;      /* copy pass: run it falls in or after */
} Lane;

struct VxCutPlan {
    Lane lane[2]; /* video, audio */
    int64_t frames;
    double duration, max_skew;
};

typedef VxCutVPkt VPkt;
typedef VxCutAPkt APkt;

typedef struct Scan {
    const VPkt *v;
    int64_t nv;
    const APkt *a;
    int64_t na;
    int64_t *order; /* video packet numbers sorted by pts */
    int64_t *rank;  /* position in order of each video packet */
} Scan;

typedef struct PtsIdx {
    int64_t pts, idx;
} PtsIdx;

static int by_pts(const void *x, const void *y)
{
    const PtsIdx *a = x, *b = y;
    return a->pts < b->pts ? -1 : a->pts > b->pts ? 1 : (a->idx > b->idx) - (a->idx < b->idx);
}

static int add_run(Lane *l, int64_t first, int64_t last, int64_t shift)
{
    Run *r = realloc(l->runs, (size_t)(l->n_runs + 1) * sizeof(*r));
    if (!r)
        return VX_ERR(ENOMEM);
    l->runs = r;
    l->runs[l->n_runs++] = (Run){first, last, shift};
    return 0;
}

/* Reads the timestamps and flags of the packets of streams vi and ai (ai < 0: none), until
 * both have passed file time `until` (seconds) in decoding order. Returns 0, 1 with why filled
 * when a packet makes the copy impossible, or an error. */
static int scan(VxContext *ctx, AVFormatContext *in, int vi, int ai, double until,
                VxCutPackets *s, char *why, size_t why_len)
{
    const double vtb = av_q2d(in->streams[vi]->time_base);
    const double atb = ai >= 0 ? av_q2d(in->streams[ai]->time_base) : 0;
    int passed[2] = {0, ai < 0};
    char eb[128];
    AVPacket *pkt = av_packet_alloc();
    int64_t vcap = 0, acap = 0;
    int ret = pkt ? 0 : VX_ERR(ENOMEM);
    while (!ret && !(passed[0] && passed[1])) {
        const int rr = av_read_frame(in, pkt);
        if (rr < 0) {
            if (rr != AVERROR_EOF)
                ret = vx_fail(ctx, VX_ERR(EINVAL), "%s: read error: %s", in->url,
                              vx_averr(rr, eb, sizeof(eb)));
            break;
        }
        if (pkt->stream_index == vi) {
            if (pkt->pts == AV_NOPTS_VALUE || pkt->dts == AV_NOPTS_VALUE) {
                snprintf(why, why_len, "a video packet has no timestamp");
                ret = 1;
            } else if (pkt->flags & AV_PKT_FLAG_DISCARD) {
                snprintf(why, why_len, "the recording hides frames (an edit list)");
                ret = 1;
            } else if (!(ret = vx_grow((void **)&s->v, &vcap, s->nv, sizeof(*s->v),
                                       INT64_MAX))) {
                s->v[s->nv++] = (VPkt){pkt->pts, pkt->dts, pkt->duration,
                                       !!(pkt->flags & AV_PKT_FLAG_KEY)};
                passed[0] = pkt->dts * vtb > until;
            }
        } else if (pkt->stream_index == ai) {
            if (pkt->pts == AV_NOPTS_VALUE || pkt->duration <= 0 ||
                (s->na && pkt->pts < s->a[s->na - 1].pts)) {
                snprintf(why, why_len, "the recording's audio packets lack timestamps or "
                         "durations");
                ret = 1;
            } else if (!(ret = vx_grow((void **)&s->a, &acap, s->na, sizeof(*s->a),
                                       INT64_MAX))) {
                s->a[s->na++] = (APkt){pkt->pts, pkt->duration};
                passed[1] = pkt->pts * atb > until;
            }
        }
        av_packet_unref(pkt);
    }
    av_packet_free(&pkt);
    return ret;
}

/* Orders the video packets by pts (s->order, s->rank). Returns 0, 1 with why filled, or an
 * error. */
static int order_video(Scan *s, char *why, size_t why_len)
{
    if (!s->nv) {
        snprintf(why, why_len, "the recording has no video packets");
        return 1;
    }
    int64_t *order = malloc((size_t)s->nv * sizeof(*order));
    int64_t *rank = malloc((size_t)s->nv * sizeof(*rank));
    s->order = order;
    s->rank = rank;
    PtsIdx *pi = malloc((size_t)s->nv * sizeof(*pi));
    if (!pi || !order || !rank) {
        free(pi);
        return VX_ERR(ENOMEM);
    }
    for (int64_t i = 0; i < s->nv; i++)
        pi[i] = (PtsIdx){s->v[i].pts, i};
    qsort(pi, (size_t)s->nv, sizeof(*pi), by_pts);
    for (int64_t i = 0; i < s->nv; i++) {
        order[i] = pi[i].idx;
        rank[pi[i].idx] = i;
    }
    free(pi);
    return 0;
}

/* The nearest keyframe's time (recording seconds) to t. */
static double nearest_key(const Scan *s, double t, int64_t origin, double tb)
{
    double best = NAN;
    for (int64_t i = 0; i < s->nv; i++) {
        double k = (s->v[i].pts - origin) * tb;
        if (s->v[i].key && (isnan(best) || fabs(k - t) < fabs(best - t)))
            best = k;
    }
    return best;
}

/* First position in s->order whose time is >= t. */
static int64_t first_at(const Scan *s, double t, int64_t origin, double tb)
{
    int64_t lo = 0, hi = s->nv;
    while (lo < hi) {
        int64_t mid = lo + (hi - lo) / 2;
        if ((s->v[s->order[mid]].pts - origin) * tb < t)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* The video runs: one per range, from its keyframe to its last frame in decoding order.
 * Returns 0, 1 with why filled, or an error. Sets vend (output video end, stream time base). */
static int plan_video(VxCutPlan *pl, const Scan *s, const VxTimeline *tl, double dur,
                      AVRational tb, AVRational fps, int64_t *vend, char *why, size_t why_len)
{
    const double t = av_q2d(tb), hf = 0.5 / av_q2d(fps);
    const int64_t origin = s->v[s->order[0]].pts, nominal = av_rescale_q(1, av_inv_q(fps), tb);
    int64_t base = 0, prev_last = -1, prev_dts = INT64_MIN;
    for (int i = 0; i < tl->n_segs; i++) {
        const VxTlSeg *g = &tl->segs[i];
        if (g->speed != 1) {
            snprintf(why, why_len, "timeline[%d] plays at %gx", i, g->speed);
            return 1;
        }
        const int64_t a = first_at(s, g->src_start - hf, origin, t);
        const double ta = a < s->nv ? (s->v[s->order[a]].pts - origin) * t : INFINITY;
        if (a == s->nv || fabs(ta - g->src_start) > hf || !s->v[s->order[a]].key) {
            snprintf(why, why_len, "the cut at %.2f s is not on a keyframe (nearest %.2f s)",
                     g->src_start, nearest_key(s, g->src_start, origin, t));
            return 1;
        }
        const int to_end = g->src_end >= dur - hf;
        const int64_t b = (to_end ? s->nv : first_at(s, g->src_end - hf, origin, t)) - 1;
        if (b < a) {
            snprintf(why, why_len, "timeline[%d] keeps no frame", i);
            return 1;
        }
        /* the output has a constant frame rate: so must the kept frames */
        for (int64_t j = a; j < b; j++) {
            const int64_t d = s->v[s->order[j + 1]].pts - s->v[s->order[j]].pts;
            if (llabs(d - nominal) > 1) {
                snprintf(why, why_len, "the recording's frame rate varies (frames %.4f s apart "
                         "at %.2f s, %.4f s on average)", d * t,
                         (s->v[s->order[j]].pts - origin) * t, 2 * hf);
                return 1;
            }
        }
        /* the kept frames must be one run in decoding order that starts at the keyframe:
         * then each frame only refers to frames of the run */
        const int64_t k = s->order[a];
        int64_t last = k;
        for (int64_t j = a; j <= b; j++)
            last = s->order[j] > last ? s->order[j] : last;
        for (int64_t j = k; j <= last; j++) {
            const int64_t r = s->rank[j];
            if (r < a) {
                snprintf(why, why_len, "the keyframe at %.2f s starts an open GOP (frames "
                         "before it are decoded after it)", ta);
                return 1;
            }
            if (r > b) {
                const double nk = nearest_key(s, g->src_end, origin, t);
                if (fabs(nk - g->src_end) <= hf)
                    snprintf(why, why_len, "the keyframe at %.2f s starts an open GOP (frames "
                             "before it are decoded after it)", nk);
                else
                    snprintf(why, why_len, "the cut at %.2f s is not on a keyframe (nearest "
                             "%.2f s) and the recording reorders frames (B-frames)",
                             g->src_end, nk);
                return 1;
            }
        }
        const int64_t shift = base - s->v[k].pts;
        if (k <= prev_last || s->v[k].dts + shift <= prev_dts) {
            snprintf(why, why_len, "the frames at the cut at %.2f s would not follow the ones "
                     "before it in decoding order", g->src_start);
            return 1;
        }
        int ret = add_run(&pl->lane[0], k, last, shift);
        if (ret < 0)
            return ret;
        const VPkt *end = &s->v[s->order[b]];
        base = end->pts + shift + (end->dur > 0 ? end->dur : nominal);
        prev_last = last;
        prev_dts = s->v[last].dts + shift;
        pl->frames += b - a + 1;
    }
    *vend = base;
    return 0;
}

/* The audio runs: from the packet nearest to each range's start (in the output's audio
 * time), packets while their middle is before the range's end, so each cut moves the audio
 * by at most half a packet against the video; the first range also keeps the packet before
 * it, which the decoder needs (the MP4 edit list hides it, as in a recording). */
static int plan_audio(VxCutPlan *pl, const Scan *s, AVRational vtb,
                      AVRational atb, AVRational fps, char *why, size_t why_len)
{
    const Lane *v = &pl->lane[0];
    const double ta = av_q2d(atb), tv = av_q2d(vtb), fd = 1 / av_q2d(fps);
    int64_t j = 0, out = 0; /* next packet to look at; output position (audio time base) */
    for (int i = 0; i < v->n_runs; i++) {
        const Run *r = &v->runs[i];
        const int64_t kpts = s->v[r->first].pts;
        const double o0 = (kpts + r->shift) * tv; /* output start of the range, seconds */
        const double o1 = i + 1 < v->n_runs ? (s->v[v->runs[i + 1].first].pts +
                                               v->runs[i + 1].shift) * tv
                                            : pl->duration;
        /* file time (seconds) of the audio that belongs at output position out */
        const double want = kpts * tv + (out * ta - o0);
        while (j + 1 < s->na && fabs(s->a[j + 1].pts * ta - want) <= fabs(s->a[j].pts * ta - want))
            j++;
        if (j >= s->na || (out + s->a[j].dur / 2.0) * ta > o1)
            continue; /* too short to hold half a packet */
        const double skew = s->a[j].pts * ta - want;
        if (fabs(skew) > fd) {
            snprintf(why, why_len, "the recording's audio does not reach the cut at %.2f s "
                     "within a frame (%.0f ms off)", (kpts - s->v[s->order[0]].pts) * tv,
                     skew * 1000);
            return 1;
        }
        pl->max_skew = fmax(pl->max_skew, fabs(skew));
        const int64_t shift = out - s->a[j].pts;
        const int64_t first = !pl->lane[1].n_runs && j > 0 ? j - 1 : j;
        while (j < s->na && (s->a[j].pts + shift + s->a[j].dur / 2.0) * ta <= o1)
            j++;
        out = s->a[j - 1].pts + shift + s->a[j - 1].dur;
        int ret = add_run(&pl->lane[1], first, j - 1, shift);
        if (ret < 0)
            return ret;
    }
    if (fabs(out * ta - pl->duration) > fd) {
        snprintf(why, why_len, "the recording's audio would end at %.2f s, the video at "
                 "%.2f s", out * ta, pl->duration);
        return 1;
    }
    return 0;
}

int vx_cuts_plan_packets(const VxCutPackets *pk, const VxCutTimes *ct, const VxTimeline *tl,
                         VxCutPlan **out, char *why, size_t why_len)
{
    *out = NULL;
    Scan s = {pk->v, pk->nv, pk->a, pk->na, NULL, NULL};
    VxCutPlan *pl = calloc(1, sizeof(*pl));
    int ret = pl ? order_video(&s, why, why_len) : VX_ERR(ENOMEM);
    if (ret)
        goto end;
    pl->lane[0].stream = 0;
    int64_t vend;
    if ((ret = plan_video(pl, &s, tl, ct->duration, ct->vtb, ct->fps, &vend, why, why_len)))
        goto end;
    pl->duration = vend * av_q2d(ct->vtb);
    if (s.na && (ret = plan_audio(pl, &s, ct->vtb, ct->atb, ct->fps, why, why_len)))
        goto end;
    /* no audio packets (or none long enough to keep): no audio */
    pl->lane[1].stream = pl->lane[1].n_runs ? 1 : -1;
end:
    free(s.order);
    free(s.rank);
    if (ret == 0)
        *out = pl;
    else
        vx_cuts_free(&pl);
    return ret < 0 ? ret : 0;
}

/* The recording opened again, its streams probed; errors name it. */
static int open_recording(VxContext *ctx, const char *path, AVFormatContext **in)
{
    char eb[128];
    int ret = vx_media_open_input(ctx, path, "a video file", in);
    if (ret < 0)
        return ret;
    if ((ret = avformat_find_stream_info(*in, NULL)) < 0) {
        avformat_close_input(in);
        return vx_fail(ctx, vx_from_averror(ret), "%s: cannot read: %s", path,
                       vx_averr(ret, eb, sizeof(eb)));
    }
    return 0;
}

int vx_cuts_plan(VxContext *ctx, const char *path, const VxTimeline *tl,
                 const VxSourceInfo *si, int audio, VxCutPlan **out, char *why, size_t why_len)
{
    *out = NULL;
    AVFormatContext *in = NULL;
    VxCutPackets pk = {0};
    int ret = open_recording(ctx, path, &in);
    if (ret < 0)
        return ret;
    const int vi = av_find_best_stream(in, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0);
    const int ai = audio ? av_find_best_stream(in, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0) : -1;
    if (vi < 0 || !(si->fps.num > 0 && si->fps.den > 0)) {
        snprintf(why, why_len, "the recording's frame rate is unknown");
        ret = 1;
        goto end;
    }
    if (ai >= 0)
        for (int i = 0; i < tl->n_segs; i++)
            if (!tl->segs[i].audio_keep) {
                snprintf(why, why_len, "timeline[%d] is muted (its silence is encoded)", i);
                ret = 1;
                goto end;
            }
    /* packets far enough past the last range's end (in decoding order) are not needed */
    const AVStream *vs = in->streams[vi];
    const double last_end = tl->segs[tl->n_segs - 1].src_end;
    const double until = last_end >= si->duration - 1e-6 ? INFINITY :
        (vs->start_time != AV_NOPTS_VALUE ? vs->start_time * av_q2d(vs->time_base) : 0) +
        last_end + 2;
    if ((ret = scan(ctx, in, vi, ai, until, &pk, why, why_len)))
        goto end;
    const VxCutTimes ct = {vs->time_base, ai >= 0 ? in->streams[ai]->time_base
                                                  : (AVRational){1, 1},
                           av_make_q(si->fps.num, si->fps.den), si->duration};
    if ((ret = vx_cuts_plan_packets(&pk, &ct, tl, out, why, why_len)) < 0 || !*out)
        goto end;
    VxCutPlan *pl = *out;
    pl->lane[0].stream = vi;
    pl->lane[1].stream = pl->lane[1].stream >= 0 ? ai : -1;
    char au[96] = "no audio";
    if (pl->lane[1].stream >= 0)
        snprintf(au, sizeof(au), "audio cut on its packets, within %.1f ms of the video at the "
                 "cuts", 1000 * pl->max_skew);
    vx_log(ctx, VX_LOG_VERBOSE, "passthrough: copying the %d kept range(s) as they are "
           "(remux-cuts: each starts on a keyframe), %" PRId64 " frames, %.3f s; %s",
           tl->n_segs, pl->frames, pl->duration, au);
end:
    free(pk.v);
    free(pk.a);
    avformat_close_input(&in);
    return ret < 0 ? ret : 0;
}

int vx_cuts_stream(const VxCutPlan *pl, int k)
{
    return pl->lane[k].stream;
}

int vx_cuts_map(VxCutPlan *pl, int k, AVPacket *pkt)
{
    Lane *l = &pl->lane[k];
    const int64_t n = l->next++;
    while (l->cur < l->n_runs && n > l->runs[l->cur].last)
        l->cur++;
    if (l->cur == l->n_runs || n < l->runs[l->cur].first)
        return 0;
    const int64_t shift = l->runs[l->cur].shift;
    if (pkt->pts != AV_NOPTS_VALUE)
        pkt->pts += shift;
    if (pkt->dts != AV_NOPTS_VALUE)
        pkt->dts += shift;
    return 1;
}

int vx_cuts_done(const VxCutPlan *pl)
{
    for (int k = 0; k < 2; k++) {
        const Lane *l = &pl->lane[k];
        if (l->stream >= 0 && l->n_runs && l->next <= l->runs[l->n_runs - 1].last)
            return 0;
    }
    return 1;
}

void vx_cuts_summary(const VxCutPlan *pl, int64_t *frames, double *duration)
{
    *frames = pl->frames;
    *duration = pl->duration;
}

void vx_cuts_free(VxCutPlan **pl)
{
    if (!pl || !*pl)
        return;
    free((*pl)->lane[0].runs);
    free((*pl)->lane[1].runs);
    free(*pl);
    *pl = NULL;
}

int vx_remux_run(VxContext *ctx, const char *path, int audio, const VxSourceInfo *si,
                 VxMuxer *mux, VxCutPlan *plan, const VxCancel *cancel, VxRemuxProgress progress,
                 void *opaque)
{
    char eb[128];
    AVFormatContext *in = NULL;
    AVPacket *pkt = av_packet_alloc();
    int ret = pkt ? open_recording(ctx, path, &in) : VX_ERR(ENOMEM);
    if (ret < 0)
        goto end;
    /* remux only runs with no audio, the recording's own, or one track that is it unchanged */
    int map[2] = {av_find_best_stream(in, AVMEDIA_TYPE_VIDEO, -1, -1, NULL, 0),
                  audio ? av_find_best_stream(in, AVMEDIA_TYPE_AUDIO, -1, -1, NULL, 0) : -1};
    if (plan)
        map[0] = vx_cuts_stream(plan, 0), map[1] = vx_cuts_stream(plan, 1);
    int n_out = 0, out_of[64];
    for (unsigned i = 0; i < in->nb_streams && i < 64; i++)
        out_of[i] = -1;
    for (int k = 0; k < 2; k++) {
        if (map[k] < 0)
            continue;
        AVStream *st = in->streams[map[k]];
        if ((ret = vx_muxer_add_stream(mux, st->codecpar, st->time_base)) < 0)
            goto end;
        out_of[map[k]] = n_out++;
    }
    if ((ret = vx_muxer_start(mux)) < 0)
        goto end;
    const double rate = (double)si->fps.num / si->fps.den;
    const double fps = rate > 0 ? rate : 30;
    int64_t total = (int64_t)(si->duration * fps + 0.5);
    double duration = si->duration;
    if (plan)
        vx_cuts_summary(plan, &total, &duration);
    int64_t vframes = 0;
    while ((ret = av_read_frame(in, pkt)) >= 0) {
        if (vx_cancel_is_set(cancel)) {
            ret = VX_ECANCELED;
            goto end;
        }
        int idx = pkt->stream_index < 64 ? out_of[pkt->stream_index] : -1;
        if (idx < 0) {
            av_packet_unref(pkt);
            continue;
        }
        int is_video = pkt->stream_index == map[0];
        if (plan && !vx_cuts_map(plan, !is_video, pkt)) {
            av_packet_unref(pkt);
            if (vx_cuts_done(plan)) {
                ret = AVERROR_EOF; /* nothing more to copy */
                break;
            }
            continue;
        }
        AVRational tb = in->streams[pkt->stream_index]->time_base;
        ret = vx_muxer_write(mux, idx, pkt, tb);
        av_packet_unref(pkt);
        if (ret < 0)
            goto end;
        if (is_video) {
            vframes++;
            progress(opaque, vframes < total ? vframes : total, total, duration, 0);
        }
    }
    if (ret != AVERROR_EOF) {
        ret = vx_fail(ctx, VX_ERR(EINVAL), "%s: read error: %s", path,
                      vx_averr(ret, eb, sizeof(eb)));
        goto end;
    }
    if ((ret = vx_muxer_finish(mux)) < 0)
        goto end;
    progress(opaque, vframes, total, duration, 1);
    ret = 0;
end:
    av_packet_free(&pkt);
    avformat_close_input(&in);
    return ret;
}
