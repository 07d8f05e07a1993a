/*
 * evidence_xml.h - a run's evidence and findings as XML for machines
 * (evidence.xml of the bundle), written with libxml2 and valid against
 * templates/evidence.xsd (namespace urn:fipsev:evidence:1, version 1).
 * Every string from the evidence is escaped by libxml2, and characters
 * XML 1.0 cannot hold (control characters) are replaced, so a hostile
 * label can neither break nor inject markup.
 */
#ifndef FIPSEV_EVIDENCE_XML_H
#define FIPSEV_EVIDENCE_XML_H

#include <stddef.h>

struct cJSON;

#define EVIDENCE_XML_NS	"urn:fipsev:evidence:1"

/* A file of the bundle, for the XML's list of evidence files. */
struct xml_file {
	const char	*path;
	const char	*sha256;
};

/*
 * The XML document for run (store_run_info_json()), the evaluation
 * (controls_judge()), what changed since the previous run (changes
 * from drift_compute() and that run's id; NULL and 0 for a first run),
 * the findings of recent runs (history: [{run, pass, fail,
 * missing_evidence}], oldest first; may be NULL) and the bundle's
 * evidence files. Returns a new buffer of *len bytes, or
 * NULL after logging.
 */
char	*evidence_xml(const struct cJSON *run, const struct cJSON *eval,
	    const struct cJSON *changes, long long previous,
	    const struct cJSON *history, const struct xml_file *files,
	    size_t nfiles, size_t *len);

/*
 * The same run as a NIST OSCAL 1.0.6 assessment-results document (what
 * FedRAMP-style auditors ingest), valid against NIST's schema: one
 * observation per evidence file, one finding per check and subject
 * (satisfied / not-satisfied; not-applicable ones are left out), the
 * reviewed SP 800-53 controls, and back-matter resources with each file's
 * SHA-256. UUIDs are version 4, from OpenSSL's DRBG. Returns a new buffer
 * of *len bytes, or NULL after logging.
 */
char	*oscal_xml(const struct cJSON *run, const struct cJSON *eval,
	    const struct xml_file *files, size_t nfiles, size_t *len);

#endif
