package io.geminibalance.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.geminibalance.config.SettingsCatalog;
import io.geminibalance.keypool.ApiKey;
import io.geminibalance.storage.EffectiveSettings;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletionStage;

/**
 * {@code GET /api/config}, {@code PUT /api/config}, {@code DELETE /api/config/{name}},
 * {@code POST /api/config/reveal}. Secrets are masked on the way out (until revealed, audited); a bad value is a 400 naming it, and then nothing is saved.
 */
public final class ConfigApi {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final SettingsService settings;

  public ConfigApi(SettingsService settings) {
    this.settings = settings;
  }

  public void get(RoutingContext rc) {
    onLoop(rc, settings.effective()).onComplete((effective, err) -> {
      if (err != null) {
        AdminResponses.error(rc, 500, "cannot read settings: " + Failures.cause(err).getMessage(), null);
        return;
      }
      rc.json(render(effective));
    });
  }

  /**
   * The stage usually completes on a database thread; the routing context is not thread-safe and
   * belongs to the request's event loop, so the answer is written from there.
   */
  static <T> Future<T> onLoop(RoutingContext rc, CompletionStage<T> stage) {
    return Future.fromCompletionStage(stage, rc.vertx().getOrCreateContext());
  }

  public void put(RoutingContext rc) {
    Map<String, String> changes;
    try {
      changes = parseChanges(rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes());
    } catch (IllegalArgumentException e) {
      AdminResponses.error(rc, 400, e.getMessage(), null);
      return;
    }
    try {
      onLoop(rc, settings.update(changes, AdminCaller.of(rc))).onComplete((config, err) -> {
        if (err != null) {
          failure(rc, err);
          return;
        }
        onLoop(rc, settings.effective()).onComplete((effective, readErr) -> {
          if (readErr != null) {
            AdminResponses.error(rc, 500,
                "settings saved, but cannot read them back: " + Failures.cause(readErr).getMessage(), null);
          } else {
            rc.json(render(effective).put("restart_required", restartRequired(changes)));
          }
        });
      });
    } catch (SettingsService.InvalidSetting e) {
      AdminResponses.error(rc, 400, e.getMessage(), e.name());
    }
  }

  public void delete(RoutingContext rc) {
    String name = rc.pathParam("name");
    try {
      onLoop(rc, settings.revert(name, AdminCaller.of(rc))).onComplete((existed, err) -> {
        if (err != null) {
          failure(rc, err);
        } else {
          rc.json(new JsonObject().put("name", name).put("reverted", existed));
        }
      });
    } catch (SettingsService.InvalidSetting e) {
      AdminResponses.error(rc, 404, e.getMessage(), e.name());
    }
  }

  /**
   * {@code POST /api/config/reveal {"name": ...}}: the value in force of one editable secret,
   * audited ({@code settings.reveal}) before it is answered. Environment-only secrets
   * (ENCRYPTION_KEY) are key material no page needs and are never revealed; API_KEYS is revealed
   * and exported key by key on the keys API, not as one list of up to 100,000.
   */
  public void reveal(RoutingContext rc) {
    String name;
    try {
      name = parseRevealName(rc.body().buffer() == null ? new byte[0] : rc.body().buffer().getBytes());
    } catch (IllegalArgumentException e) {
      AdminResponses.error(rc, 400, e.getMessage(), "name");
      return;
    }
    SettingsCatalog.Definition def = SettingsCatalog.find(name).orElse(null);
    if (def == null) {
      AdminResponses.error(rc, 404, name + ": unknown setting", "name");
    } else if (!def.secret()) {
      AdminResponses.error(rc, 400, name + ": not a secret; GET /api/config shows its value", "name");
    } else if (!def.editable()) {
      AdminResponses.error(rc, 403, name + ": set in the environment only, and never revealed", "name");
    } else if (def.name().equals("API_KEYS")) {
      AdminResponses.error(rc, 400, name + ": keys are revealed and exported one by one on the keys page (/keys)",
          "name");
    } else {
      onLoop(rc, settings.reveal(name, AdminCaller.of(rc))).onComplete((value, err) -> {
        if (err != null) {
          failure(rc, err, "cannot read settings: ");
        } else {
          rc.response().putHeader("cache-control", "no-store");
          rc.json(new JsonObject().put("name", name).put("value", value));
        }
      });
    }
  }

  /** Body: {@code {"name": "<setting>"}}. */
  static String parseRevealName(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("body: not valid JSON (expected: {\"name\": \"<setting>\"})");
    }
    JsonNode name = root == null || !root.isObject() ? null : root.get("name");
    if (name == null || !name.isTextual() || name.asText().isBlank()) {
      throw new IllegalArgumentException("name: expected {\"name\": \"<setting>\"} naming one setting");
    }
    return name.asText();
  }

  private static void failure(RoutingContext rc, Throwable err) {
    failure(rc, err, "cannot save settings: ");
  }

  private static void failure(RoutingContext rc, Throwable err, String what) {
    Throwable cause = Failures.cause(err);
    if (cause instanceof SettingsService.InvalidSetting invalid) {
      AdminResponses.error(rc, 400, invalid.getMessage(), invalid.name());
    } else if (cause instanceof AuditLog.AuditFailed auditFailed) {
      AdminResponses.error(rc, 500, auditFailed.getMessage(), null);
    } else {
      AdminResponses.error(rc, 500, what + cause.getMessage(), null);
    }
  }

  /** Body: a JSON object of setting name to value; lists and objects are stored as JSON text. */
  static Map<String, String> parseChanges(byte[] body) {
    JsonNode root;
    try {
      root = JSON.readTree(body);
    } catch (IOException e) {
      throw new IllegalArgumentException("body: not valid JSON (expected: an object of setting names to values)");
    }
    if (root == null || !root.isObject()) {
      throw new IllegalArgumentException("body: expected a JSON object of setting names to values");
    }
    Map<String, String> changes = new LinkedHashMap<>();
    root.properties().forEach(e -> changes.put(e.getKey(),
        e.getValue().isTextual() ? e.getValue().asText() : e.getValue().toString()));
    return changes;
  }

  /**
   * Every catalogued setting with its value in force and its declaration, the config page's tabs in
   * display order, and the warnings of the merge (a saved value hiding the environment's).
   */
  static JsonObject render(EffectiveSettings effective) {
    JsonArray list = new JsonArray();
    for (SettingsCatalog.Definition def : SettingsCatalog.all()) {
      EffectiveSettings.Setting setting = effective.settings().get(def.name());
      String value = setting == null ? def.defaultValue() : setting.value();
      JsonObject entry = new JsonObject()
          .put("name", def.name())
          .put("value", def.secret() ? maskSecret(def, value) : value)
          .put("source", setting == null ? "DEFAULT" : setting.source().name())
          .put("secret", def.secret())
          .put("editable", def.editable())
          .put("restart", def.restart())
          .put("type", def.type().id())
          .put("default", def.secret() ? maskSecret(def, def.defaultValue()) : def.defaultValue())
          .put("group", def.group().id())
          .put("description", def.description())
          .put("description_zh", def.descriptionZh());
      if (def.type() == SettingsCatalog.Type.SECRET_LIST) {
        boundSecretList(entry);
      }
      if (def.range() != null) {
        entry.put("min", number(def, def.range().min())).put("max", number(def, def.range().max()));
      }
      if (!def.allowed().isEmpty()) {
        entry.put("allowed", new JsonArray(def.allowed()));
      }
      list.add(entry);
    }
    JsonArray groups = new JsonArray();
    for (SettingsCatalog.Group group : SettingsCatalog.Group.values()) {
      groups.add(new JsonObject().put("id", group.id()).put("en", group.en()).put("zh", group.zh()));
    }
    return new JsonObject().put("settings", list).put("groups", groups)
        .put("warnings", new JsonArray(effective.warnings()));
  }

  /** Masked items a secret list shows at most; a pool of 100,000 keys is counted, not listed. */
  static final int SECRET_LIST_SHOWN = 20;

  /**
   * Adds {@code count} to a secret list's entry and keeps only its first {@link #SECRET_LIST_SHOWN}
   * masked items ({@code truncated: true} then): API_KEYS may hold a whole pool, which the keys
   * page lists page by page; the config page needs the count.
   */
  private static void boundSecretList(JsonObject entry) {
    String value = entry.getString("value");
    if (value == null || value.isBlank() || !value.strip().startsWith("[")) {
      // One item (masked as a single value), or none.
      entry.put("count", value == null || value.isBlank() ? 0 : 1);
      return;
    }
    JsonArray items = new JsonArray(value);
    entry.put("count", items.size());
    if (items.size() > SECRET_LIST_SHOWN) {
      entry.put("value", new JsonArray(items.getList().subList(0, SECRET_LIST_SHOWN)).encode()).put("truncated", true);
    }
  }

  /** The saved settings that are read at start only: saved now, in force after the next restart. */
  private static JsonArray restartRequired(Map<String, String> changes) {
    JsonArray names = new JsonArray();
    changes.keySet().stream().filter(name -> SettingsCatalog.find(name).map(SettingsCatalog.Definition::restart)
        .orElse(false)).forEach(names::add);
    return names;
  }

  private static Number number(SettingsCatalog.Definition def, double value) {
    return def.type() == SettingsCatalog.Type.INT ? (Number) (long) value : (Number) value;
  }

  /**
   * Secrets the admin can edit keep their last 4 characters, so a key can be recognised.
   * Environment-only secrets (ENCRYPTION_KEY) are key material that no page needs to identify:
   * even 4 base64 characters are 24 bits of it, so they only say whether they are set.
   */
  static String maskSecret(SettingsCatalog.Definition def, String value) {
    if (!def.editable() && value != null && !value.isEmpty()) {
      return "(set)";
    }
    return maskSecret(value);
  }

  /** Lists of secrets keep their shape so the admin can count them; each item is masked. */
  static String maskSecret(String value) {
    if (value == null || value.isEmpty() || value.strip().equals("[]") || value.strip().equals("{}")) {
      return value;
    }
    if (value.strip().startsWith("{")) {
      // Before the list case: a map of several headers holds commas too, and its values are secret.
      return "{...}";
    }
    if (value.strip().startsWith("[") || value.contains(",")) {
      String[] items = value.replaceAll("[\\[\\]\"' ]", "").split(",");
      JsonArray masked = new JsonArray();
      for (String item : items) {
        if (!item.isEmpty()) {
          masked.add(ApiKey.mask(item));
        }
      }
      return masked.encode();
    }
    return ApiKey.mask(value);
  }
}
