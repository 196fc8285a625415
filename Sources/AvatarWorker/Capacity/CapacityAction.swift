/// What the consumer must do to a jobs partition because of its in-flight count.
public enum CapacityAction: Sendable, Hashable {
    /// The partition holds its full share: pause fetching from it.
    case pause(partition: Int32)
    /// The partition, paused by us, has a free slot again: resume fetching from it.
    case resume(partition: Int32)
}
