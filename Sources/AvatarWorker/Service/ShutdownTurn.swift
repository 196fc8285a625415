import ServiceLifecycle

/// Runs `work` — a service's work that ends by itself once shutdown's hand-over is done — and then returns only when
/// the service group has asked this service to stop (or cancelled it).
///
/// The group stops its services one at a time, in reverse order, and takes any other service that returns meanwhile
/// for a crash (`ServiceGroupError.serviceFinishedUnexpectedly`, exit status 1). The pipeline's run loop ends on the
/// same `drained` that lets the intake service (stopped first) return, so without this wait a clean SIGTERM ended
/// with status 1 whenever the run loop won that race: the chaos harness saw it on a worker's last SIGTERM.
/// Call it only from a service run by a `ServiceGroup` (outside one, nothing ever asks the caller to stop).
func runUntilShutdownTurn(_ work: () async throws -> Void) async rethrows {
    try await work()
    try? await gracefulShutdown()
}
