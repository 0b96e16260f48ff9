/* Prints vx_json_digest (src/json_digest.c) of each JSON file given, one hex line each, for
 * tests/unit/json_digest.py, which computes the canonical form and its SHA-256 on its own
 * (Python's json and hashlib) and compares. */
#include <stdio.h>

#include <json-c/json.h>

#include "chunk.h"
#include "internal.h"

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        json_object *o = json_object_from_file(argv[i]);
        uint8_t d[32];
        if (!o || vx_json_digest(o, d) < 0) {
            fprintf(stderr, "%s: cannot digest\n", argv[i]);
            return 1;
        }
        for (int k = 0; k < 32; k++)
            printf("%02x", d[k]);
        printf("\n");
        json_object_put(o);
    }
    return 0;
}
