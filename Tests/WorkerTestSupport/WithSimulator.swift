import CometAPI
import CometAPISimulator
import Foundation
import Logging

/// Runs `body` with a started ``CometAPISimulator`` on a free loopback port and always stops it afterwards,
/// also when `body` throws.
public func withSimulator<Result>(
    _ configuration: SimulatorConfiguration = SimulatorConfiguration(),
    _ body: (CometAPISimulator) async throws -> Result
) async throws -> Result {
    var configuration = configuration
    configuration.host = "127.0.0.1"
    configuration.port = 0
    var logger = Logger(label: "test-simulator")
    logger.logLevel = .error
    let simulator = CometAPISimulator(configuration: configuration, logger: logger)
    try await simulator.start()
    do {
        let result = try await body(simulator)
        await simulator.stop()
        return result
    } catch {
        await simulator.stop()
        throw error
    }
}

/// Runs `body` with a ``CometAPIClient`` pointed at `simulator` and always shuts the client down afterwards.
///
/// `adjust` may change the configuration (timeouts, switches) before the client is made.
public func withClient<Result>(
    for simulator: CometAPISimulator,
    apiKey: String = "test-key-0123456789",
    logger: Logger = Logger(label: "test-client"),
    adjust: (inout CometAPIConfiguration) -> Void = { _ in },
    _ body: (CometAPIClient) async throws -> Result
) async throws -> Result {
    guard let baseURL = simulator.baseURL else { throw SimulatorError.notStarted }
    var configuration = CometAPIConfiguration(apiKey: try APIKey(apiKey), baseURL: baseURL)
    configuration.requestTimeout = .seconds(30)
    configuration.connectTimeout = .seconds(10)
    adjust(&configuration)
    let client = try CometAPIClient(configuration: configuration, logger: logger)
    do {
        let result = try await body(client)
        try await client.shutdown()
        return result
    } catch {
        try? await client.shutdown()
        throw error
    }
}
