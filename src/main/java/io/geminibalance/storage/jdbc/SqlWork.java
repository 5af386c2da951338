package io.geminibalance.storage.jdbc;

import java.sql.Connection;
import java.sql.SQLException;

/** A unit of JDBC work run on a borrowed connection. */
@FunctionalInterface
public interface SqlWork<T> {
  T run(Connection connection) throws SQLException;
}
