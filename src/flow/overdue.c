/*
 * overdue.c — the invoice reminders and overdue ladder (flows.md §4.1 BC2, BC6; §20 daily
 * 08:00; numbering-and-rules.md §9 reminder_days) and the credit incidents it records
 * (entities.md §2.4). Exports overdue_job() and overdue_incidents_get() only.
 *
 * Each step of `steps` is a number of calendar days from the invoice's due date and the people
 * it tells. The job looks at every invoice with an open amount (amount − settled − credited −
 * written_off > 0) and takes every step whose day has come (due + days <= today): a step on a
 * day the job missed (server down) is taken at the next run. A settled invoice is not looked
 * at, so a step it passed while settled is never sent; open amounts only fall (a reversal
 * cancels the invoice), so an invoice open today was open on each earlier step day. Steps
 * before the invoice date (a term shorter than 7 days) are skipped: there was no invoice to
 * remind of.
 *
 * Once per (invoice, step): the step's first recipient gets the dedup key
 * "remind:<invoice>:<step>" and the step is taken only while no notification has it; the other
 * recipients get "remind:<invoice>:<step>:<username>" (dedup keys are unique over all
 * notifications). D+90 also records one `overdue_90` incident per invoice (unique index) and
 * puts the customer on credit hold with grade E, audited as a customer change.
 *
 * What BC6 says of D+5 (`bc_due_5d`: an OSB entry the BCR and KAM explain) is the deadline job's
 * (flow/deadlines.c), not this one's.
 */
#include "flow/overdue.h"

#include "core/json.h"
#include "core/money.h"
#include "core/sb.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "flow/scope.h"
#include "store/overdue.h"
#include "store/recipients.h"

#include <stdlib.h>
#include <string.h>

#define HOLD_REASON "逾期超过90天 (overdue > 90 days)"

/* Who a step tells. */
enum {
    TO_CUSTOMER = 1 << 0, /* "customer:<code>", the convention for customer notices */
    TO_KAM = 1 << 1,
    TO_UM = 1 << 2,         /* the order's UM, else the region's */
    TO_BCR = 1 << 3,        /* the order's BCR, else the market's, else the SSG leader */
    TO_SUPERVISOR = 1 << 4, /* the market's supervising SLT member */
    TO_GM = 1 << 5,
};

static const struct step {
    const char *name; /* in the dedup key */
    int days;         /* from due_date, calendar days */
    unsigned to;
    const char *event;
    const char *subject; /* %s: invoice, customer, due date, open amount */
} steps[] = {
    {"d-7", -7, TO_CUSTOMER | TO_KAM, "invoice_due_soon", "发票%s（%s）将于%s到期，未付%s"},
    {"d0", 0, TO_CUSTOMER, "invoice_due", "发票%s（%s）今日（%s）到期，未付%s"},
    {"d+1", 1, TO_CUSTOMER | TO_KAM | TO_UM | TO_BCR, "invoice_overdue",
     "逾期通知：发票%s（%s）已于%s到期，未付%s"},
    {"d+30", 30, TO_SUPERVISOR, "invoice_overdue_30", "发票%s（%s）逾期30天（到期日%s），未付%s"},
    {"d+60", 60, TO_GM, "invoice_overdue_60", "发票%s（%s）逾期60天（到期日%s），未付%s"},
    {"d+90", 90, TO_SUPERVISOR | TO_KAM | TO_BCR, "invoice_overdue_90",
     "发票%s（%s）逾期90天（到期日%s），未付%s：已记录信用问题，客户信用冻结、等级E"},
};

static void add_who(json_t *who, const char *u)
{
    if (!u || !*u)
        return;
    size_t i;
    json_t *v;
    json_array_foreach(who, i, v) if (strcmp(json_string_value(v), u) == 0) return;
    json_array_append_new(who, json_string(u));
}

/* The recipients of step s for invoice row r, in a fixed order, each once. */
static int recipients(struct ctx *c, const struct step *s, json_t *r, json_t *who,
                      struct osb_err *e)
{
    if (s->to & TO_CUSTOMER) {
        struct sb cu = SB_INIT;
        sb_addf(&cu, "customer:%s", jstr(r, "customer"));
        add_who(who, sb_str(&cu));
        sb_free(&cu);
    }
    if (s->to & TO_SUPERVISOR)
        add_who(who, jstr(r, "supervisor"));
    if (s->to & TO_KAM)
        add_who(who, jstr(r, "kam"));
    if (s->to & TO_UM)
        add_who(who, jstr(r, "um"));
    if (s->to & TO_BCR)
        add_who(who, jstr(r, "bcr"));
    if (s->to & TO_GM) {
        json_t *gm = store_role_users(c->db, e, "gm");
        if (!gm)
            return -1;
        size_t i;
        json_t *u;
        json_array_foreach(gm, i, u) add_who(who, json_string_value(u));
        json_decref(gm);
    }
    return 0;
}

/* BC6 D+90: one `overdue_90` incident for the invoice, recorded by "system" (the job, whoever
   ran it); the first puts the customer on credit hold with grade E (an audited customer
   change, unless it already was exactly that). */
static int overdue_90(struct ctx *c, json_t *r, date_t day, struct osb_err *e)
{
    const char *inv = jstr(r, "number"), *code = jstr(r, "customer");
    char ds[11];
    date_format(day, ds);
    struct sb note = SB_INIT;
    sb_addf(&note, "发票%s到期日%s，逾期90天未结清", inv, jstr(r, "due_date"));
    int n = store_incident_overdue_90(c->db, e, code, ds, jint(r, "open_fen"), sb_str(&note), inv,
                                      c->now);
    sb_free(&note);
    if (n <= 0)
        return n; /* recorded by an earlier run */
    json_t *before;
    int rc = store_customer_hold(c->db, e, code, &before);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_INTERNAL, "no customer '%s'", code);
    if (is(jstr(before, "grade"), "E") && json_is_true(json_object_get(before, "credit_hold")) &&
        is(jstr(before, "credit_hold_reason"), HOLD_REASON)) {
        json_decref(before);
        return 0;
    }
    json_t *after =
        json_pack("{ss sb ss}", "grade", "E", "credit_hold", 1, "credit_hold_reason", HOLD_REASON);
    rc = store_customer_set_hold(c->db, e, code, HOLD_REASON, c->now) < 0 ||
                 flow_audit(c, e, "credit_hold", "customer", code, before, after) < 0
             ? -1
             : 0;
    json_decref(before);
    json_decref(after);
    return rc;
}

/* Takes step s of invoice row r once: its notices (and the D+90 incident). */
static int take_step(struct ctx *c, const struct step *s, json_t *r, date_t day, struct osb_err *e)
{
    const char *inv = jstr(r, "number");
    if (s->days == 90 && overdue_90(c, r, day, e) < 0)
        return -1;
    struct sb key = SB_INIT;
    sb_addf(&key, "remind:%s:%s", inv, s->name);
    int64_t sent = 0;
    if (store_notification_sent(c->db, e, sb_str(&key), &sent) < 0) {
        sb_free(&key);
        return -1;
    }
    json_t *who = json_array();
    int rc = sent ? 0 : recipients(c, s, r, who, e);
    char open[40];
    money_format(jint(r, "open_fen"), open, sizeof open);
    size_t i;
    json_t *u;
    json_array_foreach(who, i, u)
    {
        if (rc < 0)
            break;
        struct sb k = SB_INIT;
        if (i == 0)
            sb_addf(&k, "%s", sb_str(&key));
        else
            sb_addf(&k, "%s:%s", sb_str(&key), json_string_value(u));
        rc = notify(c, e, s->event, json_string_value(u), inv, sb_str(&k), s->subject, inv,
                    jstr(r, "customer"), jstr(r, "due_date"), open);
        sb_free(&k);
    }
    json_decref(who);
    sb_free(&key);
    return rc;
}

int overdue_job(struct ctx *c, const char *period, struct osb_err *e)
{
    (void)period;
    date_t today = flow_today(c);
    char horizon[11];
    date_format(today - steps[0].days, horizon); /* the earliest step: D−7 */
    json_t *rows = store_overdue_candidates(c->db, e, horizon);
    if (!rows)
        return -1;
    int rc = 0;
    size_t i;
    json_t *r;
    json_array_foreach(rows, i, r)
    {
        date_t due, issued;
        if (!date_parse(jstr(r, "due_date"), &due) ||
            !date_parse(jstr(r, "invoice_date"), &issued)) {
            rc = err_set(e, ERR_INTERNAL, "invoice %s has a bad date", jstr(r, "number"));
            break;
        }
        for (size_t k = 0; rc == 0 && k < sizeof steps / sizeof steps[0]; k++) {
            date_t day = due + steps[k].days;
            if (day <= today && day >= issued)
                rc = take_step(c, &steps[k], r, day, e);
        }
        if (rc < 0)
            break;
    }
    json_decref(rows);
    return rc < 0 ? -1 : 0;
}

int overdue_incidents_get(struct ctx *c, const char *customer, json_t **out, struct osb_err *e)
{
    *out = NULL;
    int rc = scope_money_sees(c, customer, NULL, e);
    if (rc < 0)
        return -1;
    if (rc == 0)
        return err_set(e, ERR_NOT_FOUND, "no customer '%s'", customer);
    json_t *items = store_credit_incidents(c->db, e, customer);
    if (!items)
        return -1;
    size_t i;
    json_t *it;
    json_array_foreach(items, i, it) flow_ts(c, it, "created_at");
    *out =
        json_pack("{ss so so}", "customer", customer, "items", items, "next_cursor", json_null());
    return 0;
}
