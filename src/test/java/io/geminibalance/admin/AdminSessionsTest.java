package io.geminibalance.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.storage.AdminSession;
import io.geminibalance.storage.Storage;
import io.geminibalance.storage.support.SqliteTestDatabase;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Session lifetimes and endings on a clock the test moves, over a real SQLite database. */
class AdminSessionsTest {
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-06T10:00:00Z"));
  private final AtomicInteger expireSeconds = new AtomicInteger(300);
  private SqliteTestDatabase database;
  private Storage storage;
  private AdminSessions sessions;

  @BeforeEach
  void open() throws Exception {
    database = new SqliteTestDatabase();
    storage = Storage.open(database.config());
    InstantSource clock = now::get;
    sessions = new AdminSessions(storage.adminSessions(), clock, expireSeconds::get);
  }

  @AfterEach
  void close() throws Exception {
    storage.close();
    database.close();
  }

  private void advance(long seconds) {
    now.set(now.get().plusSeconds(seconds));
  }

  @Test
  void aSessionLastsExactlyTheLifetimeSetAtItsLoginHoweverBusy() {
    AdminSessions.Started started = sessions.start("fp1", "cred", "127.0.0.1").join();
    expireSeconds.set(86_400);
    for (int i = 0; i < 4; i++) {
      advance(70);
      assertThat(sessions.find(started.id(), "cred").join()).as("after %d s", (i + 1) * 70).isPresent();
    }
    advance(19);
    assertThat(sessions.find(started.id(), "cred").join()).as("299 s").isPresent();
    advance(1);
    assertThat(sessions.find(started.id(), "cred").join()).as("300 s: absolute expiry").isEmpty();
    assertThat(storage.adminSessions().find(AdminSessions.hash(started.id())).join()).as("deleted").isEmpty();
  }

  @Test
  void useIsRecordedAtMostOnceAMinute() {
    AdminSessions.Started started = sessions.start("fp1", "cred", "127.0.0.1").join();
    advance(30);
    sessions.find(started.id(), "cred").join();
    assertThat(stored(started).lastSeenAt()).isEqualTo(started.session().createdAt());
    advance(31);
    sessions.find(started.id(), "cred").join();
    // The write is not waited for by the request; wait here for it to land.
    for (int i = 0; i < 100 && stored(started).lastSeenAt().equals(started.session().createdAt()); i++) {
      Thread.onSpinWait();
      storage.adminSessions().find(AdminSessions.hash(started.id())).join();
    }
    assertThat(stored(started).lastSeenAt()).isEqualTo(now.get());
  }

  @Test
  void aSessionMadeUnderAnotherAdminCredentialHasEnded() {
    AdminSessions.Started started = sessions.start("fp1", "cred-old", "127.0.0.1").join();
    assertThat(sessions.find(started.id(), "cred-new").join()).isEmpty();
    assertThat(sessions.find(started.id(), "cred-old").join()).as("deleted, not merely refused").isEmpty();
    AdminSessions.Started other = sessions.start("fp1", "cred", "127.0.0.1").join();
    assertThat(sessions.find(other.id(), null).join()).as("no admin credential at all").isEmpty();
  }

  @Test
  void theDatabaseHoldsOnlyTheIdsHashAndMalformedIdsAreNotLookedUp() throws Exception {
    AdminSessions.Started started = sessions.start("fp1", "cred", "127.0.0.1").join();
    assertThat(started.id()).matches("[A-Za-z0-9_-]{43}");
    assertThat(started.session().idHash()).isEqualTo(AdminSessions.hash(started.id())).hasSize(64)
        .doesNotContain(started.id());
    assertThat(database.count("SELECT COUNT(*) FROM gb_admin_session WHERE id_hash = '"
        + AdminSessions.hash(started.id()) + "'")).isEqualTo(1);
    for (String id : new String[] {null, "", "short", started.id() + "x", "'" + started.id().substring(1),
        AdminSessions.hash(started.id())}) {
      assertThat(sessions.find(id, "cred").join()).as(String.valueOf(id)).isEmpty();
    }
    assertThat(sessions.find(started.id(), "cred").join()).isPresent();
  }

  @Test
  void purgeDeletesExpiredSessionsOnly() {
    sessions.start("fp1", "cred", "127.0.0.1").join();
    advance(200);
    AdminSessions.Started later = sessions.start("fp1", "cred", "127.0.0.1").join();
    advance(150);
    assertThat(sessions.purgeExpired().join()).isEqualTo(1);
    assertThat(sessions.find(later.id(), "cred").join()).isPresent();
  }

  private AdminSession stored(AdminSessions.Started started) {
    return storage.adminSessions().find(AdminSessions.hash(started.id())).join().orElseThrow();
  }
}
