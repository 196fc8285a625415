import AvatarWorker
import Foundation
import Kafka
import TestSupport
import WorkerTestSupport
import Testing

/// `deploy/kubernetes`: `kubectl kustomize` renders it, and the rendered objects agree with the worker: probe paths,
/// grace period, KEDA's group and topic, the settings the ConfigMap carries. Without kubectl every check here is
/// reported as skipped (scripts/test warns too), never passed.
@Suite("Kubernetes manifests",
       .enabled(if: DeployFiles.kubectlAvailable, "SKIPPED: kubectl is not on PATH, so deploy/kubernetes is not rendered"))
struct KubernetesManifestTests {
    /// The rendered objects of `kubectl kustomize deploy/kubernetes`.
    struct Rendered {
        let objects: [YAMLValue]

        init() throws {
            let output = try ExternalTool.check("kubectl", ["kustomize", DeployFiles.path("kubernetes")])
            objects = try YAMLValue.documents(parsing: String(decoding: output, as: UTF8.self))
        }

        /// The one object of `kind`; fails the test when there is not exactly one.
        func only(_ kind: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> YAMLValue {
            let matching = objects.filter { $0["kind"].string == kind }
            try #require(matching.count == 1, "expected one \(kind), found \(matching.count)", sourceLocation: sourceLocation)
            return matching[0]
        }

        var worker: YAMLValue { get throws { try only("Deployment")["spec"]["template"]["spec"]["containers"][0] } }

        /// The ConfigMap's data: the workers' environment.
        var settings: [String: String] { get throws { try only("ConfigMap")["data"].dictionary.compactMapValues(\.string) } }

        /// The worker's configuration as the worker itself loads it from the ConfigMap (the key comes from a file in
        /// the cluster; here `COMETAPI_KEY`, which wins over the file, stands in for it).
        var configuration: WorkerConfiguration {
            get throws { try WorkerConfiguration.load(environment: try settings.merging(["COMETAPI_KEY": "k"]) { $1 }) }
        }
    }

    @Test("kubectl kustomize renders every object the base promises")
    func renders() throws {
        let kinds = try Rendered().objects.compactMap { $0["kind"].string }
        #expect(Set(kinds) == [
            "Deployment", "Service", "ConfigMap", "PodDisruptionBudget", "ServiceMonitor", "PrometheusRule",
            "ScaledObject", "Job",
        ])
    }

    @Test("Grace period above the drain deadline, probes on the admin port, read-only root, non-root, key from a Secret")
    func deploymentFacts() throws {
        let rendered = try Rendered()
        let configuration = try rendered.configuration
        let pod = try rendered.only("Deployment")["spec"]["template"]["spec"]
        let worker = try rendered.worker
        let grace = try #require(pod["terminationGracePeriodSeconds"].int)
        // The worker's service group allows itself the drain deadline plus 10 s before it stops anyway.
        #expect(Duration.seconds(grace) > configuration.drainDeadline + .seconds(10))
        #expect(worker["livenessProbe"]["httpGet"]["path"].string == AdminServer.livenessPath)
        #expect(worker["readinessProbe"]["httpGet"]["path"].string == AdminServer.readinessPath)
        #expect(worker["startupProbe"]["httpGet"]["path"].string == AdminServer.livenessPath)
        let admin = worker["ports"].array.first { $0["name"].string == "admin" }
        #expect(admin?["containerPort"].int == configuration.httpPort)
        #expect(configuration.httpHost == "0.0.0.0", "probes come from the kubelet, not from inside the pod")
        #expect(worker["securityContext"]["readOnlyRootFilesystem"].raw as? Bool == true)
        #expect(worker["securityContext"]["allowPrivilegeEscalation"].raw as? Bool == false)
        #expect(pod["securityContext"]["runAsNonRoot"].raw as? Bool == true)
        #expect((pod["securityContext"]["runAsUser"].int ?? 0) > 0)
        #expect(worker["resources"]["requests"]["cpu"].exists && worker["resources"]["limits"]["memory"].exists)
        #expect(pod["affinity"]["podAntiAffinity"].exists)
        // The API key: a file from a Secret volume, named by AVATAR_WORKER_API_KEY_FILE.
        let keyFile = try #require(configuration.apiKeyFile)
        let secretVolumes = Set(pod["volumes"].array.filter { $0["secret"].exists }.compactMap { $0["name"].string })
        let keyMount = worker["volumeMounts"].array.first { keyFile.hasPrefix(($0["mountPath"].string ?? "?") + "/") }
        #expect(keyMount.map { secretVolumes.contains($0["name"].string ?? "") } == true, "\(keyFile) is not on a Secret volume")
        #expect(worker["envFrom"][0]["configMapRef"]["name"].string?.hasPrefix("avatar-worker") == true)
    }

    @Test("KEDA scales on the worker's group and jobs topic, up to the jobs topic's partition count")
    func autoscalerFacts() throws {
        let rendered = try Rendered()
        let configuration = try rendered.configuration
        let defaults = WorkerConfiguration()
        let scaledObject = try rendered.only("ScaledObject")["spec"]
        let trigger = scaledObject["triggers"][0]
        #expect(trigger["type"].string == "kafka")
        #expect(trigger["metadata"]["consumerGroup"].string == defaults.group)
        #expect(trigger["metadata"]["topic"].string == defaults.jobsTopic)
        #expect(configuration.group == defaults.group && configuration.jobsTopic == defaults.jobsTopic)
        #expect(trigger["metadata"]["bootstrapServers"].string == configuration.brokers)
        #expect(scaledObject["scaleTargetRef"]["name"].string == (try rendered.only("Deployment")["metadata"]["name"].string))
        let arguments = try rendered.only("Job")["spec"]["template"]["spec"]["containers"][0]["args"].array.compactMap(\.string)
        let partitions = try #require(arguments.firstIndex(of: "--partitions").flatMap { Int(arguments[$0 + 1]) })
        #expect(scaledObject["maxReplicaCount"].int == partitions)
        #expect(configuration.fleetInFlightCap >= partitions, "the fleet cap must give every partition a share")
    }

    @Test("Every AVATAR_WORKER_ variable of the ConfigMap is an option `run --help` lists or a librdkafka property")
    func configMapNamesAreOptions() async throws {
        let settings = try Rendered().settings
        let help = try await WorkerCommand.output(["run", "--help"]).joined(separator: "\n")
        let kafkaPrefix = ConfigurationOption.environmentPrefix + "KAFKA_"
        var properties: [String: String] = [:]
        for (name, value) in settings {
            #expect(name.hasPrefix(ConfigurationOption.environmentPrefix), "\(name) is not a worker setting")
            if name.hasPrefix(kafkaPrefix) {
                properties[name.dropFirst(kafkaPrefix.count).lowercased().replacingOccurrences(of: "_", with: ".")] = value
            } else {
                #expect(help.contains("env \(name),"), "\(name) is not listed by `avatar-worker run --help`")
            }
        }
        #expect(help.contains("AVATAR_WORKER_KAFKA_<NAME>"), "run --help names the librdkafka pass-through")
        // librdkafka refuses unknown properties when a client is made: every pass-through must be a real one.
        _ = try KafkaAdmin(configuration: KafkaConfiguration(["bootstrap.servers": "127.0.0.1:1"]).merging(properties))
        // And the worker's own loader accepts every name and value.
        _ = try WorkerConfiguration.load(environment: settings.merging(["COMETAPI_KEY": "k"]) { $1 })
    }

    @Test("Service, ServiceMonitor and PodDisruptionBudget select the worker pods; the job label is the alerts' one")
    func selection() throws {
        let rendered = try Rendered()
        let podLabels = try rendered.only("Deployment")["spec"]["template"]["metadata"]["labels"].dictionary.compactMapValues(\.string)
        func selects(_ selector: YAMLValue) -> Bool {
            let wanted = selector.dictionary.compactMapValues(\.string)
            return !wanted.isEmpty && wanted.allSatisfy { podLabels[$0.key] == $0.value }
        }
        let service = try rendered.only("Service")
        #expect(selects(service["spec"]["selector"]))
        #expect(selects(try rendered.only("PodDisruptionBudget")["spec"]["selector"]["matchLabels"]))
        let monitor = try rendered.only("ServiceMonitor")["spec"]
        let serviceLabels = service["metadata"]["labels"].dictionary.compactMapValues(\.string)
        #expect(monitor["selector"]["matchLabels"].dictionary.compactMapValues(\.string).allSatisfy { serviceLabels[$0.key] == $0.value })
        #expect(monitor["endpoints"][0]["port"].string == service["spec"]["ports"][0]["name"].string)
        #expect(monitor["endpoints"][0]["path"].string == AdminServer.metricsPath)
        // The operator names the job after the Service; the alert rules select that job.
        let jobName = service["metadata"]["name"].string ?? "?"
        #expect(try DeployFiles.alertExpressions()["AvatarWorkerDown"]?.contains(#"job="\#(jobName)""#) == true)
        let topicsPod = try rendered.only("Job")["spec"]["template"]["metadata"]["labels"].dictionary.compactMapValues(\.string)
        #expect(topicsPod["app.kubernetes.io/component"] != podLabels["app.kubernetes.io/component"],
                "the topics Job's pod must not be selected as a worker")
    }

    @Test("The Deployment's probe paths answer on a running worker's admin server", .timeLimit(.minutes(2)))
    func probesAnswer() async throws {
        let worker = try Rendered().worker
        let liveness = try #require(worker["livenessProbe"]["httpGet"]["path"].string)
        let readiness = try #require(worker["readinessProbe"]["httpGet"]["path"].string)
        try await LiveWorker.with { live in
            #expect(try await live.get(liveness).status == 200)
            try await waitUntil("readiness path \(readiness) answering 200", within: .seconds(60)) {
                try await live.get(readiness).status == 200
            }
        }
    }
}
