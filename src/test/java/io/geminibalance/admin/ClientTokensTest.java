package io.geminibalance.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.geminibalance.auth.ClientToken;
import io.geminibalance.auth.ClientTokenRegistry;
import io.geminibalance.storage.AuditEntry;
import io.geminibalance.storage.AuditRow;
import io.geminibalance.storage.ClientTokenStore;
import io.geminibalance.storage.Storage;
import io.geminibalance.storage.support.SqliteTestDatabase;
import io.geminibalance.testing.LogCapture;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The token service over a real SQLite store: changes one after another, the cap, the others told. */
class ClientTokensTest {
  private static final AdminCaller CALLER = new AdminCaller("127.0.0.1", "fp");
  private SqliteTestDatabase database;
  private Storage storage;
  private final AtomicInteger told = new AtomicInteger();
  private ClientTokenRegistry registry;

  @BeforeEach
  void open() throws Exception {
    database = new SqliteTestDatabase();
    storage = Storage.open(database.config());
    registry = new ClientTokenRegistry();
  }

  @AfterEach
  void close() throws Exception {
    storage.close();
    database.close();
  }

  private ClientTokens service(int max) {
    return new ClientTokens(storage.clientTokens(), registry, storage.tokenFingerprints(),
        new AuditLog(storage.auditLog(), InstantSource.system()), InstantSource.system(), told::incrementAndGet, max);
  }

  private static TokenEdit edit(String json) {
    return TokenEdit.parse(new JsonObject(json), Instant.now());
  }

  @Test
  void concurrentCreatesOfOneNameMakeOneTokenAndEachChangeTellsTheOthersOnce() {
    ClientTokens tokens = service(100);
    List<CompletableFuture<ClientTokens.Issued>> creates = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      creates.add(tokens.create(CALLER, edit("{\"name\":\"same\"}")));
    }

    long made = creates.stream().filter(c -> {
      try {
        c.get();
        return true;
      } catch (Exception e) {
        assertThat(Failures.cause(e.getCause())).isInstanceOf(ClientTokenStore.NameTaken.class);
        return false;
      }
    }).count();

    assertThat(made).isEqualTo(1);
    assertThat(storage.clientTokens().loadAll().join()).hasSize(1);
    assertThat(registry.all()).extracting(ClientToken::name).containsExactly("same");
    assertThat(told).as("one change, one message to the others").hasValue(1);
  }

  @Test
  void beyondTheCapOfTokensNotRevokedACreateIsRefusedUntilOneIsRevoked() {
    ClientTokens tokens = service(2);
    String first = tokens.create(CALLER, edit("{\"name\":\"a\"}")).join().token().id();
    tokens.create(CALLER, edit("{\"name\":\"b\"}")).join();

    assertThat(tokens.create(CALLER, edit("{\"name\":\"c\"}"))).failsWithin(Duration.ofSeconds(10))
        .withThrowableThat().havingRootCause().isInstanceOf(ClientTokens.TooMany.class);

    tokens.revoke(CALLER, first).join();
    assertThat(tokens.create(CALLER, edit("{\"name\":\"c\"}")).join().token().name()).isEqualTo("c");
    assertThat(registry.all()).hasSize(3);
  }

  /**
   * Another instance gives the name between this one's check and its write (this one read the
   * tokens before that one wrote): the database refuses the write. That is the caller's 409, not a
   * server fault, so no ERROR line; the row written ahead is followed by one saying it was refused.
   */
  @Test
  void aNameTakenBetweenTheCheckAndTheWriteIsAuditedAsRefusedWithoutAnErrorLine() {
    ClientTokenStore real = storage.clientTokens();
    ClientTokenStore readBeforeTheOtherWrote = new Delegating(real) {
      @Override
      public CompletableFuture<List<ClientToken>> loadAll() {
        return real.loadAll().thenApply(all -> all.stream().filter(t -> !t.name().equals("taken")).toList());
      }
    };
    ClientTokens tokens = new ClientTokens(readBeforeTheOtherWrote, registry, storage.tokenFingerprints(),
        new AuditLog(storage.auditLog(), InstantSource.system()), InstantSource.system(), told::incrementAndGet, 100);
    tokens.create(CALLER, edit("{\"name\":\"taken\"}")).join();
    String other = tokens.create(CALLER, edit("{\"name\":\"other\"}")).join().token().id();

    try (LogCapture logs = new LogCapture()) {
      assertThat(tokens.create(CALLER, edit("{\"name\":\"taken\"}"))).failsWithin(Duration.ofSeconds(10))
          .withThrowableThat().havingRootCause().isInstanceOf(ClientTokenStore.NameTaken.class);
      assertThat(tokens.update(CALLER, other, edit("{\"name\":\"taken\"}"))).failsWithin(Duration.ofSeconds(10))
          .withThrowableThat().havingRootCause().isInstanceOf(ClientTokenStore.NameTaken.class);
      assertThat(logs.logLines()).noneMatch(line -> line.startsWith("ERROR"))
          .anyMatch(line -> line.startsWith("INFO Admin change tokens.create refused"))
          .anyMatch(line -> line.startsWith("INFO Admin change tokens.update refused"));
    }

    List<AuditEntry> newestFirst = storage.auditLog().page(0, 4).join().rows().stream().map(AuditRow::entry).toList();
    assertThat(newestFirst).extracting(AuditEntry::action)
        .containsExactly("tokens.update.refused", "tokens.update", "tokens.create.refused", "tokens.create");
    String why = "(not made: another token that is not revoked is named 'taken')";
    AuditEntry.Change created = newestFirst.get(3).changes().get(0);
    assertThat(newestFirst.get(2).changes()).containsExactly(
        new AuditEntry.Change(created.setting(), AuditChanges.UNSET, why));
    AuditEntry.Change renamed = newestFirst.get(1).changes().get(0);
    assertThat(renamed.setting()).isEqualTo("token " + other + " name");
    assertThat(newestFirst.get(0).changes()).containsExactly(new AuditEntry.Change(renamed.setting(), "other", why));
    assertThat(real.loadAll().join()).extracting(ClientToken::name).containsExactlyInAnyOrder("taken", "other");
    assertThat(told).as("refusals change nothing to tell").hasValue(2);
  }

  /**
   * Another instance revokes the token after this one read it for an edit or a rotation: the write
   * is refused (409 as for any revoked token), audited as refused, and the token stays revoked.
   */
  @Test
  void anEditOrRotationOfATokenRevokedMeanwhileIsRefusedAndTheRevokeStands() {
    ClientTokenStore real = storage.clientTokens();
    java.util.concurrent.atomic.AtomicBoolean revokeAfterTheRead = new java.util.concurrent.atomic.AtomicBoolean();
    ClientTokenStore otherInstanceRevokes = new Delegating(real) {
      private CompletableFuture<Void> revokeNowIfAsked(String id) {
        if (!revokeAfterTheRead.getAndSet(false)) {
          return CompletableFuture.completedFuture(null);
        }
        return real.find(id).thenCompose(t -> real.update(t.orElseThrow().revoked(Instant.now()))).thenApply(ok -> null);
      }

      @Override
      public CompletableFuture<List<ClientToken>> loadAll() {
        return real.loadAll().thenCompose(all -> all.isEmpty() ? CompletableFuture.completedFuture(all)
            : revokeNowIfAsked(all.get(all.size() - 1).id()).thenApply(v -> all));
      }

      @Override
      public CompletableFuture<Optional<ClientToken>> find(String id) {
        return real.find(id).thenCompose(row -> revokeNowIfAsked(id).thenApply(v -> row));
      }
    };
    ClientTokens tokens = new ClientTokens(otherInstanceRevokes, registry, storage.tokenFingerprints(),
        new AuditLog(storage.auditLog(), InstantSource.system()), InstantSource.system(), told::incrementAndGet, 100);
    String edited = tokens.create(CALLER, edit("{\"name\":\"edited\"}")).join().token().id();
    revokeAfterTheRead.set(true);
    assertThat(tokens.update(CALLER, edited, edit("{\"name\":\"renamed\"}"))).failsWithin(Duration.ofSeconds(10))
        .withThrowableThat().havingRootCause().isInstanceOf(ClientTokens.RevokedToken.class);
    // The other instance's word of its revoke may never come (lost while Redis is away): the refusal
    // itself says the token is revoked, and this instance must stop admitting it too.
    assertThat(registry.byId(edited).revokedAt()).as("revoked in this instance's registry").isNotNull();
    String rotated = tokens.create(CALLER, edit("{\"name\":\"rotated\"}")).join().token().id();
    revokeAfterTheRead.set(true);
    assertThat(tokens.rotate(CALLER, rotated)).failsWithin(Duration.ofSeconds(10))
        .withThrowableThat().havingRootCause().isInstanceOf(ClientTokens.RevokedToken.class);
    assertThat(registry.byId(rotated).revokedAt()).as("revoked in this instance's registry").isNotNull();

    assertThat(real.loadAll().join()).allSatisfy(t -> assertThat(t.revokedAt()).as(t.name()).isNotNull())
        .extracting(ClientToken::name).containsExactly("edited", "rotated");
    assertThat(storage.auditLog().page(0, 2).join().rows().stream().map(r -> r.entry().action()).toList())
        .containsExactly("tokens.rotate.refused", "tokens.rotate");

    // A revoke the other instance made first is what was asked: answered as stored, not as this one would have.
    String revoked = tokens.create(CALLER, edit("{\"name\":\"revoked\"}")).join().token().id();
    revokeAfterTheRead.set(true);
    ClientToken answered = tokens.revoke(CALLER, revoked).join();
    assertThat(answered.revokedAt()).isNotNull().isEqualTo(real.find(revoked).join().orElseThrow().revokedAt());
  }

  @Test
  void anEditThatChangesNothingWritesNoAuditRowAndTellsNobody() {
    ClientTokens tokens = service(100);
    String id = tokens.create(CALLER, edit("{\"name\":\"a\",\"limits\":{\"rpm\":5}}")).join().token().id();
    int auditRows = storage.auditLog().page(0, 100).join().rows().size();

    tokens.update(CALLER, id, edit("{\"name\":\"a\",\"limits\":{\"rpm\":5}}")).join();

    assertThat(storage.auditLog().page(0, 100).join().rows()).hasSize(auditRows);
    assertThat(told).hasValue(1);
  }

  /** The real store, for a test to change what one instance sees of another's writes. */
  private static class Delegating implements ClientTokenStore {
    private final ClientTokenStore real;

    Delegating(ClientTokenStore real) {
      this.real = real;
    }

    @Override
    public CompletableFuture<List<ClientToken>> loadAll() {
      return real.loadAll();
    }

    @Override
    public CompletableFuture<Optional<ClientToken>> find(String id) {
      return real.find(id);
    }

    @Override
    public CompletableFuture<Void> insert(ClientToken token) {
      return real.insert(token);
    }

    @Override
    public CompletableFuture<Boolean> update(ClientToken token) {
      return real.update(token);
    }
  }
}
