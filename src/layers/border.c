/* The border layer (static): a band of colour around the screen that follows its rounded
 * corners (docs/project-format.md, "Border"), mixed into the static picture once, at open,
 * above the background and its shadow. The screen is drawn over it with its own corner
 * coverage, so its antialiased edge blends into the border. It never draws per output. */
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "../layer.h"

typedef struct Spec {
    double width;
    int rgb[3];
} Spec;

static int bad(VxContext *ctx, const char *file, const char *key, const char *why)
{
    return vx_fail(ctx, VX_ERR(EINVAL), "%s: border%s: %s", file ? file : "project", key, why);
}

static int parse(VxContext *ctx, const char *file, json_object *o, Spec *s)
{
    json_object *v;
    *s = (Spec){.rgb = {255, 255, 255}};
    if (!json_object_is_type(o, json_type_object))
        return bad(ctx, file, "", "expected an object {\"width\": PX, \"color\": \"#rrggbb\"}");
    json_object_object_foreach(o, k, val) {
        (void)val;
        if (strcmp(k, "width") && strcmp(k, "color")) {
            char key[160];
            snprintf(key, sizeof(key), ".%s", k);
            return bad(ctx, file, key, "unknown key");
        }
    }
    if (!json_object_object_get_ex(o, "width", &v) ||
        (!json_object_is_type(v, json_type_int) && !json_object_is_type(v, json_type_double)) ||
        !((s->width = json_object_get_double(v)) >= 0 && s->width <= 1024))
        return bad(ctx, file, ".width", "expected a number of output pixels, 0 to 1024");
    if (json_object_object_get_ex(o, "color", &v)) {
        if (!json_object_is_type(v, json_type_string) ||
            vx_hex_rgb(json_object_get_string(v), s->rgb) < 0)
            return bad(ctx, file, ".color", "expected a colour \"#rrggbb\"");
    }
    return 0;
}

static int border_check(VxContext *ctx, const char *file, json_object *section)
{
    Spec s;
    return parse(ctx, file, section, &s);
}

static inline void mix(uint8_t *p, int c, double a)
{
    *p = vx_q8(*p + (c - *p) * a);
}

/* Mixes the colour into the static picture by the coverage of the screen's rounded rectangle
 * grown by the width (corner radius grown too): luma at each sample's centre, chroma at the
 * centre of its 2x2 block. */
static int border_open(VxLayer *ly, const VxLayerOpen *o)
{
    Spec s;
    if (!o->section)
        return 0;
    int ret = parse(o->ctx, NULL, o->section, &s);
    if (ret < 0 || s.width <= 0)
        return ret;
    const VxLayout *l = o->l;
    double r = o->p->radius, lim = (l->rw < l->rh ? l->rw : l->rh) / 2.0;
    r = r > lim ? lim : r;
    const double w = s.width;
    const double bx = l->x - w, by = l->y - w, bw = l->rw + 2 * w, bh = l->rh + 2 * w, br = r + w;
    uint8_t c[3];
    vx_rgb_ycbcr(l->matrix, s.rgb, c);
    const VxPlanes d = vx_planes(o->stat);
    const int x0 = (int)fmax(floor(bx) - 1, 0) & ~1, y0 = (int)fmax(floor(by) - 1, 0) & ~1;
    const int x1 = (int)fmin(ceil(bx + bw) + 2, l->W & ~1), y1 = (int)fmin(ceil(by + bh) + 2, l->H & ~1);
    /* inside this the screen covers everything (its corners excepted) */
    const double ix0 = l->x + r + 1, ix1 = l->x + l->rw - r - 1;
    const double iy0 = l->y + r + 1, iy1 = l->y + l->rh - r - 1;
    for (int y = y0; y < y1; y++)
        for (int x = x0; x < x1; x++) {
            const int inner = (x >= ix0 && x + 1 <= ix1 && y >= l->y + 1 && y + 1 <= l->y + l->rh - 1) ||
                              (y >= iy0 && y + 1 <= iy1 && x >= l->x + 1 && x + 1 <= l->x + l->rw - 1);
            if (inner)
                continue;
            double a = vx_rrect_coverage(x + 0.5, y + 0.5, bx, by, bw, bh, br);
            if (a > 0)
                mix(d.y + y * d.sy + x, c[0], a);
            if ((x | y) & 1)
                continue;
            a = vx_rrect_coverage(x + 1.0, y + 1.0, bx, by, bw, bh, br);
            if (a > 0) {
                const ptrdiff_t co = (y / 2) * d.suv + (x / 2) * d.step;
                mix(d.u + co, c[1], a);
                mix(d.v + co, c[2], a);
            }
        }
    ly->priv = ly; /* nothing kept: it lives in the static picture (non-NULL: present) */
    return 0;
}

static int border_changes(VxLayer *ly, const VxLayerFrame *fr, VxRect *r, int max)
{
    (void)ly, (void)fr, (void)r, (void)max;
    return 0; /* static */
}

static void border_close(VxLayer *ly)
{
    ly->priv = NULL;
}

const VxLayerClass vx_layer_border = {
    .name = "border",
    .key = "border",
    .check = border_check,
    .open = border_open,
    .changes = border_changes,
    .close = border_close,
};
