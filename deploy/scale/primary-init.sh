#!/bin/bash
# Runs once, when the official postgres image initializes the primary's data folder: a role that may only stream WAL,
# and the pg_hba.conf line that lets it connect for replication over the compose network (password, SCRAM).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
     -v password="$REPLICATION_PASSWORD" <<'SQL'
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD :'password';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
