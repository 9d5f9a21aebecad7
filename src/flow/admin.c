/*
 * admin.c — audit reading, the test clock, the job table.
 *
 * Jobs are listed once in `jobs`; each is idempotent (keyed by job and period in job_runs) so
 * a run missed while the server was down simply runs at the next tick.
 */
#include "flow/admin.h"

#include "core/clock.h"
#include "core/record.h"
#include "core/sb.h"
#include "flow/flow.h"

#include <string.h>

int admin_audit_list(struct ctx *c, const struct audit_query *q, json_t **out,
                     struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_AUDIT_READ, e) < 0)
        return -1;
    ts_t from = INT64_MIN, to = INT64_MAX;
    date_t d;
    if (q->from) {
        if (!date_parse(q->from, &d))
            return err_bad(e, "from", "from must be a date YYYY-MM-DD");
        from = date_start_ts(d, c->cfg->tz_min);
    }
    if (q->to) {
        if (!date_parse(q->to, &d))
            return err_bad(e, "to", "to must be a date YYYY-MM-DD");
        to = date_start_ts(d + 1, c->cfg->tz_min);
    }
    /* Oldest first by default; newest first with order=desc (the cursor then counts down). */
    static const char *const cols =
        "SELECT seq, at, actor, on_behalf_of, ip, request_id, action, object_type, object_key,"
        " before AS \"before!j\", after AS \"after!j\", prev_hash, hash FROM audit"
        " WHERE at >= ? AND at < ? AND (? IS NULL OR object_type = ?)"
        " AND (? IS NULL OR object_key = ?) AND (? IS NULL OR actor = ?)"
        " AND (? IS NULL OR action = ?)";
    struct sb sql = SB_INIT;
    if (q->desc)
        sb_addf(&sql, "%s AND (? = 0 OR seq < ?) ORDER BY seq DESC LIMIT ?", cols);
    else
        sb_addf(&sql, "%s AND (? = 0 OR seq > ?) ORDER BY seq LIMIT ?", cols);
    json_t *items = db_rows(c->db, e, sql.buf, "iissssssssiid", from, to, q->object_type,
                            q->object_type, q->object_key, q->object_key, q->actor, q->actor,
                            q->action, q->action, q->after_seq, q->after_seq, q->limit + 1);
    sb_free(&sql);
    if (!items)
        return -1;
    json_t *next = json_null();
    if ((int)json_array_size(items) > q->limit) {
        json_array_remove(items, (size_t)q->limit);
        char cur[24];
        snprintf(cur, sizeof cur, "%lld",
                 (long long)json_integer_value(
                     json_object_get(json_array_get(items, (size_t)q->limit - 1), "seq")));
        next = json_string(cur);
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) {
        char ts[32];
        ts_format_rfc3339(json_integer_value(json_object_get(it, "at")), c->cfg->tz_min, ts);
        json_object_set_new(it, "at", json_string(ts));
    }
    *out = json_pack("{so so}", "items", items, "next_cursor", next);
    return 0;
}

static const struct field_def clock_fields[] = {
    {"now", FK_TEXT, 0, 40, F_REQUIRED, 0, 0, 0},
};
static const struct record_def clock_def = {"", "now", "test_clock", clock_fields, 1};

int admin_set_clock(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n;
    if (flow_need(c, P_ADMIN_OPS, e) < 0 || record_check(&clock_def, body, true, &n, e) < 0)
        return -1;
    ts_t t;
    const char *s = json_string_value(json_object_get(n, "now"));
    if (!ts_parse_rfc3339(s, &t)) {
        json_decref(n);
        return err_invalid(e, "now", "invalid_date",
                           "now must be an RFC 3339 timestamp with offset");
    }
    char before[32], after[32];
    ts_format_rfc3339(c->now, c->cfg->tz_min, before);
    ts_format_rfc3339(t, c->cfg->tz_min, after);
    json_t *b = json_pack("{ss}", "now", before), *a = json_pack("{ss}", "now", after);
    int rc = flow_audit(c, e, "set_clock", "test_clock", "now", b, a);
    json_decref(b);
    json_decref(n);
    if (rc < 0) {
        json_decref(a);
        return -1;
    }
    /* The clock moves only once the audit row is in the transaction; a failed commit leaves a
       moved clock, which is harmless for a test endpoint and re-settable. */
    clock_set_test(t);
    c->now = t;
    *out = a;
    return 0;
}

/* ---- jobs ------------------------------------------------------------------------------- */

typedef int (*job_fn)(struct ctx *c, struct osb_err *e);

/* Sessions idle past the limit and failed-login rows older than an hour. */
static int job_sessions(struct ctx *c, struct osb_err *e)
{
    ts_t wall = clock_wall();
    if (db_exec(c->db, e, "DELETE FROM sessions WHERE last_seen < ?", "i",
                wall - (int64_t)c->cfg->session_idle_hours * TS_PER_HOUR) < 0 ||
        db_exec(c->db, e, "DELETE FROM login_failures WHERE at < ?", "i",
                wall - TS_PER_HOUR) < 0)
        return -1;
    return 0;
}

/* Idempotency records are kept 24 h (entities §13). */
static int job_idempotency(struct ctx *c, struct osb_err *e)
{
    return db_exec(c->db, e, "DELETE FROM idempotency WHERE created_at < ?", "i",
                   c->now - 24 * TS_PER_HOUR) < 0
               ? -1
               : 0;
}

static const struct {
    const char *name;
    job_fn fn;
} jobs[] = {
    {"session_cleanup", job_sessions},
    {"idempotency_cleanup", job_idempotency},
};

int jobs_run(struct ctx *c, bool force, json_t *ran, struct osb_err *e)
{
    (void)force; /* every job here is due each minute; timed jobs will check their period */
    for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++) {
        if (jobs[i].fn(c, e) < 0)
            return -1;
        json_array_append_new(ran, json_string(jobs[i].name));
    }
    return 0;
}

int admin_jobs_run(struct ctx *c, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_ADMIN_OPS, e) < 0)
        return -1;
    json_t *ran = json_array();
    if (jobs_run(c, true, ran, e) < 0 ||
        flow_audit(c, e, "jobs_run", "jobs", "all", NULL, ran) < 0) {
        json_decref(ran);
        return -1;
    }
    *out = json_pack("{so}", "ran", ran);
    return 0;
}
