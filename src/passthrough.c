/* The passthrough decision (passthrough.h): the first thing found that changes the pictures,
 * the codec or the audio sends the export down the composite path. */
#include <math.h>
#include <string.h>

#include <libavcodec/avcodec.h>

#include "layer.h"
#include "passthrough.h"

static const char *why_not(const VxProject *p, const VxExportOptions *o, const VxSourceInfo *si,
                           int container_ok)
{
    if (o->no_passthrough)
        return "--no-passthrough";
    if ((o->encoder && strcmp(o->encoder, "auto")) || o->preset || o->crf >= 0 ||
        o->bitrate > 0 || o->n_encoder_opts)
        return "encoder settings were given";
    if (p->bpp > 0)
        return "a quality preset sets the bitrate";
    if ((p->width && (p->width != si->width || p->height != si->height)) || p->res_short ||
        p->aspect_w)
        return "the output size differs from the recording's";
    if (p->padding > 0 || p->radius > 0)
        return "the screen is styled (padding or rounded corners)";
    if (si->rotation)
        return "the recording is rotated";
    const double fps = (double)si->fps.num / si->fps.den;
    if (p->fps > 0 && fabs(p->fps - fps) > 1e-3)
        return "the frame rate changes";
    if (p->format == VX_FMT_WEBM || p->format == VX_FMT_GIF)
        return "the output is WebM or GIF (its audio or picture coding differs)";
    if (si->codec_id != (p->codec == VX_CODEC_HEVC ? AV_CODEC_ID_HEVC
                         : p->codec == VX_CODEC_AV1 ? AV_CODEC_ID_AV1
                         : p->codec == VX_CODEC_PRORES ? AV_CODEC_ID_PRORES
                                                       : AV_CODEC_ID_H264))
        return "the recording's codec differs from the output's";
    if (si->pix_fmt != AV_PIX_FMT_YUV420P && si->pix_fmt != AV_PIX_FMT_YUVJ420P &&
        si->pix_fmt != AV_PIX_FMT_NV12)
        return "the recording is not 8-bit 4:2:0";
    if (!container_ok)
        return "the container cannot hold the recording's codec";
    if (p->n_zooms || p->auto_zoom.on)
        return "the screen zooms";
    for (int i = 0; i < p->n_segs; i++)
        if (p->segs[i].transition != VX_TRANS_CUT)
            return "the timeline fades at a cut";
    if (p->cursor.track && p->cursor.draw)
        return "the cursor is drawn";
    if (p->camera.path)
        return "a camera bubble is drawn";
    if (p->captions || p->keys) /* drawn without a section of their own too */
        return p->captions ? "captions are drawn" : "keystrokes are drawn";
    for (int i = 0; vx_layers[i]; i++) /* a layer with its own section draws over the screen */
        if (vx_layers[i]->key && vx_project_section(p, vx_layers[i]->key))
            return "a layer draws over the screen (masks, watermark, ...)";
    const int own_only = p->audio_mode == VX_AUDIO_FILE && p->n_tracks == 1 &&
                         !p->tracks[0].path && !p->tracks[0].mute &&
                         p->tracks[0].gain_db == 0 && p->tracks[0].offset == 0;
    if (p->audio_mode == VX_AUDIO_FILE && !own_only)
        return "separate audio tracks are mixed in";
    if ((p->audio_mode == VX_AUDIO_SOURCE || own_only) && si->has_audio &&
        si->audio_codec_id != AV_CODEC_ID_AAC && si->audio_codec_id != AV_CODEC_ID_MP3 &&
        si->audio_codec_id != AV_CODEC_ID_ALAC)
        return "the recording's audio must be re-encoded";
    return NULL;
}

int vx_passthrough_mode(const VxProject *p, const VxExportOptions *o, const VxSourceInfo *si,
                        int container_ok, const char **why)
{
    *why = why_not(p, o, si, container_ok);
    if (*why)
        return VX_PASS_COMPOSITE;
    return p->n_segs ? VX_PASS_REMUX_CUTS : VX_PASS_REMUX;
}
