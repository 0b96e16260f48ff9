/* The subtitle cues and the keystroke track read from memory (src/cues.c, src/keys_track.c):
 * SRT and WebVTT cues and their errors; the markup of a cue's text as docs/project-format.md
 * ("Captions", Markup and Soft captions) spells it out, worked out here by hand for each
 * case: the plain text drawn, and the text of a mov_text sample, an .srt and a .vtt; the key
 * downs of a keys track (docs/keys-track.md) and its errors. FFmpeg-free (core suite). */
#include <stdlib.h>
#include <string.h>

#include "cues.h"
#include "keys_track.h"

#include "../check.h"

/* the core build has no vx_open: a context as it makes one; its errors in ctx->err */
static VxContext core_ctx, *ctx = &core_ctx;

static void cues(void)
{
    VxCue *c;
    int n;
    const char srt[] = "\xef\xbb\xbf" "1\r\n00:00:01,000 --> 00:00:02,500\r\nHello,\r\nworld\r\n\r\n"
                       "2\r\n01:02:03,004 --> 01:02:04,000\r\nCaf\xc3\xa9\r\n";
    CHECK(vx_cues_parse(ctx, "a.srt", srt, sizeof(srt) - 1, &c, &n) == 0, "SRT: %s",
          ctx->err.message);
    CHECK(n == 2 && c[0].a == 1 && c[0].b == 2.5 && !strcmp(c[0].text, "Hello,\nworld") &&
              c[1].a == 3723.004 && c[1].b == 3724 && !strcmp(c[1].text, "Caf\xc3\xa9"),
          "SRT: %d cues", n);
    vx_cues_free(c, n);
    const char vtt[] = "WEBVTT - title\n\nNOTE a note\n--> not a cue\n\nid 1\n"
                       "00:01.000 --> 00:02.000 align:start\nFirst\n\nSTYLE\n::cue {}\n\n"
                       "00:00:02.500 --> 00:00:04.000\nSecond\n";
    CHECK(vx_cues_parse(ctx, "a.vtt", vtt, sizeof(vtt) - 1, &c, &n) == 0, "WebVTT: %s",
          ctx->err.message);
    CHECK(n == 2 && c[0].a == 1 && c[0].b == 2 && !strcmp(c[0].text, "First") &&
              c[1].a == 2.5 && !strcmp(c[1].text, "Second"),
          "WebVTT: %d cues", n);
    vx_cues_free(c, n);
    static const struct { const char *in, *err; } bad[] = {
        {"1\n00:00:01,000 --> 00:00:02,000\nCaf\xe9\n", "b.srt:3: not UTF-8"},
        {"1\n00:00:01,000 -> 00:00:02,000\nx\n", "b.srt:2: malformed cue timing"},
        {"1\n00:00:02,000 --> 00:00:01,000\nx\n", "b.srt:2: the cue ends before it starts"},
        {"1\n00:00:01,000 --> 00:00:02,000\nx\n\nhello\n", "b.srt:5: expected a cue number"},
        {"\n\n", "no cue in the file"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        c = (VxCue *)1, n = 1;
        const int r = vx_cues_parse(ctx, "b.srt", bad[i].in, strlen(bad[i].in), &c, &n);
        CHECK(r < 0 && !c && !n && strstr(ctx->err.message, bad[i].err),
              "bad %zu: %d, \"%s\" (wanted \"%s\")", i, r, ctx->err.message, bad[i].err);
    }
}

static void markup(void)
{
    static const struct { const char *in, *plain, *srt, *vtt; } m[] = {
        {"plain text", "plain text", "plain text", "plain text"},
        {"<i>the</i> end &amp; <3", "the end & <3", "<i>the</i> end & <3",
         "<i>the</i> end &amp; &lt;3"},
        /* overlapping styles: all open tags closed, then the new style's in the order b i u s */
        {"<b>a <i>b</b> c</i>", "a b c", "<b>a </b><b><i>b</i></b><i> c</i>",
         "<b>a </b><b><i>b</i></b><i> c</i>"},
        /* <s> has no WebVTT form; case and classes are read */
        {"<S>x</S> <B.loud>y</b>", "x y", "<s>x</s> <b>y</b>", "x <b>y</b>"},
        /* dropped: voices, classes, language, ruby, fonts, timestamps, ASS blocks */
        {"{\\an8}<v Ana>hi</v> <c.yellow>you</c> <lang en>x</lang> <ruby>a<rt>b</rt></ruby> "
         "<font color=\"red\">r</font> <00:00:01.500>t",
         "hi you x ab r t", "{\\an8}hi you x ab r t", "hi you x ab r t"},
        /* references; unknown ones and stray brackets stay */
        {"&lt;b&gt; &quot;&apos; &nbsp;&lrm;&rlm; &foo; a>b {x}", "<b> \"' \xc2\xa0\xe2\x80\x8e"
         "\xe2\x80\x8f &foo; a>b {x}", "<b> \"' \xc2\xa0\xe2\x80\x8e\xe2\x80\x8f &foo; a>b {x}",
         "&lt;b&gt; \"' \xc2\xa0\xe2\x80\x8e\xe2\x80\x8f &amp;foo; a&gt;b {x}"},
        /* a style across lines; a line break takes the style of the line after it; lines left
         * blank go */
        {"{\\an8}\n<i>one\ntwo</i>\n  <b> </b>\nthree", "one\ntwo\nthree",
         "{\\an8}<i>one\ntwo</i>\nthree", "<i>one\ntwo</i>\nthree"},
        /* nothing left */
        {"<i></i>", "", "", ""},
        /* "-->" in a WebVTT cue would start a timing */
        {"a --> b", "a --> b", "a --> b", "a --&gt; b"},
    };
    for (size_t i = 0; i < sizeof(m) / sizeof(m[0]); i++) {
        const char *want[3] = {m[i].plain, m[i].srt, m[i].vtt};
        for (int f = 0; f < 3; f++) {
            char *t = vx_cue_text(m[i].in, f);
            CHECK(t && !strcmp(t, want[f]), "markup %zu, form %d: \"%s\", wanted \"%s\"", i, f,
                  t ? t : "(null)", want[f]);
            free(t);
        }
    }
    /* a cue's own place: the first {\anN} */
    CHECK(vx_cue_align("{\\an8}top") == 8 && vx_cue_align("a\n{\\i1\\an7}b {\\an2}") == 7 &&
              !vx_cue_align("{\\an0} \\an8 {an8} {\\an8") && !vx_cue_align("plain"),
          "the cue's {\\anN}");
    /* the styles drawn: bold on "b", italic on "c" and the line break before it */
    char *plain;
    uint8_t *sty;
    CHECK(vx_cue_markup("a<b>b</b>\n<i>c", &plain, &sty) == 0, "markup");
    CHECK(!strcmp(plain, "ab\nc") && sty[0] == 0 && sty[1] == VX_CUE_B && sty[2] == VX_CUE_I &&
              sty[3] == VX_CUE_I,
          "styles of \"%s\": %d %d %d %d", plain, sty[0], sty[1], sty[2], sty[3]);
    free(plain), free(sty);
}

static void keys(void)
{
    VxKeyEv *ev;
    int n;
    const char track[] = "{\"t\": 0.5, \"key\": \"P\", \"down\": true, \"modifiers\": [\"cmd\", "
                         "\"shift\"]}\r\n\n  {\"t\": 0.6, \"key\": \"P\", \"down\": false}\n"
                         "{\"t\": 1, \"key\": \"\xc3\xa9\", \"down\": true}\n"
                         "{\"t\": 1, \"key\": \"enter\", \"down\": true}\n"
                         "{\"t\": 2, \"key\": \"cmd\", \"down\": true}";
    CHECK(vx_keys_track_parse(ctx, "k.jsonl", track, sizeof(track) - 1, &ev, &n) == 0,
          "keys: %s", ctx->err.message);
    CHECK(n == 4, "keys: %d key downs, wanted 4 (the release is not kept)", n);
    if (n == 4) {
        CHECK(ev[0].t == 0.5 && ev[0].named == -1 && !strcmp(ev[0].ch, "P") &&
                  ev[0].mods == (VX_KEY_CMD | VX_KEY_SHIFT),
              "keys: the combo");
        CHECK(ev[1].named == -1 && !strcmp(ev[1].ch, "\xc3\xa9") && !ev[1].mods, "keys: é");
        CHECK(ev[2].named >= 0 && !strcmp(vx_key_named[ev[2].named].name, "enter"),
              "keys: enter");
        CHECK(ev[3].named == -2, "keys: a modifier alone");
    }
    free(ev);
    static const struct { const char *in, *err; } bad[] = {
        {"{\"t\": 1, \"key\": \"a\", \"down\": true}\n{\"t\": 0.5, \"key\": \"b\", \"down\": true}",
         "k.jsonl:2: time 0.5 is before the previous event's 1"},
        {"{\"t\": 1, \"key\": \"a\", \"down\": true, \"modifiers\": [\"super\"]}",
         "k.jsonl:1: \"modifiers\": unknown modifier \"super\""},
        {"\n{\"t\": 1, \"key\": \"ab\", \"down\": true}", "k.jsonl:2: \"key\": unknown key \"ab\""},
        {"{\"t\": 1, \"key\": \"a\", \"down\": true", "k.jsonl:1: not valid JSON"},
        {"{\"t\": 1, \"key\": \"a\", \"down\": true} x", "k.jsonl:1: text after the JSON object"},
        {"{\"t\": 1, \"key\": \"a\", \"do\0wn\": true}", "k.jsonl:1: NUL byte in the line"},
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
        ev = (VxKeyEv *)1, n = 1;
        size_t len = strlen(bad[i].in);
        if (i == 5) /* the line goes on past its NUL byte */
            len += 1 + strlen(bad[i].in + len + 1);
        const int r = vx_keys_track_parse(ctx, "k.jsonl", bad[i].in, len, &ev, &n);
        CHECK(r < 0 && !ev && !n && strstr(ctx->err.message, bad[i].err),
              "bad keys %zu: %d, \"%s\" (wanted \"%s\")", i, r, ctx->err.message, bad[i].err);
    }
}

/* vx_utf8_cut: a mov_text sample's 65,000 bytes end at a character, never inside one. */
static void cut(void)
{
    static const struct {
        const char *s;
        size_t max, want;
    } c[] = {
        {"abc", 5, 3},           {"abc", 2, 2},           {"a\xc3\xa9" "b", 2, 1},
        {"a\xc3\xa9" "b", 3, 3},    {"\xe4\xbd\xa0\xe5\xa5\xbd", 5, 3},
        {"\xf0\x9f\x98\x80!", 3, 0}, {"\xf0\x9f\x98\x80!", 4, 4}, {"", 0, 0},
    };
    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        const size_t got = vx_utf8_cut(c[i].s, strlen(c[i].s), c[i].max);
        CHECK(got == c[i].want, "cut %zu: %zu bytes of %zu at most %zu (wanted %zu)", i, got,
              strlen(c[i].s), c[i].max, c[i].want);
    }
}

/* vx_cue_vtt_settings: a cue's {\anN} as WebVTT's settings (docs/project-format.md). */
static void vtt(void)
{
    static const char *const c[][2] = {
        {"plain", ""},
        {"{\\an8}top", "line:0"},
        {"{\\an7}top left", "line:0 align:left"},
        {"x{\\an9}", "line:0 align:right"},
        {"{\\an5}middle", "line:50%,center"},
        {"{\\an4}", "line:50%,center align:left"},
        {"{\\an6}", "line:50%,center align:right"},
        {"{\\an1}", "align:left"},
        {"{\\an2}bottom", ""},
        {"{\\an3}", "align:right"},
        {"{\\i1}{\\an8}", "line:0"},
        {"{\\an0}", ""},
        {"an8", ""},
    };
    for (size_t i = 0; i < sizeof(c) / sizeof(c[0]); i++) {
        const char *got = vx_cue_vtt_settings(c[i][0]);
        CHECK(!strcmp(got, c[i][1]), "vtt settings of \"%s\": \"%s\" (wanted \"%s\")", c[i][0],
              got, c[i][1]);
    }
}

int main(void)
{
    cues();
    markup();
    keys();
    cut();
    vtt();
    if (!failures)
        printf("cues, markup and keys tracks: all as documented\n");
    return failures != 0;
}
