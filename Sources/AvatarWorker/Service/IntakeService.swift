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
/// its own turn in the group's shutdown.
struct PipelineService<C: Clock>: Service where C.Instant == WallClock.Instant, C: Sendable {
    let driver: PipelineDriver<C>

    func run() async throws {
        if driver.configuration.exactlyOnce { try await driver.resultProducer.initTransactions() }
        await driver.run()
        await waitForShutdownTurn()
    }
}

/// Returns once the service group has asked the calling service to shut down (or cancelled it).
///
/// The group shuts services down in reverse order and reports a service that returns before its turn as
/// "finished unexpectedly", ending the process with status 1. The driver stops as soon as the core has drained,
/// which the intake service (shut down first) is still waiting for, so without this the pipeline service could
/// return in between: found by `avatar-worker fuzz`, where one SIGTERM in a few ended that way.
func waitForShutdownTurn() async {
    do {
        try await gracefulShutdown()
    } catch {
        // Cancelled: the group is ending anyway.
    }
}
