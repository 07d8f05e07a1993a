/*
 * inventory.c - the inventory evidence document; see inventory.h.
 */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "evidence/inventory.h"
#include "util/json.h"
#include "util/log.h"
#include "util/banned.h"

void
inventory_facts_release(struct inventory_facts *f)
{
	free(f->items);
	cJSON_Delete(f->doc);
	memset(f, 0, sizeof(*f));
}

int
inventory_facts_of(const char *where, const char *json, size_t len,
    struct inventory_facts *f)
{
	const cJSON *items, *it;
	int n;

	memset(f, 0, sizeof(*f));
	if ((f->doc = cJSON_ParseWithLength(json, len)) == NULL ||
	    !cJSON_IsObject(f->doc)) {
		log_err("%s: inventory evidence is not a JSON object", where);
		goto bad;
	}
	if ((f->compliant = json_get_tristate(f->doc, "compliant")) < 0) {
		log_err("%s: inventory: field 'compliant' is not a boolean",
		    where);
		goto bad;
	}
	items = cJSON_GetObjectItemCaseSensitive(f->doc, "inventory");
	if ((n = cJSON_GetArraySize(items)) > 0 &&
	    (f->items = calloc((size_t)n, sizeof(*f->items))) == NULL) {
		log_err("%s: inventory: out of memory", where);
		goto bad;
	}
	cJSON_ArrayForEach(it, items) {
		struct inventory_item *i = &f->items[f->nitems++];
		const char *sup = json_get_str(it, "supported");

		i->module = json_get_str(it, "module");
		i->component = json_get_str(it, "component");
		i->kind = json_str_or(it, "kind", "?");
		i->seen_at = json_str_or(it, "seen_at", "?");
		i->supported = sup != NULL && (strcmp(sup, "yes") == 0 ||
		    strcmp(sup, "no") == 0) ? sup : "unknown";
	}
	return 0;
bad:
	inventory_facts_release(f);
	return -1;
}
