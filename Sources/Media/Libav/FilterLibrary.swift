import CFFmpeg

/// libavfilter, opened the first time a display transform needs it.
///
/// It is not linked (see `shim.h`): most media needs no transform, and libavfilter's own
/// dependencies would cost every process 12 MiB. Each function was found by name when the
/// library opened, so the fields are never `nil` once ``functions(path:)`` has returned.
struct FilterLibrary: @unchecked Sendable {
    /// libavfilter's functions; `@unchecked Sendable` as they are plain C function pointers, set once.
    let c: cffmpeg_avfilter

    private static let opened: Result<FilterLibrary, OpenFailure> = {
        var functions = cffmpeg_avfilter()
        if let failure = cffmpeg_avfilter_open(&functions) {
            return .failure(OpenFailure(reason: String(cString: failure)))
        }
        return .success(FilterLibrary(c: functions))
    }()

    private struct OpenFailure: Error {
        let reason: String
    }

    /// The library's functions, or an error for `path` that says what is missing.
    static func functions(path: String) throws(MediaError) -> cffmpeg_avfilter {
        switch opened {
        case .success(let library):
            return library.c
        case .failure(let failure):
            let name = String(cString: cffmpeg_avfilter_library_name())
            throw MediaError(.unsupported, path: path,
                             reason: "display transforms need \(name) (Debian's libavfilter8), which cannot be opened: \(failure.reason)")
        }
    }
}
