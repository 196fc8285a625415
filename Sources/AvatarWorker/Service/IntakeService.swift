import Kafka
import Logging
import ServiceLifecycle

/// The consumer loop: reads every job message and hands it to the pipeline until graceful shutdown, then asks the
/// pipeline to hand every partition over and waits until it has (bounded by the drain deadline inside the core).
///
/// Records fetched but not handed over are never stored, so the group delivers them again to the next owner.
struct IntakeService<C: Clock>: Service where C.Instant == WallClock.Instant, C: Sendable {
    let driver: PipelineDriver<C>
    let intake: JobIntake
    let consumer: KafkaConsumer
    let logger: Logger

    func run() async throws {
        do {
            for try await message in consumer.messages.cancelOnGracefulShutdown() {
                driver.send(.consumed(intake.read(message)))
            }
        } catch is CancellationError {
            logger.debug("intake cancelled")
        }
        driver.send(.shutdown)
        await driver.waitUntilDrained()
    }
}

/// The pipeline's run loop as a service: performs the core's I/O until shutdown's hand-over is done, then waits for
/// its own turn in the group's shutdown (``runUntilShutdownTurn(_:)``: the intake service, stopped first, returns on
/// the same hand-over).
struct PipelineService<C: Clock>: Service where C.Instant == WallClock.Instant, C: Sendable {
    let driver: PipelineDriver<C>

    func run() async throws {
        if driver.configuration.exactlyOnce { try await driver.resultProducer.initTransactions() }
        await runUntilShutdownTurn { await driver.run() }
    }
}
