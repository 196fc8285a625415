// swift-tools-version:6.0
// Swift 6 language mode (tools 6.0), complete concurrency checking.
import PackageDescription

/// Packages used by more than one module section are declared here, once.
var dependencies: [Package.Dependency] = [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    // Already resolved through the server packages below; the CLI uses its timer sequence for live output.
    .package(url: "https://github.com/apple/swift-async-algorithms.git", from: "1.0.0"),
]
var targets: [Target] = []
/// What the `avatar-worker` command line links; each module section below adds itself.
var cliDependencies: [Target.Dependency] = [
    .product(name: "ArgumentParser", package: "swift-argument-parser"),
    .product(name: "Logging", package: "swift-log"),
    .product(name: "AsyncAlgorithms", package: "swift-async-algorithms"),
]
/// What `WorkerTestSupport` (broker and simulator scopes, the worker harness, the end-to-end stack) links; each module
/// section below adds itself. The light `TestSupport` (clocks, fixtures, waiting, schema checks) links none of them.
var workerTestSupportDependencies: [Target.Dependency] = ["TestSupport"]

/// The job contract, the pipeline core and its simulation are optimized in debug builds too: `swift test` runs a thousand simulated
/// seeds, which takes ten times as long unoptimized. (Stepping through them in a debugger is harder; build with
/// `AVATAR_DEV_UNOPTIMIZED=1 swift build` for that.)
let optimizedInDebug: [SwiftSetting] = Context.environment["AVATAR_DEV_UNOPTIMIZED"] == nil
    ? [.unsafeFlags(["-O"], .when(configuration: .debug))] : []

// MARK: - Kafka: CRdKafka (system library) and the Swift Kafka module

targets += [
    .systemLibrary(name: "CRdKafka", pkgConfig: "rdkafka", providers: [.apt(["librdkafka-dev"])]),
    .target(name: "Kafka", dependencies: [
        "CRdKafka",
        .product(name: "Logging", package: "swift-log"),
    ]),
    .testTarget(name: "KafkaTests", dependencies: [
        "Kafka", "KafkaDevelopment", "CRdKafka", "TestSupport", "WorkerTestSupport",
        .product(name: "Logging", package: "swift-log"),
    ]),
    // Development and test tooling over Kafka (embedded Tansu broker, child processes, free ports), kept out of the
    // production module as Hummingbird keeps HummingbirdTesting apart: the CLI's demo and bench commands and the test
    // support link it; the worker does not.
    .target(name: "KafkaDevelopment", dependencies: [
        "Kafka", "CRdKafka",
        .product(name: "Logging", package: "swift-log"),
    ]),
    .testTarget(name: "KafkaDevelopmentTests", dependencies: ["KafkaDevelopment"]),
]
cliDependencies += ["Kafka", "KafkaDevelopment"]
workerTestSupportDependencies += ["Kafka", "KafkaDevelopment"]

// MARK: - StrictJSON: the one JSON parser and value type, shared by the job contract and the API client

targets += [
    .target(name: "StrictJSON"),
    .testTarget(name: "StrictJSONTests", dependencies: ["StrictJSON"]),
]

// MARK: - MediaProbes: PNG/JPEG size and WAV/MP3/M4A/AAC duration from headers

// Foundation-free and dependency-free, so the coverage-guided fuzz target below builds it alone with -sanitize=fuzzer.
targets += [
    .target(name: "MediaProbes", swiftSettings: optimizedInDebug),
]

// MARK: - AvatarJobs: the job contract

// swift-crypto's SHA-256 derives the stable ids (external_task_id, event_id).
dependencies += [
    .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
]
targets += [
    .target(name: "AvatarJobs", dependencies: [
        "StrictJSON", "MediaProbes",
        .product(name: "Crypto", package: "swift-crypto"),
    ], swiftSettings: optimizedInDebug),
    .testTarget(name: "AvatarJobsTests", dependencies: ["AvatarJobs", "StrictJSON", "TestSupport"]),
]
cliDependencies += ["AvatarJobs"]
workerTestSupportDependencies += ["AvatarJobs"]

// MARK: - CometAPI client and simulator

dependencies += [
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    // swift-log is declared once, in the AvatarWorker section below (a package may be listed only once).
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-distributed-tracing", from: "1.7.3"),
]
targets += [
    .target(name: "CometAPI", dependencies: [
        "StrictJSON",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "Tracing", package: "swift-distributed-tracing"),
    ]),
    .target(name: "CometAPISimulator", dependencies: [
        "AvatarJobs",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
    ]),
    .testTarget(name: "CometAPITests", dependencies: [
        "CometAPI", "CometAPISimulator", "TestSupport", "WorkerTestSupport",
        .product(name: "NIOHTTP1", package: "swift-nio"),
    ]),
    .testTarget(name: "CometAPISimulatorTests", dependencies: [
        "CometAPISimulator", "TestSupport", "WorkerTestSupport",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
    ]),
]
cliDependencies += [
    "CometAPI", "CometAPISimulator", .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOPosix", package: "swift-nio"),
    .product(name: "AsyncHTTPClient", package: "async-http-client"),
]
workerTestSupportDependencies += ["CometAPI", "CometAPISimulator", .product(name: "Logging", package: "swift-log")]

// MARK: - AvatarWorker: the service

// The I/O-free core (offset ledger, poll scheduler, capacity, task lifecycle, ledger index, configuration) and the
// integration over it: intake, poll loop, result publisher and admin server as ServiceLifecycle services.
dependencies += [
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
    .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
    .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    .package(url: "https://github.com/swift-otel/swift-w3c-trace-context", from: "1.0.0"),
]
targets += [
    .target(
        name: "AvatarWorker",
        dependencies: [
            "Kafka", "AvatarJobs", "CometAPI",
            .product(name: "HeapModule", package: "swift-collections"),
            .product(name: "DequeModule", package: "swift-collections"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "W3CTraceContext", package: "swift-w3c-trace-context"),
        ],
        swiftSettings: optimizedInDebug
    ),
    // The deterministic simulation: the real PipelineCore in a seeded world of Kafka, CometAPI, crashes and faults.
    .target(name: "PipelineSimulation", dependencies: [
        "AvatarWorker", "AvatarJobs", "CometAPI",
        .product(name: "HeapModule", package: "swift-collections"),
    ], swiftSettings: optimizedInDebug),
    .testTarget(name: "PipelineSimulationTests", dependencies: ["PipelineSimulation", "AvatarWorker", "AvatarJobs"]),
    .testTarget(name: "AvatarWorkerTests", dependencies: [
        "AvatarWorker", "TestSupport", "WorkerTestSupport", "Kafka", "KafkaDevelopment", "AvatarJobs", "CometAPI",
        "CometAPISimulator",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Logging", package: "swift-log"),
    ]),
]
cliDependencies += [
    "AvatarWorker", "PipelineSimulation", .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
]
workerTestSupportDependencies += ["AvatarWorker"]

// End-to-end tests (E2E engineer): the built `avatar-worker` binary against Tansu and the simulator; the harness
// (WorkerProcess, ResultCollector, EndToEndStack, EndToEndJobs) lives in WorkerTestSupport.
targets += [
    .testTarget(name: "AvatarWorkerEndToEndTests", dependencies: [
        "AvatarJobs", "Kafka", "KafkaDevelopment", "CometAPISimulator", "PipelineSimulation", "TestSupport",
        "WorkerTestSupport", "ChaosHarness",
    ]),
]

// MARK: - Chaos harness

// `avatar-worker chaos`: three real worker processes, the embedded broker and the simulator as a separate process,
// under a seeded fault schedule (a pure value, tested alone), then a check of the result topic and the simulator's
// counters. Development tooling like KafkaDevelopment: the CLI links it, the worker does not.
targets += [
    .target(name: "ChaosHarness", dependencies: [
        "Kafka", "KafkaDevelopment", "AvatarJobs", "AvatarWorker", "CometAPISimulator",
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
    ]),
    .testTarget(name: "ChaosHarnessTests", dependencies: ["ChaosHarness", "AvatarJobs", "CometAPISimulator"]),
]
cliDependencies += ["ChaosHarness"]

// MARK: - Deploy checks

// deploy/ checked in CI: kustomize render and its facts, the compose file against the Compose schema, the Dockerfile,
// promtool, a real Prometheus scraping a worker, and Kafka over TLS through stunnel. Yams reads the YAML files.
dependencies += [
    .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
]
targets += [
    .testTarget(name: "DeployTests", dependencies: [
        "AvatarWorker", "Kafka", "KafkaDevelopment", "CometAPISimulator", "TestSupport", "WorkerTestSupport",
        .product(name: "Yams", package: "Yams"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
    ]),
]

// Command-line tests: the built binary's client commands against one shared broker, simulator and worker, and the
// command line's I/O-free parts (wait board, replay plan, filters) through `@testable import`.
targets += [
    .testTarget(name: "AvatarWorkerCLITests", dependencies: [
        "avatar-worker", "AvatarJobs", "Kafka", "KafkaDevelopment", "TestSupport", "WorkerTestSupport",
    ]),
]

// MARK: - Hostile input: the mutation fuzzer against a running worker, and coverage-guided fuzz targets

// HostileInput (development-only, like KafkaDevelopment) mutates valid jobs into hostile ones, produces them to an
// `avatar-worker run` child on the embedded broker and the simulator, and accounts for every message: the CLI's
// `fuzz` command and the short form in HostileInputTests run it. FuzzProperties holds what the libFuzzer targets check
// (StrictJSON and MediaProbes only, so `scripts/fuzz` builds them with -sanitize=fuzzer in seconds); each
// `fuzz-*` executable is a libFuzzer target when built with `-DLIBFUZZER`, and a corpus replayer otherwise.
targets += [
    .target(name: "HostileInput", dependencies: [
        "AvatarJobs", "Kafka", "KafkaDevelopment", "CometAPISimulator",
        .product(name: "Logging", package: "swift-log"),
    ], swiftSettings: optimizedInDebug),
    .target(name: "FuzzProperties", dependencies: ["StrictJSON", "MediaProbes"]),
    .executableTarget(name: "fuzz-strict-json", dependencies: ["FuzzProperties"], path: "Fuzz/Targets/fuzz-strict-json"),
    .executableTarget(name: "fuzz-media-probes", dependencies: ["FuzzProperties"], path: "Fuzz/Targets/fuzz-media-probes"),
    .testTarget(name: "HostileInputTests", dependencies: [
        "HostileInput", "FuzzProperties", "AvatarJobs", "StrictJSON", "TestSupport", "WorkerTestSupport",
    ]),
]
cliDependencies += ["HostileInput"]

// MARK: - Command line and test support

targets += [
    .executableTarget(name: "avatar-worker", dependencies: cliDependencies),
    // Split by weight: the contract's tests use TestSupport alone, which links neither librdkafka nor Hummingbird.
    .target(name: "TestSupport", dependencies: [.product(name: "Logging", package: "swift-log")], path: "Tests/TestSupport"),
    .target(name: "WorkerTestSupport", dependencies: workerTestSupportDependencies, path: "Tests/WorkerTestSupport"),
]

let package = Package(
    name: "avatar-worker",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "avatar-worker", targets: ["avatar-worker"]),
    ],
    dependencies: dependencies,
    targets: targets
)
