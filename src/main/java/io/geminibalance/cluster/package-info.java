/**
 * Several gateway instances as one pool: the Redis connection ({@link
 * io.geminibalance.cluster.RedisLink}), the instances alive ({@link
 * io.geminibalance.cluster.ClusterMembers}) and the Lua scripts that keep shared state atomic
 * ({@link io.geminibalance.cluster.RedisScript}). Beside the request path: {@code app} wires it,
 * and the parts of the path that share state see it only through their own interfaces.
 */
package io.geminibalance.cluster;
