/* Which container and codec an export writes, and the pairs that cannot be (format.h). */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "format.h"

static const char *const format_names[] = {[VX_FMT_MP4] = "mp4", [VX_FMT_MOV] = "mov",
                                           [VX_FMT_WEBM] = "webm", [VX_FMT_GIF] = "gif"};
static const char *const codec_names[] = {[VX_CODEC_H264] = "h264", [VX_CODEC_HEVC] = "hevc",
                                          [VX_CODEC_AV1] = "av1", [VX_CODEC_VP9] = "vp9",
                                          [VX_CODEC_PRORES] = "prores", [VX_CODEC_GIF] = "gif"};
#define COUNT(a) ((int)(sizeof(a) / sizeof((a)[0])))

/* The codecs each container takes, its default first. */
static const int takes_mp4[] = {VX_CODEC_H264, VX_CODEC_HEVC, VX_CODEC_AV1, -1};
static const int takes_mov[] = {VX_CODEC_H264, VX_CODEC_HEVC, VX_CODEC_PRORES, -1};
static const int takes_webm[] = {VX_CODEC_VP9, VX_CODEC_AV1, -1};
static const int takes_gif[] = {VX_CODEC_GIF, -1};
static const int takes_other[] = {VX_CODEC_H264, VX_CODEC_HEVC, -1};

static const int *takes(int format)
{
    switch (format) {
    case VX_FMT_MP4: return takes_mp4;
    case VX_FMT_MOV: return takes_mov;
    case VX_FMT_WEBM: return takes_webm;
    case VX_FMT_GIF: return takes_gif;
    default: return takes_other;
    }
}

const char *vx_format_name(int format)
{
    return format > 0 && format < COUNT(format_names) ? format_names[format] : NULL;
}

const char *vx_codec_name(int codec)
{
    return codec >= 0 && codec < COUNT(codec_names) ? codec_names[codec] : NULL;
}

int vx_format_from_name(const char *name)
{
    for (int i = 1; i < COUNT(format_names); i++)
        if (!strcasecmp(name, format_names[i]))
            return i;
    return -1;
}

int vx_codec_from_name(const char *name)
{
    if (!strcasecmp(name, "h265"))
        return VX_CODEC_HEVC;
    for (int i = 0; i < COUNT(codec_names); i++)
        if (!strcasecmp(name, codec_names[i]))
            return i;
    return -1;
}

int vx_format_from_path(const char *path)
{
    const char *slash = strrchr(path, '/'), *dot = strrchr(path, '.');
    if (!dot || (slash && dot < slash))
        return VX_FMT_AUTO;
    int f = vx_format_from_name(dot + 1);
    if (f < 0 && !strcasecmp(dot + 1, "m4v"))
        f = VX_FMT_MP4;
    return f < 0 ? VX_FMT_AUTO : f;
}

/* "h264, hevc or av1" */
static void list_codecs(const int *t, char *buf, size_t n)
{
    buf[0] = 0;
    for (int i = 0; t[i] >= 0; i++)
        snprintf(buf + strlen(buf), n - strlen(buf), "%s\"%s\"",
                 !i ? "" : t[i + 1] < 0 ? " or " : ", ", codec_names[t[i]]);
}

int vx_output_resolve(const VxProject *p, const char *path, VxOutputFormat *out, char *why,
                      size_t why_len)
{
    memset(out, 0, sizeof(*out));
    const int by_name = path ? vx_format_from_path(path) : VX_FMT_AUTO;
    int f = p->format;
    if (f != VX_FMT_AUTO && by_name != VX_FMT_AUTO && by_name != f) {
        snprintf(why, why_len, "output.format \"%s\" but the output %s is named as %s: name it "
                 "*.%s, or change output.format", format_names[f], path, format_names[by_name],
                 format_names[f]);
        return -22;
    }
    if (f == VX_FMT_AUTO)
        f = by_name;
    const int *t = takes(f);
    int c = p->codec;
    const char *where = f != VX_FMT_AUTO ? format_names[f] : "this container";
    char list[96];
    if (c == VX_CODEC_AUTO) {
        c = t[0];
    } else {
        int ok = 0;
        for (int i = 0; t[i] >= 0; i++)
            ok |= t[i] == c;
        if (!ok) {
            list_codecs(t, list, sizeof(list));
            const char *hint = c == VX_CODEC_PRORES ? " (ProRes goes in a .mov)"
                               : c == VX_CODEC_VP9  ? " (VP9 goes in a .webm)"
                               : c == VX_CODEC_GIF  ? " (name the output *.gif)"
                                                    : "";
            snprintf(why, why_len, "output.codec \"%s\" cannot go in %s%s%s: it takes %s%s",
                     codec_names[c], f != VX_FMT_AUTO ? "a ." : "", where,
                     f != VX_FMT_AUTO ? " file" : "", list, hint);
            return -22;
        }
    }
    if (f == VX_FMT_GIF && p->audio_mode == VX_AUDIO_FILE) {
        snprintf(why, why_len, "sources.audio: a GIF has no sound; remove the audio tracks (the "
                 "recording's own sound is left out of a GIF by itself) or write a video "
                 "(.mp4, .webm)");
        return -22;
    }
    if (p->bg_transparent && (f != VX_FMT_MOV || c != VX_CODEC_PRORES)) {
        snprintf(why, why_len, "background \"transparent\": transparent needs an output with "
                 "alpha: .mov with output.codec \"prores\" (ProRes 4444), but this export is "
                 "%s in %s%s%s", c == VX_CODEC_GIF ? "a GIF" : codec_names[c],
                 f != VX_FMT_AUTO ? "a ." : "", where, f != VX_FMT_AUTO ? " file" : "");
        return -22;
    }
    out->format = f;
    out->codec = c;
    out->alpha = p->bg_transparent;
    out->muxer = f == VX_FMT_AUTO ? NULL : f == VX_FMT_MP4 ? "mp4" : f == VX_FMT_MOV ? "mov"
                 : f == VX_FMT_WEBM ? "webm" : "gif";
    out->audio = f != VX_FMT_GIF;
    out->opus = f == VX_FMT_WEBM;
    return 0;
}
