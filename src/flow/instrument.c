/*
 * instrument.c — instruments in hand (flow/instrument.h).
 *
 * Who (numbering-and-rules.md §3): register — ssg_leader, csr, the customer's KAM or rep;
 * hand over — the one who received it; sign for it — finance. Reading needs a role that sees
 * money and the customer in scope (404 outside it).
 */
#include "flow/instrument.h"

#include "core/json.h"
#include "core/record.h"
#include "core/sb.h"
#include "flow/billing.h"
#include "flow/flow.h"
#include "flow/notify.h"
#include "store/order.h"

#include <stdlib.h>
#include <string.h>


static int instrument_json(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    json_t *o = NULL;
    int rc = db_row(c->db, e, &o,
                    "SELECT number, customer, kind, instrument_no, amount_fen, issuer_bank,"
                    " maturity_date, received_by, received_at, state, handed_over_at,"
                    " finance_signed_by, finance_signed_at, payment, version, updated_at"
                    " FROM instruments WHERE number = ?",
                    "s", number);
    if (rc <= 0)
        return rc < 0 ? -1 : err_set(e, ERR_NOT_FOUND, "no instrument '%s'", number);
    json_t *tl = flow_doc_timeline(c, e, "instrument_events", "instrument", number);
    if (!tl) {
        json_decref(o);
        return -1;
    }
    static const char *const times[] = {"received_at", "handed_over_at", "finance_signed_at",
                                        "updated_at"};
    for (size_t i = 0; i < sizeof times / sizeof times[0]; i++)
        flow_ts(c, o, times[i]);
    json_object_set_new(o, "timeline", tl);
    *out = o;
    return 0;
}

static int event(struct ctx *c, const char *number, const char *action, const char *from,
                 const char *to, const char *comment, struct osb_err *e)
{
    return flow_doc_event(c, e, "instrument_events", "instrument", number, action, from, to, comment);
}

static int tell_finance(struct ctx *c, const char *number, const char *what, struct osb_err *e)
{
    json_t *fin = db_rows(c->db, e,
                          "SELECT username FROM users WHERE role = 'finance' AND active = 1"
                          " ORDER BY username",
                          NULL);
    if (!fin)
        return -1;
    int rc = 0;
    size_t i;
    json_t *u;
    json_array_foreach(fin, i, u) if (rc == 0) rc =
        notify(c, e, "instrument", jstr(u, "username"), number, NULL, "票据%s%s", number, what);
    json_decref(fin);
    return rc;
}

static const char *const kinds[] = {"cheque", "acceptance_bill", "bank_draft", "cash", NULL};
static const struct field_def create_fields[] = {
    {"customer", FK_REF, 0, 0, F_REQUIRED, "customers", 0, 0},
    {"kind", FK_ENUM, 0, 0, F_REQUIRED, 0, kinds, 0},
    {"instrument_no", FK_TEXT, 0, 60, F_REQUIRED, 0, 0, 0},
    {"amount_fen", FK_FEN, 1, 0, F_REQUIRED, 0, 0, "amount_out_of_range"},
    {"issuer_bank", FK_TEXT, 0, 100, 0, 0, 0, 0},
    {"maturity_date", FK_DATE, 0, 0, 0, 0, 0, 0},
};
static const struct record_def create_def = {"instruments", "number", "instrument",
                                             create_fields, 6};

static bool sees(struct ctx *c, const struct order_customer *cu, bool own)
{
    struct scope_user su;
    ctx_scope_user(c, &su);
    struct scope_customer sc = {cu->market, cu->region,      cu->kam,
                                cu->rep,    cu->kam_manager, cu->supervisor};
    return own ? scope_owns_customer(&su, &sc) : scope_sees_customer(&su, &sc);
}

int instrument_create(struct ctx *c, json_t *body, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *n = NULL;
    if (flow_need(c, P_INSTRUMENT_REGISTER, e) < 0 ||
        record_check(&create_def, body, true, &n, e) < 0)
        return -1;
    int rc = -1;
    const char *customer = jstr(n, "customer"), *no = jstr(n, "instrument_no");
    struct order_customer cu;
    int f = store_order_customer(c->db, e, customer, &cu);
    if (f < 0)
        goto out;
    if (f == 0 || !sees(c, &cu, false)) {
        err_invalid(e, "customer", "unknown_reference", "no customer '%s'", customer);
        goto out;
    }
    if (perm_symbol(P_INSTRUMENT_REGISTER, c->user.role) == 'O' && !sees(c, &cu, true)) {
        err_forbidden(e, "role", "only the customer's KAM or rep registers its instruments");
        goto out;
    }
    if (!*no) {
        err_invalid(e, "instrument_no", "required", "the instrument's number is required");
        goto out;
    }
    int64_t dup = 0;
    if (db_int(c->db, e, &dup,
               "SELECT count(*) FROM instruments WHERE customer = ? AND kind = ?"
               " AND instrument_no = ? AND state <> 'returned'",
               "sss", customer, jstr(n, "kind"), no) < 0)
        goto out;
    if (dup) {
        err_set(e, ERR_DUPLICATE, "instrument %s of customer %s is registered already", no,
                customer);
        snprintf(e->field, sizeof e->field, "instrument_no");
        goto out;
    }
    char number[DOCNO_MAX];
    if (flow_docno(c, e, "PJ", number) < 0 ||
        db_exec(c->db, e,
                "INSERT INTO instruments(number, customer, kind, instrument_no, amount_fen,"
                " issuer_bank, maturity_date, received_by, received_at, updated_at)"
                " VALUES(?,?,?,?,?,?,?,?,?,?)",
                "ssssisssii", number, customer, jstr(n, "kind"), no,
                (int64_t)jint(n, "amount_fen"), jstr(n, "issuer_bank"), jstr(n, "maturity_date"),
                c->user.username, c->now, c->now) < 0 ||
        event(c, number, "register", NULL, "in_hand", NULL, e) < 0)
        goto out;
    json_t *after = json_pack("{ss ss ss sI ss}", "customer", customer, "kind", jstr(n, "kind"),
                              "instrument_no", no, "amount_fen", (json_int_t)jint(n, "amount_fen"),
                              "state", "in_hand");
    rc = flow_audit(c, e, "create", "instrument", number, NULL, after);
    json_decref(after);
    if (rc == 0)
        rc = tell_finance(c, number, "已登记，须当日交财务签收", e);
    if (rc == 0)
        rc = instrument_json(c, number, out, e);
out:
    json_decref(n);
    return rc;
}

/* The row and its customer when the caller may see it; 404 otherwise (403 for roles that
   see no money). */
static int load(struct ctx *c, const char *number, json_t **row, struct order_customer *cu,
                struct osb_err *e)
{
    *row = NULL;
    int rc = db_row(c->db, e, row,
                    "SELECT number, customer, state, received_by, version FROM instruments"
                    " WHERE number = ?",
                    "s", number);
    if (rc < 0)
        return -1;
    if (rc == 1) {
        rc = scope_money_sees(c, jstr(*row, "customer"), e);
        if (rc == 1 && store_order_customer(c->db, e, jstr(*row, "customer"), cu) != 1)
            rc = -1;
    }
    if (rc <= 0) {
        json_decref(*row);
        *row = NULL;
        return rc < 0 || !err_ok(e) ? -1 : err_set(e, ERR_NOT_FOUND, "no instrument '%s'", number);
    }
    return 0;
}

int instrument_get(struct ctx *c, const char *number, json_t **out, struct osb_err *e)
{
    *out = NULL;
    json_t *row;
    struct order_customer cu;
    if (load(c, number, &row, &cu, e) < 0)
        return -1;
    json_decref(row);
    return instrument_json(c, number, out, e);
}

int instrument_list(struct ctx *c, const struct instrument_query *q, json_t **out,
                    struct osb_err *e)
{
    *out = NULL;
    if (q->state && strcmp(q->state, "in_hand") && strcmp(q->state, "handed_over") &&
        strcmp(q->state, "registered") && strcmp(q->state, "returned"))
        return err_bad(e, "state", "unknown state '%s'", q->state);
    if (!scope_role_reads_money(c->user.role))
        return err_forbidden(e, "role", "the role %s does not see instruments",
                             role_str(c->user.role));
    json_t *p = json_array();
    struct sb sql = SB_INIT;
    sb_add(&sql, "SELECT i.number FROM instruments i JOIN customers cu ON cu.code = i.customer"
                 " WHERE 1=1");
    scope_money_sql(c, &sql, p, "cu");
    flow_filter_eq(&sql, p, "i.customer", q->customer);
    flow_filter_eq(&sql, p, "i.state", q->state);
    flow_filter_eq(&sql, p, "i.kind", q->kind);
    flow_filter_eq(&sql, p, "i.received_by", q->received_by);
    return flow_doc_page(c, &sql, p, "i.number", q->cursor, q->limit, instrument_json, out, e);
}

static const struct {
    const char *name;
    enum perm_action perm;
    const char *from[3];
    const char *to;
} actions[] = {
    {"hand-over", P_INSTRUMENT_REGISTER, {"in_hand"}, "handed_over"},
    {"sign", P_INSTRUMENT_SIGN, {"in_hand", "handed_over"}, "registered"},
};

int instrument_act(struct ctx *c, const char *number, const char *action, json_t *body,
                   json_t **out, struct osb_err *e)
{
    *out = NULL;
    size_t ai = 0;
    while (ai < sizeof actions / sizeof actions[0] && strcmp(actions[ai].name, action))
        ai++;
    if (ai == sizeof actions / sizeof actions[0])
        return err_set(e, ERR_NOT_FOUND, "no instrument action '%s'", action);
    if (!json_is_object(body))
        return err_bad(e, NULL, "the body must be a JSON object");
    const char *k;
    json_t *v;
    json_object_foreach(body, k, v)
    {
        if (strcmp(k, "comment"))
            return err_bad(e, k, "unknown field '%s'", k);
    }
    json_t *cm = json_object_get(body, "comment");
    if (cm && !json_is_string(cm) && !json_is_null(cm))
        return err_bad(e, "comment", "comment must be a string");
    json_t *r;
    struct order_customer cu;
    if (load(c, number, &r, &cu, e) < 0)
        return -1;
    int rc = -1;
    char from[16];
    snprintf(from, sizeof from, "%s", jstr(r, "state"));
    const char *to = actions[ai].to;
    if (flow_need(c, actions[ai].perm, e) < 0)
        goto out;
    if (strcmp(action, "hand-over") == 0 && strcmp(jstr(r, "received_by"), c->user.username)) {
        err_forbidden(e, "role", "only %s, who received it, hands it over",
                      jstr(r, "received_by"));
        goto out;
    }
    bool ok = false;
    for (size_t i = 0; i < 3 && actions[ai].from[i]; i++)
        ok = ok || strcmp(actions[ai].from[i], from) == 0;
    if (!ok) {
        err_state(e, from, "an instrument in state %s cannot %s", from, action);
        goto out;
    }
    if (flow_check_version(c, e, jint(r, "version")) < 0)
        goto out;
    bool sign = strcmp(action, "sign") == 0;
    if ((sign ? db_exec(c->db, e,
                        "UPDATE instruments SET state = ?, finance_signed_by = ?,"
                        " finance_signed_at = ?, version = version + 1, updated_at = ?"
                        " WHERE number = ?",
                        "ssiis", to, c->user.username, c->now, c->now, number)
              : db_exec(c->db, e,
                        "UPDATE instruments SET state = ?, handed_over_at = ?,"
                        " version = version + 1, updated_at = ? WHERE number = ?",
                        "siis", to, c->now, c->now, number)) < 0 ||
        event(c, number, action, from, to, json_string_value(cm), e) < 0)
        goto out;
    json_t *before = json_pack("{ss sI}", "state", from, "version", (json_int_t)jint(r, "version"));
    json_t *after =
        json_pack("{ss sI}", "state", to, "version", (json_int_t)(jint(r, "version") + 1));
    rc = flow_audit(c, e, action, "instrument", number, before, after);
    json_decref(before);
    json_decref(after);
    if (rc == 0 && !sign)
        rc = tell_finance(c, number, "已交财务，请签收", e);
    if (rc == 0)
        rc = instrument_json(c, number, out, e);
out:
    json_decref(r);
    return rc;
}

int instrument_link_payment(struct ctx *c, const char *customer, const char *reference,
                            const char *payment, struct osb_err *e)
{
    if (!reference || !*reference)
        return 0;
    return db_exec(c->db, e,
                   "UPDATE instruments SET payment = ?, version = version + 1, updated_at = ?"
                   " WHERE number = (SELECT number FROM instruments WHERE customer = ?"
                   " AND instrument_no = ? AND state = 'registered' AND payment IS NULL"
                   " ORDER BY id LIMIT 1)",
                   "siss", payment, c->now, customer, reference) < 0
               ? -1
               : 0;
}
