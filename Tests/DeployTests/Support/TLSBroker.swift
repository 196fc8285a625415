import Foundation
import Kafka
import KafkaDevelopment
import Logging
import TestSupport
import WorkerTestSupport

/// The embedded Tansu broker behind a TLS terminator (Debian's stunnel4), with a CA and a server certificate made for
/// the test by openssl, and a second CA that did not sign it.
///
/// Tansu speaks plaintext on one loopback port; stunnel accepts TLS on another and forwards to it. Kafka clients
/// connect to whatever address the broker advertises in its metadata, so Tansu is told to advertise stunnel's address
/// (`--advertised-listener-url`): after bootstrap every client connection goes through TLS again instead of straight
/// to the plaintext port, where a TLS client would fail its handshake. Both processes are stopped by their pids.
final class TLSBroker: Sendable {
    /// stunnel's TLS address, `127.0.0.1:port`: the only one clients use.
    let bootstrapServers: String
    /// The CA that signed the broker's certificate.
    let caPath: String
    /// A CA that signed nothing the broker presents.
    let wrongCAPath: String
    private let tansu: ChildProcess
    private let stunnel: ChildProcess
    private let directory: URL

    private init(bootstrapServers: String, directory: URL, tansu: ChildProcess, stunnel: ChildProcess) {
        self.bootstrapServers = bootstrapServers
        self.caPath = directory.appendingPathComponent("ca.crt").path
        self.wrongCAPath = directory.appendingPathComponent("wrong-ca.crt").path
        self.directory = directory
        self.tansu = tansu
        self.stunnel = stunnel
    }

    /// The librdkafka properties of a client that talks TLS and trusts `caPath` (the broker's CA unless given).
    func clientProperties(trusting caPath: String? = nil) -> [String: String] {
        ["security.protocol": "SSL", "ssl.ca.location": caPath ?? self.caPath]
    }

    /// The same as `--kafka NAME=VALUE` flags.
    func clientFlags(trusting caPath: String? = nil) -> [String] {
        clientProperties(trusting: caPath).sorted { $0.key < $1.key }.flatMap { ["--kafka", "\($0.key)=\($0.value)"] }
    }

    /// Runs `body` with a started broker behind TLS and always stops both processes.
    static func with<T: Sendable>(_ body: (TLSBroker) async throws -> T) async throws -> T {
        try await withResource(try await start(), stoppedBy: { await $0.stop() }, body)
    }

    private static func start() async throws -> TLSBroker {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("tls-broker-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try makeCertificates(in: directory)
        let plainPort = try LoopbackPort.pick()
        let tlsPort = try LoopbackPort.pick()
        let clusterID = "tls-\(UUID().uuidString.prefix(8).lowercased())"
        let local = PackageRoot.toolsBin.appendingPathComponent("tansu").path
        let tansu = try await ChildProcess.start(
            executable: try EmbeddedBroker.locateTansu(explicitPath: FileManager.default.isExecutableFile(atPath: local) ? local : nil),
            arguments: [
                "broker", "--listener-url", "tcp://127.0.0.1:\(plainPort)",
                "--advertised-listener-url", "tcp://127.0.0.1:\(tlsPort)",
                "--storage-engine", "memory://tansu/", "--cluster-id", clusterID,
            ],
            outputPath: directory.appendingPathComponent("tansu.out").path,
            errorPath: directory.appendingPathComponent("tansu.err").path)
        let configuration = """
            foreground = yes
            pid =
            debug = notice
            [kafka]
            accept = 127.0.0.1:\(tlsPort)
            connect = 127.0.0.1:\(plainPort)
            cert = \(directory.appendingPathComponent("server.crt").path)
            key = \(directory.appendingPathComponent("server.key").path)
            """
        let configurationPath = directory.appendingPathComponent("stunnel.conf").path
        try configuration.write(toFile: configurationPath, atomically: true, encoding: .utf8)
        let stunnel = try await ChildProcess.start(
            executable: "/usr/bin/stunnel4", arguments: [configurationPath],
            outputPath: directory.appendingPathComponent("stunnel.out").path,
            errorPath: directory.appendingPathComponent("stunnel.err").path)
        let broker = TLSBroker(bootstrapServers: "127.0.0.1:\(tlsPort)", directory: directory, tansu: tansu, stunnel: stunnel)
        do {
            try await broker.waitUntilAnswering(clusterID: clusterID)
            return broker
        } catch {
            await broker.stop()
            throw error
        }
    }

    /// Waits until a TLS client gets this broker's cluster id through stunnel (another broker on a port taken first
    /// would answer with another id).
    private func waitUntilAnswering(clusterID: String) async throws {
        var quiet = Logger(label: "tls-broker.probe")
        quiet.logLevel = .critical
        let admin = try KafkaAdmin(
            configuration: KafkaConfiguration(["bootstrap.servers": bootstrapServers, "reconnect.backoff.max.ms": "100"])
                .merging(clientProperties()),
            logger: quiet)
        try await waitUntil("Tansu answering through stunnel at \(bootstrapServers)", within: .seconds(30)) {
            for (name, process) in [("tansu", tansu), ("stunnel4", stunnel)] where process.exit != nil {
                throw TLSBrokerError(what: "\(name) ended during start-up: \(process.errorTail())")
            }
            guard let answered = try? await admin.clusterID(timeout: .milliseconds(500)) as String?? else { return false }
            guard answered == clusterID else {
                throw TLSBrokerError(what: "another broker (cluster \(answered ?? "none")) answered at \(bootstrapServers)")
            }
            return true
        }
    }

    /// A CA, a server certificate it signs for IP 127.0.0.1, and an unrelated second CA (EC keys: fast to make).
    private static func makeCertificates(in directory: URL) throws {
        func file(_ name: String) -> String { directory.appendingPathComponent(name).path }
        let key = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"]
        for ca in ["ca", "wrong-ca"] {
            try ExternalTool.check("openssl", ["req", "-x509"] + key + [
                "-keyout", file("\(ca).key"), "-out", file("\(ca).crt"), "-days", "2", "-subj", "/CN=avatar-worker test \(ca)",
            ])
        }
        try ExternalTool.check("openssl", ["req"] + key + [
            "-keyout", file("server.key"), "-out", file("server.csr"), "-subj", "/CN=127.0.0.1",
        ])
        try "subjectAltName=IP:127.0.0.1\nextendedKeyUsage=serverAuth\n"
            .write(toFile: file("server.ext"), atomically: true, encoding: .utf8)
        try ExternalTool.check("openssl", [
            "x509", "-req", "-in", file("server.csr"), "-CA", file("ca.crt"), "-CAkey", file("ca.key"),
            "-CAcreateserial", "-out", file("server.crt"), "-days", "2", "-extfile", file("server.ext"),
        ])
    }

    /// Stops stunnel and Tansu by their pids and removes the certificates.
    func stop() async {
        await stunnel.stop(grace: .seconds(3))
        await tansu.stop(grace: .seconds(3))
        try? FileManager.default.removeItem(at: directory)
    }
}

/// The TLS broker did not come up.
struct TLSBrokerError: Error, CustomStringConvertible {
    let what: String
    var description: String { what }
}
