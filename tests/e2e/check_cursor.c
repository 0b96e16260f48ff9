/* check_cursor: checks the redrawn cursor in an export by comparing it with the same export
 * made with "cursor": {"draw": false}. Independent of libvexport: it decodes with FFmpeg's
 * libraries, reads the track with json-c and follows docs/cursor-track.md.
 *
 *   check_cursor WITH.mp4 WITHOUT.mp4 TRACK.jsonl [options]
 *     --map SX0,SY0,SCALE,OX,OY  recording -> output pixels: out = O + (src - S0) * SCALE
 *                                (default 0,0,1,0,0: native canvas without padding)
 *     --size K     cursor.size (default 1)
 *     --tol PX     allowed tip error in output pixels (default 2; smoothing must be "none")
 *     --thresh V   luma difference that counts as "drawn" (default 40)
 *     --min-rings N  clicks whose ring must be seen (default: every click inside the video)
 *     -v           one line per frame
 *
 * Every frame where the track has started is checked:
 *  - the pixels that differ lie within the cursor's reach of the expected tip (nothing drawn
 *    elsewhere);
 *  - the differing region's top-left corner, moved in by the arrow's outline (1.25 units,
 *    docs/cursor-track.md), is the track position mapped to output pixels, within --tol;
 *  - during the first 0.2 s after a button-down, ring pixels differ (by half --thresh) up or
 *    left of the tip (where the arrow is not); more than 0.45 s after any button-down
 *    nothing does.
 * Exit 0 pass, 1 fail, 2 usage / unreadable input. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>

typedef struct Frames {
    int w, h, n;
    double *t;    /* seconds from the first frame */
    uint8_t **y;  /* luma planes, w*h */
} Frames;

static int decode_all(const char *path, Frames *f)
{
    AVFormatContext *fmt = NULL;
    memset(f, 0, sizeof(*f));
    if (avformat_open_input(&fmt, path, NULL, NULL) < 0) {
        fprintf(stderr, "check_cursor: %s: cannot open\n", path);
        return -1;
    }
    avformat_find_stream_info(fmt, NULL);
    const AVCodec *codec = NULL;
    int idx = av_find_best_stream(fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (idx < 0) {
        fprintf(stderr, "check_cursor: %s: no video\n", path);
        avformat_close_input(&fmt);
        return -1;
    }
    AVStream *st = fmt->streams[idx];
    AVCodecContext *dec = avcodec_alloc_context3(codec);
    avcodec_parameters_to_context(dec, st->codecpar);
    dec->thread_count = 1;
    if (avcodec_open2(dec, codec, NULL) < 0) {
        fprintf(stderr, "check_cursor: %s: cannot decode\n", path);
        return -1;
    }
    AVPacket *pkt = av_packet_alloc();
    AVFrame *fr = av_frame_alloc();
    int cap = 0, eof = 0;
    int64_t first = AV_NOPTS_VALUE;
    while (!eof) {
        int r = av_read_frame(fmt, pkt);
        if (r < 0) {
            avcodec_send_packet(dec, NULL);
            eof = 1;
        } else {
            if (pkt->stream_index == idx)
                avcodec_send_packet(dec, pkt);
            av_packet_unref(pkt);
        }
        while (avcodec_receive_frame(dec, fr) == 0) {
            if (fr->format != AV_PIX_FMT_YUV420P && fr->format != AV_PIX_FMT_NV12 &&
                fr->format != AV_PIX_FMT_YUVJ420P) {
                fprintf(stderr, "check_cursor: %s: not 8-bit 4:2:0\n", path);
                return -1;
            }
            if (f->n == cap) {
                cap = cap ? cap * 2 : 64;
                f->t = realloc(f->t, cap * sizeof(*f->t));
                f->y = realloc(f->y, cap * sizeof(*f->y));
            }
            int64_t pts = fr->best_effort_timestamp;
            if (first == AV_NOPTS_VALUE)
                first = pts;
            f->w = fr->width, f->h = fr->height;
            f->t[f->n] = pts == AV_NOPTS_VALUE ? 0 : (pts - first) * av_q2d(st->time_base);
            f->y[f->n] = malloc((size_t)f->w * f->h);
            for (int y = 0; y < f->h; y++)
                memcpy(f->y[f->n] + (size_t)y * f->w, fr->data[0] + (ptrdiff_t)y * fr->linesize[0],
                       f->w);
            f->n++;
            av_frame_unref(fr);
        }
    }
    av_frame_free(&fr);
    av_packet_free(&pkt);
    avcodec_free_context(&dec);
    avformat_close_input(&fmt);
    return 0;
}

typedef struct Move { double t, x, y; } Move;
static Move *moves;
static int n_moves;
static double *downs;
static int n_downs;

static int read_track(const char *path)
{
    FILE *fp = fopen(path, "r");
    if (!fp) {
        fprintf(stderr, "check_cursor: %s: cannot open\n", path);
        return -1;
    }
    char line[4096];
    int cap = 0, dcap = 0;
    while (fgets(line, sizeof(line), fp)) {
        json_object *o = json_tokener_parse(line), *v;
        if (!o)
            continue;
        double t = json_object_object_get_ex(o, "t", &v) ? json_object_get_double(v) : 0;
        json_object *jx, *jy;
        if (json_object_object_get_ex(o, "x", &jx) && json_object_object_get_ex(o, "y", &jy)) {
            if (n_moves == cap)
                moves = realloc(moves, (cap = cap ? 2 * cap : 256) * sizeof(*moves));
            if (n_moves && moves[n_moves - 1].t == t)
                n_moves--;
            moves[n_moves++] = (Move){t, json_object_get_double(jx), json_object_get_double(jy)};
        }
        if (json_object_object_get_ex(o, "down", &v)) {
            if (n_downs == dcap)
                downs = realloc(downs, (dcap = dcap ? 2 * dcap : 16) * sizeof(*downs));
            downs[n_downs++] = t;
        }
        json_object_put(o);
    }
    fclose(fp);
    return n_moves ? 0 : -1;
}

/* docs/cursor-track.md: straight lines between moves; moves more than 0.1 s apart hold the
 * earlier position until 0.1 s before the later one. */
static void track_pos(double t, double *x, double *y)
{
    if (t <= moves[0].t) {
        *x = moves[0].x, *y = moves[0].y;
        return;
    }
    for (int i = 0; i + 1 < n_moves; i++) {
        if (t >= moves[i + 1].t)
            continue;
        double a = moves[i].t, b = moves[i + 1].t;
        if (b - a > 0.1)
            a = b - 0.1;
        double f = t <= a ? 0 : (t - a) / (b - a);
        *x = moves[i].x + (moves[i + 1].x - moves[i].x) * f;
        *y = moves[i].y + (moves[i + 1].y - moves[i].y) * f;
        return;
    }
    *x = moves[n_moves - 1].x, *y = moves[n_moves - 1].y;
}

int main(int argc, char **argv)
{
    double sx0 = 0, sy0 = 0, scale = 1, ox = 0, oy = 0, size = 1, tol = 2;
    int thresh = 40, verbose = 0, min_rings = -1;
    const char *pos[3];
    int np = 0;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--map") && i + 1 < argc) {
            if (sscanf(argv[++i], "%lf,%lf,%lf,%lf,%lf", &sx0, &sy0, &scale, &ox, &oy) != 5)
                return 2;
        } else if (!strcmp(argv[i], "--size") && i + 1 < argc) {
            size = atof(argv[++i]);
        } else if (!strcmp(argv[i], "--tol") && i + 1 < argc) {
            tol = atof(argv[++i]);
        } else if (!strcmp(argv[i], "--thresh") && i + 1 < argc) {
            thresh = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "--min-rings") && i + 1 < argc) {
            min_rings = atoi(argv[++i]);
        } else if (!strcmp(argv[i], "-v")) {
            verbose = 1;
        } else if (np < 3) {
            pos[np++] = argv[i];
        } else {
            return 2;
        }
    }
    if (np != 3) {
        fprintf(stderr, "usage: check_cursor WITH.mp4 WITHOUT.mp4 TRACK.jsonl [--map "
                        "SX0,SY0,SCALE,OX,OY] [--size K] [--tol PX] [--thresh V] [-v]\n");
        return 2;
    }
    Frames a, b;
    if (decode_all(pos[0], &a) || decode_all(pos[1], &b) || read_track(pos[2]))
        return 2;
    int fails = 0;
    if (a.n != b.n || a.w != b.w || a.h != b.h || a.n == 0) {
        printf("FAIL: %d frames %dx%d with the cursor, %d frames %dx%d without\n", a.n, a.w, a.h,
               b.n, b.w, b.h);
        return 1;
    }
    const double k = size * scale, outline = 1.25 * k, reach = 40 * k + 4;
    int checked = 0, rings_seen = 0, ring_frames = 0;
    double max_err = 0;
    int *ring_hit = calloc((size_t)n_downs + 1, sizeof(int));
    for (int n = 0; n < a.n; n++) {
        double t = a.t[n];
        if (t < moves[0].t)
            continue;
        double x, y;
        track_pos(t, &x, &y);
        const double ex = ox + (x - sx0) * scale, ey = oy + (y - sy0) * scale;
        int bx0 = a.w, by0 = a.h, bx1 = -1, by1 = -1, far = 0, ring_px = 0;
        int dx0 = a.w, dy0 = a.h; /* dark (black fill) pixels: the ring is never among them */
        for (int j = 0; j < a.h; j++)
            for (int i = 0; i < a.w; i++) {
                int sd = a.y[n][(size_t)j * a.w + i] - b.y[n][(size_t)j * a.w + i];
                int d = abs(sd);
                if (d <= thresh / 2)
                    continue;
                double dx = i + 0.5 - ex, dy = j + 0.5 - ey;
                /* ring pixels count from half the threshold: a fading ring of a colour
                 * close to the screen's is faint */
                if (dx < -outline - 1.5 || dy < -outline - 1.5) {
                    if (hypot(dx, dy) <= reach)
                        ring_px++;
                    else if (d > thresh)
                        far++;
                    continue;
                }
                if (d <= thresh)
                    continue;
                if (hypot(dx, dy) > reach) {
                    far++;
                    continue;
                }
                bx0 = i < bx0 ? i : bx0, by0 = j < by0 ? j : by0;
                if (sd < 0)
                    dx0 = i < dx0 ? i : dx0, dy0 = j < dy0 ? j : dy0;
                bx1 = i > bx1 ? i : bx1, by1 = j > by1 ? j : by1;
            }
        int click = -1, recent = 0;
        for (int d = 0; d < n_downs; d++) {
            if (t >= downs[d] && t - downs[d] <= 0.2)
                click = d;
            if (t >= downs[d] && t - downs[d] <= 0.45)
                recent = 1;
        }
        const int visible = ex >= 0 && ey >= 0 && ex < a.w - 12 * k && ey < a.h - 20 * k;
        char why[200] = "";
        if (far)
            snprintf(why, sizeof(why), "%d pixels differ far from the cursor at (%.1f, %.1f)",
                     far, ex, ey);
        else if (visible && bx1 < 0)
            snprintf(why, sizeof(why), "no cursor drawn near (%.1f, %.1f)", ex, ey);
        else if (visible) {
            /* the white outline's corner; while a ring may touch it, the black fill's: its
             * left edge is the tip's column, its first fully black row ~1.5 px down */
            double tx = bx0 + outline, ty = by0 + outline;
            if (recent)
                tx = dx0 - 0.25, ty = dy0 - 1.5;
            double err = hypot(tx - ex, ty - ey);
            max_err = err > max_err ? err : max_err;
            if (fabs(tx - ex) > tol || fabs(ty - ey) > tol)
                snprintf(why, sizeof(why), "tip at (%.1f, %.1f), the track says (%.2f, %.2f)",
                         tx, ty, ex, ey);
            else if (!recent && (by1 - by0 + 1 < 17 * k || by1 - by0 + 1 > 22 * k + 3))
                snprintf(why, sizeof(why), "cursor %d px tall", by1 - by0 + 1);
        }
        if (!why[0] && click >= 0 && visible) {
            ring_frames++;
            if (ring_px < 6)
                snprintf(why, sizeof(why), "%.3f s after a click: no ring (%d pixels)",
                         t - downs[click], ring_px);
            else
                ring_hit[click] = 1;
        } else if (!why[0] && !recent && ring_px)
            snprintf(why, sizeof(why), "%d pixels differ around the tip without a click", ring_px);
        checked++;
        if (why[0]) {
            fails++;
            if (fails <= 20)
                printf("FAIL frame %d (t=%.3f): %s\n", n, t, why);
        } else if (verbose) {
            printf("ok frame %d (t=%.3f): box %d,%d-%d,%d, tip off by (%.2f, %.2f), ring %d\n",
                   n, t, bx0, by0, bx1, by1, recent ? dx0 - 0.25 - ex : bx0 + outline - ex,
                   recent ? dy0 - 1.5 - ey : by0 + outline - ey, ring_px);
        }
    }
    int in_video = 0;
    for (int d = 0; d < n_downs; d++) {
        rings_seen += ring_hit[d];
        in_video += downs[d] + 0.1 < a.t[a.n - 1];
    }
    if (min_rings < 0)
        min_rings = in_video;
    if (rings_seen < min_rings) {
        printf("FAIL: rings seen for %d clicks, expected %d\n", rings_seen, min_rings);
        fails++;
    }
    printf("check_cursor: %d frames checked, max tip error %.2f px, %d ring frames, rings for "
           "%d/%d clicks: %s\n", checked, max_err, ring_frames, rings_seen, n_downs,
           fails ? "FAIL" : "PASS");
    /* freed, so that the checker runs clean in the sanitizer build's leak check */
    for (int n = 0; n < a.n; n++)
        free(a.y[n]), free(b.y[n]);
    free(a.y), free(a.t), free(b.y), free(b.t), free(ring_hit), free(moves), free(downs);
    return fails ? 1 : 0;
}
