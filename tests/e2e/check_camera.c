/* check_camera: checks a real export with a camera bubble against the same export without
 * it, by decoding both. Independent of the library: it links only FFmpeg's libraries (to
 * decode) and libc, and takes the geometry from docs/project-format.md ("Camera bubble").
 *
 *   check_camera OUT.mp4 REF.mp4 SIZE MARGIN BORDER MIRROR OFFSET CAM_FPS CAM_FRAMES
 *                [CUT RESUME SPEED]
 *
 * Both files are lossless exports of the same project, OUT with a circle bubble in the
 * bottom-right corner (white border of BORDER px, shadow on), REF without. The camera clip
 * (made by tests/camera.sh) is 4:2:0 with its left half at luma 16 + 3k in frame k, chroma 128,
 * and its right half at Y'CbCr (200, 90, 170). Checked on every frame:
 *  - away from the bubble and its shadow, OUT equals REF (±2);
 *  - inside the bubble (2 px clear of the border and of the camera's middle), the camera:
 *    the half named by MIRROR, in the frame shown at recording time r: the last with
 *    k / CAM_FPS <= r - OFFSET, the first before it starts, the last after it ends. Output
 *    frame n shows r = n / fps, or with a cut (a timeline [0, CUT) then [RESUME, end) at
 *    SPEED) r = RESUME + (n / fps - CUT) * SPEED from output time CUT on;
 *  - on the border ring, white (235, 128, 128);
 *  - below the bubble, the shadow: darker than REF on average.
 * Exit 0 when all hold, 1 otherwise (the first few differences are printed). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>

typedef struct Reader {
    AVFormatContext *fmt;
    AVCodecContext *dec;
    AVPacket *pkt;
    int vidx, eof;
} Reader;

static int reader_open(Reader *r, const char *path)
{
    memset(r, 0, sizeof(*r));
    if (avformat_open_input(&r->fmt, path, NULL, NULL) < 0 ||
        avformat_find_stream_info(r->fmt, NULL) < 0) {
        fprintf(stderr, "check_camera: %s: cannot open\n", path);
        return -1;
    }
    const AVCodec *codec = NULL;
    r->vidx = av_find_best_stream(r->fmt, AVMEDIA_TYPE_VIDEO, -1, -1, &codec, 0);
    if (r->vidx < 0 || !codec) {
        fprintf(stderr, "check_camera: %s: no video\n", path);
        return -1;
    }
    r->dec = avcodec_alloc_context3(codec);
    r->pkt = av_packet_alloc();
    if (!r->dec || !r->pkt ||
        avcodec_parameters_to_context(r->dec, r->fmt->streams[r->vidx]->codecpar) < 0 ||
        avcodec_open2(r->dec, codec, NULL) < 0) {
        fprintf(stderr, "check_camera: %s: cannot decode\n", path);
        return -1;
    }
    return 0;
}

/* Next frame into f: 1, 0 at the end, -1 on error. */
static int reader_next(Reader *r, AVFrame *f)
{
    for (;;) {
        int ret = avcodec_receive_frame(r->dec, f);
        if (ret >= 0)
            return 1;
        if (ret == AVERROR_EOF)
            return 0;
        if (ret != AVERROR(EAGAIN))
            return -1;
        if (r->eof)
            return 0;
        ret = av_read_frame(r->fmt, r->pkt);
        if (ret < 0) {
            r->eof = 1;
            avcodec_send_packet(r->dec, NULL);
            continue;
        }
        if (r->pkt->stream_index == r->vidx)
            avcodec_send_packet(r->dec, r->pkt);
        av_packet_unref(r->pkt);
    }
}

static void reader_close(Reader *r)
{
    avcodec_free_context(&r->dec);
    av_packet_free(&r->pkt);
    avformat_close_input(&r->fmt);
}

static int px(const AVFrame *f, int p, int x, int y)
{
    return f->data[p][(ptrdiff_t)y * f->linesize[p] + x];
}

static int failures;
static void report(const char *what, int n, int x, int y, int got, int want)
{
    if (failures++ < 12)
        printf("  frame %d (%d,%d) %s: %d, want %d\n", n, x, y, what, got, want);
}

int main(int argc, char **argv)
{
    if (argc != 10 && argc != 13) {
        fprintf(stderr, "usage: check_camera OUT REF SIZE MARGIN BORDER MIRROR OFFSET CAM_FPS "
                        "CAM_FRAMES [CUT RESUME SPEED]\n");
        return 2;
    }
    const double cut = argc == 13 ? atof(argv[10]) : 1e9, resume = argc == 13 ? atof(argv[11]) : 0;
    const double speed = argc == 13 ? atof(argv[12]) : 1;
    const double size = atof(argv[3]), margin = atof(argv[4]), border = atof(argv[5]);
    const int mirror = atoi(argv[6]);
    const double offset = atof(argv[7]), cam_fps = atof(argv[8]);
    const int cam_frames = atoi(argv[9]);
    Reader ro, rr;
    if (reader_open(&ro, argv[1]) < 0 || reader_open(&rr, argv[2]) < 0)
        return 1;
    const AVRational fr = ro.fmt->streams[ro.vidx]->avg_frame_rate;
    const double fps = av_q2d(fr);
    AVFrame *fo = av_frame_alloc(), *fe = av_frame_alloc();
    int n = 0, checked_in = 0, checked_ring = 0, checked_out = 0, shadow_frames = 0;
    for (;; n++) {
        int a = reader_next(&ro, fo), b = reader_next(&rr, fe);
        if (a != b) {
            printf("FAIL: the exports have different frame counts (at frame %d)\n", n);
            return 1;
        }
        if (a <= 0)
            break;
        const int W = fo->width, H = fo->height;
        if (fo->format != AV_PIX_FMT_YUV420P && fo->format != AV_PIX_FMT_YUVJ420P) {
            printf("FAIL: decoded format %d is not 4:2:0 planar\n", fo->format);
            return 1;
        }
        /* documented geometry: even box, bottom-right corner */
        const int M = W < H ? W : H;
        const int w = 2 * (int)floor(size * M / 2 + 0.5);
        const double m = margin * M;
        const int x0 = 2 * (int)floor((W - m - w) / 2 + 0.5);
        const int y0 = 2 * (int)floor((H - m - w) / 2 + 0.5);
        const double cx = x0 + w / 2.0, cy = y0 + w / 2.0, R = w / 2.0;
        const double reach = 0.14 * w + 4; /* the shadow's reach beyond the bubble */
        /* the camera frame shown */
        const double to = n / fps, rec = to < cut ? to : resume + (to - cut) * speed;
        const double ct = rec - offset;
        int k = (int)floor(ct * cam_fps + 1e-6);
        k = k < 0 ? 0 : k >= cam_frames ? cam_frames - 1 : k;
        const int ramp = 16 + 3 * k;
        double sh_out = 0, sh_ref = 0;
        int sh_n = 0;
        for (int y = 0; y < H; y++)
            for (int x = 0; x < W; x++) {
                const int o = px(fo, 0, x, y), e = px(fe, 0, x, y);
                const int outside = x < x0 - reach || x >= x0 + w + reach || y < y0 - reach ||
                                    y >= y0 + w + reach;
                const double d = hypot(x + 0.5 - cx, y + 0.5 - cy) - R;
                if (outside) {
                    checked_out++;
                    if (abs(o - e) > 2)
                        report("outside the bubble, luma differs from the export without it",
                               n, x, y, o, e);
                } else if (d < -(border + 2) && fabs(x + 0.5 - cx) > 4) {
                    const int left = (x + 0.5 < cx) != mirror;
                    const int want = left ? ramp : 200;
                    checked_in++;
                    if (abs(o - want) > 1)
                        report(left ? "camera ramp (frame by time)" : "camera right half", n, x,
                               y, o, want);
                } else if (border >= 4 && d > -border + 1.5 && d < -1.5) {
                    checked_ring++;
                    if (abs(o - 235) > 2)
                        report("border ring", n, x, y, o, 235);
                } else if (d > 2 && y > cy + R / 2 && fabs(x + 0.5 - cx) < R / 3) {
                    sh_out += o, sh_ref += e, sh_n++;
                }
            }
        /* chroma: sample (i, j) sits at luma (2i + 0.5, 2j + 1) */
        for (int j = 0; j < H / 2; j++)
            for (int i = 0; i < W / 2; i++) {
                const double sx = 2 * i + 0.5, sy = 2 * j + 1.0;
                const double d = hypot(sx - cx, sy - cy) - R;
                const int outside = sx < x0 - reach - 2 || sx >= x0 + w + reach + 2 ||
                                    sy < y0 - reach - 2 || sy >= y0 + w + reach + 2;
                for (int p = 1; p < 3; p++) {
                    const int o = px(fo, p, i, j), e = px(fe, p, i, j);
                    if (outside) {
                        if (abs(o - e) > 2)
                            report(p == 1 ? "outside, Cb differs" : "outside, Cr differs", n,
                                   2 * i, 2 * j, o, e);
                    } else if (d < -(border + 3) && fabs(sx - cx) > 6) {
                        const int left = (sx < cx) != mirror;
                        const int want = left ? 128 : p == 1 ? 90 : 170;
                        if (abs(o - want) > 2)
                            report(p == 1 ? "camera Cb" : "camera Cr", n, 2 * i, 2 * j, o, want);
                    }
                }
            }
        if (sh_n && sh_out / sh_n < sh_ref / sh_n - 2)
            shadow_frames++;
        av_frame_unref(fo);
        av_frame_unref(fe);
    }
    if (n < 2)
        printf("FAIL: only %d frames\n", n), failures++;
    if (!checked_in || !checked_out || (border >= 4 && !checked_ring))
        printf("FAIL: nothing checked (in %d, ring %d, out %d)\n", checked_in, checked_ring,
               checked_out), failures++;
    if (shadow_frames < n)
        printf("FAIL: the shadow below the bubble is missing in %d of %d frames\n",
               n - shadow_frames, n), failures++;
    av_frame_free(&fo);
    av_frame_free(&fe);
    reader_close(&ro);
    reader_close(&rr);
    if (failures) {
        printf("FAIL: %d differences over %d frames\n", failures, n);
        return 1;
    }
    printf("ok: %d frames; %d bubble, %d ring, %d outside pixels checked\n", n, checked_in,
           checked_ring, checked_out);
    return 0;
}
