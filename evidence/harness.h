/*
 * harness.h - the Harness API evidence document (fipsev-harness/1).
 *
 * collector/inventory/harness.h writes it; the inventory (evidence/inventory.h)
 * reads what matters of it, so the store keeps it as a document alone.
 */
#ifndef FIPSEV_EVIDENCE_HARNESS_H
#define FIPSEV_EVIDENCE_HARNESS_H

#define HARNESS_FORMAT	"fipsev-harness/1"

#endif
