#!/usr/bin/env bash
# The entrypoint of crawlocr/postgres, after the postgres image's. On first start (no $PGDATA/PG_VERSION) it runs
# initdb with the superuser POSTGRES_USER (default postgres) and the password POSTGRES_PASSWORD (required), lets
# that user log in with it from any address (scram-sha-256; local socket connections are trusted, as in the postgres
# image) and creates the database POSTGRES_DB (default: the user's name). Then it runs the command, by default the
# server in the foreground; arguments that start with "-" are the server's.
set -euo pipefail

if [ "${1:0:1}" = - ]; then
  set -- postgres "$@"
fi

if [ "$1" = postgres ] && [ ! -s "$PGDATA/PG_VERSION" ]; then
  user=${POSTGRES_USER:-postgres}
  db=${POSTGRES_DB:-$user}
  if [ -z "${POSTGRES_PASSWORD:-}" ]; then
    echo "postgres: the database is not initialised and POSTGRES_PASSWORD is not set; set it to the superuser's password" >&2
    exit 1
  fi
  echo "postgres: initialising $PGDATA for user $user, database $db"
  initdb --username="$user" --pwfile=<(printf '%s\n' "$POSTGRES_PASSWORD") --auth-local=trust --auth-host=scram-sha-256 \
    --encoding=UTF8 --locale=C.UTF-8 -D "$PGDATA" >/dev/null
  printf "listen_addresses = '*'\n" >>"$PGDATA/postgresql.conf"
  printf 'host all all all scram-sha-256\n' >>"$PGDATA/pg_hba.conf"
  if [ "$db" != postgres ]; then
    pg_ctl -D "$PGDATA" -o "-c listen_addresses=''" -w start >/dev/null
    psql -v ON_ERROR_STOP=1 -q --username="$user" --dbname=postgres -v db="$db" <<<'CREATE DATABASE :"db";'
    pg_ctl -D "$PGDATA" -m fast -w stop >/dev/null
  fi
  echo "postgres: initialised"
fi

exec "$@"
