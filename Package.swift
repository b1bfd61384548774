// swift-tools-version: 6.2
import PackageDescription

let package = Package(
    name: "Herald",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "herald", targets: ["herald"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/adam-fowler/compress-nio.git", from: "1.5.0"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        .systemLibrary(
            name: "CLDNS",
            pkgConfig: "ldns",
            providers: [.apt(["libldns-dev"])]
        ),
        // Wire format, names, typed RDATA. No dependencies: the hot path owns its bytes.
        .target(name: "DNSCore"),
        // Immutable zone snapshots and the pure responder (query bytes in, answer bytes out).
        .target(name: "DNSAuthority", dependencies: ["DNSCore"]),
        // UDP/TCP transports, response-rate limiting, metrics and their Prometheus endpoint.
        .target(
            name: "DNSServer",
            dependencies: [
                "DNSCore", "DNSAuthority",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        // Pure record logic: SPF flattening, DMARC ladder, MTA-STS, TLS-RPT.
        .target(
            name: "RecordBuilder",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")]
        ),
        // SQLite inventory through GRDB.
        .target(
            name: "Inventory",
            dependencies: [
                "RecordBuilder",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        // Inventory -> builder -> snapshot; upstream resolvers; reload.
        .target(
            name: "ZonePublisher",
            dependencies: [
                "DNSCore", "DNSAuthority", "RecordBuilder", "Inventory", "CLDNS",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // HTTPS MTA-STS policy server.
        .target(
            name: "PolicyServer",
            dependencies: [
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "X509", package: "swift-certificates"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // DMARC aggregate (RFC 9990) and TLS (RFC 8460) report ingestion, readiness, autopilot.
        .target(
            name: "Reports",
            dependencies: [
                "RecordBuilder", "Inventory",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .executableTarget(
            name: "herald",
            dependencies: [
                "DNSCore", "DNSAuthority", "DNSServer", "RecordBuilder", "Inventory",
                "ZonePublisher", "PolicyServer", "Reports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Benchmarks print figures; they are not tests (Benchmarks/*.sh run them).
        .executableTarget(
            name: "herald-bench",
            dependencies: ["Inventory", "RecordBuilder", "ZonePublisher"],
            path: "Benchmarks/HeraldBench"
        ),
        // libFuzzer target over the request path (Fuzz/run.sh builds it with the sanitizers;
        // a plain build makes a replay tool). The harness is a library so tests replay
        // Fuzz/regressions through the same code.
        .target(name: "CLibFuzzer", path: "Fuzz/CLibFuzzer"),
        .target(name: "HeraldFuzzHarness", dependencies: ["DNSCore", "DNSAuthority"], path: "Fuzz/HeraldFuzzHarness"),
        .executableTarget(
            name: "herald-fuzz",
            dependencies: ["HeraldFuzzHarness", "CLibFuzzer"],
            path: "Fuzz/HeraldFuzz"
        ),
        .testTarget(name: "DNSCoreTests", dependencies: ["DNSCore"]),
        .testTarget(name: "DNSAuthorityTests", dependencies: ["DNSCore", "DNSAuthority"]),
        .testTarget(name: "RecordBuilderTests", dependencies: ["RecordBuilder"]),
        .testTarget(name: "InventoryTests", dependencies: ["Inventory", "RecordBuilder"]),
        .testTarget(
            name: "ZonePublisherTests",
            dependencies: ["ZonePublisher", "DNSCore", "DNSAuthority", "RecordBuilder", "Inventory", "CLDNS"],
            resources: []
        ),
        .testTarget(name: "PolicyServerTests", dependencies: ["PolicyServer"]),
        .testTarget(
            name: "ReportsTests",
            dependencies: [
                "Reports", "Inventory", "RecordBuilder",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "CompressNIO", package: "compress-nio"),
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            exclude: ["Fixtures"]),
        .testTarget(
            name: "DNSServerTests",
            dependencies: [
                "DNSCore", "DNSAuthority", "DNSServer", "HeraldFuzzHarness",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        .testTarget(
            name: "IntegrationTests",
            dependencies: ["DNSCore", "DNSAuthority", "DNSServer", "ZonePublisher", "CLDNS"],
            exclude: ["Golden"]
        ),
    ]
)
