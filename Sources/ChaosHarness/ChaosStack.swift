import KafkaDevelopment
import Synchronization

/// What a chaos run has started so far, so that ``tearDown()`` stops exactly that, on success and failure alike:
/// the broker thawed first (SIGCONT: a frozen broker would hold every process's shutdown), then the workers, the
/// result watch, the simulator and the broker.
final class ChaosStack: Sendable {
    private struct Parts {
        var simulator: SimulatorProcess?
        var fleet: ChaosFleet?
        var watch: ResultTopicWatch?
    }

    /// The broker (started first, stopped last).
    let broker: any ChaosBroker
    private let parts = Mutex(Parts())

    init(broker: any ChaosBroker) {
        self.broker = broker
    }

    /// The simulator process, once started.
    var simulator: SimulatorProcess? {
        get { parts.withLock { $0.simulator } }
        set { parts.withLock { $0.simulator = newValue } }
    }

    /// The workers, once the fleet exists.
    var fleet: ChaosFleet? {
        get { parts.withLock { $0.fleet } }
        set { parts.withLock { $0.fleet = newValue } }
    }

    /// The result topic's watch, once started.
    var watch: ResultTopicWatch? {
        get { parts.withLock { $0.watch } }
        set { parts.withLock { $0.watch = newValue } }
    }

    /// Thaws the broker and stops everything started, in reverse order. Safe after a partial start.
    func tearDown() async {
        try? broker.resume()
        if let fleet {
            for slot in await fleet.running { await fleet.terminate(slot) }
            await fleet.settle()
        }
        await watch?.stop()
        await simulator?.stop()
        await broker.shutDown()
    }
}
