package dev.crawlocr.devkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.UUID;

/**
 * A PostgreSQL server to run against, and fresh databases on it. The server is the one named by
 * {@code CRAWLOCR_PG_URL} (a JDBC URL of a database whose user may create databases; user and password from
 * {@code CRAWLOCR_PG_USER} and {@code CRAWLOCR_PG_PASSWORD}), else the local server on 127.0.0.1:5432 with the
 * role that {@code scripts/services.sh} creates (crawlocr/crawlocr).
 */
public record Postgres(String adminUrl, String user, String password) {

    public static Postgres fromEnv() {
        String url = env("CRAWLOCR_PG_URL", "jdbc:postgresql://127.0.0.1:5432/postgres");
        return new Postgres(url, env("CRAWLOCR_PG_USER", "crawlocr"), env("CRAWLOCR_PG_PASSWORD", "crawlocr"));
    }

    /** Creates an empty database with a unique name and returns its JDBC URL. */
    public String createDatabase(String prefix) {
        String name = (prefix + "_" + UUID.randomUUID().toString().substring(0, 8)).toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("Cannot create a database on " + adminUrl + " as " + user + ": " + e.getMessage()
                    + ". Start PostgreSQL and create the role with scripts/services.sh, or set CRAWLOCR_PG_URL.", e);
        }
        return urlFor(name);
    }

    /** The JDBC URL of database {@code name} on the same server. */
    public String urlFor(String name) {
        int slash = adminUrl.indexOf('/', "jdbc:postgresql://".length());
        int query = adminUrl.indexOf('?', slash);
        return adminUrl.substring(0, slash + 1) + name + (query < 0 ? "" : adminUrl.substring(query));
    }

    /** Drops the database of {@code url} (made by {@link #createDatabase}), closing its connections; reports a failure. */
    public void dropDatabase(String url) {
        String name = url.substring(url.lastIndexOf('/') + 1).replaceAll("\\?.*", "");
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
        } catch (SQLException e) {
            System.err.println("could not drop database " + name + ": " + e.getMessage());
        }
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(adminUrl, user, password);
    }

    private static String env(String name, String fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : v;
    }
}
