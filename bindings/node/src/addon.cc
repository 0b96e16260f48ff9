// Node-API addon for libvexport. Everything that touches a file or a frame runs on libuv's
// worker threads (Napi::AsyncWorker); progress comes back through the worker's thread-safe
// queue, throttled to one call per 50 ms plus the final one. lib/index.js wraps this in
// Promises and AbortSignal.
#include <napi.h>

#include <atomic>
#include <chrono>
#include <cstring>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

extern "C" {
#include <vexport/vexport.h>
}

namespace {

// ---- the thin layer over the C API (one context per operation, so its last error is ours)

struct VxFail {
    int code;
    std::string message;
};

// What the caller gave as a project: a file, or JSON text resolved against base_dir.
struct ProjectSpec {
    std::string path, json, base_dir;
    bool is_json = false;
};

struct Ctx {
    VxContext *ctx = nullptr;
    explicit Ctx(int threads = 0)
    {
        VxSettings s;
        vx_default_settings(&s);
        s.threads = threads;
        s.ffmpeg_log = VX_FFMPEG_LOG_QUIET; // FFmpeg's own prints would reach the app's stderr
        int r = vx_open(&ctx, &s);
        if (r < 0)
            throw VxFail{r, std::string("cannot open a vexport context: ") + vx_strerror(r)};
    }
    ~Ctx() { vx_close(&ctx); }
    Ctx(const Ctx &) = delete;
    Ctx &operator=(const Ctx &) = delete;
    VxFail fail(int r, const char *message = nullptr) const
    {
        const char *m = message && *message ? message : vx_last_error(ctx);
        return VxFail{r, m && *m ? m : vx_strerror(r)};
    }
};

struct Project {
    VxProject *p = nullptr;
    Project(const Ctx &c, const ProjectSpec &s)
    {
        int r = s.is_json ? vx_project_parse(c.ctx, s.json.c_str(),
                                             s.base_dir.empty() ? nullptr : s.base_dir.c_str(),
                                             "project", &p)
                          : vx_project_load(c.ctx, s.path.c_str(), &p);
        if (r < 0)
            throw c.fail(r);
    }
    ~Project() { vx_project_free(&p); }
    Project(const Project &) = delete;
    Project &operator=(const Project &) = delete;
};

// A project opened for frames at any time: the library's persistent preview (vx_preview_*),
// which keeps the decoder, the scene and the static layers open between frames. Each frame
// renders into a new image of the output's size, handed to JS as the Buffer's memory.
struct Preview {
    Ctx ctx;
    VxPreview *pv = nullptr;
    int w = 0, h = 0;
    std::mutex mu; // one frame at a time per preview (the C API's rule)
    explicit Preview(const ProjectSpec &s) : ctx()
    {
        Project project(ctx, s); // the preview keeps its own copy
        int r = vx_preview_open(ctx.ctx, project.p, &pv);
        if (r < 0)
            throw ctx.fail(r);
        vx_preview_output(pv, &w, &h);
    }
    ~Preview() { vx_preview_free(&pv); }
    Preview(const Preview &) = delete;
    Preview &operator=(const Preview &) = delete;
    VxImage *render(double t)
    {
        std::lock_guard<std::mutex> lock(mu);
        VxImage *img = vx_image_alloc(VX_PIX_RGBA, w, h);
        if (!img)
            throw VxFail{VX_ERR(ENOMEM), "cannot allocate the frame"};
        int r = vx_preview_render(pv, t, img);
        if (r < 0) {
            vx_image_free(&img);
            VxError e;
            vx_preview_error(pv, &e);
            throw ctx.fail(r, e.message);
        }
        return img;
    }
    // into the caller's w * h * 4 bytes (rows packed): no allocation, no page faults
    void render_into(double t, uint8_t *data)
    {
        std::lock_guard<std::mutex> lock(mu);
        VxImage img = {VX_PIX_RGBA, w, h, {data, nullptr, nullptr, nullptr}, {(ptrdiff_t)w * 4, 0, 0, 0}};
        int r = vx_preview_render(pv, t, &img);
        if (r < 0) {
            VxError e;
            vx_preview_error(pv, &e);
            throw ctx.fail(r, e.message);
        }
    }
    // any thread, also while a frame renders on a worker
    void cancel() { vx_preview_cancel(pv); }
};

// ---- JS helpers

Napi::Error make_error(Napi::Env env, const VxFail &f)
{
    Napi::Error e = Napi::Error::New(env, f.message);
    e.Set("errno", Napi::Number::New(env, f.code));
    return e;
}

ProjectSpec project_spec(const Napi::Object &o)
{
    ProjectSpec s;
    if (o.Has("json")) {
        s.is_json = true;
        s.json = o.Get("json").As<Napi::String>().Utf8Value();
        if (o.Has("baseDir") && o.Get("baseDir").IsString())
            s.base_dir = o.Get("baseDir").As<Napi::String>().Utf8Value();
    } else {
        s.path = o.Get("path").As<Napi::String>().Utf8Value();
    }
    return s;
}

std::string opt_string(const Napi::Object &o, const char *k)
{
    Napi::Value v = o.Get(k);
    return v.IsString() ? v.As<Napi::String>().Utf8Value() : std::string();
}

double opt_number(const Napi::Object &o, const char *k, double def)
{
    Napi::Value v = o.Get(k);
    return v.IsNumber() ? v.As<Napi::Number>().DoubleValue() : def;
}

// ---- render: an export on a worker thread

// Shared between the worker and the JS handle: cancel may come before, during or after the
// run; the job pointer is only valid while the worker holds it.
struct JobState {
    std::mutex mu;
    VxJob *job = nullptr;
    bool cancelled = false;
    void cancel()
    {
        std::lock_guard<std::mutex> lock(mu);
        cancelled = true;
        if (job)
            vx_job_cancel(job);
    }
};

struct Prog {
    int64_t frame, total;
    double fps, eta_s, elapsed_s, duration_s;
    bool done;
};

class RenderWorker : public Napi::AsyncProgressQueueWorker<Prog> {
  public:
    RenderWorker(Napi::Function cb, Napi::Value on_progress, ProjectSpec spec,
                 std::string output, const Napi::Object &o, std::shared_ptr<JobState> state)
        : Napi::AsyncProgressQueueWorker<Prog>(cb, "vexport.render"), spec_(std::move(spec)),
          output_(std::move(output)), encoder_(opt_string(o, "encoder")),
          preset_(opt_string(o, "preset")), hwaccel_(opt_string(o, "hwaccel")),
          threads_((int)opt_number(o, "threads", 0)), crf_(opt_number(o, "crf", -1)),
          no_passthrough_(o.Get("noPassthrough").ToBoolean().Value()), state_(std::move(state))
    {
        if (on_progress.IsFunction())
            on_progress_ = Napi::Persistent(on_progress.As<Napi::Function>());
    }

  protected:
    void Execute(const ExecutionProgress &progress) override
    {
        try {
            Ctx c(threads_);
            Project p(c, spec_);
            VxExportOptions o;
            vx_default_export_options(&o);
            o.output_path = output_.c_str();
            if (!encoder_.empty())
                o.encoder = encoder_.c_str();
            if (!preset_.empty())
                o.preset = preset_.c_str();
            if (!hwaccel_.empty())
                o.hwaccel = hwaccel_.c_str();
            o.crf = crf_;
            o.no_passthrough = no_passthrough_;
            o.progress_cb = on_progress;
            o.progress_opaque = this;
            progress_ = &progress;
            VxJob *job = nullptr;
            int r = vx_job_create(c.ctx, p.p, &o, &job);
            if (r < 0)
                throw c.fail(r);
            {
                std::lock_guard<std::mutex> lock(state_->mu);
                state_->job = job;
                if (state_->cancelled)
                    vx_job_cancel(job);
            }
            r = vx_job_run(job);
            {
                std::lock_guard<std::mutex> lock(state_->mu);
                state_->job = nullptr;
            }
            vx_job_stats(job, &stats_);
            VxError err = {};
            vx_job_error(job, &err); // the job's own error, not the context's
            vx_job_free(&job);
            if (r < 0)
                throw c.fail(r, err.message);
        } catch (const VxFail &f) {
            fail_ = f;
            SetError(f.message);
        }
    }

    static void on_progress(void *opaque, const VxProgress *p)
    {
        auto *w = static_cast<RenderWorker *>(opaque);
        w->duration_s_ = p->duration_s;
        w->frames_ = p->total;
        if (w->on_progress_.IsEmpty())
            return;
        auto now = std::chrono::steady_clock::now();
        if (!p->done && p->frame != p->total && w->sent_ &&
            now - w->last_ < std::chrono::milliseconds(50))
            return;
        w->sent_ = true;
        w->last_ = now;
        Prog g{p->frame, p->total, p->fps, p->eta_s, p->elapsed_s, p->duration_s, p->done != 0};
        w->progress_->Send(&g, 1);
    }

    void OnProgress(const Prog *g, size_t n) override
    {
        Napi::Env env = Env();
        Napi::HandleScope scope(env);
        for (size_t i = 0; i < n; i++) {
            Napi::Object o = Napi::Object::New(env);
            o.Set("frame", Napi::Number::New(env, (double)g[i].frame));
            o.Set("total", Napi::Number::New(env, (double)g[i].total));
            o.Set("fps", Napi::Number::New(env, g[i].fps));
            o.Set("etaSeconds", Napi::Number::New(env, g[i].eta_s));
            o.Set("elapsedSeconds", Napi::Number::New(env, g[i].elapsed_s));
            o.Set("durationSeconds", Napi::Number::New(env, g[i].duration_s));
            o.Set("done", Napi::Boolean::New(env, g[i].done));
            // an exception thrown by onProgress is reported after the export by index.js
            on_progress_.Value().Call({o});
        }
    }

    void OnOK() override
    {
        Napi::Env env = Env();
        Napi::Object s = Napi::Object::New(env);
        s.Set("output", output_);
        s.Set("mode", stats_.mode ? stats_.mode : "");
        s.Set("frames", Napi::Number::New(env, (double)frames_));
        s.Set("durationSeconds", duration_s_);
        s.Set("wallSeconds", stats_.wall_s);
        s.Set("setupSeconds", stats_.setup_s);
        s.Set("decodeSeconds", stats_.decode_s);
        s.Set("composeSeconds", stats_.compose_s);
        s.Set("encodeSeconds", stats_.encode_s);
        s.Set("audioSeconds", stats_.audio_s);
        s.Set("muxSeconds", stats_.mux_s);
        s.Set("framesDecoded", Napi::Number::New(env, (double)stats_.frames_decoded));
        s.Set("framesComposed", Napi::Number::New(env, (double)stats_.frames_composed));
        s.Set("threads", stats_.threads);
        s.Set("encoder", stats_.encoder);
        s.Set("hwaccel", stats_.hwaccel);
        s.Set("peakRssKiB", Napi::Number::New(env, (double)stats_.peak_rss_kib));
        Callback().Call({env.Null(), s});
    }

    void OnError(const Napi::Error &) override
    {
        Napi::Env env = Env();
        Callback().Call({make_error(env, fail_).Value()});
    }

  private:
    ProjectSpec spec_;
    std::string output_, encoder_, preset_, hwaccel_;
    int threads_;
    double crf_;
    bool no_passthrough_;
    std::shared_ptr<JobState> state_;
    Napi::FunctionReference on_progress_;
    const ExecutionProgress *progress_ = nullptr;
    std::chrono::steady_clock::time_point last_;
    bool sent_ = false;
    VxStats stats_{};
    double duration_s_ = 0;
    int64_t frames_ = 0;
    VxFail fail_{0, ""};
};

// The classes' constructors, per Node environment (worker_threads each load the addon).
struct AddonData {
    Napi::FunctionReference job, preview;
};

class JobHandle : public Napi::ObjectWrap<JobHandle> {
  public:
    static Napi::Function Init(Napi::Env env)
    {
        return DefineClass(env, "JobHandle", {InstanceMethod("cancel", &JobHandle::Cancel)});
    }
    explicit JobHandle(const Napi::CallbackInfo &info) : Napi::ObjectWrap<JobHandle>(info) {}
    std::shared_ptr<JobState> state = std::make_shared<JobState>();

  private:
    Napi::Value Cancel(const Napi::CallbackInfo &info)
    {
        state->cancel(); // vx_job_cancel only sets a flag: fine on the event loop
        return info.Env().Undefined();
    }
};

// startRender(project, output, options, onProgress, callback(err, stats)) -> JobHandle
Napi::Value StartRender(const Napi::CallbackInfo &info)
{
    Napi::Env env = info.Env();
    Napi::Object handle = env.GetInstanceData<AddonData>()->job.New({});
    JobHandle *h = JobHandle::Unwrap(handle);
    auto *w = new RenderWorker(info[4].As<Napi::Function>(), info[3],
                               project_spec(info[0].As<Napi::Object>()),
                               info[1].As<Napi::String>().Utf8Value(),
                               info[2].As<Napi::Object>(), h->state);
    w->Queue();
    return handle;
}

// ---- preview frames

// The frame as a Buffer: the image's own memory when rows are packed (no copy), else packed
// rows copied. Runtimes that forbid external buffers (Electron's V8 sandbox) get a copy.
Napi::Object frame_object(Napi::Env env, VxImage *img)
{
    Napi::Object o = Napi::Object::New(env);
    const int w = img->width, h = img->height;
    const size_t row = (size_t)w * 4, len = row * h;
    Napi::Buffer<uint8_t> buf;
    if ((size_t)img->stride[0] == row) {
        try {
            buf = Napi::Buffer<uint8_t>::New(env, img->data[0], len,
                                             [](Napi::Env, uint8_t *, VxImage *i) { vx_image_free(&i); },
                                             img);
            img = nullptr;
        } catch (const Napi::Error &) {
        }
    }
    if (img) {
        buf = Napi::Buffer<uint8_t>::New(env, len);
        for (int y = 0; y < h; y++)
            std::memcpy(buf.Data() + row * y, img->data[0] + img->stride[0] * y, row);
        vx_image_free(&img);
    }
    o.Set("width", w);
    o.Set("height", h);
    o.Set("data", buf);
    return o;
}

class PreviewHandle;

class OpenPreviewWorker : public Napi::AsyncWorker {
  public:
    OpenPreviewWorker(Napi::Function cb, ProjectSpec spec)
        : Napi::AsyncWorker(cb, "vexport.openPreview"), spec_(std::move(spec)) {}
    void Execute() override
    {
        try {
            pv_ = std::make_shared<Preview>(spec_);
        } catch (const VxFail &f) {
            fail_ = f;
            SetError(f.message);
        }
    }
    void OnOK() override;
    void OnError(const Napi::Error &) override { Callback().Call({make_error(Env(), fail_).Value()}); }

  private:
    ProjectSpec spec_;
    std::shared_ptr<Preview> pv_;
    VxFail fail_{0, ""};
};

class FrameWorker : public Napi::AsyncWorker {
  public:
    FrameWorker(Napi::Function cb, std::shared_ptr<Preview> pv, double t)
        : Napi::AsyncWorker(cb, "vexport.renderFrame"), pv_(std::move(pv)), t_(t) {}
    // rendering into a caller's Buffer (kept referenced until the frame is done)
    FrameWorker(Napi::Function cb, std::shared_ptr<Preview> pv, double t, Napi::Buffer<uint8_t> into)
        : FrameWorker(cb, std::move(pv), t)
    {
        into_ = Napi::Persistent(into);
        data_ = into.Data();
    }
    ~FrameWorker() override { vx_image_free(&img_); }
    void Execute() override
    {
        try {
            if (data_)
                pv_->render_into(t_, data_);
            else
                img_ = pv_->render(t_);
        } catch (const VxFail &f) {
            fail_ = f;
            SetError(f.message);
        }
    }
    void OnOK() override
    {
        Napi::Object o;
        if (data_) {
            o = Napi::Object::New(Env());
            o.Set("width", pv_->w);
            o.Set("height", pv_->h);
            o.Set("data", into_.Value());
        } else {
            o = frame_object(Env(), img_);
            img_ = nullptr;
        }
        Callback().Call({Env().Null(), o});
    }
    void OnError(const Napi::Error &) override { Callback().Call({make_error(Env(), fail_).Value()}); }

  private:
    std::shared_ptr<Preview> pv_; // kept open while the frame renders, even if closed meanwhile
    double t_;
    VxImage *img_ = nullptr;
    Napi::Reference<Napi::Buffer<uint8_t>> into_;
    uint8_t *data_ = nullptr;
    VxFail fail_{0, ""};
};

class PreviewHandle : public Napi::ObjectWrap<PreviewHandle> {
  public:
    static Napi::Function Init(Napi::Env env)
    {
        return DefineClass(env, "PreviewHandle", {InstanceMethod("render", &PreviewHandle::Render),
                                                  InstanceMethod("cancel", &PreviewHandle::Cancel),
                                                  InstanceMethod("close", &PreviewHandle::Close)});
    }
    explicit PreviewHandle(const Napi::CallbackInfo &info) : Napi::ObjectWrap<PreviewHandle>(info) {}
    std::shared_ptr<Preview> pv;

  private:
    // render(seconds, callback(err, frame)) or render(seconds, buffer, callback(err, frame))
    Napi::Value Render(const Napi::CallbackInfo &info)
    {
        Napi::Env env = info.Env();
        if (!pv)
            throw make_error(env, VxFail{VX_ERR(EINVAL), "the preview is closed"});
        const double t = info[0].As<Napi::Number>().DoubleValue();
        if (info.Length() < 3) {
            (new FrameWorker(info[1].As<Napi::Function>(), pv, t))->Queue();
            return env.Undefined();
        }
        Napi::Function cb = info[2].As<Napi::Function>();
        const size_t need = (size_t)pv->w * pv->h * 4;
        const size_t got = info[1].IsBuffer() ? info[1].As<Napi::Buffer<uint8_t>>().Length() : 0;
        if (got != need) {
            cb.Call({make_error(env, VxFail{VX_ERR(EINVAL), "render: the target has " +
                                            std::to_string(got) + " bytes, the " + std::to_string(pv->w) +
                                            "x" + std::to_string(pv->h) + " RGBA output needs " +
                                            std::to_string(need)}).Value()});
            return env.Undefined();
        }
        (new FrameWorker(cb, pv, t, info[1].As<Napi::Buffer<uint8_t>>()))->Queue();
        return env.Undefined();
    }
    Napi::Value Cancel(const Napi::CallbackInfo &info)
    {
        if (pv)
            pv->cancel();
        return info.Env().Undefined();
    }
    Napi::Value Close(const Napi::CallbackInfo &info)
    {
        pv.reset(); // frees now, or when the last frame in flight is done
        return info.Env().Undefined();
    }
};

void OpenPreviewWorker::OnOK()
{
    Napi::Object handle = Env().GetInstanceData<AddonData>()->preview.New({});
    PreviewHandle::Unwrap(handle)->pv = std::move(pv_);
    Callback().Call({Env().Null(), handle});
}

// openPreview(project, callback(err, handle))
Napi::Value OpenPreview(const Napi::CallbackInfo &info)
{
    (new OpenPreviewWorker(info[1].As<Napi::Function>(), project_spec(info[0].As<Napi::Object>())))->Queue();
    return info.Env().Undefined();
}

// ---- probe

class ProbeWorker : public Napi::AsyncWorker {
  public:
    ProbeWorker(Napi::Function cb, std::string path)
        : Napi::AsyncWorker(cb, "vexport.probe"), path_(std::move(path)) {}
    void Execute() override
    {
        try {
            Ctx c;
            int r = vx_probe(c.ctx, path_.c_str(), [](void *o, const char *l) {
                static_cast<std::vector<std::string> *>(o)->push_back(l);
            }, &lines_);
            if (r < 0)
                throw c.fail(r);
        } catch (const VxFail &f) {
            fail_ = f;
            SetError(f.message);
        }
    }
    void OnOK() override
    {
        Napi::Env env = Env();
        Napi::Array a = Napi::Array::New(env, lines_.size());
        for (size_t i = 0; i < lines_.size(); i++)
            a.Set((uint32_t)i, lines_[i]);
        Callback().Call({env.Null(), a});
    }
    void OnError(const Napi::Error &) override { Callback().Call({make_error(Env(), fail_).Value()}); }

  private:
    std::string path_;
    std::vector<std::string> lines_;
    VxFail fail_{0, ""};
};

Napi::Value Probe(const Napi::CallbackInfo &info)
{
    (new ProbeWorker(info[1].As<Napi::Function>(), info[0].As<Napi::String>().Utf8Value()))->Queue();
    return info.Env().Undefined();
}

Napi::Object Init(Napi::Env env, Napi::Object exports)
{
    auto *data = new AddonData{Napi::Persistent(JobHandle::Init(env)),
                               Napi::Persistent(PreviewHandle::Init(env))};
    env.SetInstanceData(data);
    exports.Set("startRender", Napi::Function::New(env, StartRender));
    exports.Set("openPreview", Napi::Function::New(env, OpenPreview));
    exports.Set("probe", Napi::Function::New(env, Probe));
    exports.Set("version", Napi::String::New(env, vx_version()));
    return exports;
}

} // namespace

NODE_API_MODULE(vexport, Init)
