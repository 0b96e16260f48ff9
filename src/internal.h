/* The media side's umbrella: the files that work with FFmpeg (source, encode, audio, mux,
 * pipeline, join, chunk, preview, the public API) include it to get every module's header at
 * once. Each module declares its own interface in its own header (source.h, encode.h, ...);
 * the FFmpeg-free core (compose, layers, scene, timeline, zoom, cursor track, project) includes
 * only the headers it uses and never this one (tests/core-alone.sh checks it builds alone). */
#ifndef VX_INTERNAL_H
#define VX_INTERNAL_H

#include "context.h"
#include "project.h"

#include "averror.h"
#include "audio.h"
#include "camera.h"
#include "chunk.h"
#include "compose.h"
#include "cursor.h"
#include "encode.h"
#include "geom.h"
#include "image.h"
#include "mux.h"
#include "picture.h"
#include "pipeline.h"
#include "scene.h"
#include "source.h"
#include "timeline.h"
#include "zoom.h"

#endif
