/*
 * settings.c (flow) — the settings resource: which keys may be set through the API and what a
 * valid value of each looks like. The store (store/settings.c) keeps the rows.
 */
#include "flow/settings.h"

#include "core/str.h"
#include "flow/deadlines.h"
#include "flow/flow.h"
#include "store/settings.h"

#include <stdlib.h>
#include <string.h>

enum kind { K_INT, K_BOOL, K_TEXT, K_SMTP_URL, K_SECRET, K_RULE_LIST };

static const struct {
    const char *key;
    enum kind kind;
    const char *dflt; /* shown when unset */
} keys[] = {
    {"company_name", K_TEXT, ""},
    {"smtp_url", K_SMTP_URL, ""},
    {"smtp_from", K_TEXT, "osb@localhost"},
    {"smtp_username", K_TEXT, ""},
    {"smtp_password", K_SECRET, ""},
    {"smtp_starttls", K_BOOL, "false"},
    {"osb_rules_off", K_RULE_LIST, ""},
    {"oa_minutes", K_INT, "30"},
    {"sp_hours_target", K_INT, "24"},
    {"sp_hours_explain", K_INT, "48"},
    {"sp_working_days_max", K_INT, "3"},
    {"pod_grace_days", K_INT, "2"},
    {"collection_days_after_due", K_INT, "5"},
    {"collection_days_working", K_BOOL, "false"},
    {"explanation_due_working_days", K_INT, "1"},
    {"fapiao_arrival_days", K_INT, "3"}, /* flows.md §5 mail: expected_arrival */
    /* reports: customer-list exports beyond these need an SLT approval (numbering §7.2) */
    {"export_rows_needing_approval", K_INT, "500"},
    {"exports_per_day", K_INT, "3"},
    /* CMR (#10, flows.md §1, §11.4): archive review interval, the tiers' shares of the last 12
       months' net sales (key, general; scattered the rest), the longest payment term an MM
       sets without the supervising SLT member */
    {"customer_archive_review_months", K_INT, "12"},
    {"customer_tier_key_pct", K_INT, "80"},
    {"customer_tier_general_pct", K_INT, "15"},
    {"payment_term_slt_above_days", K_INT, "30"},
    /* CMR (#10, numbering-and-rules.md §9 cmr_cycle_days): the order cycle in the formula's
       T = payment term + cycle (days, 1–365) */
    {"cmr_cycle_days", K_INT, "30"},
    /* field sales (#13, flows.md §9.2): next week's visit plan is due this many minutes before
       its Monday 00:00 (2340: Saturday 09:00) */
    {"visit_plan_weekly_lead_minutes", K_INT, "2340"},
    /* the field deadlines' lengths (flows.md §7-10, §17; src/flow/deadlines.c reads them): the
       working days after signing for the first order, after registration for the quotation's
       decision, for the MM's confirm and the handler's contact of an after-sales ticket, for
       the forecast's assessment and for the visit report; the day of the month by which last
       month's contract originals are bound (past the month's end: its last day) */
    {"contract_to_order_working_days", K_INT, "1"},
    {"quotation_decide_working_days", K_INT, "1"},
    {"after_sales_confirm_working_days", K_INT, "1"},
    {"after_sales_contact_working_days", K_INT, "1"},
    {"forecast_assess_working_days", K_INT, "2"},
    {"visit_report_working_days", K_INT, "1"},
    {"contract_archive_day", K_INT, "5"},
};
#define NKEYS (sizeof keys / sizeof keys[0])

static int find(const char *key)
{
    for (size_t i = 0; i < NKEYS; i++)
        if (strcmp(keys[i].key, key) == 0)
            return (int)i;
    return -1;
}

static json_t *row_json(struct ctx *c, size_t i, struct osb_err *e)
{
    json_t *r = NULL;
    if (settings_row(c->db, e, keys[i].key, &r) < 0)
        return NULL;
    json_t *o = json_pack("{ss}", "key", keys[i].key);
    if (r) {
        json_object_set(o, "value", json_object_get(r, "value"));
        json_object_set(o, "changed_by", json_object_get(r, "changed_by"));
        json_t *at = json_object_get(r, "changed_at");
        if (json_is_integer(at)) {
            char b[32];
            ts_format_rfc3339(json_integer_value(at), c->cfg->tz_min, b);
            json_object_set_new(o, "changed_at", json_string(b));
        } else {
            json_object_set_new(o, "changed_at", json_null());
        }
        json_decref(r);
    } else {
        json_object_set_new(o, "value", json_string(keys[i].dflt));
        json_object_set_new(o, "changed_by", json_null());
        json_object_set_new(o, "changed_at", json_null());
    }
    json_object_set_new(o, "default", json_string(keys[i].dflt));
    if (keys[i].kind == K_SECRET) {
        const char *v = json_string_value(json_object_get(o, "value"));
        json_object_set_new(o, "value", json_string(v && *v ? "********" : ""));
    }
    return o;
}

int settings_list(struct ctx *c, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need_read(c, P_ORG_ADMIN, e) < 0)
        return -1;
    json_t *items = json_array();
    for (size_t i = 0; i < NKEYS; i++) {
        json_t *o = row_json(c, i, e);
        if (!o) {
            json_decref(items);
            return -1;
        }
        json_array_append_new(items, o);
    }
    *out = json_pack("{so so}", "items", items, "next_cursor", json_null());
    return 0;
}

static bool valid(enum kind k, const char *v)
{
    size_t n = strlen(v);
    switch (k) {
    case K_INT: {
        long l;
        return str_to_long(v, 0, SETTINGS_INT_MAX, &l);
    }
    case K_BOOL:
        return strcmp(v, "true") == 0 || strcmp(v, "false") == 0;
    case K_SMTP_URL:
        return n == 0 || ((strncmp(v, "smtp://", 7) == 0 || strncmp(v, "smtps://", 8) == 0) &&
                          n <= 300 && !strpbrk(v, " \r\n\t"));
    case K_RULE_LIST:
        return strspn(v, "abcdefghijklmnopqrstuvwxyz0123456789_, ") == n && n <= 1000;
    case K_TEXT:
    case K_SECRET:
        return n <= 300 && !strpbrk(v, "\r\n");
    }
    return false;
}

int settings_put(struct ctx *c, const char *key, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    if (flow_need(c, P_ORG_ADMIN, e) < 0)
        return -1;
    int i = find(key);
    if (i < 0)
        return err_set(e, ERR_NOT_FOUND, "no setting '%s' can be changed here", key);
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object {\"value\": \"...\"}");
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        if (strcmp(k, "value"))
            return err_bad(e, k, "unknown field '%s'", k);
    }
    v = json_object_get(body, "value");
    if (!v)
        return err_invalid(e, "value", "required", "value is required");
    char num[32];
    const char *s;
    if (json_is_string(v)) {
        s = json_string_value(v);
    } else if (json_is_integer(v) && keys[i].kind == K_INT) {
        if (str_fmt(num, sizeof num, "%lld", (long long)json_integer_value(v)) < 0)
            return err_set(e, ERR_INTERNAL, "internal error: cannot format a number");
        s = num;
    } else if (json_is_boolean(v) && keys[i].kind == K_BOOL) {
        s = json_is_true(v) ? "true" : "false";
    } else {
        return err_bad(e, "value", "value must be a string");
    }
    if (!valid(keys[i].kind, s))
        return err_invalid(e, "value", "invalid_value", "not a valid value for %s", key);
    json_t *before = row_json(c, (size_t)i, e);
    if (!before)
        return -1;
    /* A rule re-timed or switched on judges the stays done before its previous run again:
       the deadline job's marks are forgotten (store/deadline.h "Settled marks"). */
    if (settings_set(c->db, e, key, s, c->user.username, c->now) < 0 ||
        deadlines_forget_marks(c, e) < 0) {
        json_decref(before);
        return -1;
    }
    json_t *after = row_json(c, (size_t)i, e);
    int rc = after ? flow_audit(c, e, "set", "setting", key, before, after) : -1;
    json_decref(before);
    if (rc < 0) {
        json_decref(after);
        return -1;
    }
    *out = after;
    return 0;
}
