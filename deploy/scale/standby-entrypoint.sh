#!/bin/bash
# A hot standby from the official postgres image: on first start, copy the primary with pg_basebackup -R (which writes
# standby.signal and primary_conninfo), then hand over to the image's own entrypoint, which finds an initialized data
# folder and just starts the server, read-only and following the primary.
set -euo pipefail
if [ ! -s "$PGDATA/PG_VERSION" ]; then
    until pg_isready -h "$PRIMARY_HOST" -U replicator -d postgres >/dev/null 2>&1; do sleep 1; done
    mkdir -p "$PGDATA"
    chown postgres:postgres "$PGDATA"
    chmod 700 "$PGDATA"
    gosu postgres env PGPASSWORD="$REPLICATION_PASSWORD" \
        pg_basebackup -h "$PRIMARY_HOST" -U replicator -D "$PGDATA" -R -X stream -c fast --no-password
fi
exec docker-entrypoint.sh postgres -c hot_standby=on
