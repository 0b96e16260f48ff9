/* What an export of a project will be (vx_project_output) and the project as JSON with what
 * the library resolved filled in (vx_project_json): for apps that show the output's size and
 * length before exporting, and save the project they export. Media side: it reads the
 * recording's header. */
#define _XOPEN_SOURCE 700 /* realpath */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <json-c/json.h>

#include "compose.h"
#include "internal.h"
#include "media.h"
#include "mux.h"
#include "source.h"

int vx_project_output(VxContext *ctx, const VxProject *p, VxOutputInfo *out)
{
    if (!ctx || !p || !out)
        return VX_ERR(EINVAL);
    memset(out, 0, sizeof(*out));
    VxSource *src = NULL;
    VxTimeline tl = {0};
    VxLayout l;
    int ret = vx_source_open(ctx, p->screen, &src);
    if (ret < 0)
        return ret;
    const VxSourceInfo *si = vx_source_info(src);
    if ((ret = vx_layout_compute(ctx, p, si->width, si->height, &l)) >= 0 &&
        (ret = vx_timeline_init(ctx, p, si, &tl)) >= 0) {
        out->width = l.W;
        out->height = l.H;
        out->fps_num = tl.fps.num;
        out->fps_den = tl.fps.den;
        out->frames = tl.frames;
        out->duration_s = tl.duration;
        out->has_audio = p->audio_mode == VX_AUDIO_SOURCE ? si->has_audio != 0
                         : p->audio_mode == VX_AUDIO_FILE ? p->n_tracks > 0 : 0;
    }
    vx_timeline_free(&tl);
    vx_source_close(&src);
    return ret;
}

/* A relative path of the project, made absolute against its folder (as the export reads it). */
static int absolute(const VxProject *p, json_object *v, json_object **out)
{
    *out = NULL;
    const char *s = json_object_get_string(v);
    if (!json_object_is_type(v, json_type_string) || !s || s[0] == '/')
        return 0;
    char joined[PATH_MAX], real[PATH_MAX];
    if (snprintf(joined, sizeof(joined), "%s%s%s", p->base_dir ? p->base_dir : "",
                 p->base_dir && *p->base_dir ? "/" : "", s) >= (int)sizeof(joined))
        return VX_ERR(ENAMETOOLONG);
    const char *abs = realpath(joined, real) ? real : joined;
    if (abs[0] != '/') { /* not there (yet): against the current folder */
        char cwd[PATH_MAX];
        if (!getcwd(cwd, sizeof(cwd)) ||
            snprintf(real, sizeof(real), "%s/%s", cwd, joined) >= (int)sizeof(real))
            return VX_ERR(ENAMETOOLONG);
        abs = real;
    }
    return (*out = json_object_new_string(abs)) ? 1 : VX_ERR(ENOMEM);
}

/* Every path under `sources` (strings, arrays of strings or of tracks with "path") and
 * background.path. */
static int absolutize(const VxProject *p, json_object *root)
{
    json_object *sources, *bg, *nv;
    int ret;
    if (json_object_object_get_ex(root, "sources", &sources) &&
        json_object_is_type(sources, json_type_object)) {
        json_object_object_foreach(sources, key, val) {
            if (json_object_is_type(val, json_type_array)) {
                for (size_t i = 0; i < json_object_array_length(val); i++) {
                    json_object *e = json_object_array_get_idx(val, i), *pv;
                    if (json_object_is_type(e, json_type_object) &&
                        json_object_object_get_ex(e, "path", &pv)) {
                        if ((ret = absolute(p, pv, &nv)) < 0)
                            return ret;
                        if (ret)
                            json_object_object_add(e, "path", nv);
                    } else if ((ret = absolute(p, e, &nv)) < 0) {
                        return ret;
                    } else if (ret) {
                        json_object_array_put_idx(val, i, nv);
                    }
                }
            } else if ((ret = absolute(p, val, &nv)) < 0) {
                return ret;
            } else if (ret) {
                json_object_object_add(sources, key, nv);
            }
        }
    }
    if (json_object_object_get_ex(root, "background", &bg) &&
        json_object_is_type(bg, json_type_object) && json_object_object_get_ex(bg, "path", &nv)) {
        json_object *abs;
        if ((ret = absolute(p, nv, &abs)) < 0)
            return ret;
        if (ret)
            json_object_object_add(bg, "path", abs);
    }
    return 0;
}

int vx_project_json(VxContext *ctx, const VxProject *p, char **json)
{
    if (!ctx || !p || !json)
        return VX_ERR(EINVAL);
    *json = NULL;
    VxOutputInfo info;
    int ret = vx_project_output(ctx, p, &info);
    if (ret < 0)
        return ret;
    json_object *root = NULL, *output = NULL;
    /* a deep copy: the project itself stays as read */
    if (json_object_deep_copy(p->json, &root, NULL) != 0 || !root)
        return VX_ERR(ENOMEM);
    if ((ret = absolutize(p, root)) < 0)
        goto end;
    if (!json_object_object_get_ex(root, "output", &output)) {
        if (!(output = json_object_new_object())) {
            ret = VX_ERR(ENOMEM);
            goto end;
        }
        json_object_object_add(root, "output", output);
    }
    json_object_object_add(output, "width", json_object_new_int(info.width));
    json_object_object_add(output, "height", json_object_new_int(info.height));
    json_object_object_add(output, "fps", json_object_new_double((double)info.fps_num /
                                                                 info.fps_den));
    const char *text = json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
                                                      JSON_C_TO_STRING_SPACED |
                                                      JSON_C_TO_STRING_NOSLASHESCAPE);
    if (!text || !(*json = strdup(text)))
        ret = VX_ERR(ENOMEM);
end:
    json_object_put(root);
    return ret;
}

void vx_free(void *ptr)
{
    free(ptr);
}
