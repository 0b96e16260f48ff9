/* vexport command-line tool: a thin client of the public API (include/vexport). */
#ifndef _XOPEN_SOURCE
#define _XOPEN_SOURCE 700 /* realpath */
#endif
#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include <json-c/json.h>
#include <libavcodec/avcodec.h>

#include "demo_scene.h"
#include "vexport/vexport.h"

#define MAX_OPTS 64

enum { PROG_AUTO, PROG_BAR, PROG_JSON, PROG_NONE };

typedef struct Cli {
    int verbosity; /* 0 quiet, 1 normal, 2 verbose */
    int progress;
    const char *output;
    const char *project;
    VxExportOptions eo;
    const char *enc_opts[MAX_OPTS];
    int n_enc_opts;
    char gif_opts[2][64]; /* --max-size, --loop as max_size=, loop= encoder options */
    int threads;
    int stats; /* --stats */
    unsigned cpu_mask; /* from --cpu, when cpu_set */
    int cpu_set;
    /* flag-mode project fields */
    json_object *flags; /* built from --screen etc. */
    double at;
    int have_at;
    /* join: the chunk files after the project */
    const char **parts;
    int n_parts;
    /* synth */
    VxtSceneOptions scene;
    /* demo */
    const char *demo_inputs; /* --inputs DIR: keep the demo's inputs there */
    const char *project_out; /* --project-out FILE: write the demo's project; render: the
                              * project with auto_zoom's segments as plain zoom entries */
    json_object *auto_zooms; /* render --project-out: the segments auto_zoom logged */
    /* progress state */
    double last_print;
    int json_first;
} Cli;

static volatile sig_atomic_t g_signal;
static VxJob *volatile g_job;

/* Ctrl-C / SIGTERM cancel the job (vx_job_cancel is async-signal-safe); the library stops,
 * removes its own temporary and returns VX_ECANCELED, which exits 130 (143 on SIGTERM). */
static void on_signal(int sig)
{
    g_signal = sig;
    if (g_job)
        vx_job_cancel(g_job);
}

static void log_cb(void *opaque, int level, const char *msg)
{
    Cli *c = opaque;
    if (level == VX_LOG_ERROR)
        return; /* errors are printed once, by the caller, from vx_last_error() */
    static const char az[] = "auto_zoom: {";
    if (c->project_out && !strncmp(msg, az, sizeof(az) - 1)) {
        json_object *seg = json_tokener_parse(msg + sizeof(az) - 2);
        if (seg && !c->auto_zooms)
            c->auto_zooms = json_object_new_array();
        if (seg && c->auto_zooms)
            json_object_array_add(c->auto_zooms, seg);
    }
    if (level >= VX_LOG_VERBOSE && c->verbosity < 2)
        return; /* asked for by --project-out only */
    if ((level == VX_LOG_WARNING || level == VX_LOG_INFO) && c->verbosity < 1)
        return;
    fprintf(stderr, "vexport: %s%s\n", level == VX_LOG_WARNING ? "warning: " : "", msg);
}

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

static void print_json_string(const char *s)
{
    json_object *o = json_object_new_string(s);
    fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE), stdout);
    json_object_put(o);
}

static void progress_cb(void *opaque, const VxProgress *p)
{
    Cli *c = opaque;
    double t = now_s();
    if (c->progress == PROG_JSON) {
        if (p->done) {
            printf("{\"done\":true,\"output\":");
            print_json_string(c->output);
            printf(",\"duration\":%.3f,\"frames\":%lld,\"seconds\":%.3f,\"fps\":%.2f}\n",
                   p->duration_s, (long long)p->frame, p->elapsed_s, p->fps);
        } else if (c->json_first || t - c->last_print >= 0.25 || p->frame == p->total) {
            printf("{\"frame\":%lld,\"total\":%lld,\"fps\":%.2f,\"eta_s\":%.2f",
                   (long long)p->frame, (long long)p->total, p->fps, p->eta_s);
            if (c->json_first)
                printf(",\"mode\":\"%s\"", p->mode ? p->mode : "composite");
            printf("}\n");
            c->json_first = 0;
            c->last_print = t;
        }
        fflush(stdout);
    } else if (c->progress == PROG_BAR) {
        if (!p->done && t - c->last_print < 0.1 && p->frame != p->total)
            return;
        c->last_print = t;
        const int width = 30;
        double frac = p->total ? (double)p->frame / p->total : 0;
        int fill = (int)(frac * width);
        char bar[64];
        for (int i = 0; i < width; i++)
            bar[i] = i < fill ? '#' : '-';
        bar[width] = 0;
        if (p->done)
            printf("\r[%s] 100%%  %lld frames in %.1f s (%.1f fps)          \n", bar,
                   (long long)p->frame, p->elapsed_s, p->fps);
        else
            printf("\r[%s] %3d%%  %lld/%lld  %.1f fps  ETA %.0f s   ", bar, (int)(frac * 100),
                   (long long)p->frame, (long long)p->total, p->fps, p->eta_s < 0 ? 0 : p->eta_s);
        fflush(stdout);
    }
}

static void usage(FILE *f)
{
    fprintf(f,
        "usage:\n"
        "  vexport render PROJECT.json -o OUT.mp4 [--project-out FILE] [encoder options]\n"
        "       (--project-out: the project with auto_zoom's segments as plain zoom entries)\n"
        "  vexport render --screen REC.mp4 [--background SPEC] [--padding F] [--radius PX]\n"
        "                 [--shadow BLUR[:OPACITY[:OFFX:OFFY[:COLOR]]]] [--size WxH] [--fps N]\n"
        "                 [--audio FILE|none] [--format mp4|mov|webm|gif]\n"
        "                 [--codec h264|hevc|av1|vp9|prores|gif] [--quality web|social|studio|max]\n"
        "                 [--resolution 720p|1080p|1440p|4k|source] [--aspect 16:9|9:16|1:1|4:5|4:3]\n"
        "                 -o OUT.mp4 [encoder options]\n"
        "  vexport render PROJECT.json --chunk I/N -o part-I.mp4 [encoder options]\n"
        "       (the I-th of N consecutive ranges of the output's frames, video only)\n"
        "  vexport join PROJECT.json part-0.mp4 ... part-{N-1}.mp4 -o OUT.mp4\n"
        "       (the chunks copied into one export, with the audio: docs/scale-out.md)\n"
        "  vexport frame PROJECT.json --at SECONDS -o FRAME.png\n"
        "  vexport demo [-o demo.mp4] [--inputs DIR] [--project-out FILE] [encoder options]\n"
        "       (--inputs: keep the synthetic inputs in DIR; --project-out: write the project\n"
        "       the demo renders, its inputs named relatively inside DIR, else absolutely)\n"
        "  vexport probe FILE\n"
        "  vexport synth -o REC.mp4 [--size WxH] [--fps N] [--seconds S] [--no-audio]\n"
        "                [--cursor-track TRACK.jsonl] [--no-pointer] [--webcam CAM.mp4]\n"
        "                [--mic MIC.m4a] [--keys-track KEYS.jsonl] [--captions SUBS.srt]\n"
        "  vexport presets (the --quality, --resolution and --aspect names, what each sets)\n"
        "  vexport version\n"
        "background SPEC: #rrggbb | gradient:ANGLE:#c1:#c2[:#c3...] | image:PATH | wallpaper:NAME\n"
        "  | transparent (ProRes 4444 with alpha: --codec prores -o OUT.mov)\n"
        "encoder options: --encoder NAME --preset P (default veryfast for libx264)\n"
        "  --crf N | --bitrate B[k|M]  --encoder-opt key=value (repeatable)\n"
        "  OUT.gif: 15 fps and 960 wide unless the project says otherwise;\n"
        "  --max-size BYTES[k|M] (lower the fps, then the size, until it fits)\n"
        "  --loop N (0: forever, the default; -1: play once)\n"
        "  --threads N (one budget for decoding, composing and encoding; default: the CPUs)\n"
        "  --cpu c|sse4|avx2|avx512|neon  --progress bar|json|none  -v | -q\n"
        "  --no-passthrough (always re-encode, even when the recording could be copied)\n"
        "  --hwaccel auto|none|NAME (hardware decoding; default auto: used when it opens)\n"
        "  --encoder auto (default: a hardware encoder when one opens, else libx264)\n"
        "  --stats (print where the time went, frames copied, peak memory at the end)\n"
        "exit codes: 0 ok, 1 bad input or usage, 2 runtime failure, 130 interrupted\n");
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "vexport: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(see `vexport help`)\n");
    return 1;
}

static int parse_double(const char *s, double *out)
{
    char *end;
    errno = 0;
    double d = strtod(s, &end);
    if (end == s || *end || errno || !isfinite(d))
        return -1;
    *out = d;
    return 0;
}

static json_object *flag_obj(Cli *c, const char *key)
{
    if (!c->flags)
        c->flags = json_object_new_object();
    json_object *o;
    if (!json_object_object_get_ex(c->flags, key, &o)) {
        o = json_object_new_object();
        json_object_object_add(c->flags, key, o);
    }
    return o;
}

/* --background SPEC -> project "background" */
static int flag_background(Cli *c, const char *spec)
{
    json_object *bg;
    if (!strncmp(spec, "gradient:", 9)) {
        char *dup = strdup(spec + 9), *save = NULL;
        char *ang = strtok_r(dup, ":", &save);
        double a;
        if (!ang || parse_double(ang, &a) < 0) {
            free(dup);
            return usage_error("--background %s: expected gradient:ANGLE:#c1:#c2", spec);
        }
        bg = json_object_new_object();
        json_object_object_add(bg, "type", json_object_new_string("gradient"));
        json_object_object_add(bg, "angle", json_object_new_double(a));
        json_object *stops = json_object_new_array();
        for (char *col; (col = strtok_r(NULL, ":", &save));) {
            json_object *s = json_object_new_object();
            json_object_object_add(s, "color", json_object_new_string(col));
            json_object_array_add(stops, s);
        }
        json_object_object_add(bg, "stops", stops);
        free(dup);
    } else if (!strncmp(spec, "image:", 6)) {
        bg = json_object_new_object();
        json_object_object_add(bg, "type", json_object_new_string("image"));
        json_object_object_add(bg, "path", json_object_new_string(spec + 6));
    } else {
        bg = json_object_new_string(spec);
    }
    if (!c->flags)
        c->flags = json_object_new_object();
    json_object_object_add(c->flags, "background", bg);
    return 0;
}

static int flag_shadow(Cli *c, const char *spec)
{
    static const char *const keys[] = {"blur", "opacity", "offset_x", "offset_y", "color"};
    json_object *sh = flag_obj(c, "shadow");
    char *dup = strdup(spec), *save = NULL, *tok = strtok_r(dup, ":", &save);
    for (int i = 0; tok && i < 5; i++, tok = strtok_r(NULL, ":", &save)) {
        double v;
        if (i == 4) {
            json_object_object_add(sh, keys[i], json_object_new_string(tok));
        } else if (parse_double(tok, &v) < 0) {
            free(dup);
            return usage_error("--shadow %s: expected BLUR[:OPACITY[:OFFX:OFFY[:COLOR]]]", spec);
        } else {
            json_object_object_add(sh, keys[i], json_object_new_double(v));
        }
    }
    free(dup);
    return 0;
}

/* Parses options shared by the subcommands; returns 0, or an exit code. */
static int parse_args(Cli *c, int argc, char **argv, int allow_flags)
{
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED()                                                 \
    do {                                                       \
        if (!v)                                                \
            return usage_error("%s needs a value", a);         \
        i++;                                                   \
    } while (0)
        double d;
        if (!strcmp(a, "-o") || !strcmp(a, "--output")) {
            NEED();
            c->output = v;
        } else if (!strcmp(a, "-v") || !strcmp(a, "--verbose")) {
            c->verbosity = 2;
        } else if (!strcmp(a, "-q") || !strcmp(a, "--quiet")) {
            c->verbosity = 0;
        } else if (!strcmp(a, "--encoder")) {
            NEED();
            c->eo.encoder = v;
        } else if (!strcmp(a, "--preset")) {
            NEED();
            c->eo.preset = v;
        } else if (!strcmp(a, "--crf")) {
            NEED();
            if (parse_double(v, &d) < 0 || d < 0 || d > 63)
                return usage_error("--crf %s: expected a number from 0 to 63", v);
            c->eo.crf = d;
        } else if (!strcmp(a, "--bitrate")) {
            NEED();
            char *end;
            double b = strtod(v, &end);
            if (*end == 'k' || *end == 'K')
                b *= 1e3, end++;
            else if (*end == 'M' || *end == 'm')
                b *= 1e6, end++;
            if (end == v || *end || !(b > 0))
                return usage_error("--bitrate %s: expected bits per second (e.g. 8M)", v);
            c->eo.bitrate = (int64_t)b;
        } else if (!strcmp(a, "--encoder-opt")) {
            NEED();
            if (c->n_enc_opts == MAX_OPTS)
                return usage_error("too many %s", a);
            if (!strchr(v, '='))
                return usage_error("--encoder-opt %s: expected key=value", v);
            c->enc_opts[c->n_enc_opts++] = v;
        } else if (!strcmp(a, "--max-size") || !strcmp(a, "--loop")) {
            NEED();
            const int loop = !strcmp(a, "--loop");
            if (c->n_enc_opts == MAX_OPTS)
                return usage_error("too many %s", a);
            snprintf(c->gif_opts[loop], sizeof(c->gif_opts[loop]), "%s=%s",
                     loop ? "loop" : "max_size", v);
            c->enc_opts[c->n_enc_opts++] = c->gif_opts[loop];
        } else if (!strcmp(a, "--threads")) {
            NEED();
            if (parse_double(v, &d) < 0 || d < 0 || d > 256 || d != floor(d))
                return usage_error("--threads %s: expected a whole number from 0 to 256", v);
            c->threads = (int)d;
        } else if (!strcmp(a, "--cpu")) {
            NEED();
            long mask = vx_cpu_level_mask(v);
            if (mask < 0)
                return usage_error("--cpu %s: expected c, sse4, avx2, avx512 or neon", v);
            c->cpu_mask = (unsigned)mask;
            c->cpu_set = 1;
        } else if (!strcmp(a, "--progress")) {
            NEED();
            if (!strcmp(v, "bar"))
                c->progress = PROG_BAR;
            else if (!strcmp(v, "json"))
                c->progress = PROG_JSON;
            else if (!strcmp(v, "none"))
                c->progress = PROG_NONE;
            else
                return usage_error("--progress %s: expected bar, json or none", v);
        } else if (!strcmp(a, "--hwaccel")) {
            NEED();
            c->eo.hwaccel = v;
        } else if (!strcmp(a, "--chunk")) {
            NEED();
            int ci, cn;
            char tail;
            if (sscanf(v, "%d/%d%c", &ci, &cn, &tail) != 2 || cn < 1 || ci < 0 || ci >= cn)
                return usage_error("--chunk %s: expected I/N with 0 <= I < N (chunk I of N)", v);
            c->eo.chunk_index = ci, c->eo.chunk_count = cn;
        } else if (!strcmp(a, "--stats")) {
            c->stats = 1;
        } else if (!strcmp(a, "--no-passthrough")) {
            c->eo.no_passthrough = 1;
        } else if (!strcmp(a, "--at")) {
            NEED();
            if (parse_double(v, &c->at) < 0 || c->at < 0)
                return usage_error("--at %s: expected seconds (>= 0)", v);
            c->have_at = 1;
        } else if (allow_flags && !strcmp(a, "--screen")) {
            NEED();
            json_object_object_add(flag_obj(c, "sources"), "screen", json_object_new_string(v));
        } else if (allow_flags && !strcmp(a, "--audio")) {
            NEED();
            json_object *arr = json_object_new_array();
            if (strcmp(v, "none"))
                json_object_array_add(arr, json_object_new_string(v));
            json_object_object_add(flag_obj(c, "sources"), "audio", arr);
        } else if (allow_flags && !strcmp(a, "--background")) {
            NEED();
            int r = flag_background(c, v);
            if (r)
                return r;
        } else if (allow_flags && (!strcmp(a, "--padding") || !strcmp(a, "--radius"))) {
            NEED();
            if (parse_double(v, &d) < 0) {
                char m[64];
                snprintf(m, sizeof(m), "%s %.32s", a, v);
                return usage_error("%s: expected a number", m);
            }
            if (!c->flags)
                c->flags = json_object_new_object();
            json_object_object_add(c->flags, a + 2, json_object_new_double(d));
        } else if (allow_flags && !strcmp(a, "--shadow")) {
            NEED();
            int r = flag_shadow(c, v);
            if (r)
                return r;
        } else if ((allow_flags || !strcmp(argv[-1], "synth")) && !strcmp(a, "--size")) {
            NEED();
            int w, h;
            char x;
            if (sscanf(v, "%d%c%d", &w, &x, &h) != 3 || (x != 'x' && x != 'X') || w < 1 || h < 1)
                return usage_error("--size %s: expected WIDTHxHEIGHT", v);
            json_object *o = flag_obj(c, "output");
            json_object_object_add(o, "width", json_object_new_int(w));
            json_object_object_add(o, "height", json_object_new_int(h));
            c->scene.width = w, c->scene.height = h;
        } else if (allow_flags && (!strcmp(a, "--format") || !strcmp(a, "--codec") ||
                                   !strcmp(a, "--resolution") || !strcmp(a, "--aspect"))) {
            NEED();
            json_object_object_add(flag_obj(c, "output"), a + 2, json_object_new_string(v));
        } else if (allow_flags && !strcmp(a, "--quality")) { /* a CRF number or a preset */
            NEED();
            json_object_object_add(flag_obj(c, "output"), "quality",
                                   parse_double(v, &d) < 0 ? json_object_new_string(v)
                                                           : json_object_new_double(d));
        } else if (!strcmp(a, "--fps")) {
            NEED();
            if (parse_double(v, &d) < 0 || d <= 0)
                return usage_error("--fps %s: expected a positive number", v);
            json_object_object_add(flag_obj(c, "output"), "fps", json_object_new_double(d));
            c->scene.fps = (int)lrint(d);
        } else if (!strcmp(a, "--seconds")) {
            NEED();
            if (parse_double(v, &d) < 0 || d <= 0)
                return usage_error("--seconds %s: expected a positive number", v);
            c->scene.seconds = d;
        } else if (!strcmp(a, "--no-audio")) {
            c->scene.audio = 0;
        } else if (!strcmp(a, "--inputs")) {
            NEED();
            c->demo_inputs = v;
        } else if (!strcmp(a, "--project-out")) {
            NEED();
            c->project_out = v;
        } else if (!strcmp(a, "--no-pointer")) {
            c->scene.pointer = 0;
        } else if (!strcmp(a, "--cursor-track")) {
            NEED();
            c->scene.cursor_track = v;
        } else if (!strcmp(a, "--webcam")) {
            NEED();
            c->scene.webcam = v;
        } else if (!strcmp(a, "--mic")) {
            NEED();
            c->scene.mic = v;
        } else if (!strcmp(a, "--keys-track")) {
            NEED();
            c->scene.keys_track = v;
        } else if (!strcmp(a, "--captions")) {
            NEED();
            c->scene.captions = v;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option %s", a);
        } else if (!c->project) {
            c->project = a;
        } else if (c->parts) {
            c->parts[c->n_parts++] = a;
        } else {
            return usage_error("unexpected argument %s", a);
        }
#undef NEED
    }
    return 0;
}

static int exit_code(int err)
{
    if (err == VX_ECANCELED)
        return g_signal == SIGTERM ? 143 : 130;
    switch (-err) {
    case EINVAL:
    case ENOENT:
    case ENOSYS:
    case EACCES:
    case ENOTDIR:
    case EISDIR:
    case EROFS:
        return 1;
    default:
        return 2;
    }
}

static int fail_msg(const char *msg, int err)
{
    if (err == VX_ECANCELED)
        fprintf(stderr, "\nvexport: interrupted; nothing was written\n");
    else
        fprintf(stderr, "vexport: error: %s\n", *msg ? msg : vx_strerror(err));
    return exit_code(err);
}

static int fail(VxContext *ctx, int err)
{
    return fail_msg(ctx ? vx_last_error(ctx) : "", err);
}

static int open_ctx(Cli *c, VxContext **ctx)
{
    VxSettings s;
    vx_default_settings(&s);
    s.log_cb = log_cb;
    s.log_opaque = c;
    s.log_level = c->verbosity >= 2 || c->project_out ? VX_LOG_VERBOSE : VX_LOG_INFO;
    s.threads = c->threads;
    s.ffmpeg_log = VX_FFMPEG_LOG_QUIET; /* the tool reports through log_cb alone */
    s.trim_heap = 1;                    /* long exports keep a flat resident size */
    const char *inc = getenv("VEXPORT_INCREMENTAL"); /* "0": whole frames, for tests */
    s.no_incremental = inc && !strcmp(inc, "0");
    if (c->cpu_set)
        s.cpu_mask = c->cpu_mask;
    int ret = vx_open(ctx, &s);
    if (ret < 0)
        fprintf(stderr, "vexport: error: cannot start: %s\n", vx_strerror(ret));
    return ret;
}

/* vexport presets: one line each, "KEY NAME: what it sets" (flag --KEY's last part). */
static int cmd_presets(void)
{
    const char *key, *name;
    char what[256];
    for (int i = 0; vx_preset_describe(i, &key, &name, what, sizeof(what)) == 0; i++)
        printf("%-18s %-7s %s\n", key, name, what);
    return 0;
}

/* load_project's answer after it printed a usage message (not a library error code) */
#define USAGE_FAILED (-100000)

/* Loads the project (file or flags). Returns 0, a library error, or USAGE_FAILED. */
static int load_project(Cli *c, VxContext *ctx, VxProject **p)
{
    if (c->project && c->flags) {
        usage_error("give a project file or --screen flags, not both (%s)", c->project);
        return USAGE_FAILED;
    }
    if (c->project)
        return vx_project_load(ctx, c->project, p);
    if (!c->flags) {
        usage_error("%s", "nothing to render: give PROJECT.json or --screen REC.mp4");
        return USAGE_FAILED;
    }
    const char *json = json_object_to_json_string_ext(c->flags, JSON_C_TO_STRING_PLAIN);
    return vx_project_parse(ctx, json, NULL, "command line", p);
}

/* --stats: a readable summary on stderr, and with --progress json a last JSON line. */
static void print_stats(const Cli *c, const VxStats *st)
{
    const int comp = st->mode && !strcmp(st->mode, "composite");
    fprintf(stderr, "vexport: stats: %s, %.2f s wall, peak memory %.0f MiB\n",
            st->mode ? st->mode : "?", st->wall_s, st->peak_rss_kib / 1024.0);
    if (comp)
        fprintf(stderr, "vexport: stats: setup %.2f s (files, encoder, background layer)\n",
                st->setup_s);
    if (comp) {
        fprintf(stderr, "vexport: stats: busy: decode %.2f s, compose %.2f s, encode %.2f s, "
                "audio %.2f s, mux %.2f s\n", st->decode_s, st->compose_s, st->encode_s,
                st->audio_s, st->mux_s);
        fprintf(stderr, "vexport: stats: decode queue: decoder waited %.2f s (full), "
                "compose waited %.2f s (empty)\n", st->decode_wait_full_s,
                st->compose_wait_empty_s);
        fprintf(stderr, "vexport: stats: frames: %lld decoded, %lld composed, %lld copied "
                "between compose and encode\n", (long long)st->frames_decoded,
                (long long)st->frames_composed, (long long)st->frames_copied);
        fprintf(stderr, "vexport: stats: threads: budget %d: decode %d%s%s, encode %d (%s), "
                "compose %d (the job's thread%s)\n", st->threads, st->decode_threads,
                *st->hwaccel ? " on " : "", st->hwaccel, st->encode_threads, st->encoder,
                st->compose_threads, st->compose_threads > 1 ? " and slices on more" : "");
    } else {
        fprintf(stderr, "vexport: stats: stream copy %.2f s\n", st->mux_s);
    }
    if (c->progress != PROG_JSON)
        return;
    json_object *o = json_object_new_object(), *s = json_object_new_object();
    char num[64];
#define D(k, v) (snprintf(num, sizeof(num), "%.4f", (double)(v)), \
                 json_object_object_add(s, k, json_object_new_double_s(v, num)))
#define I(k, v) json_object_object_add(s, k, json_object_new_int64(v))
    json_object_object_add(s, "mode", json_object_new_string(st->mode ? st->mode : ""));
    D("wall_s", st->wall_s);
    D("setup_s", st->setup_s);
    D("decode_s", st->decode_s);
    D("compose_s", st->compose_s);
    D("encode_s", st->encode_s);
    D("audio_s", st->audio_s);
    D("mux_s", st->mux_s);
    D("decode_wait_full_s", st->decode_wait_full_s);
    D("compose_wait_empty_s", st->compose_wait_empty_s);
    I("frames_decoded", st->frames_decoded);
    I("frames_composed", st->frames_composed);
    I("frames_copied", st->frames_copied);
    I("peak_rss_kib", st->peak_rss_kib);
    I("threads", st->threads);
    I("decode_threads", st->decode_threads);
    I("compose_threads", st->compose_threads);
    I("encode_threads", st->encode_threads);
    json_object_object_add(s, "hwaccel", json_object_new_string(st->hwaccel));
    json_object_object_add(s, "encoder", json_object_new_string(st->encoder));
#undef D
#undef I
    json_object_object_add(o, "stats", s);
    puts(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN | JSON_C_TO_STRING_NOSLASHESCAPE));
    fflush(stdout);
    json_object_put(o);
}

/* The output and the progress reporting of an export or a join. */
static void setup_output(Cli *c)
{
    c->eo.output_path = c->output;
    c->eo.progress_cb = progress_cb;
    c->eo.progress_opaque = c;
    if (c->progress == PROG_AUTO)
        c->progress = isatty(STDOUT_FILENO) && c->verbosity ? PROG_BAR : PROG_NONE;
    c->json_first = 1;
}

/* Runs a job (an export or a join) that Ctrl-C and SIGTERM cancel; *e: its error. */
static int run_job(VxJob *job, VxError *e)
{
    g_job = job;
    if (g_signal) /* interrupted before the job existed */
        vx_job_cancel(job);
    const int ret = vx_job_run(job);
    g_job = NULL;
    vx_job_error(job, e);
    return ret;
}

static int run_export(Cli *c, VxContext *ctx, const VxProject *p)
{
    VxJob *job = NULL;
    c->eo.encoder_opts = c->enc_opts;
    c->eo.n_encoder_opts = c->n_enc_opts;
    c->eo.threads = c->threads;
    setup_output(c);
    int ret = vx_job_create(ctx, p, &c->eo, &job);
    if (ret < 0)
        return fail(ctx, ret);
    VxError e = {0};
    ret = run_job(job, &e);
    VxStats st;
    if (ret >= 0 && c->stats && vx_job_stats(job, &st) == 0)
        print_stats(c, &st);
    vx_job_free(&job);
    if (ret < 0)
        return fail_msg(e.message, ret);
    if (c->progress != PROG_JSON && c->verbosity)
        fprintf(stderr, "vexport: wrote %s\n", c->output);
    return 0;
}

static double zoom_start(json_object *z)
{
    json_object *v;
    return json_object_object_get_ex(z, "start", &v) ? json_object_get_double(v) : 0;
}

static int by_start(const void *a, const void *b)
{
    const double x = zoom_start(*(json_object *const *)a), y = zoom_start(*(json_object *const *)b);
    return x < y ? -1 : x > y;
}

/* render --project-out FILE: the project as read, its auto_zoom's segments written into
 * "zoom" as plain entries (in time order) and "auto_zoom" removed, so the result exports the
 * same zooms and each can be edited. Source paths are kept as written. */
static int write_project_out(Cli *c)
{
    json_object *root = json_object_from_file(c->project), *zoom = NULL;
    if (!root) {
        fprintf(stderr, "vexport: error: %s: cannot read the project again\n", c->project);
        return 1;
    }
    json_object_object_del(root, "auto_zoom");
    json_object *old = NULL;
    json_object_object_get_ex(root, "zoom", &old);
    zoom = json_object_new_array();
    for (size_t i = 0; old && i < json_object_array_length(old); i++)
        json_object_array_add(zoom, json_object_get(json_object_array_get_idx(old, i)));
    for (size_t i = 0; c->auto_zooms && i < json_object_array_length(c->auto_zooms); i++)
        json_object_array_add(zoom, json_object_get(json_object_array_get_idx(c->auto_zooms, i)));
    json_object_array_sort(zoom, by_start);
    if (json_object_array_length(zoom))
        json_object_object_add(root, "zoom", zoom);
    else
        json_object_put(zoom);
    int r = json_object_to_file_ext(c->project_out, root, JSON_C_TO_STRING_PRETTY |
                                    JSON_C_TO_STRING_SPACED | JSON_C_TO_STRING_NOSLASHESCAPE);
    json_object_put(root);
    if (r) {
        fprintf(stderr, "vexport: error: %s: cannot write the project\n", c->project_out);
        return 1;
    }
    if (c->verbosity)
        fprintf(stderr, "vexport: wrote %s\n", c->project_out);
    return 0;
}

static int cmd_render(Cli *c, int argc, char **argv)
{
    int r = parse_args(c, argc, argv, 1);
    if (r)
        return r;
    if (!c->output)
        return usage_error("%s", "render needs -o OUT.mp4");
    VxContext *ctx = NULL;
    VxProject *p = NULL;
    if (open_ctx(c, &ctx) < 0)
        return 2;
    int ret = load_project(c, ctx, &p);
    if (ret < 0) {
        r = ret == USAGE_FAILED ? 1 : fail(ctx, ret);
    } else {
        r = run_export(c, ctx, p);
        if (!r && c->project_out && c->project)
            r = write_project_out(c);
    }
    vx_project_free(&p);
    vx_close(&ctx);
    return r;
}

/* vexport join PROJECT part-0.mp4 ... -o OUT.mp4 */
static int cmd_join(Cli *c, int argc, char **argv)
{
    c->parts = calloc((size_t)argc + 1, sizeof(*c->parts));
    if (!c->parts)
        return 2;
    int r = parse_args(c, argc, argv, 0);
    if (!r && !c->output)
        r = usage_error("%s", "join needs -o OUT.mp4");
    if (!r && (!c->project || !c->n_parts))
        r = usage_error("%s", "join needs the project and the chunks: join PROJECT.json "
                        "part-0.mp4 ... -o OUT.mp4");
    VxContext *ctx = NULL;
    VxProject *p = NULL;
    if (!r && open_ctx(c, &ctx) < 0)
        r = 2;
    if (!r) {
        int ret = load_project(c, ctx, &p);
        if (ret == USAGE_FAILED)
            r = 1;
        else if (ret < 0)
            r = fail(ctx, ret);
    }
    if (!r) {
        setup_output(c);
        /* a job like an export's: Ctrl-C cancels it, and nothing is written */
        VxJob *job = NULL;
        VxError e = {0};
        int ret = vx_job_create_join(ctx, p, c->parts, c->n_parts, &c->eo, &job);
        if (ret < 0)
            r = fail(ctx, ret);
        else if ((ret = run_job(job, &e)) < 0)
            r = fail_msg(e.message, ret);
        vx_job_free(&job);
        if (!r && c->progress != PROG_JSON && c->verbosity)
            fprintf(stderr, "vexport: wrote %s\n", c->output);
    }
    vx_project_free(&p);
    vx_close(&ctx);
    free(c->parts);
    return r;
}

/* Writes RGBA as PNG through libavcodec, atomically. */
static int write_png(const VxImage *im, const char *path)
{
    const AVCodec *codec = avcodec_find_encoder(AV_CODEC_ID_PNG);
    AVCodecContext *enc = codec ? avcodec_alloc_context3(codec) : NULL;
    AVFrame *f = av_frame_alloc();
    AVPacket *pkt = av_packet_alloc();
    int ret = -1;
    char tmp[4096];
    snprintf(tmp, sizeof(tmp), "%s.tmp", path); /* this tool's own temporary */
    if (!enc || !f || !pkt)
        goto end;
    enc->width = im->width;
    enc->height = im->height;
    enc->pix_fmt = AV_PIX_FMT_RGBA;
    enc->time_base = (AVRational){1, 1};
    if (avcodec_open2(enc, codec, NULL) < 0)
        goto end;
    f->format = AV_PIX_FMT_RGBA;
    f->width = im->width;
    f->height = im->height;
    f->data[0] = im->data[0];
    f->linesize[0] = (int)im->stride[0];
    if (avcodec_send_frame(enc, f) < 0 || avcodec_receive_packet(enc, pkt) < 0)
        goto end;
    FILE *out = fopen(tmp, "wb");
    if (!out) {
        fprintf(stderr, "vexport: error: %s: cannot write: %s\n", path, strerror(errno));
        ret = -2;
        goto end;
    }
    int ok = fwrite(pkt->data, 1, pkt->size, out) == (size_t)pkt->size;
    ok &= fclose(out) == 0;
    if (!ok || rename(tmp, path) != 0) {
        fprintf(stderr, "vexport: error: %s: cannot write: %s\n", path, strerror(errno));
        remove(tmp);
        ret = -2;
        goto end;
    }
    ret = 0;
end:
    if (ret == -1)
        fprintf(stderr, "vexport: error: %s: PNG encoding failed\n", path);
    avcodec_free_context(&enc);
    av_frame_free(&f);
    av_packet_free(&pkt);
    return ret;
}

static int cmd_frame(Cli *c, int argc, char **argv)
{
    int r = parse_args(c, argc, argv, 1);
    if (r)
        return r;
    if (!c->output)
        return usage_error("%s", "frame needs -o FRAME.png");
    if (!c->have_at)
        c->at = 0;
    VxContext *ctx = NULL;
    VxProject *p = NULL;
    VxImage *img = NULL;
    if (open_ctx(c, &ctx) < 0)
        return 2;
    int ret = load_project(c, ctx, &p);
    if (ret == USAGE_FAILED)
        r = 1;
    else if (ret < 0 || (ret = vx_render_frame(ctx, p, c->at, &img)) < 0)
        r = fail(ctx, ret);
    else
        r = write_png(img, c->output) < 0 ? 2 : 0;
    vx_image_free(&img);
    vx_project_free(&p);
    vx_close(&ctx);
    return r;
}

static void probe_line(void *opaque, const char *line)
{
    (void)opaque;
    printf("%s\n", line);
}

static int cmd_probe(Cli *c, int argc, char **argv)
{
    int r = parse_args(c, argc, argv, 0);
    if (r)
        return r;
    if (!c->project)
        return usage_error("%s", "probe needs a FILE");
    VxContext *ctx = NULL;
    if (open_ctx(c, &ctx) < 0)
        return 2;
    int ret = vx_probe(ctx, c->project, probe_line, NULL);
    r = ret < 0 ? fail(ctx, ret) : 0;
    vx_close(&ctx);
    return r;
}

static int cmd_synth(Cli *c, int argc, char **argv)
{
    int r = parse_args(c, argc, argv, 0);
    if (r)
        return r;
    if (!c->output)
        return usage_error("%s", "synth needs -o REC.mp4");
    char err[512] = "";
    int ret = vxt_scene_write(c->output, &c->scene, err, sizeof(err));
    if (ret < 0) {
        fprintf(stderr, "vexport: error: %s: %s\n", c->output, err);
        return 2;
    }
    return 0;
}

/* The demo's project (docs/demo-project.json is the same text). Its inputs, named relatively,
 * are what `vexport synth` writes with DEMO_SECONDS, --cursor-track --no-pointer --webcam
 * --mic --keys-track (see demo_scene.h): the zoom's times fit the scripted pointer tour; auto_zoom
 * zooms in on the last click, on the export dialog's Pause button (the first two clicks fall in
 * the hand-written zoom, so they make no segment); the first 1.2 s of the recording show the
 * camera full frame (scenes), which then shrinks into the bubble over 0.5 s. Output: 4.5 s + 4 s at 2x + 3.5 s = 10 s. */
#define DEMO_SECONDS 14
#define DEMO_INPUTS 6
static const char *const demo_inputs[DEMO_INPUTS] = {"screen.mp4", "cursor.jsonl", "camera.mp4",
                                                     "mic.m4a", "keys.jsonl", "captions.srt"};
static const char demo_project[] =
    "{\n"
    "  \"version\": 1,\n"
    "  \"output\": { \"width\": 1920, \"height\": 1080, \"fps\": 60 },\n"
    "  \"sources\": {\n"
    "    \"screen\": \"screen.mp4\",\n"
    "    \"cursor\": \"cursor.jsonl\",\n"
    "    \"camera\": \"camera.mp4\",\n"
    "    \"keys\": \"keys.jsonl\",\n"
    "    \"captions\": \"captions.srt\",\n"
    "    \"audio\": [ { \"screen\": true }, { \"path\": \"mic.m4a\", \"gain_db\": -3 } ]\n"
    "  },\n"
    "  \"background\": {\n"
    "    \"type\": \"gradient\",\n"
    "    \"angle\": 135,\n"
    "    \"stops\": [\n"
    "      { \"at\": 0, \"color\": \"#4f46e5\" },\n"
    "      { \"at\": 0.55, \"color\": \"#9333ea\" },\n"
    "      { \"at\": 1, \"color\": \"#ec4899\" }\n"
    "    ]\n"
    "  },\n"
    "  \"padding\": 0.06,\n"
    "  \"radius\": 18,\n"
    "  \"shadow\": { \"blur\": 48, \"offset_x\": 0, \"offset_y\": 16, \"opacity\": 0.5, \"color\": \"#000000\" },\n"
    "  \"timeline\": [\n"
    "    { \"start\": 0, \"end\": 5 },\n"
    "    { \"start\": 6.5, \"end\": 10.5, \"speed\": 2, \"transition\": { \"type\": \"crossfade\", \"duration\": 0.5 } },\n"
    "    { \"start\": 10.5 }\n"
    "  ],\n"
    "  \"zoom\": [\n"
    "    { \"start\": 1.0, \"end\": 3.8, \"follow\": \"cursor\", \"scale\": 2, \"transition\": 0.6 }\n"
    "  ],\n"
    "  \"auto_zoom\": { \"scale\": 1.8 },\n"
    "  \"cursor\": { \"size\": 2, \"smoothing\": \"one-euro\", \"click\": \"ring\", \"click_color\": \"#ffffff\" },\n"
    "  \"motion_blur\": { \"screen\": 0.5, \"cursor\": true },\n"
    "  \"scenes\": [ { \"start\": 0, \"end\": 1.2, \"layout\": \"camera\", \"transition\": 0.5 } ],\n"
    "  \"camera\": { \"shape\": \"circle\", \"corner\": \"bottom-right\", \"size\": 0.24, \"margin\": 0.035,\n"
    "              \"border\": 4, \"border_color\": \"#ffffff\", \"shadow\": true }\n"
    "}\n";

static void demo_remove_inputs(const char *dir)
{
    char f[4096];
    for (int i = 0; i < DEMO_INPUTS; i++) {
        snprintf(f, sizeof(f), "%s/%s", dir, demo_inputs[i]);
        remove(f);
    }
    rmdir(dir);
}

/* Writes the demo's project to path: inputs named relatively when the project sits in the
 * inputs' folder (or when the inputs are not kept: then as `--inputs DIR` names them),
 * else by their absolute paths. Returns 0 or an exit code. */
static int demo_write_project(const char *path, const char *dir, int keep)
{
    char pdir[4096], rp[4096], rd[4096];
    snprintf(pdir, sizeof(pdir), "%s", path);
    char *slash = strrchr(pdir, '/');
    if (slash)
        *(slash == pdir ? slash + 1 : slash) = 0;
    else
        snprintf(pdir, sizeof(pdir), ".");
    int same = !keep || (realpath(pdir, rp) && realpath(dir, rd) && !strcmp(rp, rd));
    const char *text = demo_project;
    json_object *doc = NULL;
    if (!same) {
        json_object *src;
        doc = json_tokener_parse(demo_project);
        if (!realpath(dir, rd) || !json_object_object_get_ex(doc, "sources", &src)) {
            json_object_put(doc);
            fprintf(stderr, "vexport: error: %s: %s\n", dir, strerror(errno));
            return 2;
        }
        static const char *const keys[DEMO_INPUTS] = {"screen", "cursor",   "camera",
                                                      NULL,     "keys",     "captions"};
        char f[8192];
        for (int i = 0; i < DEMO_INPUTS; i++) { /* the microphone's path is in "audio" */
            snprintf(f, sizeof(f), "%s/%s", rd, demo_inputs[i]);
            if (keys[i])
                json_object_object_add(src, keys[i], json_object_new_string(f));
        }
        json_object *audio, *mic;
        json_object_object_get_ex(src, "audio", &audio);
        mic = json_object_array_get_idx(audio, 1);
        snprintf(f, sizeof(f), "%s/%s", rd, demo_inputs[3]);
        json_object_object_add(mic, "path", json_object_new_string(f));
        text = json_object_to_json_string_ext(doc, JSON_C_TO_STRING_PRETTY |
                                                       JSON_C_TO_STRING_SPACED |
                                                       JSON_C_TO_STRING_NOSLASHESCAPE);
    }
    FILE *f = fopen(path, "w");
    int ok = f && fputs(text, f) >= 0 && (same || fputc('\n', f) != EOF);
    if (f)
        ok &= fclose(f) == 0;
    json_object_put(doc);
    if (!ok) {
        fprintf(stderr, "vexport: error: %s: cannot write: %s\n", path, strerror(errno));
        remove(path);
        return 2;
    }
    return 0;
}

static int cmd_demo(Cli *c, int argc, char **argv)
{
    int r = parse_args(c, argc, argv, 0);
    if (r)
        return r;
    if (!c->output)
        c->output = "demo.mp4";
    char dir[4096];
    int keep = c->demo_inputs != NULL;
    if (keep) {
        snprintf(dir, sizeof(dir), "%s", c->demo_inputs);
        if (mkdir(dir, 0777) != 0 && errno != EEXIST) {
            fprintf(stderr, "vexport: error: %s: cannot create the folder: %s\n", dir,
                    strerror(errno));
            return 1;
        }
    } else {
        const char *tmp = getenv("TMPDIR");
        snprintf(dir, sizeof(dir), "%s/vexport-demo.XXXXXX", tmp && *tmp ? tmp : "/tmp");
        if (!mkdtemp(dir)) {
            fprintf(stderr, "vexport: error: %s: cannot create a temporary folder: %s\n", dir,
                    strerror(errno));
            return 2;
        }
    }
    char in[DEMO_INPUTS][4096 + 64];
    for (int i = 0; i < DEMO_INPUTS; i++)
        snprintf(in[i], sizeof(in[i]), "%s/%s", dir, demo_inputs[i]);
    if (c->verbosity)
        fprintf(stderr, "vexport: generating the demo's synthetic inputs in %s (screen "
                "recording 1920x1080 60 fps %d s, cursor track, webcam, microphone, keys "
                "track, captions)...\n",
                dir, DEMO_SECONDS);
    VxtSceneOptions so;
    vxt_scene_defaults(&so);
    so.seconds = DEMO_SECONDS;
    so.pointer = 0;
    so.cursor_track = in[1];
    so.webcam = in[2];
    so.mic = in[3];
    so.keys_track = in[4];
    so.captions = in[5];
    char err[512] = "";
    int ret = vxt_scene_write(in[0], &so, err, sizeof(err));
    if (ret < 0) {
        fprintf(stderr, "vexport: error: %s\n", err);
        if (!keep)
            demo_remove_inputs(dir);
        return 2;
    }
    if (g_signal) {
        if (!keep)
            demo_remove_inputs(dir);
        return g_signal == SIGTERM ? 143 : 130;
    }
    if (c->project_out && (r = demo_write_project(c->project_out, dir, keep)) != 0) {
        if (!keep)
            demo_remove_inputs(dir);
        return r;
    }
    VxContext *ctx = NULL;
    VxProject *p = NULL;
    if (open_ctx(c, &ctx) < 0) {
        if (!keep)
            demo_remove_inputs(dir);
        return 2;
    }
    ret = vx_project_parse(ctx, demo_project, dir, "demo project", &p);
    if (c->verbosity)
        fprintf(stderr, "vexport: rendering the demo project into %s\n", c->output);
    r = ret < 0 ? fail(ctx, ret) : run_export(c, ctx, p);
    if (!keep)
        demo_remove_inputs(dir);
    vx_project_free(&p);
    vx_close(&ctx);
    return r;
}

int main(int argc, char **argv)
{
    Cli c;
    memset(&c, 0, sizeof(c));
    c.verbosity = 1;
    vx_default_export_options(&c.eo);
    vxt_scene_defaults(&c.scene);
    struct sigaction sa;
    memset(&sa, 0, sizeof(sa));
    sa.sa_handler = on_signal;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    if (argc < 2) {
        usage(stderr);
        return 1;
    }
    const char *cmd = argv[1];
    int r;
    if (!strcmp(cmd, "render"))
        r = cmd_render(&c, argc - 2, argv + 2);
    else if (!strcmp(cmd, "join"))
        r = cmd_join(&c, argc - 2, argv + 2);
    else if (!strcmp(cmd, "frame"))
        r = cmd_frame(&c, argc - 2, argv + 2);
    else if (!strcmp(cmd, "probe"))
        r = cmd_probe(&c, argc - 2, argv + 2);
    else if (!strcmp(cmd, "demo"))
        r = cmd_demo(&c, argc - 2, argv + 2);
    else if (!strcmp(cmd, "synth"))
        r = cmd_synth(&c, argc - 2, argv + 2);
    else if (!strcmp(cmd, "presets"))
        r = cmd_presets();
    else if (!strcmp(cmd, "version") || !strcmp(cmd, "--version")) {
        printf("vexport %s\n", vx_version());
        r = 0;
    } else if (!strcmp(cmd, "help") || !strcmp(cmd, "--help") || !strcmp(cmd, "-h")) {
        usage(stdout);
        r = 0;
    } else {
        r = usage_error("unknown command '%s'", cmd);
    }
    if (c.flags)
        json_object_put(c.flags);
    json_object_put(c.auto_zooms); /* render and demo collect it with --project-out */
    return r;
}
