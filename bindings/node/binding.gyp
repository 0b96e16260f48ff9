{
  "targets": [
    {
      "target_name": "vexport",
      "sources": ["src/addon.cc"],
      "include_dirs": [
        "<!@(node scripts/pkgconfig.js addon-api)",
        "<!@(node scripts/pkgconfig.js include)"
      ],
      "libraries": ["<!@(node scripts/pkgconfig.js libs)"],
      "defines": ["NAPI_VERSION=8", "NAPI_CPP_EXCEPTIONS"],
      "cflags!": ["-fno-exceptions"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17"]
    }
  ]
}
