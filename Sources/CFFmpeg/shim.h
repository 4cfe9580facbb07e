// The FFmpeg 5.1 headers Dailies uses, and the macros Swift cannot import, exposed as
// static inline functions. Function-like macros and compound literals (AVERROR, AV_TIME_BASE_Q,
// AV_CHANNEL_LAYOUT_*) are invisible to Swift's importer; each gets a `cffmpeg_` twin here.
#ifndef DAILIES_CFFMPEG_SHIM_H
#define DAILIES_CFFMPEG_SHIM_H

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <libavcodec/avcodec.h>
#include <libavfilter/avfilter.h>
#include <libavfilter/buffersink.h>
#include <libavfilter/buffersrc.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libavutil/avutil.h>
#include <libavutil/channel_layout.h>
#include <libavutil/display.h>
#include <libavutil/error.h>
#include <libavutil/imgutils.h>
#include <libavutil/macros.h>
#include <libavutil/mastering_display_metadata.h>
#include <libavutil/opt.h>
#include <libavutil/pixdesc.h>
#include <libavutil/time.h>
#include <libavutil/timecode.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>

// MARK: Errors

/// `AVERROR(e)`: a POSIX errno as a (negative) libav error code.
static inline int cffmpeg_AVERROR(int posixError) { return AVERROR(posixError); }
/// `AVERROR(EAGAIN)`: the codec wants more input, or has output waiting.
static inline int cffmpeg_AVERROR_EAGAIN(void) { return AVERROR(EAGAIN); }
/// `AVERROR_EOF`: end of file, or a drained codec.
static inline int cffmpeg_AVERROR_EOF(void) { return AVERROR_EOF; }
/// `AVERROR_EXIT`: an interrupt callback stopped a blocking call.
static inline int cffmpeg_AVERROR_EXIT(void) { return AVERROR_EXIT; }
/// `AVERROR_INVALIDDATA`: the input is not what the demuxer or decoder expected.
static inline int cffmpeg_AVERROR_INVALIDDATA(void) { return AVERROR_INVALIDDATA; }
/// `AVERROR_DEMUXER_NOT_FOUND`.
static inline int cffmpeg_AVERROR_DEMUXER_NOT_FOUND(void) { return AVERROR_DEMUXER_NOT_FOUND; }
/// `AVERROR_STREAM_NOT_FOUND`.
static inline int cffmpeg_AVERROR_STREAM_NOT_FOUND(void) { return AVERROR_STREAM_NOT_FOUND; }
/// `AVERROR_PATCHWELCOME`: a feature FFmpeg does not implement.
static inline int cffmpeg_AVERROR_PATCHWELCOME(void) { return AVERROR_PATCHWELCOME; }
/// `AVERROR_DECODER_NOT_FOUND`.
static inline int cffmpeg_AVERROR_DECODER_NOT_FOUND(void) { return AVERROR_DECODER_NOT_FOUND; }

// MARK: Time

/// `AV_NOPTS_VALUE`: "no timestamp".
static inline int64_t cffmpeg_AV_NOPTS_VALUE(void) { return AV_NOPTS_VALUE; }
/// `AV_TIME_BASE`: microseconds, the unit of AVFormatContext.duration and start_time.
static inline int cffmpeg_AV_TIME_BASE(void) { return AV_TIME_BASE; }
/// `AV_TIME_BASE_Q`: 1/AV_TIME_BASE as a rational.
static inline AVRational cffmpeg_AV_TIME_BASE_Q(void) { return AV_TIME_BASE_Q; }

// MARK: Channel layouts (AVChannelLayout compound literals)

static inline AVChannelLayout cffmpeg_AV_CHANNEL_LAYOUT_MONO(void) { return (AVChannelLayout)AV_CHANNEL_LAYOUT_MONO; }
static inline AVChannelLayout cffmpeg_AV_CHANNEL_LAYOUT_STEREO(void) { return (AVChannelLayout)AV_CHANNEL_LAYOUT_STEREO; }
static inline AVChannelLayout cffmpeg_AV_CHANNEL_LAYOUT_5POINT1(void) { return (AVChannelLayout)AV_CHANNEL_LAYOUT_5POINT1; }
static inline AVChannelLayout cffmpeg_AV_CHANNEL_LAYOUT_7POINT1(void) { return (AVChannelLayout)AV_CHANNEL_LAYOUT_7POINT1; }

// MARK: Flags Swift imports with the wrong type or not at all

static inline int cffmpeg_AVINDEX_DISCARD_FRAME(void) { return AVINDEX_DISCARD_FRAME; }
static inline int cffmpeg_AV_PKT_FLAG_DISCARD(void) { return AV_PKT_FLAG_DISCARD; }
static inline int cffmpeg_AV_PKT_FLAG_CORRUPT(void) { return AV_PKT_FLAG_CORRUPT; }
static inline int cffmpeg_AV_PKT_FLAG_KEY(void) { return AV_PKT_FLAG_KEY; }
/// `AV_BUFFERSRC_FLAG_KEEP_REF`: the buffer source takes a new reference and leaves the caller's frame alone.
static inline int cffmpeg_AV_BUFFERSRC_FLAG_KEEP_REF(void) { return AV_BUFFERSRC_FLAG_KEEP_REF; }

/// `av_err2str` is a macro over a compound-literal buffer; this writes into the caller's.
static inline void cffmpeg_av_strerror(int errnum, char *buffer, size_t size) {
    if (av_strerror(errnum, buffer, size) < 0) {
        snprintf(buffer, size, "libav error %d", errnum);
    }
}

// MARK: libavfilter, opened when first needed

// libavfilter is not linked: it brings some thirty libraries of its own (speech synthesis
// voices, SVG, Vulkan) that would take 12 MiB of every process, and only a display transform
// needs it. Its functions are looked up by name, typed from its headers.

/// The libavfilter functions Dailies calls.
typedef struct cffmpeg_avfilter {
    __typeof__(&avfilter_graph_alloc) graph_alloc;
    __typeof__(&avfilter_graph_free) graph_free;
    __typeof__(&avfilter_get_by_name) get_by_name;
    __typeof__(&avfilter_graph_create_filter) graph_create_filter;
    __typeof__(&avfilter_inout_alloc) inout_alloc;
    __typeof__(&avfilter_inout_free) inout_free;
    __typeof__(&avfilter_graph_parse_ptr) graph_parse_ptr;
    __typeof__(&avfilter_graph_config) graph_config;
    __typeof__(&av_buffersrc_add_frame_flags) buffersrc_add_frame_flags;
    __typeof__(&av_buffersink_get_frame) buffersink_get_frame;
} cffmpeg_avfilter;

/// The file name of the libavfilter these headers describe, such as `libavfilter.so.8`.
#ifdef __APPLE__
#define CFFMPEG_AVFILTER_LIBRARY "libavfilter." AV_STRINGIFY(LIBAVFILTER_VERSION_MAJOR) ".dylib"
#else
#define CFFMPEG_AVFILTER_LIBRARY "libavfilter.so." AV_STRINGIFY(LIBAVFILTER_VERSION_MAJOR)
#endif
static inline const char *cffmpeg_avfilter_library_name(void) { return CFFMPEG_AVFILTER_LIBRARY; }

/// Opens libavfilter and fills every field of `functions`: NULL when it did, else the
/// loader's reason. The library stays open for the process's life.
static inline const char *cffmpeg_avfilter_open(cffmpeg_avfilter *functions) {
    void *library = dlopen(CFFMPEG_AVFILTER_LIBRARY, RTLD_NOW | RTLD_LOCAL);
    if (!library) return dlerror();
#define CFFMPEG_FIND(field, symbol) \
    if (!(functions->field = (__typeof__(functions->field))dlsym(library, #symbol))) return dlerror();
    CFFMPEG_FIND(graph_alloc, avfilter_graph_alloc)
    CFFMPEG_FIND(graph_free, avfilter_graph_free)
    CFFMPEG_FIND(get_by_name, avfilter_get_by_name)
    CFFMPEG_FIND(graph_create_filter, avfilter_graph_create_filter)
    CFFMPEG_FIND(inout_alloc, avfilter_inout_alloc)
    CFFMPEG_FIND(inout_free, avfilter_inout_free)
    CFFMPEG_FIND(graph_parse_ptr, avfilter_graph_parse_ptr)
    CFFMPEG_FIND(graph_config, avfilter_graph_config)
    CFFMPEG_FIND(buffersrc_add_frame_flags, av_buffersrc_add_frame_flags)
    CFFMPEG_FIND(buffersink_get_frame, av_buffersink_get_frame)
#undef CFFMPEG_FIND
    return NULL;
}

#endif
