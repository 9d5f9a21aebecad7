/*
 * settings.h (flow) — GET /settings and PUT /settings/{key}: the administrator changes the
 * configurable defaults this build reads at run time (numbering-and-rules.md §9), among them
 * the SMTP server of the outbox. Keys outside the list are refused, so a typo never silently
 * configures nothing; secrets are never read back.
 */
#ifndef OSB_FLOW_SETTINGS_H
#define OSB_FLOW_SETTINGS_H

#include "flow/ctx.h"

#include <jansson.h>

int settings_list(struct ctx *c, json_t **out, struct osb_err *e);
int settings_put(struct ctx *c, const char *key, json_t *body, json_t **out, struct osb_err *e);

#endif
