/* check_transition: checks a real export with a fade to black at a cut against the same export
 * with a plain cut, by decoding both. Independent of the library: it links only FFmpeg's
 * libraries (to decode) and libc, and takes the fade from docs/project-format.md
 * ("Transitions at cuts").
 *
 *   check_transition OUT.mp4 REF.mp4 CUT D
 *
 * Both files are lossless exports (4:2:0) of the same project: REF cuts plainly at output time
 * CUT; OUT fades to black there over D seconds (D / 2 on either side). Checked:
 *   - the same frame count and frame rate (a fade to black does not change the output's
 *     length), and the same number of audio samples, which is the video's duration at 48 kHz
 *     within one AAC frame;
 *   - every sample of every frame n (t = n / fps): with g = min(1, |t - CUT| / (D / 2)) and
 *     a = round(256 g), OUT = c + floor(((REF - c) * a + 128) / 256), c = 16 for luma and 128
 *     for chroma, exactly (so the frame at the cut is black: Y 16, Cb Cr 128);
 *   - the audio: over 10 ms windows, OUT's RMS is REF's times g at the window's centre (within
 *     AAC's error), and around the cut (+-30 ms) no sample-to-sample step is larger than a
 *     quarter of the largest step anywhere in REF (no click at the join).
 *
 *   check_transition crossfade OUT.mp4 A.mp4 B.mp4 START D
 *
 * OUT cross-fades from range A into range B; A.mp4 and B.mp4 are lossless exports of each
 * range alone (same project otherwise). B starts at output time START (START * fps a whole
 * number: frame nB) while A runs on to START + D. Checked:
 *   - OUT has round((len A + len B - D) * fps) frames, i.e. A's frames + B's - D * fps;
 *   - frame n: A's frame n before START, B's frame n - nB from START + D on, and in between
 *     with w = (t - START) / D, q = round(256 w): A + floor(((B - A) * q + 128) / 256), exactly;
 *     the middle frame (w = 1/2) is the average of the two sides within 1;
 *   - the audio: as many samples as the video lasts (48 kHz, padded to whole AAC frames of
 *     1024), and over 10 ms windows the waveform is (1 - w) A + w B (A before, B after; B's
 *     sample j at OUT's START * 48000 + j), within AAC's error; no sample-to-sample step within
 *     5 ms of where the overlap starts or ends larger than 1.25 times the largest in A or B.
 * Exit 0 when all hold, 1 otherwise (the first differences are printed). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CHECKER "check_transition"
#include "decode.h"

static double cut_t, dur;

/* The fade's brightness at output time t (docs/project-format.md). */
static double gain(double t)
{
    const double d = fabs(t - cut_t) / (dur / 2);
    return d < 1 ? d : 1;
}

static int faded(int v, int c, int a)
{
    const int x = (v - c) * a + 128; /* floor division by 256 */
    return c + (x >= 0 ? x / 256 : -((-x + 255) / 256));
}

/* All of the first channel's samples of path's audio (float), into *out; their count. */
static long read_audio(const char *path, float **out)
{
    Input in;
    if (open_input(&in, path, AVMEDIA_TYPE_AUDIO) < 0)
        return -1;
    AVFrame *f = av_frame_alloc();
    long n = 0, cap = 0;
    float *s = NULL;
    int r;
    while ((r = next_frame(&in, f)) == 1) {
        if (f->format != AV_SAMPLE_FMT_FLTP) {
            fprintf(stderr, "check_transition: %s: audio is not planar float\n", path);
            n = -1;
            break;
        }
        if (n + f->nb_samples > cap) {
            cap = 2 * (n + f->nb_samples);
            float *t = realloc(s, (size_t)cap * sizeof(float));
            if (!t) {
                n = -1;
                break;
            }
            s = t;
        }
        memcpy(s + n, f->data[0], (size_t)f->nb_samples * sizeof(float));
        n += f->nb_samples;
        av_frame_unref(f);
    }
    av_frame_free(&f);
    close_input(&in);
    if (r < 0)
        n = -1;
    if (n < 0)
        free(s);
    else
        *out = s;
    return n;
}

/* The whole video of path, frame by frame (4:2:0), into *frames; the count, or -1. */
static int read_video(const char *path, AVFrame ***frames, AVRational *rate)
{
    Input in;
    if (open_input(&in, path, AVMEDIA_TYPE_VIDEO) < 0)
        return -1;
    *rate = in.fmt->streams[in.stream]->avg_frame_rate;
    int n = 0, cap = 0, r;
    AVFrame **v = NULL, *f = av_frame_alloc();
    while (f && (r = next_frame(&in, f)) == 1) {
        if (f->format != AV_PIX_FMT_YUV420P) {
            fprintf(stderr, "check_transition: %s: not 4:2:0\n", path);
            r = -1;
            break;
        }
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            AVFrame **t = realloc(v, (size_t)cap * sizeof(*t));
            if (!t) {
                r = -1;
                break;
            }
            v = t;
        }
        v[n++] = f;
        f = av_frame_alloc();
    }
    av_frame_free(&f);
    close_input(&in);
    *frames = v;
    return r < 0 ? -1 : n;
}

static long aac_padded(double seconds)
{
    const long s = lrint(seconds * 48000);
    return (s + 1023) / 1024 * 1024;
}

static int crossfade(int argc, char **argv)
{
    if (argc != 7) {
        fprintf(stderr, "usage: check_transition crossfade OUT.mp4 A.mp4 B.mp4 START D\n");
        return 2;
    }
    const double start = atof(argv[5]), d = atof(argv[6]);
    AVFrame **o, **va, **vb;
    AVRational ro, ra, rb;
    const int no = read_video(argv[2], &o, &ro), na = read_video(argv[3], &va, &ra),
              nb = read_video(argv[4], &vb, &rb);
    if (no < 0 || na < 0 || nb < 0)
        return 1;
    if (ro.num <= 0 || av_cmp_q(ro, ra) || av_cmp_q(ro, rb)) {
        fprintf(stderr, "FAIL: frame rates differ\n");
        return 1;
    }
    const double fps = av_q2d(ro);
    const long nB = lrint(start * fps), nd = lrint(d * fps);
    if (fabs(start * fps - nB) > 1e-6 || nd < 3) {
        fprintf(stderr, "check_transition: START * fps must be a whole number, D * fps >= 3\n");
        return 2;
    }
    if (no != lrint((na / fps + nb / fps - d) * fps)) {
        fprintf(stderr, "FAIL: %d frames; A has %d and B %d, so a %.3f s cross-fade makes %ld\n",
                no, na, nb, d, lrint((na / fps + nb / fps - d) * fps));
        return 1;
    }
    long bad = 0, mid_bad = 0, mixed = 0;
    for (int n = 0; n < no; n++) {
        const double t = n / fps, w = (t - start) / d;
        const AVFrame *f = o[n], *a = n < na ? va[n] : NULL,
                      *b = n - nB >= 0 && n - nB < nb ? vb[n - nB] : NULL;
        const int q = (int)lrint(w * 256);
        const int in_fade = t >= start - 1e-9 && w < 1 - 1e-9;
        if ((t < start - 1e-9 && !a) || (!in_fade && t >= start - 1e-9 && !b) ||
            (in_fade && (!a || !b))) {
            fprintf(stderr, "FAIL: frame %d: no side to compare with\n", n);
            return 1;
        }
        mixed += in_fade;
        const int middle = fabs(w - 0.5) < 1e-9;
        for (int p = 0; p < 3; p++) {
            const int W = p ? (f->width + 1) / 2 : f->width, H = p ? (f->height + 1) / 2 : f->height;
            for (int y = 0; y < H; y++)
                for (int x = 0; x < W; x++) {
                    const int v = f->data[p][y * f->linesize[p] + x];
                    const int sa = a ? a->data[p][y * a->linesize[p] + x] : 0;
                    const int sb = b ? b->data[p][y * b->linesize[p] + x] : 0;
                    int want;
                    if (!in_fade)
                        want = t < start ? sa : sb;
                    else {
                        const int m = (sb - sa) * q + 128;
                        want = sa + (m >= 0 ? m / 256 : -((-m + 255) / 256));
                    }
                    if (v != want && bad++ < 5)
                        fprintf(stderr, "FAIL: frame %d (%.4f s, w %.3f) plane %d (%d,%d): %d, "
                                "expected %d (A %d, B %d)\n", n, t, w, p, x, y, v, want, sa, sb);
                    if (middle && fabs(v - (sa + sb) / 2.0) > 1 && mid_bad++ < 5)
                        fprintf(stderr, "FAIL: middle frame %d (%d,%d): %d, the sides' average "
                                "%.1f\n", n, x, y, v, (sa + sb) / 2.0);
                }
        }
    }
    if (bad || mid_bad || mixed != nd) {
        fprintf(stderr, "FAIL: %ld samples off the documented mix, %ld off the middle average, "
                "%ld mixed frames (expected %ld)\n", bad, mid_bad, mixed, nd);
        return 1;
    }
    printf("video: %d frames (A %d + B %d - %ld), %ld mixed as documented, the middle one the "
           "average\n", no, na, nb, nd, mixed);
    for (int i = 0; i < no; i++)
        av_frame_free(&o[i]);
    for (int i = 0; i < na; i++)
        av_frame_free(&va[i]);
    for (int i = 0; i < nb; i++)
        av_frame_free(&vb[i]);
    free(o), free(va), free(vb);

    float *so, *sa, *sb;
    const long mo = read_audio(argv[2], &so), ma = read_audio(argv[3], &sa),
               mb = read_audio(argv[4], &sb);
    if (mo < 0 || ma < 0 || mb < 0)
        return 1;
    if (mo != aac_padded(no / fps) || ma != aac_padded(na / fps) || mb != aac_padded(nb / fps)) {
        fprintf(stderr, "FAIL: audio samples %ld, %ld, %ld for %d, %d, %d frames\n", mo, ma, mb,
                no, na, nb);
        return 1;
    }
    const long kB = lrint(start * 48000), kd = lrint(d * 48000);
    /* the expected waveform, sample k */
#define EXPECT(k) ((k) < kB ? ((k) < ma ? sa[k] : 0)                                          \
                   : (k) >= kB + kd ? ((k) - kB < mb ? sb[(k) - kB] : 0)                        \
                   : (1 - (double)((k) - kB) / kd) * ((k) < ma ? sa[k] : 0) +                   \
                         (double)((k) - kB) / kd * ((k) - kB < mb ? sb[(k) - kB] : 0))
    int fail = 0;
    double level = 0;
    const long end = lrint(no / fps * 48000);
    for (long k = 0; k + 480 <= end; k += 480) {
        double e = 0, r = 0;
        for (long i = k; i < k + 480; i++) {
            const double x = EXPECT(i);
            e += (so[i] - x) * (so[i] - x), r += x * x;
        }
        e = sqrt(e / 480), r = sqrt(r / 480);
        level = fmax(level, r);
        if (e > 0.2 * r + 0.005 && fail++ < 5)
            fprintf(stderr, "FAIL: audio at %.3f s: off the mix by RMS %.4f (its level %.4f)\n",
                    (k + 240) / 48000.0, e, r);
    }
    double step_ab = 0, step = 0;
    for (long k = 1; k < ma; k++)
        step_ab = fmax(step_ab, fabs(sa[k] - sa[k - 1]));
    for (long k = 1; k < mb; k++)
        step_ab = fmax(step_ab, fabs(sb[k] - sb[k - 1]));
    const long at[2] = {kB, kB + kd};
    for (int j = 0; j < 2; j++)
        for (long k = at[j] - 240; k < at[j] + 240; k++)
            if (k > 0 && k < mo)
                step = fmax(step, fabs(so[k] - so[k - 1]));
    if (step > 1.25 * step_ab) {
        fprintf(stderr, "FAIL: a step of %.4f where the overlap starts or ends (at most %.4f in "
                "A or B): a click\n", step, step_ab);
        fail = 1;
    }
    free(so), free(sa), free(sb);
    if (level < 0.01) {
        fprintf(stderr, "FAIL: the audio is silent: the test proves nothing\n");
        return 1;
    }
    if (fail)
        return 1;
    printf("audio: %ld samples, the cross-fade mix of both sides, largest step at its ends "
           "%.4f (%.4f in A or B)\n", mo, step, step_ab);
    return 0;
}

int main(int argc, char **argv)
{
    if (argc > 1 && !strcmp(argv[1], "crossfade"))
        return crossfade(argc, argv);
    if (argc != 5) {
        fprintf(stderr, "usage: check_transition OUT.mp4 REF.mp4 CUT D\n");
        return 2;
    }
    cut_t = atof(argv[3]), dur = atof(argv[4]);
    Input out, ref;
    if (open_input(&out, argv[1], AVMEDIA_TYPE_VIDEO) < 0 ||
        open_input(&ref, argv[2], AVMEDIA_TYPE_VIDEO) < 0)
        return 1;
    const AVRational fr = out.fmt->streams[out.stream]->avg_frame_rate;
    const AVRational rr = ref.fmt->streams[ref.stream]->avg_frame_rate;
    if (fr.num <= 0 || av_cmp_q(fr, rr)) {
        fprintf(stderr, "FAIL: frame rates %d/%d and %d/%d\n", fr.num, fr.den, rr.num, rr.den);
        return 1;
    }
    AVFrame *a = av_frame_alloc(), *b = av_frame_alloc();
    long n = 0, bad = 0, faded_frames = 0, black = 0;
    int ra, rb;
    for (;;) {
        ra = next_frame(&out, a), rb = next_frame(&ref, b);
        if (ra != 1 || rb != 1)
            break;
        if (a->format != AV_PIX_FMT_YUV420P || b->format != AV_PIX_FMT_YUV420P ||
            a->width != b->width || a->height != b->height) {
            fprintf(stderr, "FAIL: frame %ld: not the same 4:2:0 size\n", n);
            return 1;
        }
        const double t = (double)n * fr.den / fr.num;
        const int q = (int)lrint(gain(t) * 256);
        faded_frames += q < 256;
        int is_black = 1;
        for (int p = 0; p < 3; p++) {
            const int w = p ? (a->width + 1) / 2 : a->width, h = p ? (a->height + 1) / 2 : a->height;
            const int c = p ? 128 : 16;
            for (int y = 0; y < h; y++)
                for (int x = 0; x < w; x++) {
                    const int va = a->data[p][y * a->linesize[p] + x];
                    const int want = faded(b->data[p][y * b->linesize[p] + x], c, q);
                    is_black &= va == c;
                    if (va != want && bad++ < 5)
                        fprintf(stderr, "FAIL: frame %ld (%.4f s, gain %d/256) plane %d (%d,%d): "
                                "%d, expected %d (plain cut %d)\n", n, t, q, p, x, y, va, want,
                                b->data[p][y * b->linesize[p] + x]);
                }
        }
        if (fabs(t - cut_t) < 1e-6 && !is_black && bad++ < 5)
            fprintf(stderr, "FAIL: frame %ld at the cut is not black\n", n);
        black += is_black;
        n++;
        av_frame_unref(a);
        av_frame_unref(b);
    }
    if (ra != 0 || rb != 0) {
        fprintf(stderr, "FAIL: frame counts differ (or decoding failed) after %ld frames\n", n);
        return 1;
    }
    if (faded_frames < 3) {
        fprintf(stderr, "FAIL: only %ld frames fall in the fade: the test proves nothing\n",
                faded_frames);
        return 1;
    }
    close_input(&out);
    close_input(&ref);
    av_frame_free(&a);
    av_frame_free(&b);
    if (bad) {
        fprintf(stderr, "FAIL: %ld samples differ from the documented fade\n", bad);
        return 1;
    }
    printf("video: %ld frames, %ld in the fade, %ld black, all as documented\n", n,
           faded_frames, black);

    float *sa = NULL, *sb = NULL;
    const long na = read_audio(argv[1], &sa), nb = read_audio(argv[2], &sb);
    if (na < 0 || nb < 0)
        return 1;
    const double want = (double)n * fr.den / fr.num * 48000;
    if (na != nb || fabs(na - want) > 1024) {
        fprintf(stderr, "FAIL: audio samples %ld (faded) and %ld (plain cut); the video's %ld "
                "frames last %.0f samples\n", na, nb, n, want);
        return 1;
    }
    double ref_step = 0;
    for (long k = 1; k < nb; k++)
        ref_step = fmax(ref_step, fabs(sb[k] - sb[k - 1]));
    const long c0 = lrint((cut_t - 0.03) * 48000), c1 = lrint((cut_t + 0.03) * 48000);
    double step = 0;
    for (long k = c0 > 1 ? c0 : 1; k < c1 && k < na; k++)
        step = fmax(step, fabs(sa[k] - sa[k - 1]));
    int fail = 0;
    if (step > ref_step / 4) {
        fprintf(stderr, "FAIL: a step of %.4f between samples at the cut (largest in the plain "
                "cut's whole track %.4f): a click\n", step, ref_step);
        fail = 1;
    }
    const int W = 480; /* 10 ms */
    double worst = 0, ref_level = 0;
    for (long k = 0; k + W <= na; k += W) {
        double ea = 0, eb = 0;
        for (int i = 0; i < W; i++)
            ea += (double)sa[k + i] * sa[k + i], eb += (double)sb[k + i] * sb[k + i];
        ea = sqrt(ea / W), eb = sqrt(eb / W);
        ref_level = fmax(ref_level, eb);
        const double g = gain((k + W / 2.0) / 48000);
        const double err = fabs(ea - g * eb) - 0.1 * eb - 0.003;
        if (err > worst)
            worst = err;
        if (err > 0 && fail++ < 5)
            fprintf(stderr, "FAIL: audio at %.3f s: RMS %.4f, expected %.4f (gain %.3f of "
                    "%.4f)\n", (k + W / 2.0) / 48000, ea, g * eb, g, eb);
    }
    free(sa);
    free(sb);
    if (ref_level < 0.01) {
        fprintf(stderr, "FAIL: the plain cut's audio is silent: the test proves nothing\n");
        return 1;
    }
    if (fail)
        return 1;
    printf("audio: %ld samples, the level follows the fade, largest step at the cut %.4f "
           "(%.4f in the whole plain cut)\n", na, step, ref_step);
    return 0;
}
