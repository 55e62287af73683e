// swift-tools-version: 6.0
import PackageDescription

// Module graph. Imports point one way, left to right, and the compiler enforces it: a module
// cannot import one to its right because it is not among its dependencies.
//
//   CNghttp2, CLinux → H2Loop, H2Wire → H2Profile → H2Results → H2Driver, H2Target, H2Report, H2Metrics → H2Run → H2Bench → h2stress
//
// H2Metrics is the live Prometheus exporter (`run --metrics`): the swift-prometheus registry fed
// from the progress counters and each finished cell, and the `/metrics` HTTP responder on H2Loop.
//
// Only H2Loop and H2Wire import C; no C type appears in their public API.
// Release builds of the hot-path modules (event loop, wire sessions, the driver, the embedded
// server, and the measurement accumulators in H2Results) skip dynamic exclusivity checks: they
// cost ~8% of the driver's user CPU in `perf` (swift_beginAccess/endAccess per stream callback).
// The profile decoder, reports, pipeline and bench keep them. Debug builds — which every test
// runs — keep the checks everywhere, so a violation is still caught there.
let hotPath: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "h2stress",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "h2stress", targets: ["h2stress"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        .systemLibrary(
            name: "CNghttp2",
            pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]
        ),
        .target(name: "CLinux", linkerSettings: [.linkedLibrary("ssl"), .linkedLibrary("crypto")]),
        .target(name: "H2Loop", dependencies: ["CLinux"], swiftSettings: hotPath),
        .target(name: "H2Wire", dependencies: ["CNghttp2", "CLinux"], swiftSettings: hotPath),
        .target(name: "H2Profile", dependencies: ["H2Loop", "H2Wire", .product(name: "Yams", package: "Yams")]),
        .target(
            name: "H2Results",
            dependencies: ["H2Profile", "H2Wire", .product(name: "Histogram", package: "hdrhistogram-swift")],
            swiftSettings: hotPath
        ),
        .target(name: "H2Driver", dependencies: ["H2Loop", "H2Wire", "H2Profile", "H2Results"], swiftSettings: hotPath),
        .target(name: "H2Target", dependencies: ["H2Loop", "H2Wire", "H2Profile", "H2Results"], swiftSettings: hotPath),
        .target(name: "H2Report", dependencies: ["H2Profile", "H2Results", "H2Wire"]),
        .target(name: "H2Metrics", dependencies: ["H2Loop", "H2Profile", "H2Results", .product(name: "Prometheus", package: "swift-prometheus")]),
        .target(name: "H2Run", dependencies: ["H2Loop", "H2Wire", "H2Profile", "H2Results", "H2Driver", "H2Target", "H2Report", "H2Metrics"]),
        .target(name: "H2Bench", dependencies: ["H2Loop", "H2Wire", "H2Profile", "H2Results", "H2Driver", "H2Target", "H2Report", "H2Run"]),
        .executableTarget(
            name: "h2stress",
            dependencies: [
                "H2Loop", "H2Wire", "H2Profile", "H2Results", "H2Driver", "H2Target", "H2Report", "H2Metrics", "H2Run", "H2Bench",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Helpers shared by several test targets (test targets cannot share files).
        // H2Loop for `Subprocess`, which runs the tests' child processes on H2Loop's `ChildProcess`.
        .target(name: "H2TestSupport", dependencies: ["H2Loop"], path: "Tests/H2TestSupport"),
        .testTarget(name: "H2TestSupportTests", dependencies: ["H2TestSupport"]),
        .testTarget(name: "H2LoopTests", dependencies: ["H2Loop", "H2TestSupport"]),
        .testTarget(name: "H2WireTests", dependencies: ["H2Wire", "CLinux"], resources: [.copy("Fixtures")]),
        .testTarget(name: "H2ProfileTests", dependencies: ["H2Profile", "H2Results", "H2Wire"], resources: [.copy("BrokenProfiles")]),
        .testTarget(name: "H2ResultsTests", dependencies: ["H2Results", "H2Profile", "H2Wire"]),
        .testTarget(name: "H2MetricsTests", dependencies: ["H2Metrics", "H2Results", "H2Profile", "H2Loop", "H2TestSupport"]),
        .testTarget(
            name: "H2DriverTests",
            dependencies: ["H2Driver", "H2Results", "H2Profile", "H2Target", "H2Loop", "H2Wire", "H2TestSupport"]
        ),
        .testTarget(
            name: "H2TargetTests",
            dependencies: ["H2Target", "H2Bench", "H2Run", "H2Driver", "H2Results", "H2Profile", "H2Loop", "H2Wire", "H2TestSupport"]
        ),
        .testTarget(
            name: "H2RunTests",
            // Yams: the Kubernetes tests parse the rendered manifests.
            dependencies: ["H2Run", "H2Report", "H2Metrics", "H2Target", "H2Driver", "H2Results", "H2Profile", "H2Loop", "H2Wire", "H2TestSupport",
                           .product(name: "Yams", package: "Yams")],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "H2ReportTests",
            dependencies: ["H2Report", "H2Run", "H2Target", "H2Driver", "H2Results", "H2Profile", "H2Wire", "H2TestSupport"],
            exclude: ["Golden"]
        ),
    ]
)
