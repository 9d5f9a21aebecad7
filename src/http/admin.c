/*
 * admin.c (http) — GET /audit, PUT|GET /test/clock, POST /jobs/run, notifications, settings
 * and the e-mail outbox.
 */
#include "flow/admin.h"
#include "core/clock.h"
#include "flow/mail.h"
#include "flow/notify.h"
#include "flow/settings.h"
#include "http/handlers.h"

#ifdef __GLIBC__
#include <malloc.h>
#endif
#include <stdlib.h>
#include <string.h>

int h_audit_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"object_type", "object_key", "actor", "action",
                                          "from",        "to",         "limit", "cursor",
                                          "order",       "q",          NULL};
    struct audit_query q = {req_query(r, "object_type"),
                            req_query(r, "object_key"),
                            req_query(r, "actor"),
                            req_query(r, "action"),
                            req_query(r, "from"),
                            req_query(r, "to"),
                            0,
                            50,
                            false,
                            req_query(r, "q")};
    const char *order = req_query(r, "order");
    if (order && strcmp(order, "asc") && strcmp(order, "desc"))
        return err_bad(e, "order", "order is asc or desc");
    q.desc = order && strcmp(order, "desc") == 0;
    const char *cur = req_query(r, "cursor");
    if (cur) {
        char *end;
        q.after_seq = strtoll(cur, &end, 10);
        if (end == cur || *end || q.after_seq < 0)
            return err_bad(e, "cursor", "cursor is not one this list gave out");
    }
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &q.limit, e) < 0 ||
        admin_audit_list(&r->ctx, &q, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_clock_put(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (admin_set_clock(&r->ctx, req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_clock_get(struct req *r, struct osb_err *e)
{
    (void)e;
    char ts[32];
    ts_format_rfc3339(r->ctx.now, r->ctx.cfg->tz_min, ts);
    resp_json(r, 200, json_pack("{ss sb}", "now", ts, "frozen", clock_is_test()));
    return 0;
}

int h_jobs_run(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (admin_jobs_run(&r->ctx, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
#ifdef __GLIBC__
    /* as the scheduler does after its run (cli/serve.c): the jobs' high-water mark of freed
       memory goes back to the system now, not at the next minute */
    malloc_trim(0);
#endif
    return 0;
}

int h_notifications_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"unread", "q", "limit", "cursor", NULL};
    int limit;
    const char *unread = req_query(r, "unread"), *cur = req_query(r, "cursor");
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &limit, e) < 0)
        return -1;
    if (unread && strcmp(unread, "true") && strcmp(unread, "false"))
        return err_bad(e, "unread", "unread must be true or false");
    if (notify_list(&r->ctx, unread && !strcmp(unread, "true"), req_query(r, "q"), limit,
                    cur ? strtoll(cur, NULL, 10) : 0, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_notification_read(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (notify_mark_read(&r->ctx, strtoll(r->params[0], NULL, 10), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_notifications_read_all(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (notify_mark_all_read(&r->ctx, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_settings_list(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (settings_list(&r->ctx, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_settings_put(struct req *r, struct osb_err *e)
{
    json_t *out;
    if (settings_put(&r->ctx, r->params[0], req_body(r), &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_outbox_list(struct req *r, struct osb_err *e)
{
    static const char *const allowed[] = {"state", "q", "limit", "cursor", NULL};
    int limit;
    const char *cur = req_query(r, "cursor");
    int64_t after = 0;
    if (cur) {
        char *end;
        after = strtoll(cur, &end, 10);
        if (end == cur || *end || after < 0)
            return err_bad(e, "cursor", "cursor is not one this list gave out");
    }
    json_t *out;
    if (req_query_only(r, allowed, e) < 0 || req_limit(r, &limit, e) < 0 ||
        mail_outbox_list(&r->ctx, req_query(r, "state"), req_query(r, "q"), limit, after, &out, e) <
            0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}

int h_outbox_retry(struct req *r, struct osb_err *e)
{
    char *end;
    int64_t id = strtoll(r->params[0], &end, 10);
    if (end == r->params[0] || *end)
        return err_set(e, ERR_NOT_FOUND, "no e-mail '%s' in the outbox", r->params[0]);
    json_t *out;
    if (mail_outbox_retry(&r->ctx, id, &out, e) < 0)
        return -1;
    resp_json(r, 200, out);
    return 0;
}
