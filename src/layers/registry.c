/* The stack of layers, bottom first (docs/architecture.md, "Layers"): layer_stack in
 * meson.build lists them, one line each; meson writes it out as VX_LAYER_STACK. */
#include <stdio.h>
#include <string.h>

#include <json-c/json.h>

#include "../layer.h"

#include "layer_stack.h" /* X(name): the layer's class is vx_layer_<name>, in layers/<name>.c */

#define VX_DECLARE(name) extern const VxLayerClass vx_layer_##name;
#define VX_ENTRY(name) &vx_layer_##name,
VX_LAYER_STACK(VX_DECLARE)

const VxLayerClass *const vx_layers[] = {VX_LAYER_STACK(VX_ENTRY) NULL};

const VxLayerClass *vx_layer_find(const char *key)
{
    for (int i = 0; vx_layers[i]; i++)
        if (vx_layers[i]->key && !strcmp(vx_layers[i]->key, key))
            return vx_layers[i];
    return NULL;
}

const char *vx_section_unknown(struct json_object *o, const char *const *keys, char *buf,
                               size_t n)
{
    json_object_object_foreach(o, k, val) {
        (void)val;
        int ok = 0;
        for (int i = 0; keys[i]; i++)
            ok |= !strcmp(k, keys[i]);
        if (!ok) {
            snprintf(buf, n, ".%.100s", k);
            return buf;
        }
    }
    return NULL;
}
