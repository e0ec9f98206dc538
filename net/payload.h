/* The scan payload of the backend contract (§3.3): device fields plus the
 * configurations found, exactly as POST /api/v1/ai-watch/scan receives it. */
#ifndef NET_PAYLOAD_H
#define NET_PAYLOAD_H

#include <cjson/cJSON.h>

#include "discover/device.h"
#include "discover/model.h"

struct payload_opts {
	const char *org_device_id;	/* NULL = null */
	const char *collector_version;
};

/*
 * Build the payload object (caller frees with cJSON_Delete). Only
 * configurations with at least one server are included. Our extra fields
 * (server "disabled"/"approval", configuration "managed"/"trust") sit beside
 * the contract's, never instead of them.
 */
cJSON *payload_build(const struct device_info *dev, const struct scan_result *r,
		     const struct payload_opts *o);

/* "2026-03-25T10:00:00.123456+00:00" (microseconds only when non-zero). */
void payload_format_time(const struct timespec *t, char *out, size_t n);

#endif
