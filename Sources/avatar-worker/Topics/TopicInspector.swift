import Kafka

/// Reads what the cluster says about the worker's topics: partition counts from one metadata request, configs
/// from one DescribeConfigs request for the topics that exist.
struct TopicInspector: Sendable {
    let admin: KafkaAdmin

    /// The partition count of each of `topics` that exists.
    func partitionCounts(_ topics: [WorkerTopic]) async throws(KafkaError) -> [String: Int] {
        try await admin.partitionCounts(of: topics.map(\.name))
    }

    /// Each topic with its partition count and configs.
    func observe(_ topics: [WorkerTopic]) async throws(KafkaError) -> [ObservedTopic] {
        let counts = try await partitionCounts(topics)
        let existing = topics.filter { counts[$0.name] != nil }.map(\.name)
        var configs: [String: Result<KafkaTopicConfigs, KafkaError>] = [:]
        if !existing.isEmpty { configs = try await admin.topicConfigs(of: existing) }
        return topics.map { topic in
            switch configs[topic.name] {
            case .success(let described)?:
                ObservedTopic(topic: topic, partitions: counts[topic.name], configs: described, configError: nil)
            case .failure(let error)?:
                ObservedTopic(topic: topic, partitions: counts[topic.name], configs: KafkaTopicConfigs(), configError: error.reason)
            case nil:
                ObservedTopic(
                    topic: topic, partitions: counts[topic.name], configs: KafkaTopicConfigs(),
                    configError: counts[topic.name] == nil ? nil : "the broker did not describe it")
            }
        }
    }
}
