/* The watermark layer: a solid-colour box mixed over the output at a fixed place, on top of
 * everything (docs/project-format.md, "Watermark"). The smallest layer: it parses its own
 * section ("watermark"), never changes (a box over a screen that changes is redrawn with
 * it), and draws in slices of rows. */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../layer.h"

typedef struct Watermark {
    VxRect box;        /* output pixels, even corners, within the output */
    uint8_t y, cb, cr; /* the colour, limited-range Y'CbCr of the output's matrix */
    int a;             /* opacity in 256ths */
} Watermark;

typedef struct Spec {
    double rect[4];
    int rgb[3];
    double opacity;
} Spec;

static int bad(VxContext *ctx, const char *file, const char *key, const char *why)
{
    return vx_fail(ctx, VX_ERR(EINVAL), "%s: watermark%s: %s", file ? file : "project", key, why);
}

/* The section as a Spec, or an error naming the key. */
static int parse(VxContext *ctx, const char *file, json_object *o, Spec *s)
{
    json_object *v;
    *s = (Spec){.opacity = 0.5};
    if (!json_object_is_type(o, json_type_object))
        return bad(ctx, file, "", "expected an object {\"rect\", \"color\", \"opacity\"}");
    json_object_object_foreach(o, k, val) {
        (void)val;
        if (strcmp(k, "rect") && strcmp(k, "color") && strcmp(k, "opacity")) {
            char key[160];
            snprintf(key, sizeof(key), ".%s", k);
            return bad(ctx, file, key, "unknown key");
        }
    }
    if (!json_object_object_get_ex(o, "rect", &v) || !json_object_is_type(v, json_type_array) ||
        json_object_array_length(v) != 4)
        return bad(ctx, file, ".rect", "expected [x, y, width, height] in output pixels");
    for (int i = 0; i < 4; i++) {
        json_object *e = json_object_array_get_idx(v, (size_t)i);
        if (!json_object_is_type(e, json_type_int) && !json_object_is_type(e, json_type_double))
            return bad(ctx, file, ".rect", "expected numbers");
        s->rect[i] = json_object_get_double(e);
        if (!isfinite(s->rect[i]) || fabs(s->rect[i]) > 65536 || (i >= 2 && !(s->rect[i] > 0)))
            return bad(ctx, file, ".rect", "x and y within +-65536, width and height above 0");
    }
    const char *c = "#ffffff";
    if (json_object_object_get_ex(o, "color", &v)) {
        c = json_object_get_string(v);
        if (!json_object_is_type(v, json_type_string))
            return bad(ctx, file, ".color", "expected a colour \"#rrggbb\"");
    }
    if (vx_hex_rgb(c, s->rgb) < 0)
        return bad(ctx, file, ".color", "expected a colour \"#rrggbb\"");
    if (json_object_object_get_ex(o, "opacity", &v)) {
        s->opacity = json_object_get_double(v);
        if ((!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double)) ||
            !(s->opacity >= 0 && s->opacity <= 1))
            return bad(ctx, file, ".opacity", "expected a number from 0 to 1");
    }
    return 0;
}

static int wm_check(VxContext *ctx, const char *file, json_object *section)
{
    Spec s;
    return parse(ctx, file, section, &s);
}

static int wm_open(VxLayer *ly, const VxLayerOpen *o)
{
    Spec s;
    if (!o->section)
        return 0;
    int ret = parse(o->ctx, NULL, o->section, &s);
    if (ret < 0)
        return ret;
    Watermark *w = calloc(1, sizeof(*w));
    if (!w)
        return VX_ERR(ENOMEM);
    /* the box widened to even corners (whole 2x2 chroma blocks), within the output */
    const double x0 = floor(s.rect[0] / 2) * 2, y0 = floor(s.rect[1] / 2) * 2;
    const double x1 = ceil((s.rect[0] + s.rect[2]) / 2) * 2, y1 = ceil((s.rect[1] + s.rect[3]) / 2) * 2;
    const VxRect r = {(int)fmax(x0, 0), (int)fmax(y0, 0), (int)fmin(x1, o->l->W & ~1),
                      (int)fmin(y1, o->l->H & ~1)};
    w->box = vx_rect_empty(r) ? (VxRect){0, 0, 0, 0} : r;
    uint8_t ycc[3];
    vx_rgb_ycbcr(o->l->matrix, s.rgb, ycc);
    w->y = ycc[0], w->cb = ycc[1], w->cr = ycc[2];
    w->a = (int)lrint(256 * s.opacity);
    ly->priv = w;
    ly->outside = w->box; /* it may lie outside the screen */
    ly->sliced = 1;
    return 0;
}

static int wm_changes(VxLayer *ly, const VxLayerFrame *fr, VxRect *r, int max)
{
    (void)ly, (void)fr, (void)r, (void)max;
    return 0; /* the same box in every output */
}

/* out = in + opacity (colour - in), in 256ths, over n samples `step` bytes apart */
static void mix(uint8_t *p, int step, int n, int c, int a)
{
    for (int i = 0; i < n; i++, p += step)
        *p = (uint8_t)((*p * (256 - a) + c * a + 128) >> 8);
}

static void wm_draw(VxLayer *ly, const VxLayerFrame *fr, int phase, int i, int k)
{
    (void)phase;
    const Watermark *w = ly->priv;
    const VxPlanes d = vx_planes(fr->dst);
    int y0, y1;
    vx_slice_rows(fr->dst->h / 2, i, k, &y0, &y1); /* in chroma rows: 2 luma rows each */
    y0 = y0 * 2 > w->box.y0 ? y0 * 2 : w->box.y0;
    y1 = y1 * 2 < w->box.y1 ? y1 * 2 : w->box.y1;
    const int n = w->box.x1 - w->box.x0, x0 = w->box.x0;
    for (int y = y0; y < y1; y++) {
        mix(d.y + y * d.sy + x0, 1, n, w->y, w->a);
        if (y & 1)
            continue;
        const ptrdiff_t o = (y / 2) * d.suv + (x0 / 2) * d.step;
        mix(d.u + o, d.step, n / 2, w->cb, w->a);
        mix(d.v + o, d.step, n / 2, w->cr, w->a);
    }
}

static int wm_end(VxLayer *ly, const VxLayerFrame *fr, VxRect *drawn)
{
    (void)fr;
    *drawn = ((const Watermark *)ly->priv)->box;
    return 0;
}

static void wm_close(VxLayer *ly)
{
    free(ly->priv);
    ly->priv = NULL;
}

const VxLayerClass vx_layer_watermark = {
    .name = "watermark",
    .key = "watermark",
    .check = wm_check,
    .open = wm_open,
    .changes = wm_changes,
    .phases = 1,
    .draw = wm_draw,
    .end = wm_end,
    .close = wm_close,
};
