/* The layer interface: the compositor (compose.c) draws each output as an ordered stack of
 * layers, bottom first, and knows none of them by name; the stack is the table in
 * layers/registry.c. docs/architecture.md, "Layers", tells how to add one.
 *
 * Life of a layer, for one export (or one preview):
 *   open     with its own section of the project (the value of its key, parsed by the layer
 *            itself), the project, the output geometry and the static picture; decodes or
 *            rasterises once what it needs. A layer absent from the project leaves priv NULL
 *            and is dropped. A static layer draws its part into the static picture here (the
 *            background); every pooled output starts as a copy of that picture.
 *   changes  per output: the output rectangles it alters at this time compared with the
 *            previous output; none when it is still. When no layer changes, the previous
 *            output is shown again and no layer draws at all. It may also set covers: what
 *            its draw will overwrite whole in this output, whatever lies under it (a mask
 *            writing back the box it kept); the layers below are told (covered) and need
 *            not bring those pixels up to date. So no layer between may read them (a blur
 *            reading past its own box): masks, the one layer that covers, sit right above
 *            the screen, the one that reads covered.
 *   begin    per drawn output, on the compositor's thread: what the slices need. It comes
 *            after every layer's changes for the same output, so it may use what changes found.
 *   draw     phase by phase, in slices of rows (slice i of k), on the compositor's threads
 *            when the layer is `sliced` (all slices of a phase finish before the next phase).
 *   end      on the compositor's thread: drawn[0..VX_MAX_DRAWN) = the pixels it touched
 *            (the layers below redraw them in the next output). The rectangles start empty
 *            and empty ones are ignored: a layer drawing several things apart (annotations,
 *            masks) gives one each, so that less is redrawn under them than their union.
 *   close.
 * Every hook but open and close may be NULL. FFmpeg-free. */
#ifndef VX_LAYER_H
#define VX_LAYER_H

#include <stdint.h>

#include "internal.h"
#include "geom.h"
#include "picture.h"
#include "project.h"

struct json_object;
typedef struct VxScene VxScene;

/* The output's geometry. */
typedef struct VxLayout {
    int W, H;          /* output size */
    int x, y, rw, rh;  /* screen rectangle */
    int sw, sh;        /* screen source size */
    int sub_x, sub_y;  /* source chroma subsampling and siting, from VxSourceInfo once */
    double cx, cy;     /* the output colour is set on the source */
    int matrix;        /* output matrix */
} VxLayout;

/* The layout of an sw x sh recording in the project's output (0 or an error naming the key). */
int vx_layout_compute(VxContext *ctx, const VxProject *p, int sw, int sh, VxLayout *l);

/* The geometry of scenes layout `layout` (VX_SCENE_*; docs/project-format.md, "Scenes") from
 * the default layout d: the screen rectangle in *l and the camera in *cam (cam->path NULL: no
 * camera; cam->box: the camera fills the box bx, by, bw, bh). 0 or an error. */
int vx_scene_layout(VxContext *ctx, const VxProject *p, const VxLayout *d, int layout,
                    VxLayout *l, VxCameraOpts *cam);

/* Whether the scenes animate at recording time t (docs/project-format.md, "Scenes": the
 * camera moves, and into and out of "split" the screen slides): 1 with the layouts from and
 * to and the eased progress e in [0, 1] while a transition runs, else 0. A transition into
 * scene i runs over [start, start + min(transition, end - start)) from the scene that ends at
 * its start (else "default"), unless it starts at 0; out of it, when no scene starts at its
 * end, over [end, end + min(transition, gap to the next scene)) into "default". */
int vx_scenes_transition(const VxSceneSpec *sc, int n, double t, int *from, int *to,
                         double *e);

/* Counters for --stats that a layer adds to: rows of the screen rectangle drawn
 * incrementally, of which rescaled (in part) and copied (in part) from the previous output. */
typedef struct VxComposeRows {
    int64_t total, scaled, copied;
} VxComposeRows;

typedef struct VxLayerOpen {
    VxContext *ctx;
    const VxProject *p;
    struct json_object *section; /* the value of the layer's key; NULL when absent */
    const VxLayout *l;
    int layout;                  /* the outputs' VX_LAYOUT_NV12 or VX_LAYOUT_PLANAR (I420) */
    VxPicture *stat;             /* the static picture, drawn by the layers below so far */
    const VxScene *scene;        /* timeline, zoom, cursor (NULL in unit tests) */
    int incremental;             /* the compositor keeps outputs to redraw only changes */
    VxComposeRows *rows;
    const VxLayout *base;        /* the default layout's geometry where l is another one
                                  * (the slide layer's stack); NULL: l */
} VxLayerOpen;

/* One output being composed. */
typedef struct VxLayerFrame {
    double t;                /* output time */
    double t_rec;            /* recording time shown */
    VxZoomView view;         /* the part of the recording shown */
    VxView v;                /* recording pixels -> output pixels, clipped to the screen */
    const VxPicture *src;    /* the recording's picture at t_rec */
    VxPicture *dst;          /* the output (begin, draw, end) */
    const VxPicture *prev;   /* the previous output; NULL when there is none */
    const VxPicture *stat;   /* the static picture */
    int64_t seq;             /* this output's number, from 1 */
    int64_t gen;             /* the output dst still holds (pooled buffers), 0: none */
    const VxRect *above;     /* what the layers above drew in the previous output */
    int n_above;
    const VxRect *covered;   /* what the layers above will overwrite whole in this output
                              * (their covers; begin and draw) */
    int n_covered;
    int threads;             /* the compositor's threads (slices run on them) */
} VxLayerFrame;

typedef struct VxLayer VxLayer;

#define VX_MAX_DRAWN 64 /* rectangles a layer's end reports at most */
#define VX_MAX_COVERS 8 /* rectangles a layer's changes may say it covers */

/* end's drawn rectangles, one item at a time: box into drawn[*k], the items past
 * VX_MAX_DRAWN - 1 together in the last one. */
static inline void vx_drawn_add(VxRect *drawn, int *k, VxRect box)
{
    vx_rect_union(&drawn[*k], box.x0, box.y0, box.x1, box.y1);
    *k += *k < VX_MAX_DRAWN - 1;
}

typedef struct VxLayerClass {
    const char *name;
    const char *key; /* its section's key at the project's top level; NULL: none */
    /* Checks the section when the project is loaded (0, or an error naming the key). */
    int (*check)(VxContext *ctx, const char *file, struct json_object *section);
    int (*open)(VxLayer *ly, const VxLayerOpen *o);
    /* Up to max rectangles into r; returns how many (0: still) or a negative error. */
    int (*changes)(VxLayer *ly, const VxLayerFrame *fr, VxRect *r, int max);
    int (*begin)(VxLayer *ly, const VxLayerFrame *fr);
    int phases;
    void (*draw)(VxLayer *ly, const VxLayerFrame *fr, int phase, int i, int k);
    int (*end)(VxLayer *ly, const VxLayerFrame *fr, VxRect *drawn);
    /* The previous output was shown again for output fr->seq. */
    void (*reused)(VxLayer *ly, const VxLayerFrame *fr);
    void (*close)(VxLayer *ly);
} VxLayerClass;

struct VxLayer {
    const VxLayerClass *cls;
    void *priv;       /* the layer's own state; NULL after open: not in this project */
    VxRect outside;   /* what it may draw outside the screen rectangle (restored from the
                       * static picture before the layers draw); empty if nothing */
    int sliced;       /* its slices may run on threads (begin may change it per output) */
    int no_incremental; /* set in open: redrawing only changes buys nothing here */
    VxRect covers[VX_MAX_COVERS]; /* set by changes (the compositor empties them first) */
    int n_covers;
};

/* The stack, bottom first (layers/registry.c), NULL-terminated. */
extern const VxLayerClass *const vx_layers[];
/* The class whose section is `key`, or NULL. */
const VxLayerClass *vx_layer_find(const char *key);

/* The first key of the object o (a layer's section) not in the NULL-terminated list keys,
 * as ".key" in buf (n bytes), or NULL when every key is known. */
const char *vx_section_unknown(struct json_object *o, const char *const *keys, char *buf,
                               size_t n);

/* Rows [*a, *b) of n for slice i of k. */
static inline void vx_slice_rows(int n, int i, int k, int *a, int *b)
{
    *a = (int)((int64_t)n * i / k);
    *b = (int)((int64_t)n * (i + 1) / k);
}

/* The output's planes: y, u, v, strides and the chroma step (2: NV12). */
typedef struct VxPlanes {
    uint8_t *y, *u, *v;
    ptrdiff_t sy, suv;
    int step;
} VxPlanes;
static inline VxPlanes vx_planes(const VxPicture *p)
{
    VxPlanes d = {p->data[0], p->data[1], p->data[2], p->stride[0], p->stride[1],
                  p->layout == VX_LAYOUT_NV12 ? 2 : 1};
    if (d.step == 2)
        d.v = d.u + 1;
    return d;
}

#endif
