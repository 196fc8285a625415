import CRdKafka

/// The rebalance protocol, run inside librdkafka's rebalance callback on the poll thread (or on the closing thread
/// during ``KafkaConsumer/close()``): tell the application first, then change the assignment, then apply pauses.
extension ConsumerCoordinator {
    /// Installs the rebalance callback on `conf`.
    static func installRebalanceCallback(on conf: OpaquePointer) {
        rd_kafka_conf_set_rebalance_cb(conf) { rk, code, list, _ in
            guard let rk, let coordinator = KafkaClientContext.of(rk)?.consumer else { return }
            coordinator.rebalance(rk: rk, code: code, list: list)
        }
    }

    func rebalance(rk: OpaquePointer, code: rd_kafka_resp_err_t, list: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?) {
        let partitions = TopicPartitionList.partitions(list)
        let cooperative = CString.string(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE"
        switch code {
        case RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS:
            let (epochs, handler) = state.withLock { ($0.flow.beginAssignment(partitions), $0.handler) }
            let assigned = epochs.map { KafkaAssignedPartition(topicPartition: $0.key, epoch: $0.value) }
                .sorted { $0.topicPartition < $1.topicPartition }
            logger.info("partitions assigned", metadata: ["partitions": "\(assigned)", "cooperative": "\(cooperative)"])
            handler?(.assigned(assigned))
            if cooperative {
                logIfFailed(rd_kafka_incremental_assign(rk, list), operation: "incremental assign")
            } else {
                logIfFailed(rd_kafka_assign(rk, list), operation: "assign")
            }
            state.withLock { state in
                if let action = state.flow.completeAssignment(partitions) {
                    Self.perform(action, on: rk, operation: "pause on assignment", logger: logger)
                }
            }
        case RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS:
            let lost = rd_kafka_assignment_lost(rk) != 0
            let (epochs, handler) = state.withLock { ($0.flow.epochs(of: partitions), $0.handler) }
            let revoked = epochs.map { KafkaAssignedPartition(topicPartition: $0.key, epoch: $0.value) }
                .sorted { $0.topicPartition < $1.topicPartition }
            logger.info("partitions revoked", metadata: ["partitions": "\(revoked)", "lost": "\(lost)"])
            handler?(.revoked(revoked, lost: lost))
            if cooperative {
                logIfFailed(rd_kafka_incremental_unassign(rk, list), operation: "incremental unassign")
            } else {
                logIfFailed(rd_kafka_assign(rk, nil), operation: "unassign")
            }
            completeRevocation(partitions)
        default:
            logger.error("rebalance failed", metadata: ["error": "\(KafkaError(code: KafkaErrorCode(code), operation: "rebalance"))"])
            logIfFailed(rd_kafka_assign(rk, nil), operation: "unassign after rebalance error")
            completeRevocation(state.withLock { Array($0.flow.epochs.keys) })
        }
    }

    private func completeRevocation(_ partitions: [KafkaTopicPartition]) {
        let revoked = Set(partitions)
        state.withLock { state in
            state.flow.completeRevocation(partitions)
            state.held.removeAll { revoked.contains($0.topicPartition) }  // the new owner will get them
        }
    }

    private func logIfFailed(_ error: OpaquePointer?, operation: String) {
        guard let error else { return }
        logger.error("rebalance step failed", metadata: ["error": "\(KafkaError.consuming(error, operation: operation))"])
    }

    private func logIfFailed(_ code: rd_kafka_resp_err_t, operation: String) {
        guard code != RD_KAFKA_RESP_ERR_NO_ERROR else { return }
        logger.error("rebalance step failed", metadata: ["error": "\(KafkaError(code: KafkaErrorCode(code), operation: operation))"])
    }
}
