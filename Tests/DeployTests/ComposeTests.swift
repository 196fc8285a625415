import AvatarWorker
import Foundation
import TestSupport
import WorkerTestSupport
import Testing

/// `deploy/compose/compose.yaml`: valid against the Compose specification's JSON schema (validated by Python
/// jsonschema with the schema set-up fetched), and consistent with the worker and the other deploy files.
@Suite("Compose stack")
struct ComposeTests {
    static let schemaPath = PackageRoot.url.appendingPathComponent("tools/compose-spec/compose_spec.json").path

    /// Validates `document` against the Compose schema; returns the validator's complaints (empty when valid).
    static func schemaViolations(_ document: Data) throws -> [String] {
        guard FileManager.default.fileExists(atPath: schemaPath) else {
            throw SetupMissing(what: "the Compose specification schema at \(schemaPath)")
        }
        let script = """
            import json, sys, jsonschema
            schema = json.load(open(sys.argv[1]))
            errors = sorted(jsonschema.Draft201909Validator(schema).iter_errors(json.load(sys.stdin)), key=str)
            for error in errors: print("/".join(map(str, error.path)) + ": " + error.message)
            """
        let output = try ExternalTool.check("python3", ["-c", script, schemaPath], stdin: document)
        return String(decoding: output, as: UTF8.self).split(separator: "\n").map(String.init)
    }

    @Test("compose.yaml is valid against the Compose specification's JSON schema")
    func validAgainstSchema() throws {
        let violations = try Self.schemaViolations(try DeployFiles.yaml("compose/compose.yaml").jsonData())
        #expect(violations == [])
    }

    @Test("The schema check is not vacuous: a misspelt service key is refused")
    func schemaRefusesTypos() throws {
        let broken = Data(#"{"services": {"worker": {"image": "x", "enviroment": {"A": "b"}}}}"#.utf8)
        #expect(try !Self.schemaViolations(broken).isEmpty)
    }

    @Test("The stack: KRaft Kafka, a one-shot topics service, the simulator, three workers, Prometheus and Grafana")
    func services() throws {
        let services = try DeployFiles.yaml("compose/compose.yaml")["services"]
        let kafka = services["kafka"]
        #expect(kafka["image"].string?.hasPrefix("apache/kafka:") == true)
        #expect(kafka["environment"]["KAFKA_PROCESS_ROLES"].string?.contains("controller") == true, "KRaft: no ZooKeeper")
        #expect(services["topics"]["command"].array.prefix(2).compactMap(\.string) == ["topics", "create"])
        #expect(services["topics"]["restart"].string == "no")
        #expect(services["simulator"]["command"][0].string == "simulate")
        #expect(services["worker"]["deploy"]["replicas"].int == 3)
        #expect(services["worker"]["depends_on"]["topics"]["condition"].string == "service_completed_successfully")
        #expect(services["prometheus"].exists && services["grafana"].exists)
        for name in ["topics", "simulator", "worker"] {
            #expect(services[name]["build"]["dockerfile"].string == "deploy/docker/Dockerfile", "\(name) builds the image")
        }
    }

    @Test("The workers' settings load as worker options and point at the stack's Kafka and simulator")
    func workerSettings() throws {
        let services = try DeployFiles.yaml("compose/compose.yaml")["services"]
        let environment = services["worker"]["environment"].dictionary.compactMapValues(\.string)
        let configuration = try WorkerConfiguration.load(environment: environment)
        #expect(configuration.brokers == "kafka:9092")
        #expect(services["kafka"]["environment"]["KAFKA_ADVERTISED_LISTENERS"].string == "PLAINTEXT://kafka:9092")
        let simulatorCommand = services["simulator"]["command"].array.compactMap(\.string)
        let simulatorPort = simulatorCommand.firstIndex(of: "--port").map { simulatorCommand[$0 + 1] }
        #expect(configuration.apiBaseURL.absoluteString == "http://simulator:\(simulatorPort ?? "?")")
        #expect(configuration.httpHost == "0.0.0.0", "the admin server must be reachable from Prometheus")
        let grace = try #require(DeployFiles.seconds(services["worker"]["stop_grace_period"].string ?? ""))
        #expect(Duration.seconds(grace) > configuration.drainDeadline + .seconds(10))
        let topics = services["topics"]["command"].array.compactMap(\.string)
        let partitions = Int(topics[(topics.firstIndex(of: "--partitions") ?? 0) + 1]) ?? 0
        #expect(partitions >= services["worker"]["deploy"]["replicas"].int ?? .max, "a worker beyond the partitions sits idle")
        #expect(configuration.fleetInFlightCap >= partitions)
    }

    @Test("Prometheus scrapes every worker replica on its admin port, and Grafana gets the dashboard and data source")
    func monitoringWiring() throws {
        let services = try DeployFiles.yaml("compose/compose.yaml")["services"]
        let workerPort = services["worker"]["environment"]["AVATAR_WORKER_HTTP_PORT"].int
        let scrape = try DeployFiles.yaml("prometheus/prometheus.yml")["scrape_configs"].array
            .first { $0["job_name"].string == "avatar-worker" }
        let discovery = try #require(scrape)["dns_sd_configs"][0]
        #expect(discovery["names"].array.compactMap(\.string) == ["worker"])
        #expect(discovery["port"].int == workerPort)
        let datasource = try DeployFiles.yaml("grafana/provisioning/datasources/prometheus.yaml")["datasources"][0]
        #expect(datasource["url"].string == "http://prometheus:9090")
        let dashboardVariable = try DeployFiles.yaml("grafana/avatar-worker.json")["templating"]["list"][0]
        #expect(dashboardVariable["current"]["value"].string == datasource["uid"].string)
        let provider = try DeployFiles.yaml("grafana/provisioning/dashboards/avatar-worker.yaml")["providers"][0]
        let grafanaMounts = services["grafana"]["volumes"].array.compactMap(\.string)
        #expect(grafanaMounts.contains { $0.hasSuffix(":\(provider["options"]["path"].string ?? "?")/avatar-worker.json:ro") })
    }

    @Test("Every file the stack mounts or builds from exists in the repository")
    func mountedFilesExist() throws {
        let compose = DeployFiles.root.appendingPathComponent("compose")
        for (name, service) in try DeployFiles.yaml("compose/compose.yaml")["services"].dictionary {
            for mount in service["volumes"].array.compactMap(\.string) {
                let source = String(mount.split(separator: ":")[0])
                guard source.hasPrefix(".") else { continue }
                #expect(FileManager.default.fileExists(atPath: compose.appendingPathComponent(source).path),
                        "\(name) mounts \(source), which does not exist")
            }
            if let context = service["build"]["context"].string, let dockerfile = service["build"]["dockerfile"].string {
                let root = compose.appendingPathComponent(context)
                #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent(dockerfile).path))
                #expect(FileManager.default.fileExists(atPath: root.appendingPathComponent("Package.swift").path))
            }
        }
    }
}

/// Something `scripts/setup` installs is missing: the check cannot run, and says so instead of passing.
struct SetupMissing: Error, CustomStringConvertible {
    let what: String
    var description: String { "\(what) is missing: run scripts/setup" }
}
