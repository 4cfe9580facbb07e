// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Dailies",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dailies", targets: ["dailies"]),
        .library(name: "FrameTime", targets: ["FrameTime"]),
        .library(name: "Media", targets: ["Media"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        // FFmpeg's libraries through pkg-config, plus a shim for the macros Swift can't import.
        .systemLibrary(
            name: "CFFmpeg",
            // libavformat.pc carries the include path; the module map links all five libraries.
            pkgConfig: "libavformat",
            providers: [
                .apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev", "libswresample-dev"]),
                .brew(["ffmpeg"]),
            ]
        ),
        .target(name: "FrameTime"),
        .target(name: "Media", dependencies: ["CFFmpeg", "FrameTime"]),
        .executableTarget(
            name: "dailies",
            dependencies: [
                "Media",
                "FrameTime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),

        // Shared by every test target that looks at pictures: the fixture catalogue and the
        // barcode reader that tells which frame a picture shows.
        .target(name: "MediaTestSupport", dependencies: ["Media", "FrameTime"], path: "Tests/MediaTestSupport"),
        .testTarget(name: "FrameTimeTests", dependencies: ["FrameTime", "CFFmpeg"]),
        .testTarget(name: "MediaTests", dependencies: ["Media", "FrameTime", "MediaTestSupport"]),
        .testTarget(name: "DailiesCLITests", dependencies: ["MediaTestSupport", "dailies"]),
    ],
    swiftLanguageModes: [.v6]
)
