/*
 * deadlines.c — the deadline job (kpis-and-reports.md §3.1; flows.md §20): every minute, and
 * at once on POST /jobs/run, it opens one OSB problem-log entry per missed deadline.
 *
 * Each rule is one row of `rules` below: the rule's code and department, its time limit (a
 * rules/deadline.h kind, re-timed by a setting where §9 names one) and who must explain; its
 * candidates — the documents whose clock started, each with the instant the awaited step
 * happened (done_at) or NULL — come from one query per rule in store/deadline.c, as do who
 * explains and the document's customer. The job computes each candidate's deadline from the
 * working calendar and opens an entry when the deadline has passed (deadline <= now: exactly at
 * the deadline, never a minute early) without the step happening by then. The problem log's
 * key (rule, document, deadline) makes that idempotent: the job may run as often as it likes.
 *
 * Because done_at is part of the candidate, a step done late is still a miss even when the job
 * did not run between the deadline and the step (server down, or a frozen test clock); the
 * entry then notes the late completion at once, as it does for entries opened earlier.
 * Candidates are documents whose clock started in the last LOOKBACK_DAYS (every limit here ends
 * within two weeks, even over the Spring Festival), plus every document still waiting, however
 * old; so a step done late is caught without a run in between unless the server was down for
 * about three weeks.
 *
 * Settings: osb_rules_off (comma-separated rule codes switched off), oa_minutes,
 * sp_hours_target, sp_hours_explain, sp_working_days_max, pod_grace_days,
 * collection_days_after_due, collection_days_working.
 */
#include "flow/deadlines.h"

#include "core/json.h"
#include "core/sb.h"
#include "flow/flow.h"
#include "flow/osb_issue.h"
#include "rules/deadline.h"
#include "store/deadline.h"
#include "store/osb_issue.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

#define LOOKBACK_DAYS 21
/* A stay done more than this before a rule's previous run was judged by it (store/deadline.h
   "Settled marks"): a write takes its instant before it commits, and on SQLite it waits at
   most 10 s for the write lock (PostgreSQL: lock_timeout 10 s), so a completion that run did
   not see is at most seconds older than it. */
#define DONE_MARGIN (10 * TS_PER_MIN)

static const struct deadline_rule_row {
    const char *rule;
    const char *department;
    struct deadline_rule dl;
    const char *n_setting; /* settings key re-timing dl.n, or NULL */
    unsigned explains;     /* EX_* of store/deadline.h */
    bool tell_slt;         /* sp_48h: the written explanation is addressed to the SLT */
    const char *what;      /* the entry's description */
} rules[] = {
    {"oa_30min",
     "ssg",
     {DL_WORKING_MINUTES, 30, 0},
     "oa_minutes",
     EX_ORDER_CSR | EX_SSG_LEADER,
     false,
     "订单提交后30个工作分钟内未接收(OA)"},
    {"check_same_day",
     "ssg",
     {DL_SAME_WORKING_DAY, 0, 0},
     NULL,
     EX_ORDER_CSR,
     false,
     "订单接收当日未完成检查(QC/AC/CC)"},
    {"ma_same_day",
     "slt",
     {DL_SAME_WORKING_DAY, 0, 0},
     NULL,
     EX_SUPERVISOR,
     false,
     "订单待批准当日未获经理批准(MA)"},
    {"st_next_day",
     "slt",
     {DL_NEXT_WORKING_DAY, 1, 0},
     NULL,
     EX_SLT_NOT_VOTED,
     false,
     "特别处理(ST)申请次一工作日内未获SLT决定"},
    {"bg_print_same_day",
     "finance",
     {DL_SAME_WORKING_DAY, 0, 0},
     NULL,
     EX_FINANCE,
     false,
     "订单批准当日财务未打印送货单(BG-2)"},
    {"bg_release_same_day",
     "ssg",
     {DL_SAME_WORKING_DAY, 0, 0},
     NULL,
     EX_ORDER_CSR,
     false,
     "送货单打印当日未交储运部(BG-3)"},
    {"sp_24h",
     "warehouse",
     {DL_WC_HOURS, 24, 0},
     "sp_hours_target",
     EX_SCR,
     false,
     "收到送货单后24小时内未发货"},
    {"sp_48h",
     "warehouse",
     {DL_WC_HOURS, 48, 0},
     "sp_hours_explain",
     EX_SCR | EX_WAREHOUSE_HEAD,
     true,
     "收到送货单后48小时仍未发货，须向SLT书面说明"},
    {"sp_3wd",
     "warehouse",
     {DL_WORKING_DAYS, 3, 0},
     "sp_working_days_max",
     EX_WAREHOUSE_HEAD,
     false,
     "送货单数量第3个工作日仍未发货或转欠货"},
    {"pod_overdue",
     "warehouse",
     {DL_CALENDAR_DAYS, 2, 0},
     "pod_grace_days",
     EX_SCR | EX_SHIPMENT_CSR,
     false,
     "预计到货日后逾期未取得客户签收(POD)"},
    {"bc_due_5d",
     "sales",
     {DL_CALENDAR_DAYS, 5, 0},
     "collection_days_after_due",
     EX_BCR | EX_KAM,
     false,
     "发票到期后5天内未全部回款"},
    {"contract_1wd",
     "sales",
     {DL_NEXT_WORKING_DAY, 1, 0},
     "contract_to_order_working_days",
     EX_CONTRACT_KAM | EX_CONTRACT_CSR,
     false,
     "合同签订后次一工作日内未下第一张订单"},
    /* field sales (flows.md §7-10, §17) */
    {"contract_binding",
     "ssg",
     {DL_DAY_OF_MONTH, 5, 1},
     "contract_archive_day",
     EX_CONTRACT_CSR,
     false,
     "上月合同原件未在5日前编号装订(archive_binder)"},
    {"quotation_decide",
     "sales",
     {DL_NEXT_WORKING_DAY, 1, 0},
     "quotation_decide_working_days",
     EX_FIELD_MM | EX_FIELD_SUPERVISOR,
     false,
     "报价/投标登记后一个工作日内未决定是否参与"},
    {"after_sales_confirm",
     "sales",
     {DL_NEXT_WORKING_DAY, 1, 0},
     "after_sales_confirm_working_days",
     EX_FIELD_MM,
     false,
     "售后服务申请一个工作日内未经市场经理确认"},
    {"after_sales_contact",
     "customer_service",
     {DL_NEXT_WORKING_DAY, 1, 0},
     "after_sales_contact_working_days",
     EX_FIELD_HANDLER,
     false,
     "售后服务指派后一个工作日内未联系客户"},
    {"forecast_assess",
     "ssg",
     {DL_NEXT_WORKING_DAY, 2, 0},
     "forecast_assess_working_days",
     EX_FIELD_CSR,
     false,
     "销售预期提交后两个工作日内未评估"},
    {"visit_report",
     "sales",
     {DL_NEXT_WORKING_DAY, 1, 0},
     "visit_report_working_days",
     EX_FIELD_ITEM_OWNER,
     false,
     "计划拜访后次一工作日内未提交拜访记录"},
    /* flows.md §9.2: next week's plan by Saturday 09:00 (39 hours before its Monday) */
    {"visit_plan_weekly",
     "sales",
     {DL_BEFORE_START, 2340, 0},
     "visit_plan_weekly_lead_minutes",
     EX_WEEK_PLANNER | EX_WEEK_MANAGER,
     false,
     "下周拜访计划未在周六09:00前提交"},
    {"instrument_same_day",
     "sales",
     {DL_SAME_WORKING_DAY, 0, 0},
     NULL,
     EX_RECEIVER,
     false,
     "收取的票据当日未交财务签收"},
    {"recon_semiannual",
     "sales",
     {DL_DAY_OF_MONTH, 15, 1},
     NULL,
     EX_STATEMENT_KAM,
     false,
     "半年对账未在15日前取得客户确认并报告"},
};

static bool switched_off(const char *off, const char *rule)
{
    size_t n = strlen(rule);
    for (const char *p = off; p && *p;) {
        while (*p == ',' || *p == ' ')
            p++;
        size_t len = strcspn(p, ", ");
        if (len == n && strncmp(p, rule, n) == 0)
            return true;
        p += len;
    }
    return false;
}

/* One candidate: open (or note on) its entry when its deadline passed without the step. */
/* *settle: the rule's next settled mark, lowered below the start of a stay still waiting
   whose deadline has not come (it must be read again). */
static int judge(struct ctx *c, const struct calendar *cal, const struct deadline_rule_row *rr,
                 const struct deadline_rule *dl, json_t *row, int *opened, int64_t *settle,
                 struct osb_err *e)
{
    ts_t start;
    json_t *sa = json_object_get(row, "start_at");
    if (json_is_integer(sa)) {
        start = json_integer_value(sa);
    } else {
        date_t d;
        if (!date_parse(jstr(row, "start_date"), &d))
            return 0;
        start = date_start_ts(d, c->cfg->tz_min);
    }
    ts_t deadline = deadline_at(cal, dl, start);
    json_t *da = json_object_get(row, "done_at");
    bool done = json_is_integer(da);
    if (deadline == INT64_MAX || deadline > c->now) {
        if (!done && start - 1 < *settle)
            *settle = start - 1;
        return 0; /* still in time */
    }
    if (done && json_integer_value(da) <= deadline)
        return 0; /* done in time */
    const char *doc = jstr(row, "document");
    char number[32];
    /* Most late candidates are still waiting and already have their entry: look first. */
    int rc = osb_issue_find(c, rr->rule, doc, deadline, number, e);
    if (rc != 0) {
        if (rc > 0 && done)
            rc =
                osb_issue_note_done(c, number, json_integer_value(da), jstr(row, "done_action"), e);
        return rc < 0 ? -1 : 0;
    }
    json_t *who = json_array(), *slt = rr->tell_slt ? json_array() : NULL;
    rc = store_deadline_explainers(c->db, e, rr->explains, doc,
                                   json_integer_value(json_object_get(row, "ref")), who);
    if (rc == 0 && slt)
        rc = store_osb_slt(c->db, e, false, slt);
    if (rc == 0) {
        /* the document's customer and market came with the candidate (store/deadline.c) */
        struct osb_open o = {rr->rule,
                             rr->department,
                             doc,
                             deadline,
                             jstr(row, "owner_customer"),
                             jstr(row, "owner_market"),
                             rr->what,
                             who,
                             slt};
        rc = osb_issue_open(c, cal, &o, number, e);
        if (rc == 1)
            (*opened)++;
    }
    json_decref(who);
    json_decref(slt);
    if (rc >= 0 && done)
        rc = osb_issue_note_done(c, number, json_integer_value(da), jstr(row, "done_action"), e);
    return rc < 0 ? -1 : 0;
}

/* The time limit of rule row rr as the settings have it now. */
static struct deadline_rule rule_limit(struct ctx *c, const struct deadline_rule_row *rr,
                                       const char *working)
{
    struct deadline_rule dl = rr->dl;
    dl.n = rr->n_setting ? settings_int(c->db, rr->n_setting, dl.n, SETTINGS_INT_MAX) : dl.n;
    if (strcmp(rr->rule, "bc_due_5d") == 0 &&
        (strcmp(working, "true") == 0 || strcmp(working, "1") == 0))
        dl.kind = DL_NEXT_WORKING_DAY; /* "configurable to working days" (§2.1 notes) */
    return dl;
}

/* The instant a candidate's clock started (start_at, or 00:00 of start_date): 0 when neither. */
static int row_start(struct ctx *c, json_t *row, ts_t *start)
{
    json_t *sa = json_object_get(row, "start_at");
    if (json_is_integer(sa)) {
        *start = json_integer_value(sa);
        return 1;
    }
    date_t d;
    if (!date_parse(jstr(row, "start_date"), &d))
        return 0;
    *start = date_start_ts(d, c->cfg->tz_min);
    return 1;
}

json_t *deadlines_waiting(struct ctx *c, struct osb_err *e)
{
    struct calendar cal;
    if (settings_calendar(c->db, e, &cal, c->cfg->tz_min) < 0)
        return NULL;
    char *off = settings_get(c->db, "osb_rules_off", "");
    char *working = settings_get(c->db, "collection_days_working", "false");
    json_t *out = json_object();
    for (size_t i = 0; i < sizeof rules / sizeof rules[0] && out; i++) {
        const struct deadline_rule_row *rr = &rules[i];
        if (switched_off(off, rr->rule))
            continue;
        struct deadline_rule dl = rule_limit(c, rr, working);
        json_t *rows = store_deadline_waiting(c->db, e, rr->rule, c->now, c->cfg->tz_min);
        if (!rows) {
            json_decref(out);
            out = NULL;
            break;
        }
        size_t k;
        json_t *row;
        json_array_foreach(rows, k, row)
        {
            ts_t start, deadline;
            const char *doc = jstr(row, "document");
            if (!doc || !row_start(c, row, &start) ||
                (deadline = deadline_at(&cal, &dl, start)) == INT64_MAX)
                continue;
            json_t *have = json_object_get(out, doc);
            if (have) {
                ts_t was = json_integer_value(json_object_get(have, "deadline"));
                bool ahead = deadline > c->now, was_ahead = was > c->now;
                /* the first deadline still ahead, else the last one passed */
                bool better =
                    ahead ? (!was_ahead || deadline < was) : (!was_ahead && deadline > was);
                if (!better)
                    continue;
            }
            json_object_set_new(
                out, doc, json_pack("{ss sI}", "rule", rr->rule, "deadline", (json_int_t)deadline));
        }
        json_decref(rows);
    }
    free(off);
    free(working);
    settings_calendar_release(&cal);
    return out;
}

int deadlines_job(struct ctx *c, const char *period, struct osb_err *e)
{
    (void)period;
    struct calendar cal;
    if (settings_calendar(c->db, e, &cal, c->cfg->tz_min) < 0)
        return -1;
    char *off = settings_get(c->db, "osb_rules_off", "");
    char *working = settings_get(c->db, "collection_days_working", "false");
    ts_t since = c->now - LOOKBACK_DAYS * TS_PER_DAY;
    json_t *marks = store_deadline_marks(c->db, e);
    int rc = marks ? 0 : -1, opened = 0;
    for (size_t i = 0; i < sizeof rules / sizeof rules[0] && rc == 0; i++) {
        const struct deadline_rule_row *rr = &rules[i];
        if (switched_off(off, rr->rule))
            continue;
        struct deadline_rule dl = rule_limit(c, rr, working);
        /* The stays still waiting that started at or before the rule's settled mark have their
           entries: read only those after it (store/deadline.h "Settled marks"). A mark set
           at a later now than this one (a test clock set back) is not trusted. */
        bool markable = store_deadline_markable(rr->rule);
        json_t *m = json_object_get(marks, rr->rule);
        int64_t settled = jint(m, "settled"), mark_at = jint(m, "at"), upto = 0;
        int64_t done_since = m ? mark_at - DONE_MARGIN : since;
        if (mark_at > c->now) {
            settled = 0;
            done_since = since;
        }
        /* the stays that started after due_upto cannot be due yet: not read (a lookback of
           a year bounds the bisection; before it every start is read as before) */
        int64_t due_upto =
            deadline_last_due_start(&cal, &dl, c->now - 366 * TS_PER_DAY, c->now, c->now);
        struct deadline_when w = {c->now, since, settled, done_since,
                                  due_upto > c->now - 366 * TS_PER_DAY ? due_upto : 0};
        json_t *rows =
            store_deadline_candidates(c->db, e, rr->rule, &dl, &w, c->cfg->tz_min, &upto);
        if (!rows) {
            rc = -1;
            break;
        }
        int64_t settle = upto; /* every waiting stay read up to upto is logged, but ... */
        for (size_t k = 0; k < json_array_size(rows) && rc == 0; k++)
            rc = judge(c, &cal, rr, &dl, json_array_get(rows, k), &opened, &settle, e);
        json_decref(rows);
        /* written every run: its `at` is also where the next run's done stays start */
        if (rc == 0 && markable && store_deadline_mark_set(c->db, e, rr->rule, settle, c->now) < 0)
            rc = -1;
    }
    json_decref(marks);
    free(off);
    free(working);
    settings_calendar_release(&cal);
    return rc;
}

int deadlines_forget_marks(struct ctx *c, struct osb_err *e)
{
    return store_deadline_marks_clear(c->db, e);
}
