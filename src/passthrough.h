/* The passthrough decision: whether an export can copy the recording's packets instead of
 * decoding, composing and encoding them. A pure function of the project, the export options
 * and what probing the recording found; no file is read. */
#ifndef VX_PASSTHROUGH_H
#define VX_PASSTHROUGH_H

#include "internal.h"
#include "source_info.h"

enum {
    VX_PASS_COMPOSITE,  /* decode, compose, encode */
    VX_PASS_REMUX,      /* copy the whole recording as it is */
    VX_PASS_REMUX_CUTS, /* copy the timeline's kept ranges if their packets allow it
                         * (vx_cuts_plan reads them and decides) */
};

/* The mode for project p exported with options o from the recording described by si, into a
 * container that can (container_ok = 1) or cannot hold the recording's codec. *why gets the
 * reason for the composite path (a static string), NULL otherwise. */
int vx_passthrough_mode(const VxProject *p, const VxExportOptions *o, const VxSourceInfo *si,
                        int container_ok, const char **why);

#endif
