package io.geminibalance.admin;

import io.geminibalance.upstream.ProxyAddress;
import io.geminibalance.upstream.UpstreamProxies;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;

/**
 * gemini-balance's proxy checks: {@code POST /api/config/proxy/check} {@code {"proxy": "..."}} and
 * {@code POST /api/config/proxy/check-all} ({@code {"proxies": [...], "max_concurrent": 5}}; without
 * {@code proxies}, the PROXIES in force). Each check is one request through the proxy to BASE_URL's
 * host, at most {@link UpstreamProxies#CHECK_TIMEOUT_MILLIS}; a proxy of PROXIES that passes is
 * used again, one that fails is skipped until it passes. Bounded: {@value #MAX_PROXIES} proxies per
 * call, {@value #MAX_CONCURRENCY} checks at once. Every answer names proxies with their
 * credentials masked, and a bad entry is refused without being quoted (it may hold a password).
 * gemini-balance's {@code use_cache} is accepted and ignored: every check is made afresh.
 */
public final class ProxyCheckApi {
  static final int MAX_PROXIES = 100;
  static final int MAX_CONCURRENCY = 10;
  private static final int DEFAULT_CONCURRENCY = 5;

  private final UpstreamProxies proxies;

  public ProxyCheckApi(UpstreamProxies proxies) {
    this.proxies = proxies;
  }

  public void check(RoutingContext rc) {
    ProxyAddress proxy;
    try {
      JsonObject body = object(rc);
      Object value = body.getValue("proxy");
      if (!(value instanceof String text)) {
        throw new BadRequest("proxy", "required: the proxy URL to check, as a string");
      }
      proxy = parse("proxy", text);
    } catch (BadRequest e) {
      AdminResponses.error(rc, 400, e.getMessage(), e.field());
      return;
    }
    proxies.check(proxy).onComplete((result, err) -> {
      if (err != null) {
        AdminResponses.error(rc, 500, "cannot check the proxy: " + err.getMessage(), null);
        return;
      }
      rc.json(render(result));
    });
  }

  public void checkAll(RoutingContext rc) {
    List<ProxyAddress> list;
    int concurrency;
    try {
      JsonObject body = object(rc);
      concurrency = concurrency(body.getValue("max_concurrent"));
      Object value = body.getValue("proxies");
      if (value == null) {
        list = proxies.configured();
      } else if (!(value instanceof JsonArray array)) {
        throw new BadRequest("proxies", "must be a list of proxy URLs");
      } else if (array.size() > MAX_PROXIES) {
        throw new BadRequest("proxies", array.size() + " proxies; at most " + MAX_PROXIES + " per call");
      } else {
        list = new ArrayList<>();
        for (int i = 0; i < array.size(); i++) {
          if (!(array.getValue(i) instanceof String text)) {
            throw new BadRequest("proxies[" + i + "]", "must be a proxy URL (a string)");
          }
          list.add(parse("proxies[" + i + "]", text));
        }
      }
    } catch (BadRequest e) {
      AdminResponses.error(rc, 400, e.getMessage(), e.field());
      return;
    }
    proxies.checkAll(list, concurrency).onComplete((results, err) -> {
      if (err != null) {
        AdminResponses.error(rc, 500, "cannot check the proxies: " + err.getMessage(), null);
        return;
      }
      JsonArray rendered = new JsonArray();
      int ok = 0;
      for (UpstreamProxies.CheckResult result : results) {
        rendered.add(render(result));
        ok += result.ok() ? 1 : 0;
      }
      rc.json(new JsonObject().put("results", rendered).put("total", results.size()).put("available", ok)
          .put("unavailable", results.size() - ok));
    });
  }

  private static JsonObject object(RoutingContext rc) {
    Buffer buffer = rc.body() == null ? null : rc.body().buffer();
    if (buffer == null || buffer.length() == 0) {
      return new JsonObject();
    }
    try {
      Object parsed = Buffer.buffer(buffer.getBytes()).toJsonValue();
      if (parsed instanceof JsonObject object) {
        return object;
      }
    } catch (DecodeException e) {
      throw new BadRequest("body", "not valid JSON");
    }
    throw new BadRequest("body", "must be a JSON object");
  }

  private static int concurrency(Object value) {
    if (value == null) {
      return DEFAULT_CONCURRENCY;
    }
    if (!(value instanceof Integer n) || n < 1 || n > MAX_CONCURRENCY) {
      throw new BadRequest("max_concurrent", "must be a whole number from 1 to " + MAX_CONCURRENCY);
    }
    return n;
  }

  private static ProxyAddress parse(String field, String text) {
    try {
      return ProxyAddress.parse(text);
    } catch (IllegalArgumentException e) {
      throw new BadRequest(field, e.getMessage());
    }
  }

  private static JsonObject render(UpstreamProxies.CheckResult result) {
    return new JsonObject().put("proxy", result.proxy()).put("ok", result.ok())
        .put("latency_ms", result.latencyMillis()).put("error", result.error());
  }
}
