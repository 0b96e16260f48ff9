/* The parsed project (project.c): FFmpeg-free. */
#ifndef VX_PROJECT_H
#define VX_PROJECT_H

#include "internal.h"

struct json_object;

typedef struct VxRGB { double r, g, b; } VxRGB; /* gamma-encoded R'G'B', 0..1 */

enum { VX_BG_SOLID, VX_BG_GRADIENT, VX_BG_IMAGE, VX_BG_WALLPAPER };
/* The built-in wallpaper called name (layers/background.c), or -1. */
int vx_wallpaper_find(const char *name);
/* Their names, comma-separated, for messages. */
const char *vx_wallpaper_names(void);
enum { VX_AUDIO_SOURCE, VX_AUDIO_FILE, VX_AUDIO_NONE };
/* output.codec; AUTO: the container's default (format.c) */
enum { VX_CODEC_AUTO = -1, VX_CODEC_H264, VX_CODEC_HEVC, VX_CODEC_AV1, VX_CODEC_VP9,
       VX_CODEC_PRORES, VX_CODEC_GIF };
/* output.format; AUTO: from the output file's name */
enum { VX_FMT_AUTO, VX_FMT_MP4, VX_FMT_MOV, VX_FMT_WEBM, VX_FMT_GIF };

typedef struct VxGradStop { double at; VxRGB c; } VxGradStop;

/* Times are seconds of the recording (source time) unless named otherwise. */
enum { VX_SEG_AUDIO_AUTO, VX_SEG_AUDIO_KEEP, VX_SEG_AUDIO_MUTE };
enum { VX_TRANS_CUT, VX_TRANS_FADE_BLACK, VX_TRANS_CROSSFADE };
typedef struct VxSegment {
    double start, end;  /* kept range of the recording, start < end */
    double speed;       /* 0.25..16 */
    int audio;          /* VX_SEG_AUDIO_*: auto = tempo-preserving for 0.5..2, muted beyond */
    int transition;     /* VX_TRANS_*: how the output enters this range from the one before */
    double tr_duration; /* its duration, output seconds (0: a plain cut) */
} VxSegment;

enum { VX_ZOOM_RECT, VX_ZOOM_CENTER, VX_ZOOM_FOLLOW };
enum { VX_EASE_INOUT, VX_EASE_SPRING, VX_EASE_LINEAR };
typedef struct VxZoom {
    double start, end;   /* when the zoom is fully in: it eases in before start ... */
    int mode;            /* VX_ZOOM_* */
    double x, y, w, h;   /* RECT: source rectangle (source pixels) */
    double cx, cy;       /* CENTER: centre (source pixels) */
    double scale;        /* CENTER/FOLLOW: magnification >= 1 */
    double transition;   /* seconds of easing in (before start) and out (after end) */
    int ease;            /* VX_EASE_* */
    double stiffness, damping; /* spring parameters */
    double dead_zone;    /* FOLLOW: fraction of the zoomed view the cursor may move in freely */
} VxZoom;

/* "auto_zoom": zoom segments made from the cursor track's clicks (zoom.c, vx_auto_zoom). */
typedef struct VxAutoZoomOpts {
    int on;              /* the key is present */
    double scale;        /* magnification, as zoom[].scale; 2 */
    double transition;   /* as zoom[].transition; 0.6 */
    int ease;            /* VX_EASE_*, as zoom[].ease; ease-in-out */
    double stiffness, damping; /* spring parameters; 170, 26 */
    double merge;        /* clicks at most this many seconds apart share a segment; 1.5 */
    double before;       /* the zoom is fully in this long before the first click; 0.3 */
    double after;        /* ... and stays in this long after the last click; 1.2 */
} VxAutoZoomOpts;

enum { VX_SMOOTH_NONE, VX_SMOOTH_ONE_EURO, VX_SMOOTH_SPRING };
enum { VX_CLICK_NONE, VX_CLICK_RING };
typedef struct VxCursorOpts {
    char *track;         /* cursor track file (docs/cursor-track.md); NULL = no cursor data */
    int draw;            /* 1 = draw the cursor (default when a track is given) */
    double size;         /* scale of the cursor image relative to its source size; 1 */
    int smoothing;       /* VX_SMOOTH_*; default one-euro */
    double min_cutoff, beta; /* one-euro filter parameters (Hz, 1/(px/s)) */
    double stiffness, damping; /* spring smoothing */
    double hide_idle;    /* hide after this many seconds without motion; 0 = never */
    int click;           /* VX_CLICK_* highlight on button down */
    VxRGB click_color;
} VxCursorOpts;

enum { VX_SHAPE_CIRCLE, VX_SHAPE_ROUNDED, VX_SHAPE_SQUARE };
enum { VX_CORNER_BR, VX_CORNER_BL, VX_CORNER_TR, VX_CORNER_TL, VX_CORNER_POS };
typedef struct VxCameraOpts {
    char *path;          /* NULL = no camera */
    int shape;           /* VX_SHAPE_* */
    double radius;       /* ROUNDED: corner radius as a fraction of the bubble's size */
    int corner;          /* VX_CORNER_*; POS = at (px, py) */
    double px, py;       /* POS: centre as fractions of the output */
    double size;         /* bubble width/diameter as a fraction of the output's smaller side */
    double margin;       /* distance from the corner as a fraction of the smaller side */
    int mirror;
    double border;       /* border width in output pixels, 0 = none */
    VxRGB border_color;
    int shadow;          /* drop shadow under the bubble */
    double offset;       /* camera time = recording time - offset */
    int box;             /* set by the compositor for the "camera" and "split" layouts: the
                          * bubble is the rectangle bx, by, bw, bh (output pixels, even) */
    int bx, by, bw, bh;
    int keep_frames;     /* set by the camera layer when scenes animate it: decoded frames
                          * are kept for vx_camera_draw_box */
} VxCameraOpts;

/* "scenes": the layout between start and end (recording time); outside them "default". */
enum { VX_SCENE_DEFAULT, VX_SCENE_SCREEN, VX_SCENE_CAMERA, VX_SCENE_SPLIT, VX_SCENE_LAYOUTS };
typedef struct VxSceneSpec {
    double start, end;   /* recording time */
    int layout;          /* VX_SCENE_* */
    double transition;   /* seconds of animation into the layout (0: a switch at start) */
} VxSceneSpec;

typedef struct VxAudioTrack {
    char *path;          /* NULL = the screen recording's own audio */
    double gain_db;      /* -60..+24 */
    int mute;
    double offset;       /* the track's time 0 sits at this recording time */
} VxAudioTrack;

struct VxProject {
    int width, height; /* 0 = native canvas */
    double fps;        /* 0 = source */
    int format;        /* VX_FMT_* */
    int codec;         /* VX_CODEC_* */
    double quality;
    double bpp;        /* output.quality preset: bits per pixel per frame; 0 = none (CRF) */
    int res_short;     /* output.resolution: short side (720..2160); -1 = source; 0 = none */
    int aspect_w, aspect_h; /* output.aspect; 0 = none */
    char *screen;
    char *captions;      /* sources.captions: an SRT or WebVTT file; NULL = none */
    char *keys;          /* sources.keys: a keystroke track (docs/keys-track.md); NULL = none */
    int audio_mode;      /* SOURCE: the recording's own; FILE: tracks below; NONE */
    VxAudioTrack *tracks;
    int n_tracks;
    int bg_type;
    VxRGB bg_color;
    double bg_angle;
    VxGradStop *stops;
    int n_stops;
    char *bg_image;
    double bg_blur;      /* image: gaussian sigma = bg_blur / 2, output pixels; 0 = none */
    int bg_wallpaper;    /* VX_BG_WALLPAPER: which (vx_wallpaper_find) */
    int bg_transparent;  /* "transparent": the export carries alpha (ProRes 4444 in MOV) */
    double padding, radius;
    int shadow;
    double sh_blur, sh_dx, sh_dy, sh_opacity;
    VxRGB sh_color;
    VxSegment *segs;     /* kept ranges in output order; NULL = the whole recording at 1x */
    int n_segs;
    VxZoom *zooms;       /* sorted by start, not overlapping (transitions included) */
    int n_zooms;
    VxAutoZoomOpts auto_zoom;
    VxCursorOpts cursor;
    VxCameraOpts camera;
    VxSceneSpec *scenes; /* sorted by start, not overlapping */
    int n_scenes;
    double mb_screen;    /* motion_blur.screen: shutter, fraction of the frame interval; 0 off */
    int mb_cursor;       /* motion_blur.cursor */
    struct json_object *json; /* the project as read (a reference): the layers' sections */
    char *base_dir;           /* what relative paths in it resolve against ("": the cwd) */
};
int vx_project_clone(const VxProject *p, VxProject **out);
/* The value of the top-level key (a layer's own section), NULL when absent. */
struct json_object *vx_project_section(const VxProject *p, const char *key);

#endif
