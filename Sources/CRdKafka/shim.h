/*
 * CRdKafka: librdkafka's C API (and its mock cluster) for Swift.
 *
 * rdkafka_mock.h must follow rdkafka.h (it refuses to be included alone).
 * Swift cannot call C variadic functions, so the few variadic entry points the Kafka module needs are wrapped in
 * fixed-arity static inline functions below.
 */
#ifndef CRDKAFKA_SHIM_H
#define CRDKAFKA_SHIM_H

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

#if RD_KAFKA_VERSION < 0x020200ff
#error "avatar-worker needs librdkafka >= 2.2.0 (Debian 12 ships 2.0.2, whose ApiVersions bug breaks current brokers). Fix: run scripts/setup (builds 2.8.0 into /usr/local and runs ldconfig), or point PKG_CONFIG_PATH at the lib/pkgconfig directory of a librdkafka >= 2.2 installation."
#endif

/* Produces one message to a topic handle (looked up once, not per message) with an explicit partition, optional
 * key/value, optional headers and a per-message opaque.
 * On success librdkafka owns `headers`; on failure the caller still owns (and must destroy) them. */
static inline rd_kafka_resp_err_t crdkafka_produce(rd_kafka_t *rk, rd_kafka_topic_t *rkt, int32_t partition,
                                                   int msgflags, const void *value, size_t value_len,
                                                   const void *key, size_t key_len,
                                                   rd_kafka_headers_t *headers, void *opaque) {
        if (headers != NULL) {
                return rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition),
                                         RD_KAFKA_V_MSGFLAGS(msgflags), RD_KAFKA_V_VALUE((void *)value, value_len),
                                         RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_HEADERS(headers),
                                         RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
        }
        return rd_kafka_producev(rk, RD_KAFKA_V_RKT(rkt), RD_KAFKA_V_PARTITION(partition),
                                 RD_KAFKA_V_MSGFLAGS(msgflags), RD_KAFKA_V_VALUE((void *)value, value_len),
                                 RD_KAFKA_V_KEY(key, key_len), RD_KAFKA_V_OPAQUE(opaque), RD_KAFKA_V_END);
}

/* Makes the next request of `api_key` to `broker_id` fail with `err` after `rtt_ms` of latency. */
static inline rd_kafka_resp_err_t crdkafka_mock_broker_push_error_rtt(rd_kafka_mock_cluster_t *mcluster,
                                                                      int32_t broker_id, int16_t api_key,
                                                                      rd_kafka_resp_err_t err, int rtt_ms) {
        return rd_kafka_mock_broker_push_request_error_rtts(mcluster, broker_id, api_key, 1, err, rtt_ms);
}

#endif
