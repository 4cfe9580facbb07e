// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "Dailies",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "dailies", targets: ["dailies"]),
        .library(name: "FrameTime", targets: ["FrameTime"]),
        .library(name: "Media", targets: ["Media"]),
        .library(name: "Catalog", targets: ["Catalog"]),
        .library(name: "Pipeline", targets: ["Pipeline"]),
        .library(name: "ReviewServer", targets: ["ReviewServer"]),
        .library(name: "FtrackFaces", targets: ["FtrackFaces"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.81.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.0"),
        // Without default traits: Dailies needs none of swift-configuration's support.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.0", traits: []),
        .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.6.0"),
        .package(url: "https://github.com/vapor/postgres-kit", from: "2.17.0"),
        .package(url: "https://github.com/vapor/sql-kit", from: "3.36.0"),
        .package(url: "https://github.com/vapor/sqlite-kit", from: "4.5.0"),
    ],
    targets: [
        // FFmpeg's libraries through pkg-config, plus a shim for the macros Swift can't import.
        .systemLibrary(
            name: "CFFmpeg",
            // libavformat.pc carries the include path; the module map links five libraries.
            // libavfilter (the display transforms: zscale, tonemap, lutrgb) is opened by name
            // when first needed (see shim.h), but its headers are needed to build.
            pkgConfig: "libavformat",
            providers: [
                .apt(["libavformat-dev", "libavcodec-dev", "libavutil-dev", "libswscale-dev", "libswresample-dev",
                      "libavfilter-dev"]),
                .brew(["ffmpeg"]),
            ]
        ),
        // cairo, which draws the PDF reports (Debian's libcairo2-dev; fonts through fontconfig).
        .systemLibrary(name: "CCairo", pkgConfig: "cairo", providers: [.apt(["libcairo2-dev"]), .brew(["cairo"])]),
        // statfs(2), which Swift's Glibc module leaves out (telling a network mount).
        .target(name: "CSystemShims"),
        .target(name: "FrameTime"),
        .target(name: "Media", dependencies: ["CFFmpeg", "FrameTime"]),
        .target(
            name: "Catalog",
            dependencies: [
                "FrameTime",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "PostgresKit", package: "postgres-kit"),
                .product(name: "SQLKit", package: "sql-kit"),
                .product(name: "SQLiteKit", package: "sqlite-kit"),
            ]
        ),
        // Reports and editorial interchange over catalog values: the PDF (cairo), CSV, OTIO, EDL.
        .target(name: "Report", dependencies: ["Catalog", "Media", "FrameTime", "CCairo"]),
        .target(
            name: "Pipeline",
            dependencies: [
                "Catalog",
                "CSystemShims",
                "Media",
                "Report",
                "FrameTime",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                // The webhook client: HTTP/1.1 over a connection to the exact address checked.
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ]
        ),
        // The ftrack protocols (JSON `POST /api`, legacy XML-RPC `POST /client/`) over the catalog:
        // the schema, the query language and its SQL, the mapping of writes; ReviewServer mounts it.
        .target(name: "FtrackFaces", dependencies: [
            "Catalog", .product(name: "Crypto", package: "swift-crypto"), .product(name: "SQLKit", package: "sql-kit"),
        ]),
        .target(
            name: "ReviewServer",
            dependencies: [
                "Catalog",
                "FtrackFaces",
                "Pipeline",
                "Media",
                "Report",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The review site: HTML, CSS and ES modules, served as they are (no build step).
            resources: [.copy("Pages")]
        ),
        .executableTarget(
            name: "dailies",
            dependencies: [
                "Catalog",
                "Pipeline",
                "ReviewServer",
                "Media",
                "Report",
                "FrameTime",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),

        // Shared by the test targets: the fixture catalogue and the barcode reader that tells
        // which frame a picture shows, webhook receivers, the feedback format's page.
        .target(name: "MediaTestSupport", dependencies: [
            "Media", "FrameTime", "Catalog", .product(name: "PostgresKit", package: "postgres-kit"),
        ], path: "Tests/MediaTestSupport"),
        .testTarget(name: "FrameTimeTests", dependencies: ["FrameTime", "CFFmpeg"]),
        .testTarget(name: "MediaTests", dependencies: ["Media", "FrameTime", "MediaTestSupport"]),
        .testTarget(name: "CatalogTests", dependencies: [
            "Catalog", "MediaTestSupport", .product(name: "SQLKit", package: "sql-kit"),
        ]),
        .testTarget(name: "ReviewServerTests", dependencies: [
            "ReviewServer", "Catalog", "Pipeline", "Media", "MediaTestSupport",
            .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "HummingbirdWSClient", package: "hummingbird-websocket"),
        ]),
        .testTarget(name: "FtrackFacesTests", dependencies: ["FtrackFaces", "Catalog", "MediaTestSupport"]),
        .testTarget(name: "ReportTests", dependencies: ["Report", "Catalog", "Media", "FrameTime", "MediaTestSupport"]),
        .testTarget(name: "WebhookTests", dependencies: ["Pipeline", "Catalog", "MediaTestSupport"]),
        // The SMTP client and the MIME composer against a real SMTP server (Tests/Peers/smtp_peer.py).
        .testTarget(name: "MailTests", dependencies: ["Pipeline", "Catalog", "Media", "FrameTime", "MediaTestSupport"]),
        // Builds the dailies executable the tests run as real processes.
        .testTarget(name: "DailiesCLITests", dependencies: [
            "MediaTestSupport", "Media", "Catalog", "Pipeline", "dailies", .product(name: "Crypto", package: "swift-crypto"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
