/* The export (pipeline.c) and the join (join.c), stopped by their job's cancel token. */
#ifndef VX_PIPELINE_H
#define VX_PIPELINE_H

#include "internal.h"
#include "project.h"
#include "thread.h"

int vx_pipeline_run(VxContext *ctx, const VxProject *p, const VxExportOptions *o,
                    const VxCancel *cancel, VxStats *stats);
/* join.c: vx_join's work, stopped by cancel (VX_ECANCELED, nothing left behind). */
int vx_join_run(VxContext *ctx, const VxProject *p, const char *const *chunks, int n,
                const VxExportOptions *o, const VxCancel *cancel);

#endif
