/* Project parser: valid files give the documented values, and every error names the key path
 * and the problem. */
#include <stdio.h>
#include <string.h>

#include "vexport/vexport.h"

#include "check.h"

static void expect_error(VxContext *ctx, const char *json, const char *needle)
{
    VxProject *p = NULL;
    int ret = vx_project_parse(ctx, json, "/base", "t.json", &p);
    CHECK(ret == VX_ERR(EINVAL), "%s: expected EINVAL, got %d", json, ret);
    CHECK(p == NULL, "%s: project returned on error", json);
    CHECK(strstr(vx_last_error(ctx), needle) != NULL, "%s: message '%s' lacks '%s'", json,
          vx_last_error(ctx), needle);
    CHECK(strstr(vx_last_error(ctx), "t.json") != NULL, "message '%s' lacks the file name",
          vx_last_error(ctx));
    vx_project_free(&p);
}

static void expect_ok(VxContext *ctx, const char *json)
{
    VxProject *p = NULL;
    int ret = vx_project_parse(ctx, json, "/base", "t.json", &p);
    CHECK(ret == 0 && p, "%s: expected success, got %d (%s)", json, ret, vx_last_error(ctx));
    vx_project_free(&p);
}

int main(void)
{
    VxContext *ctx = NULL;
    if (vx_open(&ctx, NULL) < 0)
        return 1;
    expect_ok(ctx, "{\"sources\":{\"screen\":\"a.mp4\"}}");
    expect_ok(ctx, "{\"version\":1,\"output\":{\"width\":1920,\"height\":1080,\"fps\":30,"
                   "\"codec\":\"h264\",\"quality\":18},\"sources\":{\"screen\":\"a.mp4\","
                   "\"audio\":[\"m.m4a\"]},\"background\":{\"type\":\"gradient\",\"angle\":45,"
                   "\"stops\":[{\"at\":0,\"color\":\"#000\"},{\"at\":1,\"color\":\"#ffffff\"}]},"
                   "\"padding\":0.1,\"radius\":12,\"shadow\":{\"blur\":20,\"opacity\":0.3}}");
    expect_ok(ctx, "{\"sources\":{\"screen\":\"a.mp4\"},\"background\":\"#123456\"}");
    expect_ok(ctx, "{\"sources\":{\"screen\":\"a.mp4\"},\"background\":{\"type\":\"image\","
                   "\"path\":\"bg.png\"},\"shadow\":null}");

    expect_error(ctx, "{\"sources\":{\"screen\":\"a.mp4\"},\"background\":{\"type\":\"gradient\","
                      "\"angle\":\"x\",\"stops\":[]}}", "background.angle: expected a number");
    expect_error(ctx, "{\"sources\":{\"screen\":\"a.mp4\"},\"padding\":\"big\"}", "padding: expected a number");
    expect_error(ctx, "{\"sources\":{\"screen\":\"a.mp4\"},\"radius\":-3}", "radius: -3 is out of range");
    expect_error(ctx, "{\"sources\":{\"screen\":\"a.mp4\"},\"radius\":NaN}", "radius: expected a finite number");
    expect_error(ctx, "{\"sources\":{\"screen\":\"a.mp4\"},\"radius\":1e999}", "radius");
    expect_error(ctx, "{\"sources\":{\"screen\":\"a.mp4\"},\"colour\":1}", "colour: unknown key");
    expect_error(ctx, "{\"sources\":{\"screen\":\"a.mp4\"},\"shadow\":{\"blurr\":1}}", "shadow.blurr: unknown key");
    expect_error(ctx, "{\"sources\":{}}", "sources.screen: missing");
    expect_error(ctx, "{\"output\":{\"width\":0,\"height\":100},\"sources\":{\"screen\":\"a\"}}",
                 "output.width: 0 is out of range");
    expect_error(ctx, "{\"output\":{\"width\":640},\"sources\":{\"screen\":\"a\"}}", "output.height");
    expect_error(ctx, "{\"sources\":{\"screen\":\"a\"},\"background\":\"red\"}", "background: expected \"#rrggbb\", \"wallpaper:NAME\" or \"transparent\", got \"red\"");
    expect_error(ctx, "{\"sources\":{\"screen\":\"a\"},\"background\":\"ocean\"}",
                 "got \"ocean\"; did you mean \"wallpaper:ocean\"?");
    expect_error(ctx, "{\"sources\":{\"screen\":\"a\"},\"background\":\"#12345\"}",
                 "background: expected a colour \"#rrggbb\", got \"#12345\"");
    expect_error(ctx, "{\"sources\":{\"screen\":\"a\"},\"background\":{\"type\":\"gradient\","
                      "\"stops\":[{\"at\":0.5,\"color\":\"#000000\"},{\"at\":0.2,\"color\":\"#000000\"}]}}",
                 "background.stops[1].at: stops must be in increasing order");
    expect_error(ctx, "{\"sources\":{\"screen\":\"a\"},\n  \"padding\": 0.1,,\n}", "t.json:2:");
    expect_error(ctx, "{\"sources\":{\"screen\":\"a\"}", "unexpected end of file");
    expect_error(ctx, "[1,2]", "expected an object");
    expect_error(ctx, "{\"version\":2,\"sources\":{\"screen\":\"a\"}}", "version 2 is not supported");
    expect_error(ctx, "{\"sources\":{\"screen\":\"a\"}} x", "unexpected text");

    /* scenes (docs/project-format.md, "Scenes") */
#define SC_CAM "{\"sources\":{\"screen\":\"a\",\"camera\":\"c\"},\"scenes\":"
    expect_ok(ctx, SC_CAM "[{\"start\":0,\"end\":1,\"layout\":\"camera\"},"
                     "{\"start\":1,\"end\":2,\"layout\":\"split\",\"transition\":0}]}");
    expect_error(ctx, SC_CAM "[{\"start\":0,\"end\":1,\"layout\":\"camera\"},"
                           "{\"start\":1,\"end\":2,\"layout\":\"side\"}]}", "scenes[1].layout");
    expect_error(ctx, SC_CAM "[{\"start\":0,\"end\":2,\"layout\":\"camera\"},"
                           "{\"start\":1,\"end\":3,\"layout\":\"screen\"}]}",
                 "scenes[1]: starts at 1 s, before scenes[0] ends");
    expect_error(ctx, SC_CAM "[{\"start\":2,\"end\":2,\"layout\":\"camera\"}]}",
                 "scenes[0].end: the scene ends");
    /* animated: the camera moves between the layouts' boxes; into and out of "split" the
     * screen slides too */
    expect_ok(ctx, SC_CAM "[{\"start\":0,\"end\":2,\"layout\":\"camera\",\"transition\":0.5},"
                     "{\"start\":2,\"end\":3,\"layout\":\"screen\",\"transition\":0.3}]}");
    expect_ok(ctx, SC_CAM "[{\"start\":0,\"end\":2,\"layout\":\"split\",\"transition\":0.5},"
                     "{\"start\":2,\"end\":3,\"layout\":\"camera\",\"transition\":1}]}");
    expect_error(ctx, SC_CAM "[{\"start\":0,\"end\":2,\"layout\":\"camera\",\"transition\":11}]}",
                 "scenes[0].transition");
    expect_error(ctx, SC_CAM "[{\"start\":0,\"end\":2}]}", "scenes[0].layout: missing");
    expect_error(ctx, "{\"sources\":{\"screen\":\"a\"},\"scenes\":[{\"start\":0,\"end\":2,"
                      "\"layout\":\"split\"}]}", "scenes[0].layout: \"split\" shows the camera: "
                 "it needs sources.camera");
    expect_ok(ctx, "{\"sources\":{\"screen\":\"a\"},\"scenes\":[{\"start\":0,\"end\":2,"
                   "\"layout\":\"screen\"}]}");
#undef SC_CAM

    vx_close(&ctx);
    CHECK(ctx == NULL, "vx_close must NULL the pointer");
    printf("%s: %d failure(s)\n", failures ? "FAIL" : "PASS", failures);
    return failures != 0;
}
