#!/usr/bin/env bash
# Makes this machine ready to run crawlocr locally: installs Tesseract (eng, kor), fonts, kcat, cwebp (the tests
# encode WebP with it) and headless Chromium with its driver (the console's browser tests) when missing, starts the local PostgreSQL server when it is stopped, and creates the
# 'crawlocr' role (password 'crawlocr').
# Idempotent. Needs root (or sudo) only for what is missing.
set -euo pipefail

as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

need=()
command -v tesseract >/dev/null 2>&1 || need+=(tesseract-ocr)
[ -f /usr/share/tesseract-ocr/5/tessdata/eng.traineddata ] || need+=(tesseract-ocr-eng)
[ -f /usr/share/tesseract-ocr/5/tessdata/kor.traineddata ] || need+=(tesseract-ocr-kor)
[ -d /usr/share/fonts/truetype/nanum ] || need+=(fonts-nanum)
[ -d /usr/share/fonts/truetype/dejavu ] || need+=(fonts-dejavu-core)
command -v psql >/dev/null 2>&1 || need+=(postgresql)
command -v kcat >/dev/null 2>&1 || need+=(kcat)
command -v cwebp >/dev/null 2>&1 || need+=(webp)
command -v docker-compose >/dev/null 2>&1 || need+=(docker-compose)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v chromedriver >/dev/null 2>&1 || need+=(chromium-driver)
if [ ${#need[@]} -gt 0 ]; then
  echo "services: installing ${need[*]}"
  as_root apt-get update -qq
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "${need[@]}" >/dev/null
fi

if [ -z "${CRAWLOCR_PG_URL:-}" ]; then
  if command -v pg_lsclusters >/dev/null 2>&1; then
    read -r ver name status <<<"$(pg_lsclusters --no-header | awk 'NR==1 {print $1, $2, $4}')"
    if [ -z "${ver:-}" ]; then
      echo "error: no PostgreSQL cluster exists; create one with 'pg_createcluster 15 main'" >&2; exit 1
    fi
    if [ "$status" != "online" ]; then
      echo "services: starting PostgreSQL $ver/$name"
      as_root pg_ctlcluster "$ver" "$name" start
    fi
    # The registry's indexes should stay in PostgreSQL's own cache: a quarter of the memory, up to 4 GiB, unless
    # the server already has more than its 128 MB default.
    want_mb=$(awk '/^MemTotal/ {m = int($2 / 1024 / 4); print (m > 4096 ? 4096 : m)}' /proc/meminfo)
    have_mb=$(as_root runuser -u postgres -- psql -tAc "SELECT setting::bigint * 8 / 1024 FROM pg_settings WHERE name = 'shared_buffers'")
    if [ "$have_mb" -lt "$want_mb" ]; then
      echo "services: PostgreSQL shared_buffers ${have_mb}MB -> ${want_mb}MB (restarting it)"
      as_root runuser -u postgres -- psql -q -c "ALTER SYSTEM SET shared_buffers = '${want_mb}MB'"
      as_root pg_ctlcluster "$ver" "$name" restart
    fi
    # The frontier rewrites rows all over a large registry: with the 1 GB default, WAL volume forces a checkpoint
    # every few seconds and each page's first change after one is logged whole. Checkpoints by time instead, and
    # compressed page images (both take effect on reload).
    if [ "$(as_root runuser -u postgres -- psql -tAc "SELECT setting FROM pg_settings WHERE name = 'wal_compression'")" = off ]; then
      echo "services: PostgreSQL max_wal_size 8GB, wal_compression lz4"
      as_root runuser -u postgres -- psql -q -c "ALTER SYSTEM SET max_wal_size = '8GB'" -c "ALTER SYSTEM SET wal_compression = 'lz4'" \
        -c "SELECT pg_reload_conf()" >/dev/null
    fi
  fi
  as_root runuser -u postgres -- psql -q -v ON_ERROR_STOP=1 <<'SQL'
DO $$
BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'crawlocr') THEN
    CREATE ROLE crawlocr LOGIN SUPERUSER PASSWORD 'crawlocr';
  END IF;
END $$;
SQL
  if ! as_root runuser -u postgres -- psql -tAc "SELECT 1 FROM pg_database WHERE datname='crawlocr'" | grep -q 1; then
    as_root runuser -u postgres -- createdb -O crawlocr crawlocr
  fi
fi
echo "services: ready (tesseract $(tesseract --version 2>&1 | head -n1 | awk '{print $2}'), PostgreSQL on 127.0.0.1:5432)"
