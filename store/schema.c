/*
 * schema.c - the SQL of each migration; see schema.h and README "Store".
 */
#include "store/schema.h"

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

	/*
	 * 5: storage that grows with change, not with time. A night that
	 * finds a node as it was costs nothing: evidence is kept as spans of
	 * consecutive runs that cited the same document, node facts once per
	 * distinct node document, and documents deflated. The old names live
	 * on as views, so queries written for schema 4 still answer.
	 */
	"ALTER TABLE runs ADD COLUMN nodes INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE runs ADD COLUMN nodes_compliant INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE runs ADD COLUMN endpoints INTEGER NOT NULL DEFAULT 0;"
	"ALTER TABLE runs ADD COLUMN endpoints_compliant INTEGER NOT NULL "
	"  DEFAULT 0;"
	"UPDATE runs SET"
	"  nodes = (SELECT count(*) FROM node_facts n WHERE n.run_id = runs.id),"
	"  nodes_compliant = (SELECT count(*) FROM node_facts n"
	"    WHERE n.run_id = runs.id AND n.compliant = 1),"
	"  endpoints = (SELECT count(*) FROM tls_facts t"
	"    WHERE t.run_id = runs.id),"
	"  endpoints_compliant = (SELECT count(*) FROM tls_facts t"
	"    WHERE t.run_id = runs.id AND t.compliant = 1);"
	/*
	 * Documents move to a rowid table: a WITHOUT ROWID row keeps at most
	 * about 1 kB in its page and spills the rest to overflow pages of
	 * their own, so a 1.5 kB deflated node report would cost two pages.
	 * 'deflate': body is zlib's compress2() of the size bytes.
	 */
	"CREATE TABLE documents5 ("
	"  sha256      TEXT NOT NULL UNIQUE CHECK (length(sha256) = 64),"
	"  media_type  TEXT NOT NULL,"
	"  size        INTEGER NOT NULL CHECK (size >= 0),"
	"  body        BLOB NOT NULL,"
	"  encoding    TEXT NOT NULL DEFAULT 'identity'"
	"    CHECK (encoding IN ('identity', 'deflate'))"
	");"
	"INSERT INTO documents5 (sha256, media_type, size, body)"
	"  SELECT sha256, media_type, size, body FROM documents;"
	/* Runs first_run..last_run (every run between) cited sha256. */
	"CREATE TABLE evidence_spans ("
	"  collector  TEXT NOT NULL,"
	"  subject    TEXT NOT NULL,"
	"  sha256     TEXT NOT NULL REFERENCES documents5(sha256),"
	"  first_run  INTEGER NOT NULL,"
	"  last_run   INTEGER NOT NULL CHECK (last_run >= first_run),"
	"  PRIMARY KEY (collector, subject, first_run)"
	") WITHOUT ROWID;"
	"CREATE INDEX evidence_spans_by_end ON evidence_spans(collector, last_run);"
	"CREATE INDEX evidence_spans_by_document ON evidence_spans(sha256);"
	/* Islands: consecutive runs citing the same document become one span. */
	"INSERT INTO evidence_spans"
	"  WITH k AS (SELECT id, row_number() OVER (ORDER BY id) AS k FROM runs),"
	"  e AS (SELECT ev.collector, ev.subject, ev.sha256, ev.run_id, k.k,"
	"    k.k - row_number() OVER (PARTITION BY ev.collector, ev.subject,"
	"    ev.sha256 ORDER BY k.k) AS island"
	"    FROM evidence ev JOIN k ON k.id = ev.run_id)"
	"  SELECT collector, subject, sha256, min(run_id), max(run_id) FROM e"
	"  GROUP BY collector, subject, sha256, island;"
	/* A node document's facts are a function of its bytes. */
	"CREATE TABLE node_documents ("
	"  sha256               TEXT PRIMARY KEY"
	"    REFERENCES documents5(sha256) ON DELETE CASCADE,"
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
	"  reasons              TEXT NOT NULL"
	") WITHOUT ROWID;"
	"INSERT OR IGNORE INTO node_documents SELECT e.sha256, n.node,"
	"  n.compliant, n.fips_enabled, n.kernel_cmdline_fips, n.os_id,"
	"  n.os_version_id, n.os_variant_id, n.os_pretty_name,"
	"  n.os_fips_variant, n.kernel_release, n.reasons"
	"  FROM node_facts n JOIN evidence e ON e.run_id = n.run_id"
	"  AND e.collector = 'node' AND e.subject = n.node;"
	"DROP TABLE node_facts;"
	"DROP TABLE evidence;"
	"DROP TABLE documents;"
	/* Renaming rewrites the references above to the new name. */
	"ALTER TABLE documents5 RENAME TO documents;"
	"CREATE VIEW evidence AS SELECT r.id AS run_id, s.collector, s.subject,"
	"  s.sha256 FROM evidence_spans s"
	"  JOIN runs r ON r.id BETWEEN s.first_run AND s.last_run;"
	"CREATE VIEW node_facts AS SELECT e.run_id, f.node, f.compliant,"
	"  f.fips_enabled, f.kernel_cmdline_fips, f.os_id, f.os_version_id,"
	"  f.os_variant_id, f.os_pretty_name, f.os_fips_variant,"
	"  f.kernel_release, f.reasons"
	"  FROM evidence e JOIN node_documents f ON f.sha256 = e.sha256"
	"  WHERE e.collector = 'node';",

	/*
	 * 6: one verdict. The run's evaluation (checks, findings, summary,
	 * verdict), decided once by the collection before the commit, is a
	 * document the run cites; runs recorded before it have none, and
	 * readers evaluate those as before.
	 */
	"ALTER TABLE runs ADD COLUMN evaluation TEXT "
	"REFERENCES documents(sha256);",
};

const int store_migrations_count =
    (int)(sizeof(store_migrations) / sizeof(store_migrations[0]));
