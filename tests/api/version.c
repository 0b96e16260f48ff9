/* The API version a program is built against (version.h) and the one the library reports
 * agree, and are kept apart from the project version: an embedder checks vx_version_api()
 * to know whether the library it loaded can run it. */
#include <stdio.h>
#include <string.h>
#include "vexport/vexport.h"

int main(void)
{
    int v = vx_version_api();
    if (v != VX_API_VERSION || v / 1000 != VX_API_VERSION_MAJOR || v % 1000 != VX_API_VERSION_MINOR) {
        fprintf(stderr, "vx_version_api() = %d, header says %d (%d.%d)\n", v, VX_API_VERSION,
                VX_API_VERSION_MAJOR, VX_API_VERSION_MINOR);
        return 1;
    }
    if (strcmp(vx_version(), VEXPORT_VERSION_STRING) != 0) {
        fprintf(stderr, "vx_version() = %s, header says %s\n", vx_version(), VEXPORT_VERSION_STRING);
        return 1;
    }
    printf("api %d.%d, project %s\n", VX_API_VERSION_MAJOR, VX_API_VERSION_MINOR, vx_version());
    return 0;
}
