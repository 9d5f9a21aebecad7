/*
 * fieldlog.c (http) — the field-sales records (flow/fieldlog.h): work logs, call logs, the
 * monthly focus, meetings, cross-region sightings and visit verification picks. Thin.
 */
#include "flow/fieldlog.h"
#include "http/handlers.h"

static int query(struct req *r, struct fieldlog_query *q, struct osb_err *e)
{
    static const char *const allowed[] = {"user",  "customer", "kind",     "by", "market", "region",
                                          "month", "from",     "to",       "q",  "limit",  "cursor",
                                          "state", "quarter",  "assignee", NULL};
    *q = (struct fieldlog_query){req_query(r, "user"),
                                 req_query(r, "customer"),
                                 req_query(r, "kind"),
                                 req_query(r, "by"),
                                 req_query(r, "market"),
                                 req_query(r, "region"),
                                 req_query(r, "month"),
                                 req_query(r, "from"),
                                 req_query(r, "to"),
                                 req_query(r, "q"),
                                 50,
                                 req_query(r, "quarter"),
                                 req_query(r, "assignee")};
    return req_query_only(r, allowed, e) < 0 || req_limit(r, &q->limit, e) < 0 ? -1 : 0;
}

#define FIELDLOG_CREATE(name, fn)                                                                  \
    int name(struct req *r, struct osb_err *e)                                                     \
    {                                                                                              \
        json_t *out;                                                                               \
        if (fn(&r->ctx, req_body(r), &out, e) < 0)                                                 \
            return -1;                                                                             \
        resp_json(r, 201, out);                                                                    \
        return 0;                                                                                  \
    }
#define FIELDLOG_GET(name, fn)                                                                     \
    int name(struct req *r, struct osb_err *e)                                                     \
    {                                                                                              \
        json_t *out;                                                                               \
        if (fn(&r->ctx, r->params[0], &out, e) < 0)                                                \
            return -1;                                                                             \
        resp_json(r, 200, out);                                                                    \
        return 0;                                                                                  \
    }
#define FIELDLOG_LIST(name, fn)                                                                    \
    int name(struct req *r, struct osb_err *e)                                                     \
    {                                                                                              \
        struct fieldlog_query q;                                                                   \
        json_t *out;                                                                               \
        if (query(r, &q, e) < 0 || fn(&r->ctx, &q, &out, e) < 0)                                   \
            return -1;                                                                             \
        resp_json(r, 200, out);                                                                    \
        return 0;                                                                                  \
    }

FIELDLOG_CREATE(h_work_log_create, worklog_create)
FIELDLOG_GET(h_work_log_get, worklog_get)
FIELDLOG_LIST(h_work_log_list, worklog_list)
FIELDLOG_CREATE(h_call_log_create, calllog_create)
FIELDLOG_GET(h_call_log_get, calllog_get)
FIELDLOG_LIST(h_call_log_list, calllog_list)
FIELDLOG_CREATE(h_monthly_focus_create, focus_publish)
FIELDLOG_GET(h_monthly_focus_get, focus_get)
FIELDLOG_LIST(h_monthly_focus_list, focus_list)
FIELDLOG_CREATE(h_meeting_create, meeting_create)
FIELDLOG_GET(h_meeting_get, meeting_get)
FIELDLOG_LIST(h_meeting_list, meeting_list)
FIELDLOG_LIST(h_sighting_list, sighting_list)
FIELDLOG_CREATE(h_visit_verification_create, verification_pick)
FIELDLOG_LIST(h_visit_verification_list, verification_list)
FIELDLOG_CREATE(h_satisfaction_create, satisfaction_make)
FIELDLOG_LIST(h_satisfaction_list, satisfaction_list)
