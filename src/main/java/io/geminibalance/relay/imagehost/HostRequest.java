package io.geminibalance.relay.imagehost;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import java.net.URI;

/**
 * One upload as a provider builds it: what to send where. The URI may carry a credential in its
 * query (picgo's {@code key}, ImgBed's {@code authCode}), so it never goes into a log line.
 */
public record HostRequest(HttpMethod method, URI uri, MultiMap headers, Buffer body) {}
