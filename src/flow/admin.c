/*
 * admin.c — audit reading, the test clock, the job table. The SQL is store/audit_log.c and
 * store/job.c.
 *
 * Jobs are listed once in `jobs`; each is idempotent (keyed by job and period in job_runs) so
 * a run missed while the server was down simply runs at the next tick.
 */
#include "flow/admin.h"
#include "flow/collection.h" /* collection routine */

#include "core/clock.h"
#include "core/log.h"
#include "core/record.h"
#include "core/str.h"
#include "flow/cmr.h"
#include "flow/customer.h"
#include "flow/deadlines.h"
#include "flow/fieldlog.h"
#include "flow/flow.h"
#include "flow/kpi.h"
#include "flow/mail.h"
#include "flow/market.h"
#include "flow/meeting.h"
#include "flow/osb_issue.h"
#include "flow/overdue.h"
#include "flow/quotation.h"
#include "flow/report.h"
#include "flow/statement.h"
#include "store/audit_log.h"
#include "store/job.h"

#include <string.h>

int admin_audit_list(struct ctx *c, const struct audit_query *q, json_t **out, struct osb_err *e)
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
    struct audit_filter f = {from,      to,           q->object_type, q->object_key, q->actor,
                             q->action, q->after_seq, q->limit,       q->desc,       q->q};
    json_t *items = store_audit_page(c->db, e, &f);
    if (!items)
        return -1;
    json_t *next = json_null();
    if ((int)json_array_size(items) > q->limit) {
        json_array_remove(items, (size_t)q->limit);
        char cur[24];
        /* a number of at most 20 characters: fits 24 */
        (void)str_fmt(cur, sizeof cur, "%lld",
                      (long long)json_integer_value(
                          json_object_get(json_array_get(items, (size_t)q->limit - 1), "seq")));
        next = json_string(cur);
    }
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it)
    {
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
    if (rc == 0 && t < c->now)
        rc = deadlines_forget_marks(c, e);
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

typedef int (*job_fn)(struct ctx *c, const char *period, struct osb_err *e);

/* Sessions idle past the limit and failed-login rows older than an hour. */
static int job_sessions(struct ctx *c, const char *period, struct osb_err *e)
{
    (void)period;
    ts_t wall = clock_wall();
    return store_job_sessions_cleanup(
        c->db, e, wall - (int64_t)c->cfg->session_idle_hours * TS_PER_HOUR, wall - TS_PER_HOUR);
}

/* Idempotency records are kept 24 h (entities §13). */
static int job_idempotency(struct ctx *c, const char *period, struct osb_err *e)
{
    (void)period;
    return store_job_idempotency_cleanup(c->db, e, c->now - 24 * TS_PER_HOUR);
}

/* When a job runs (flows.md §20, company time zone). A daily or monthly job is due once its
   time of day has come in its period and job_runs has no row for (job, period): a time missed
   while the server was down is caught up at the next tick, and a period never runs twice. */
enum job_when {
    JOB_TICK,        /* every minute */
    JOB_DAILY,       /* period "YYYY-MM-DD", from minute `at` of the day */
    JOB_MONTHLY,     /* period "YYYY-MM", from minute `at` of day `day` */
    JOB_HALF_YEARLY, /* period "YYYY-H1" from 1 July, "YYYY-H2" from 1 January of YYYY+1,
                        minute `at`: the half-year that ended last */
    JOB_OUTBOX,      /* every minute, outside the transaction (jobs_run_outside) */
};

static const struct {
    const char *name;
    job_fn fn;
    enum job_when when;
    int day, at;
} jobs[] = {
    {"session_cleanup", job_sessions, JOB_TICK, 0, 0},
    {"idempotency_cleanup", job_idempotency, JOB_TICK, 0, 0},
    {"deadlines", deadlines_job, JOB_TICK, 0, 0},
    {"osb_reminders", osb_job_reminders, JOB_DAILY, 0, 9 * 60},
    {"invoice_reminders", overdue_job, JOB_DAILY, 0, 8 * 60},
    {"kpi_breaches", kpi_job_breaches, JOB_MONTHLY, 1, 6 * 60},
    {"osb_meeting", osb_job_meeting, JOB_MONTHLY, 4, 6 * 60},
    {"semiannual_statements", statement_job_semiannual, JOB_HALF_YEARLY, 1, 6 * 60},
    {"credit_grades", credit_grade_job_monthly, JOB_MONTHLY, 1, 6 * 60},
    {"credit_review_quarterly", credit_review_job_quarterly, JOB_MONTHLY, 1, 6 * 60},
    {"credit_review_effective", credit_review_job_effective, JOB_TICK, 0, 0},
    {"inventory_report_reminders", market_job_inventory_remind, JOB_MONTHLY, 18, 9 * 60},
    {"inventory_report_due", market_job_inventory_due, JOB_MONTHLY, 21, 0},
    {"sample_follow_up", market_job_sample_follow_up, JOB_TICK, 0, 0},
    {"quotation_expiry", quotation_job_expire, JOB_DAILY, 0, 5},                  /* field sales */
    {"visit_reports_missing", fieldlog_job_missing_visits, JOB_DAILY, 0, 9 * 60}, /* field */
    {"visit_verification", fieldlog_job_verification, JOB_MONTHLY, 1, 9 * 60},    /* field */
    {"satisfaction_calls", fieldlog_job_satisfaction, JOB_MONTHLY, 1, 9 * 60},    /* field */
    {"osb_daily_status", report_job_daily_status, JOB_DAILY, 0, 8 * 60},
    {"weekly_reports", report_job_weekly, JOB_DAILY, 0, 8 * 60 + 30},      /* reports */
    {"monthly_reports", report_job_monthly, JOB_MONTHLY, 1, 7 * 60},       /* reports */
    {"archive_review", customer_job_archive_review, JOB_DAILY, 0, 9 * 60}, /* customers */
    {"customer_tiers", customer_job_tiers, JOB_MONTHLY, 1, 6 * 60},        /* customers */
    {"monthly_statements", statement_job_monthly, JOB_MONTHLY, 26, 6 * 60},
    {"account_cutoff_reminders", statement_job_cutoff_reminders, JOB_DAILY, 0, 9 * 60},
    {"weekly_call_list", collection_job_call_list, JOB_DAILY, 0, 8 * 60},    /* collection */
    {"daily_receipts", collection_job_daily_receipts, JOB_DAILY, 0, 9 * 60}, /* collection */
    {"collection_paid", collection_job_paid, JOB_TICK, 0, 0},                /* collection */
    {"outbox", mail_job, JOB_OUTBOX, 0, 0},
};

/* 1 when the timed job is due now (period set), 0 when not, -1 on error. */
static int job_due(struct ctx *c, size_t i, char period[16], struct osb_err *e)
{
    period[0] = '\0';
    if (jobs[i].when == JOB_TICK)
        return 1;
    date_t today = ts_to_date(c->now, c->cfg->tz_min);
    int y, m, d, minute = ts_minute_of_day(c->now, c->cfg->tz_min);
    date_to_ymd(today, &y, &m, &d);
    if (jobs[i].when == JOB_DAILY) {
        if (minute < jobs[i].at)
            return 0;
        date_format(today, period);
    } else if (jobs[i].when == JOB_HALF_YEARLY) {
        /* Before 1 January's (1 July's) run time, the last half-year due is the one before. */
        bool h1_due = m > 7 || (m == 7 && (d > 1 || minute >= jobs[i].at));
        bool h2_due = m > 1 || d > 1 || minute >= jobs[i].at; /* of the year before */
        /* H1 of this year, else H2 of the year before, else H1 of the year before. */
        int year = h1_due ? y : y - 1;
        char half = h1_due ? '1' : h2_due ? '2' : '1';
        /* "YYYY-Hn": a four-digit year (dates are bounded to 0001..9999) fits 16 bytes. */
        if (str_fmt(period, 16, "%04d-H%c", year, half) < 0)
            return err_set(e, ERR_INTERNAL, "internal error: period of year %d", year);
    } else {
        if (d < jobs[i].day || (d == jobs[i].day && minute < jobs[i].at))
            return 0;
        period_format(y, m, period);
    }
    int ran = store_job_ran(c->db, e, jobs[i].name, period);
    return ran < 0 ? -1 : !ran;
}

int jobs_run(struct ctx *c, bool force, json_t *ran, struct osb_err *e)
{
    /* force (POST /jobs/run) runs what is due now at once; a timed job still waits for its
       time, so a test clock decides when the 4th 06:00 has come. */
    (void)force;
    if (store_jobs_lock(c->db, e) < 0) /* one run of the jobs at a time, across instances */
        return -1;
    for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++) {
        if (jobs[i].when == JOB_OUTBOX)
            continue;
        char period[16];
        int due = job_due(c, i, period, e);
        if (due < 0)
            return -1;
        if (!due)
            continue;
        if (jobs[i].fn(c, period, e) < 0)
            return -1;
        if (period[0] && store_job_record(c->db, e, jobs[i].name, period, c->now) < 0)
            return -1;
        json_array_append_new(ran, json_string(jobs[i].name));
    }
    return 0;
}

void jobs_run_outside(struct ctx *c, json_t *ran)
{
    for (size_t i = 0; i < sizeof jobs / sizeof jobs[0]; i++) {
        if (jobs[i].when != JOB_OUTBOX)
            continue;
        struct osb_err e = OSB_ERR_INIT;
        if (jobs[i].fn(c, "", &e) < 0)
            log_error("job %s: %s", jobs[i].name, e.message);
        else
            json_array_append_new(ran, json_string(jobs[i].name));
        err_clear(&e);
    }
}

int admin_jobs_run(struct ctx *c, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_ADMIN_OPS, e) < 0)
        return -1;
    /* The route runs without the router's transaction (R_OWN_TX): the jobs and their audit
       row commit first, then the outbox talks to the mail server with no lock held. */
    json_t *ran = json_array();
    /* On PostgreSQL a run that met another instance's run (or a request) on the same rows may
       fail to serialize: it runs again, a bounded number of times (store/db_pg.c). */
    for (int attempt = 1;; attempt++) {
        if (db_begin(c->db, e) == 0 && jobs_run(c, true, ran, e) == 0 &&
            flow_audit(c, e, "jobs_run", "jobs", "all", NULL, ran) == 0 && db_commit(c->db, e) == 0)
            break;
        if (db_in_tx(c->db))
            db_rollback(c->db);
        if (attempt >= 10 || !db_retry_wanted(c->db)) {
            json_decref(ran);
            return -1;
        }
        json_array_clear(ran);
        err_clear(e);
    }
    jobs_run_outside(c, ran);
    *out = json_pack("{so}", "ran", ran);
    return 0;
}
