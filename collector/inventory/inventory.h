/*
 * inventory.h - the Harness modules and components in use, where each was
 * seen, and whether the support matrix (matrix.h) supports it in FIPS
 * mode. Built from the cluster document (chart values, sub-charts,
 * images) and the Harness API document (connectors, pipelines,
 * notification channels, authentication), either of which may be absent.
 */
#ifndef FIPSEV_INVENTORY_H
#define FIPSEV_INVENTORY_H

#include "evidence/inventory.h"	/* INVENTORY_FORMAT */

struct cJSON;
struct chart_model;
struct matrix;


/*
 * The inventory document: "matrix" (its version), "inventory" (items
 * {module, component, kind, key, seen_at, supported: "yes"/"no"/
 * "unknown", reason, since, reference}), "findings" (every item not
 * "yes", with where it was seen) and "compliant". What a Harness release
 * installs is read from its kept sub-charts and its values through the
 * chart model cm (charts.h). NULL (logged) only when out of memory.
 */
struct cJSON *inventory_build(const struct matrix *m,
	    const struct chart_model *cm, const struct cJSON *cluster,
	    const struct cJSON *harness);

#endif
