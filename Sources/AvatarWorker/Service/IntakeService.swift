import Kafka
import Logging
import ServiceLifecycle

/// The consumer loop: hands every job message to the pipeline until graceful shutdown, then drains.
///
/// On shutdown it stops taking messages (records fetched but not handed over are never stored, so the group delivers
/// them again) and waits up to the drain deadline until every submission under way has written its `submitted`
/// record or ended (``JobPipeline/drain(deadline:)``); one still unanswered then is left to the next owner, who finds
/// its `submitting` record.
struct IntakeService: Service {
    let pipeline: JobPipeline
    let consumer: KafkaConsumer
    let drainDeadline: Duration
    let logger: Logger

    func run() async throws {
        do {
            for try await message in consumer.messages.cancelOnGracefulShutdown() {
                pipeline.receive(message)
            }
        } catch is CancellationError {
            logger.debug("intake cancelled")
        }
        await pipeline.drain(deadline: ContinuousClock.now.advanced(by: drainDeadline))
    }
}
