/*
 * schema.c - the SQL of each migration; see schema.h and README "Store".
 */
#include "schema.h"

const char *const store_migrations[] = {
	/* 1: runs, content-addressed documents, evidence, node facts. */
	"CREATE TABLE runs ("
	"  id            INTEGER PRIMARY KEY,"
	"  started_utc   TEXT NOT NULL,"
	"  finished_utc  TEXT,"
	"  tool_version  TEXT NOT NULL,"
	"  host          TEXT NOT NULL,"
	/* 'open' exists only inside the run's own transaction. */
	"  status        TEXT NOT NULL CHECK (status IN ('open', 'complete')),"
	"  verdict       TEXT CHECK (verdict IN ('compliant', 'noncompliant'))"
	");"
	/* Raw evidence, byte for byte, stored once however many runs cite it. */
	"CREATE TABLE documents ("
	"  sha256      TEXT PRIMARY KEY CHECK (length(sha256) = 64),"
	"  media_type  TEXT NOT NULL,"
	"  size        INTEGER NOT NULL CHECK (size >= 0),"
	"  body        BLOB NOT NULL"
	") WITHOUT ROWID;"
	"CREATE TABLE evidence ("
	"  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  collector  TEXT NOT NULL,"
	"  subject    TEXT NOT NULL,"
	"  sha256     TEXT NOT NULL REFERENCES documents(sha256),"
	"  PRIMARY KEY (run_id, collector, subject)"
	") WITHOUT ROWID;"
	"CREATE INDEX evidence_by_document ON evidence(sha256);"
	/* What drift queries compare, one row a node a run. */
	"CREATE TABLE node_facts ("
	"  run_id               INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  node                 TEXT NOT NULL,"
	"  compliant            INTEGER NOT NULL CHECK (compliant IN (0, 1)),"
	"  fips_enabled         INTEGER CHECK (fips_enabled IN (0, 1)),"
	"  kernel_cmdline_fips  INTEGER CHECK (kernel_cmdline_fips IN (0, 1)),"
	"  os_id                TEXT,"
	"  os_version_id        TEXT,"
	"  os_variant_id        TEXT,"
	"  os_pretty_name       TEXT,"
	"  os_fips_variant      INTEGER CHECK (os_fips_variant IN (0, 1)),"
	"  kernel_release       TEXT,"
	"  reasons              TEXT NOT NULL,"	/* JSON array of strings */
	"  PRIMARY KEY (run_id, node)"
	") WITHOUT ROWID;",

	/* 2: what each TLS endpoint accepted, one row an endpoint a run. */
	"CREATE TABLE tls_facts ("
	"  run_id       INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  target       TEXT NOT NULL,"
	"  compliant    INTEGER NOT NULL CHECK (compliant IN (0, 1)),"
	"  error        TEXT,"
	/* JSON arrays: ["TLSv1.2", ...], ["TLSv1.2 0xC02F", ...], names. */
	"  protocols    TEXT NOT NULL,"
	"  suites       TEXT NOT NULL,"
	"  groups       TEXT NOT NULL,"
	"  sigalgs      TEXT NOT NULL,"
	"  connections  INTEGER NOT NULL CHECK (connections >= 0),"
	"  PRIMARY KEY (run_id, target)"
	") WITHOUT ROWID;",

	/* 3: the cluster: release settings, history verdict, delegates. */
	"CREATE TABLE cluster_facts ("
	"  run_id                    INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  subject                   TEXT NOT NULL,"
	"  compliant                 INTEGER NOT NULL CHECK (compliant IN (0, 1)),"
	"  release                   TEXT,"	/* namespace/name */
	"  smp_version               TEXT,"
	"  global_fips               INTEGER CHECK (global_fips IN (0, 1)),"
	"  fips_since_first_install  INTEGER CHECK (fips_since_first_install IN (0, 1)),"
	"  nodes_listed              INTEGER NOT NULL,"
	"  nodes_without_evidence    INTEGER NOT NULL,"
	"  delegates                 INTEGER NOT NULL,"
	"  delegates_fips            INTEGER NOT NULL,"
	"  findings                  TEXT NOT NULL,"	/* JSON array */
	"  PRIMARY KEY (run_id, subject)"
	") WITHOUT ROWID;",

	/* 4: the module inventory, one row an item a run. */
	"CREATE TABLE inventory_items ("
	"  run_id     INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,"
	"  item       INTEGER NOT NULL,"
	"  module     TEXT,"
	"  component  TEXT,"
	"  kind       TEXT NOT NULL,"
	"  seen_at    TEXT NOT NULL,"
	"  supported  TEXT NOT NULL CHECK (supported IN ('yes', 'no', 'unknown')),"
	"  PRIMARY KEY (run_id, item)"
	") WITHOUT ROWID;",
};

const int store_migrations_count =
    (int)(sizeof(store_migrations) / sizeof(store_migrations[0]));
