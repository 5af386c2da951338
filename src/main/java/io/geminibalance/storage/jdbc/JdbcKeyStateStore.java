package io.geminibalance.storage.jdbc;

import io.geminibalance.storage.KeyState;
import io.geminibalance.storage.KeyStateStore;
import io.geminibalance.storage.ModelState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/** {@link KeyStateStore} on our tables {@code gb_key_state} and {@code gb_key_model_state}. */
public final class JdbcKeyStateStore implements KeyStateStore {
  private static final List<String> KEY_ID = List.of("fingerprint");
  private static final List<String> KEY_VALUES = List.of("disabled", "disabled_reason", "failure_count", "updated_at");
  private static final List<String> MODEL_ID = List.of("fingerprint", "model");
  private static final List<String> MODEL_VALUES =
      List.of("park_until", "park_reason", "usage_day", "usage_count", "updated_at");

  private final Jdbc jdbc;

  JdbcKeyStateStore(Jdbc jdbc) {
    this.jdbc = jdbc;
  }

  @Override
  public CompletableFuture<List<KeyState>> loadAll() {
    return jdbc.call("load key state", connection -> {
      Map<String, List<ModelState>> models = loadModels(connection);
      List<KeyState> states = new ArrayList<>();
      try (PreparedStatement select = connection.prepareStatement(
              "SELECT fingerprint, disabled, disabled_reason, failure_count, updated_at FROM gb_key_state");
          ResultSet rows = select.executeQuery()) {
        while (rows.next()) {
          String fingerprint = rows.getString("fingerprint");
          states.add(new KeyState(fingerprint, rows.getBoolean("disabled"), rows.getString("disabled_reason"),
              rows.getInt("failure_count"), models.getOrDefault(fingerprint, List.of()),
              Instant.ofEpochMilli(rows.getLong("updated_at"))));
        }
      }
      return states;
    });
  }

  private static Map<String, List<ModelState>> loadModels(Connection connection) throws SQLException {
    Map<String, List<ModelState>> byKey = new LinkedHashMap<>();
    try (PreparedStatement select = connection.prepareStatement(
            "SELECT fingerprint, model, park_until, park_reason, usage_day, usage_count FROM gb_key_model_state"
                + " ORDER BY fingerprint, model");
        ResultSet rows = select.executeQuery()) {
      while (rows.next()) {
        Long parkedUntil = JdbcValues.getLong(rows, "park_until");
        String day = rows.getString("usage_day");
        ModelState state = new ModelState(rows.getString("model"),
            parkedUntil == null ? null : Instant.ofEpochMilli(parkedUntil), rows.getString("park_reason"),
            day == null ? null : LocalDate.parse(day), rows.getLong("usage_count"));
        byKey.computeIfAbsent(rows.getString("fingerprint"), k -> new ArrayList<>()).add(state);
      }
    }
    return byKey;
  }

  @Override
  public CompletableFuture<Void> upsert(Collection<KeyState> states) {
    List<KeyState> copy = List.copyOf(states);
    return jdbc.transaction("save key state", connection -> {
      upsertKeys(connection, copy);
      deleteModels(connection, copy);
      upsertModels(connection, copy);
      return null;
    });
  }

  /** A key's model rows are replaced as a whole: those its state no longer names must go. */
  private static void deleteModels(Connection connection, List<KeyState> states) throws SQLException {
    try (PreparedStatement delete = connection.prepareStatement(
        "DELETE FROM gb_key_model_state WHERE fingerprint = ?")) {
      for (KeyState state : states) {
        delete.setString(1, state.fingerprint());
        delete.addBatch();
      }
      delete.executeBatch();
    }
  }

  private void upsertKeys(Connection connection, List<KeyState> states) throws SQLException {
    try (PreparedStatement upsert = connection.prepareStatement(
        jdbc.dialect().upsert("gb_key_state", KEY_ID, KEY_VALUES))) {
      for (KeyState state : states) {
        upsert.setString(1, state.fingerprint());
        upsert.setBoolean(2, state.disabled());
        upsert.setString(3, JdbcValues.truncate(state.disabledReason(), 500));
        upsert.setInt(4, state.failureCount());
        upsert.setLong(5, state.updatedAt().toEpochMilli());
        upsert.addBatch();
      }
      upsert.executeBatch();
    }
  }

  private void upsertModels(Connection connection, List<KeyState> states) throws SQLException {
    try (PreparedStatement upsert = connection.prepareStatement(
        jdbc.dialect().upsert("gb_key_model_state", MODEL_ID, MODEL_VALUES))) {
      for (KeyState state : states) {
        for (ModelState model : state.models()) {
          bindModel(upsert, state, model);
          upsert.addBatch();
        }
      }
      upsert.executeBatch();
    }
  }

  private static void bindModel(PreparedStatement upsert, KeyState state, ModelState model) throws SQLException {
    upsert.setString(1, state.fingerprint());
    upsert.setString(2, JdbcValues.truncate(model.model(), 100));
    if (model.parkedUntil() == null) {
      upsert.setNull(3, Types.BIGINT);
    } else {
      upsert.setLong(3, model.parkedUntil().toEpochMilli());
    }
    upsert.setString(4, JdbcValues.truncate(model.parkReason(), 500));
    upsert.setString(5, model.usageDay() == null ? null : model.usageDay().toString());
    upsert.setLong(6, model.usageCount());
    upsert.setLong(7, state.updatedAt().toEpochMilli());
  }
}
