#!/bin/sh
# Creates one database per service, each owned by a role of the same name, on the PostgreSQL image's first
# start (/docker-entrypoint-initdb.d). Passwords come from the environment: L2R_LEAD_DB_PASSWORD,
# L2R_FUNNEL_DB_PASSWORD, L2R_FORECAST_DB_PASSWORD. No service can read another's database.
set -eu

create() {
  db="$1"; password="$2"
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres \
    -v db="$db" -v password="$password" <<'SQL'
CREATE ROLE :"db" LOGIN PASSWORD :'password';
CREATE DATABASE :"db" OWNER :"db";
REVOKE ALL ON DATABASE :"db" FROM PUBLIC;
SQL
}

create l2r_lead "$L2R_LEAD_DB_PASSWORD"
create l2r_funnel "$L2R_FUNNEL_DB_PASSWORD"
create l2r_forecast "$L2R_FORECAST_DB_PASSWORD"
