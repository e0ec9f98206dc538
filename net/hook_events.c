/* Sends the hook event queue to the backend: one POST per event, oldest
 * first, stopping at the first failure so nothing is lost. */
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "hooks/queue.h"
#include "net/hook_events.h"
#include "util/xalloc.h"
#include "util/banned.h"

struct send_ctx {
	struct api *api;
	const char *device_id;
	const char *username;
	struct hook_events_report *rep;
};

void
hook_events_report_init(struct hook_events_report *r)
{
	memset(r, 0, sizeof(*r));
	api_result_init(&r->result);
}

void
hook_events_report_release(struct hook_events_report *r)
{
	api_result_release(&r->result);
}

/* queue_drain() callback: 0 removes the event, -1 stops. */
static int
send_one(const char *body, size_t len, void *arg)
{
	struct send_ctx *c = arg;
	cJSON *o = cJSON_ParseWithLength(body, len), *dev;
	char *text;

	if (o == NULL || !cJSON_IsObject(o)) {
		/* Not an event: it can never be delivered. */
		cJSON_Delete(o);
		c->rep->rejected++;
		return 0;
	}
	cJSON_DeleteItemFromObjectCaseSensitive(o, "device");
	dev = cJSON_AddObjectToObject(o, "device");
	cJSON_AddStringToObject(dev, "device_id", c->device_id ? c->device_id : "");
	if (c->username)
		cJSON_AddStringToObject(dev, "username", c->username);
	else
		cJSON_AddNullToObject(dev, "username");
	text = cJSON_PrintUnformatted(o);
	cJSON_Delete(o);
	api_hook_event(c->api, text, strlen(text), &c->rep->result);
	free(text);
	switch (c->rep->result.outcome) {
	case API_OK:
		c->rep->sent++;
		return 0;
	case API_REJECTED:
		if (c->rep->result.status != 408 && c->rep->result.status != 429) {
			c->rep->rejected++;
			return 0;
		}
		break;
	default:
		break;
	}
	c->rep->stopped = 1;
	return -1;
}

int
hook_events_send(struct api *a, const char *dir, const char *device_id,
		 const char *username, size_t max, struct hook_events_report *rep,
		 struct err *e)
{
	struct send_ctx c = { a, device_id, username, rep };
	size_t done = 0;
	int ret;

	ret = queue_drain(dir, max, send_one, &c, &done, e);
	rep->left = queue_count(dir, 0);
	return ret;
}
